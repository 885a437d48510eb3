/**
 * An update package applied from inside the OS, the way a user does it: the package
 * file is put on the disk image from the host (os/tools/put.ts), the instrumented
 * build boots on that disk, and the shell runs `service update --package FILE`, which
 * reads the file through VFS and hands it to RS by grant. A user other than root is
 * refused, a damaged package or a bad override is refused with the reason printed, and
 * the good package commits: DS runs the new version with its state, and a program no
 * service runs is installed for new execs.
 *
 * Two builds: the OS as it is ("base") and "v2", whose DS entries gain a counter with
 * an initializer (transferred automatically) and whose echo shouts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore, SECTOR_SIZE } from "../../../hw/disk.js";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import { fsck } from "../../../os/tools/fsck.js";
import { mkfs } from "../../../os/tools/mkfs.js";
import { put } from "../../../os/tools/put.js";
import { LiveSystem } from "../../../runtime/live-system.js";
import { versionLabel } from "../../../runtime/package/apply.js";
import { decodePackage } from "../../../runtime/package/format.js";
import { makePackage } from "../../../runtime/package/make.js";
import { buildVersion, replace } from "../../support/versions.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-in-os-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const V2_EDITS = {
  "servers/ds/state.ts": replace("export class Entry {\n", "export class Entry {\n  /** Times the value was set. */\n  writes = 1;\n"),
  "user/bin/echo.ts": replace("await print(words.join(\" \")", "await print(words.join(\" \").toUpperCase()"),
};

let base: BuildImage;
let good: string;

beforeAll(() => {
  base = buildVersion(path.join(tmp, "base"));
  const v2 = buildVersion(path.join(tmp, "v2"), V2_EDITS);
  good = makePackage({ label: "base", build: base }, { label: "v2", build: v2 }).text;
}, 180_000);

/** A fresh volume holding the good package, a truncated copy and a corrupt one under /etc. */
function disk(): MemoryStore {
  const store = new MemoryStore((16 * 1024 * 1024) / SECTOR_SIZE);
  mkfs(store);
  const utf8 = (s: string) => new TextEncoder().encode(s);
  put(store, "/etc/v2.pkg", utf8(good));
  put(store, "/etc/truncated.pkg", utf8(good.slice(0, good.length >> 1)));
  put(store, "/etc/corrupt.pkg", utf8(`${good.slice(0, 1000)}\u0000${good.slice(1001)}`));
  expect(fsck(store).errors).toEqual([]);
  return store;
}

/** Type `lines` at the shell and run until the machine has been idle a while; returns what they printed. */
async function typed(live: LiveSystem, lines: string): Promise<string> {
  const before = live.system.consoleOutput.length;
  live.system.machine.console.type(lines);
  await live.system.run(live.system.machine.clock.now + 3_000);
  return live.system.consoleOutput.slice(before);
}

describe("service update --package", () => {
  it("applies a package stored on the disk from the shell; users and damaged packages are refused", async () => {
    const live = new LiveSystem({ seed: 11, initArgv: ["sh"], image: base, diskStore: disk(), format: "never" });
    live.system.boot();
    await live.system.run(300);
    const sh = [...live.system.kernel.liveProcs()].find((p) => p.name === "sh")!;

    sh.uid = 1000; // as a login would: the shell of an ordinary user
    const user = await typed(live, "service update --package /etc/v2.pkg\n");
    expect(user).toMatch(/service: rs update: EPERM \(only root or a system process may update services\)/);
    sh.uid = 0;

    const truncated = await typed(live, "service update --package /etc/truncated.pkg\n");
    expect(truncated).toMatch(/service: rs update: EINVAL \(package: truncated/);
    const corrupt = await typed(live, "service update --package /etc/corrupt.pkg\n");
    expect(corrupt).toMatch(/service: rs update: EINVAL \(package: not a package/);
    const wrongService = await typed(live, "service update --package /etc/v2.pkg vfs\n");
    expect(wrongService).toMatch(/service: rs update vfs: EINVAL \(.*the package does not change "vfs"/);
    const missing = await typed(live, "service update --package /etc/nothing.pkg\n");
    expect(missing).toMatch(/service: open \/etc\/nothing\.pkg: ENOENT/);
    expect(live.updater.versionOf("ds").label).toBe("boot");

    const label = versionLabel(decodePackage(good));
    const applied = await typed(live, "service update --package /etc/v2.pkg --maxtime 1000\nservice status\necho done\n");
    expect(applied).toContain(`update 1 of package /etc/v2.pkg: committed\n  package ${label} (base -> v2): ds boot -> ${label}\n`
      + "  installed for new execs: echo\n  phases (ticks): request");
    expect(applied).toMatch(/^ds\s+3 up\s+0\s+1 ds$/m);
    expect(live.updater.versionOf("ds").label).toBe(label);
    expect(applied).toContain("DONE"); // echo runs the package's code now

    const again = await typed(live, "service update --package /etc/v2.pkg\n");
    expect(again).toMatch(/service: rs update: EINVAL \(package: already applied/);
    live.system.machine.powerOff();
  }, 60_000);

  it.each([["/etc/v2.pkg", 0], ["/etc/truncated.pkg", 2]])("exits as documented: %s, status %i", async (file, code) => {
    const live = new LiveSystem({ seed: 12, initArgv: ["service", "update", "--package", file], image: base, diskStore: disk(), format: "never" });
    live.system.boot();
    expect(await live.system.run(20_000)).toBe("halted");
    expect(live.system.consoleOutput).toContain(`init: service exited with status ${code}`);
  }, 30_000);
});
