/** RS scenarios, run as init of a system without a file system (see pm-calls.ts for the conventions). */
import { DS_PROC_NR, RS_PROC_NR } from "../../../os/include/com.js";
import { EDEADSRCDST, EINVAL, ENOENT, ENOSYS, EPERM, ESRCH } from "../../../os/include/errno.js";
import { WEXITSTATUS } from "../../../os/include/wait.js";
import type { Message } from "../../../os/include/ipc.js";
import { DS } from "../../../os/include/ds.js";
import { HEARTBEAT_PERIOD, RS } from "../../../os/include/rs.js";
import { publish, retrieve } from "../../../os/lib/ds.js";
import { IpcError, receive, sendrec } from "../../../os/lib/ipc.js";
import { lookup, restart, status, update } from "../../../os/lib/rs.js";
import { exit, fork, getuid, setuid, sleep, waitpid } from "../../../os/lib/unistd.js";
import { assert, assertEq, assertErrno } from "./checks.js";

type Scenario = (args: string[]) => Promise<void>;

async function dsStatus() {
  const ds = (await status()).find((s) => s.name === "ds");
  assert(ds, "RS manages ds");
  return ds;
}

const SCENARIOS: Record<string, Scenario> = {
  async lookup() {
    assertEq(await lookup("ds"), DS_PROC_NR, "ds endpoint");
    await assertErrno(lookup("pm"), ESRCH, "PM is not a managed service");
    await assertErrno(lookup("nothing"), ESRCH, "unknown service");
    const list = await status();
    assertEq(list.map((s) => s.name).join(), "ds", "services of this system");
    assertEq(JSON.stringify(list[0]), JSON.stringify({ name: "ds", program: "ds", endpoint: DS_PROC_NR, state: "up",
      restarts: 0, updates: 0 }), "ds status");
    await assertErrno(restart("ds"), EPERM, "a user process asks for a restart");
    const raw = (m: Message) => sendrec(RS_PROC_NR, m);
    for (const [m, errno] of [
      [{ type: 0x5ff }, ENOSYS], [{ type: RS.LOOKUP }, EINVAL], [{ type: RS.LOOKUP, name: 3 }, EINVAL],
      [{ type: RS.STATUS }, EINVAL], [{ type: RS.STATUS, index: -1 }, EINVAL], [{ type: RS.STATUS, index: 9 }, ESRCH],
      [{ type: RS.STATUS, name: "zz" }, ESRCH],
    ] as Array<[Message, number]>) {
      assertEq((await raw(m)).type, -errno, `request ${JSON.stringify(m)}`);
    }
  },

  /**
   * Root may ask for live updates (this system has no live-update service: ENOSYS);
   * a user who gave up root is refused (EPERM), and so are its children.
   */
  async permissions() {
    assertEq(await getuid(), 0, "init runs as root");
    const request = { components: [{ name: "ds" }] };
    await assertErrno(update(request), ENOSYS, "root reaches the update manager");
    await setuid(1000);
    assertEq(await getuid(), 1000, "setuid");
    await assertErrno(setuid(0), EPERM, "no way back to root");
    await assertErrno(update(request), EPERM, "a user may not update services");
    const pid = await fork("childUpdates", []);
    assertEq(WEXITSTATUS((await waitpid(pid)).status), 0, "the child checked its own uid and permissions");
  },

  /** Wait past `ticks`, then expect ds to have been restarted (at least `min` times) under its endpoint, working. */
  async restarted([ticks, min]) {
    await sleep(Number(ticks));
    const ds = await dsStatus();
    assert(ds.restarts >= Number(min), `ds restarted ${ds.restarts} times, expected at least ${min}`);
    assertEq(ds.endpoint, DS_PROC_NR, "same endpoint");
    assertEq(ds.state, "up", "up again");
  },

  /** The restarted DS serves (and lost its old entries), and RS published the services again. */
  async "ds-serves-again"([ticks]) {
    await publish("before", 1);
    await sleep(Number(ticks));
    assertEq((await dsStatus()).restarts, 1, "one restart");
    await assertErrno(retrieve("before"), ENOENT, "a new DS starts empty");
    await publish("after", 2);
    assertEq(await retrieve("after"), 2, "the new DS works");
    assertEq(await retrieve("service.ds"), DS_PROC_NR, "RS published ds again");
  },

  async quiet([ticks]) {
    await sleep(Number(ticks));
    assertEq((await dsStatus()).restarts, 0, "a healthy service is left alone");
  },

  /** Nothing to do at all: the machine should stop ("idle"), not run on heartbeats. */
  async idle() {
    await receive();
  },

  /** After a quiet spell, new work (a fork) wakes RS, which then finds ds hung by our request. */
  async "hang-after-quiet"() {
    await sleep(10 * HEARTBEAT_PERIOD);
    const pid = await fork("quick", []);
    await waitpid(pid);
    const hung = await sendrec(DS_PROC_NR, { type: DS.RETRIEVE, key: "k" })
      .then(() => "answered", (e: IpcError) => e.errno);
    assertEq(hung, EDEADSRCDST, "the request to the hung ds fails when RS kills it");
    assertEq((await dsStatus()).restarts, 1, "ds restarted");
  },

  async "crash-loop"([ticks]) {
    await sleep(Number(ticks));
    const ds = await dsStatus();
    assert(ds.restarts >= 3 && ds.restarts <= 8, `a crash loop is slowed down: ${ds.restarts} restarts`);
  },
};

export async function main(argv: string[]): Promise<number> {
  const scenario = SCENARIOS[argv[0] ?? ""];
  if (!scenario) throw new Error(`no scenario '${argv[0]}'`);
  await scenario(argv.slice(1));
  return 0;
}

export async function childUpdates(): Promise<never> {
  assertEq(await getuid(), 1000, "a child inherits its parent's uid");
  await assertErrno(update({ components: [{ name: "ds" }] }), EPERM, "the child may not update services");
  return exit(0);
}

export async function quick(): Promise<never> {
  return exit(0);
}
