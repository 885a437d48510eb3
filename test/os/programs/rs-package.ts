/**
 * RS.UPDATE with a package attached by grant (see test/os/servers/rs/package.test.ts,
 * whose stand-in updater answers each start with the size and FNV-1a hash of the bytes
 * the kernel copied in). Run as init of a system without a file system.
 */
import { RS_PROC_NR } from "../../../os/include/com.js";
import { E2BIG, EFAULT, EINVAL, EPERM, OK } from "../../../os/include/errno.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../../os/include/ipc.js";
import { RS } from "../../../os/include/rs.js";
import { grant, revoke, sendrec } from "../../../os/lib/ipc.js";
import { status, update } from "../../../os/lib/rs.js";
import { setuid } from "../../../os/lib/unistd.js";
import { assert, assertEq, assertErrno } from "./checks.js";
import { fnv1a } from "./checksum.js";

const REQUEST = JSON.stringify({ package: true });

function pkg(length: number): Uint8Array {
  return new Uint8Array(length).map((_, i) => (i * 7 + 3) & 0xff);
}

/** A raw RS.UPDATE: the reply's status and reason. */
async function raw(fields: Omit<Message, "type">): Promise<{ type: number; reason: unknown }> {
  const r = await sendrec(RS_PROC_NR, { type: RS.UPDATE, request: REQUEST, ...fields });
  return { type: r.type, reason: r.reason };
}

const SCENARIOS: Record<string, () => Promise<void>> = {
  async root() {
    const bytes = pkg(100_000);
    const r = await update({ package: true }, bytes);
    assertEq(r.outcome, "committed", "outcome");
    assertEq(r.reason, `attachment ${bytes.length} ${fnv1a(bytes)}`, "the updater got the package's bytes");
    // Grant ids count up: the one update() made is the one before this, and it is gone.
    const probe = grant(RS_PROC_NR, bytes, 0, 1, GRANT_READ);
    assertEq(revoke(probe - 1), -EINVAL, "update() revoked its grant");
    revoke(probe);

    const mine = grant(RS_PROC_NR, bytes, 0, 10, GRANT_READ);
    const toDs = grant(3, bytes, 0, 10, GRANT_READ);
    const writeOnly = grant(RS_PROC_NR, bytes, 0, 10, GRANT_WRITE);
    const cases: Array<[string, Omit<Message, "type">, number, RegExp]> = [
      ["a grant that does not exist", { grant: 9999, size: 1 }, EPERM, /grant 9999 of endpoint \d+ does not exist or does not let rs read it/],
      ["a grant to another process", { grant: toDs, size: 10 }, EPERM, /does not let rs read it/],
      ["a grant RS may only write", { grant: writeOnly, size: 10 }, EPERM, /does not let rs read it/],
      ["a size past the grant", { grant: mine, size: 11 }, EFAULT, /is shorter than 11 bytes/],
      ["a size no byte count", { grant: mine, size: -1 }, EINVAL, /size -1 is not a byte count/],
      ["a size past the limit", { grant: mine, size: 65 * 1024 * 1024 }, E2BIG, /more than the 64 MiB allowed/],
      ["a grant that is no number", { grant: "g", size: 10 }, EINVAL, /a package goes by a grant number and a size/],
    ];
    for (const [what, fields, errno, reason] of cases) {
      const r = await raw(fields);
      assertEq(r.type, -errno, `${what}: status`);
      assert(typeof r.reason === "string" && reason.test(r.reason), `${what}: reason ${String(r.reason)}`);
    }
    // RS goes on serving, updates included.
    assertEq((await status()).map((s) => s.state).join(), "up", "RS answers");
    assertEq((await raw({ grant: mine, size: 10 })).type, OK, "a good grant after the bad ones");
    assertEq((await update({ package: true }, new Uint8Array(0))).reason, `attachment 0 ${fnv1a(new Uint8Array(0))}`,
      "an empty package is the updater's to refuse");
  },

  async user() {
    await setuid(1000);
    await assertErrno(update({ package: true }, pkg(10)), EPERM, "a user may not update services");
  },
};

export async function main(argv: string[]): Promise<number> {
  const scenario = SCENARIOS[argv[0] ?? ""];
  if (!scenario) throw new Error(`no scenario '${argv[0]}'`);
  await scenario();
  return 0;
}
