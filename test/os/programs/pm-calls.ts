/**
 * PM scenarios, run as init (pid 1) of a system without a file system: main(argv)
 * runs the scenario argv[0]; a failed check throws (init crashes, the machine halts
 * with 139 and the kernel log names the check). Exported functions other than main
 * are the entry points of forked children.
 */
import { PM_PROC_NR } from "../../../os/include/com.js";
import { EBUSY, ECHILD, EINVAL, ENOEXEC, ENOSYS, EPERM, ESRCH } from "../../../os/include/errno.js";
import type { Message } from "../../../os/include/ipc.js";
import { PM } from "../../../os/include/pm.js";
import {
  SIGALRM, SIGCHLD, SIGINT, SIGKILL, SIGSEGV, SIGSTOP, SIGTERM, SIGUSR1, SIGUSR2,
} from "../../../os/include/signal.js";
import { WEXITSTATUS, WIFEXITED, WIFSIGNALED, WNOHANG, WTERMSIG } from "../../../os/include/wait.js";
import { sendrec, uptime } from "../../../os/lib/ipc.js";
import {
  alarm, exec, exit, fork, getpid, getppid, getprocs, kill, reboot, signal, sleep, waitpid,
} from "../../../os/lib/unistd.js";
import { assert, assertEq, assertErrno } from "./checks.js";

type Scenario = (args: string[]) => Promise<number | void>;

async function expectExit(pid: number, code: number, what: string): Promise<void> {
  const r = await waitpid(pid);
  assertEq(r.pid, pid, `${what}: pid`);
  assert(WIFEXITED(r.status), `${what}: exited normally (status word ${r.status})`);
  assertEq(WEXITSTATUS(r.status), code, `${what}: exit code`);
}

async function expectKilled(pid: number, sig: number, what: string): Promise<void> {
  const r = await waitpid(pid);
  assertEq(r.pid, pid, `${what}: pid`);
  assert(WIFSIGNALED(r.status), `${what}: killed by a signal (status word ${r.status})`);
  assertEq(WTERMSIG(r.status), sig, `${what}: signal`);
}

/** Sleep in small steps until `cond` holds (at most `ticks`). */
async function until(cond: () => boolean, ticks: number, what: string): Promise<void> {
  for (let waited = 0; !cond(); waited += 2) {
    assert(waited < ticks, `timed out waiting for ${what}`);
    await sleep(2);
  }
}

let signalsSeen: number[] = [];
const record = (sig: number) => {
  signalsSeen.push(sig);
};

const SCENARIOS: Record<string, Scenario> = {
  async "fork-wait"() {
    assertEq(await getpid(), 1, "init's pid");
    assertEq(await getppid(), 0, "init's parent");
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) pids.push(await fork("exitWith", [String(10 + i)]));
    assertEq(new Set(pids).size, 4, "distinct pids");
    for (const [i, pid] of [...pids.entries()].reverse()) await expectExit(pid, 10 + i, `child ${i}`);
    const ret = await fork("returnWith", ["77"]);
    await expectExit(ret, 77, "child returning from its entry");
    const a = await fork("exitWith", ["1"]);
    const b = await fork("exitWith", ["2"]);
    const got = new Map<number, number>();
    for (let i = 0; i < 2; i++) {
      const r = await waitpid(-1);
      got.set(r.pid, WEXITSTATUS(r.status));
    }
    assertEq(got.get(a), 1, "any child: first");
    assertEq(got.get(b), 2, "any child: second");
    await assertErrno(waitpid(-1), ECHILD, "no children left");
  },

  async tree() {
    const pid = await fork("treeChild", ["3"]);
    await expectExit(pid, 3, "tree child that waited for its 3 children");
  },

  async wnohang() {
    const pid = await fork("sleepThenExit", ["20", "5"]);
    let polls = 0;
    for (;;) {
      const r = await waitpid(pid, WNOHANG);
      if (r.pid === 0) {
        assertEq(r.status, 0, "status of nothing");
        polls++;
        assert(polls < 100, "child never ended");
        await sleep(3);
        continue;
      }
      assertEq(r.pid, pid, "pid once ended");
      assertEq(WEXITSTATUS(r.status), 5, "exit code");
      break;
    }
    assert(polls >= 2, `polled ${polls} times before the child ended`);
    await assertErrno(waitpid(pid, WNOHANG), ECHILD, "already collected");
  },

  async echild() {
    await assertErrno(waitpid(-1), ECHILD, "no children at all");
    await assertErrno(waitpid(4242), ECHILD, "no such pid");
    const child = await fork("forkGrandchild", []);
    await sleep(5);
    const grandchild = (await getprocs()).find((p) => p.ppid === child);
    assert(grandchild, "the grandchild is listed under its parent");
    await assertErrno(waitpid(grandchild.pid), ECHILD, "a grandchild is not ours to wait for");
    await expectExit(child, 0, "the child, after collecting its own child");
    await assertErrno(waitpid(-1, 4), EINVAL, "unknown option");
    await assertErrno(waitpid(0), EINVAL, "process groups do not exist");
  },

  async orphan() {
    const child = await fork("orphanMaker", []);
    await expectExit(child, 0, "the parent of the orphan");
    // The grandchild was handed to init (us): it checks getppid() and exits 40 if it is 1.
    const r = await waitpid(-1);
    assert(r.pid !== child, "the orphan is a new child");
    assertEq(WEXITSTATUS(r.status), 40, "orphan saw getppid() === 1");
  },

  async "kill-default"() {
    for (const sig of [SIGTERM, SIGINT, SIGUSR2, SIGKILL]) {
      const pid = await fork("sleepThenExit", ["1000", "0"]);
      await sleep(5);
      await kill(pid, sig);
      await expectKilled(pid, sig, `signal ${sig}`);
    }
    // A zombie may still be signalled (nothing happens); signal 0 probes.
    const z = await fork("exitWith", ["4"]);
    await sleep(5);
    await kill(z, 0);
    await kill(z, SIGTERM);
    await expectExit(z, 4, "zombie kept its status");
    await assertErrno(kill(z, 0), ESRCH, "gone after being collected");
  },

  async "kill-caught"() {
    signalsSeen = [];
    await signal(SIGUSR2, record);
    const pid = await fork("catcher", []);
    await until(() => signalsSeen.includes(SIGUSR2), 200, "the child's ready signal");
    await kill(pid, SIGUSR1);
    await expectExit(pid, 0, "child that caught SIGUSR1");
  },

  async "kill-ignored"() {
    signalsSeen = [];
    await signal(SIGUSR2, record);
    const pid = await fork("ignorer", []);
    await until(() => signalsSeen.includes(SIGUSR2), 200, "the child's ready signal");
    await kill(pid, SIGTERM);
    await sleep(5);
    assertEq((await waitpid(pid, WNOHANG)).pid, 0, "ignored SIGTERM: still running");
    await kill(pid, SIGKILL);
    await expectKilled(pid, SIGKILL, "SIGKILL cannot be ignored");
  },

  async "sigkill-uncatchable"() {
    await assertErrno(signal(SIGKILL, record), EINVAL, "catch SIGKILL");
    await assertErrno(signal(SIGKILL, "ignore"), EINVAL, "ignore SIGKILL");
    await assertErrno(signal(SIGSTOP, record), EINVAL, "catch SIGSTOP (no job control)");
    await assertErrno(signal(0, record), EINVAL, "signal 0");
    await assertErrno(signal(64, record), EINVAL, "signal 64");
  },

  async sigchld() {
    signalsSeen = [];
    await signal(SIGCHLD, record);
    const pid = await fork("exitWith", ["0"]);
    await until(() => signalsSeen.includes(SIGCHLD), 200, "SIGCHLD");
    await expectExit(pid, 0, "child");
    await signal(SIGCHLD, "default");
  },

  async "init-is-protected"() {
    const pid = await fork("killInit", []);
    await expectExit(pid, 0, "child that signalled init");
    assertEq(await getpid(), 1, "init survived");
  },

  async "kill-all"() {
    const pids = [await fork("sleepThenExit", ["1000", "0"]), await fork("sleepThenExit", ["1000", "0"])];
    await sleep(5);
    await kill(-1, SIGTERM);
    for (const pid of pids) await expectKilled(pid, SIGTERM, "kill(-1)");
    await assertErrno(kill(-1, SIGTERM), ESRCH, "nobody left to signal");
  },

  async "sleep-timing"() {
    const t0 = uptime();
    await sleep(50);
    const slept = uptime() - t0;
    assert(slept >= 50 && slept <= 52, `slept ${slept} ticks for 50`);
    // Sleepers wake in order of their deadlines, not of their calls.
    signalsSeen = [];
    await signal(SIGUSR1, record);
    await signal(SIGUSR2, record);
    const late = await fork("sleepThenSignal", ["60", String(SIGUSR2)]);
    const early = await fork("sleepThenSignal", ["30", String(SIGUSR1)]);
    await expectExit(late, 0, "late sleeper");
    await expectExit(early, 0, "early sleeper");
    assertEq(signalsSeen.join(), `${SIGUSR1},${SIGUSR2}`, "wake-up order");
    await sleep(0);
    const both = await Promise.allSettled([sleep(10), sleep(10)]);
    const refused = both.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    assertEq((refused?.reason as { errno?: number })?.errno, EBUSY, "second concurrent sleep");
  },

  async alarm() {
    signalsSeen = [];
    await signal(SIGALRM, record);
    assertEq(await alarm(30), 0, "no alarm before");
    await sleep(10);
    const left = await alarm(40);
    assert(left >= 19 && left <= 20, `left of the first alarm: ${left}`);
    const t0 = uptime();
    await sleep(1000); // cut short by SIGALRM
    const waited = uptime() - t0;
    assert(waited >= 39 && waited <= 42, `SIGALRM came after ${waited} ticks`);
    assertEq(signalsSeen.join(), String(SIGALRM), "handler ran once");
    await alarm(50);
    assert((await alarm(0)) > 0, "cancel returns what was left");
    await sleep(60);
    assertEq(signalsSeen.length, 1, "a cancelled alarm never fires");
    const pid = await fork("alarmDefault", []);
    await expectKilled(pid, SIGALRM, "SIGALRM's default action");
  },

  async exec() {
    const pid = await fork("execInto", ["exec-target", "33"]);
    await expectExit(pid, 33, "exec'd program's exit code");
    const bad = await fork("execMissing", []);
    await expectExit(bad, 0, "child whose exec failed with ENOEXEC");
  },

  async "exec-target"(args) {
    // Run by a child after exec: same pid, same parent (init).
    assertEq(await getppid(), 1, "parent after exec");
    return Number(args[0]);
  },

  async crash() {
    const pid = await fork("crasher", []);
    await expectKilled(pid, SIGSEGV, "a crashing child");
    const noEntry = await fork("noSuchEntry", []);
    await expectKilled(noEntry, SIGSEGV, "a child without its entry point");
    await assertErrno(fork("not an identifier"), EINVAL, "bad entry name");
  },

  async badcalls() {
    const raw = (m: Message) => sendrec(PM_PROC_NR, m);
    const bad: Array<[Message, number]> = [
      [{ type: 0x1ff }, ENOSYS],
      [{ type: 12345 }, ENOSYS],
      [{ type: PM.FORK, entry: 42 }, EINVAL],
      [{ type: PM.FORK, entry: "x", argv: 7 }, EINVAL],
      [{ type: PM.FORK, entry: "x".repeat(65) }, EINVAL],
      [{ type: PM.WAITPID, pid: "1", options: 0 }, EINVAL],
      [{ type: PM.WAITPID, pid: -1, options: 1.5 }, EINVAL],
      [{ type: PM.KILL, pid: 1.5, sig: 1 }, EINVAL],
      [{ type: PM.KILL, pid: 2, sig: 99 }, EINVAL],
      [{ type: PM.KILL, pid: 2, sig: SIGSTOP }, EINVAL],
      [{ type: PM.KILL, pid: -7, sig: 1 }, EINVAL],
      [{ type: PM.KILL, pid: 9999, sig: 1 }, ESRCH],
      [{ type: PM.SIGACTION, sig: SIGUSR1, action: 7 }, EINVAL],
      [{ type: PM.SIGACTION, sig: null, action: 0 }, EINVAL],
      [{ type: PM.SLEEP, ticks: -1 }, EINVAL],
      [{ type: PM.SLEEP, ticks: 0.5 }, EINVAL],
      [{ type: PM.SLEEP }, EINVAL],
      [{ type: PM.ALARM, ticks: "10" }, EINVAL],
      [{ type: PM.ALARM, ticks: 2 ** 40 }, EINVAL],
      [{ type: PM.EXEC, program: "" }, EINVAL],
      [{ type: PM.EXEC, program: 5 }, EINVAL],
      [{ type: PM.EXEC, program: "nosuchprogram" }, ENOEXEC],
      [{ type: PM.EXIT, status: "0" }, EINVAL],
      [{ type: PM.REBOOT, status: 1n }, EINVAL],
      [{ type: PM.GETPROCS, pid: -1 }, EINVAL],
      [{ type: PM.GETPROCS, pid: 1e9 }, ESRCH],
    ];
    for (const [m, errno] of bad) {
      const r = await raw(m);
      assertEq(r.type, -errno, `request ${JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
    }
    // System processes are not PM's to signal.
    const pm = (await getprocs()).find((p) => p.endpoint === PM_PROC_NR);
    assert(pm?.system, "PM is listed as a system process");
    await assertErrno(kill(pm.pid, SIGTERM), EPERM, "signal a system process");
    assertEq(await getpid(), 1, "PM still serves");
  },

  async "reboot-eperm"() {
    const pid = await fork("rebootAttempt", []);
    await expectExit(pid, 0, "child refused reboot");
    return reboot(7);
  },

  async getprocs() {
    const sleeper = await fork("sleepThenExit", ["1000", "0"]);
    const zombie = await fork("exitWith", ["0"]);
    await sleep(5);
    const list = await getprocs();
    const byPid = new Map(list.map((p) => [p.pid, p]));
    const pids = list.map((p) => p.pid);
    assertEq(pids.join(), [...pids].sort((a, b) => a - b).join(), "pid order");
    const init = byPid.get(1);
    assert(init && init.name === "init" && !init.system && init.state === "running", `init: ${JSON.stringify(init)}`);
    for (const name of ["pm", "ds", "rs"]) {
      const p = list.find((q) => q.name === name);
      assert(p?.system && p.ppid === 0, `${name} listed as a system process`);
    }
    assertEq(byPid.get(sleeper)?.state, "sleeping", "sleeping child");
    assertEq(byPid.get(sleeper)?.ppid, 1, "child's parent");
    assertEq(byPid.get(zombie)?.state, "zombie", "unwaited child");
    await expectExit(zombie, 0, "zombie");
    await kill(sleeper, SIGKILL);
    await expectKilled(sleeper, SIGKILL, "sleeper");
    assert(!(await getprocs()).some((p) => p.pid === sleeper || p.pid === zombie), "collected children are gone");
  },

  async "exit-status"(args) {
    return Number(args[0]);
  },

  async "init-crash"() {
    throw new Error("init crashes on purpose");
  },
};

export async function main(argv: string[]): Promise<number> {
  const scenario = SCENARIOS[argv[0] ?? ""];
  if (!scenario) throw new Error(`no scenario '${argv[0]}'`);
  return (await scenario(argv.slice(1))) ?? 0;
}

// ---- children ------------------------------------------------------------------------

export async function exitWith(argv: string[]): Promise<never> {
  return exit(Number(argv[0]));
}

export async function returnWith(argv: string[]): Promise<number> {
  return Number(argv[0]);
}

export async function sleepThenExit(argv: string[]): Promise<never> {
  await sleep(Number(argv[0]));
  return exit(Number(argv[1]));
}

export async function sleepThenSignal(argv: string[]): Promise<number> {
  await sleep(Number(argv[0]));
  await kill(await getppid(), Number(argv[1]));
  return 0;
}

export async function treeChild(argv: string[]): Promise<number> {
  const n = Number(argv[0]);
  const kids: number[] = [];
  for (let i = 0; i < n; i++) kids.push(await fork("exitWith", [String(100 + i)]));
  for (const [i, pid] of kids.entries()) {
    const r = await waitpid(pid);
    if (WEXITSTATUS(r.status) !== 100 + i) return 99;
  }
  return (await waitpid(-1, WNOHANG).then(() => 98, (e: { errno?: number }) => (e.errno === ECHILD ? n : 97)));
}

export async function forkGrandchild(): Promise<number> {
  const gc = await fork("sleepThenExit", ["20", "6"]);
  const r = await waitpid(gc);
  return WEXITSTATUS(r.status) === 6 ? 0 : 1;
}

export async function orphanMaker(): Promise<number> {
  await fork("orphan", []);
  return 0;
}

export async function orphan(): Promise<never> {
  // Wait for the parent to end and init to adopt us.
  for (let i = 0; i < 50 && (await getppid()) !== 1; i++) await sleep(2);
  return exit((await getppid()) === 1 ? 40 : 41);
}

export async function catcher(): Promise<number> {
  let caught = 0;
  await signal(SIGUSR1, (sig) => {
    caught = sig;
  });
  await kill(await getppid(), SIGUSR2);
  for (let i = 0; i < 100 && caught === 0; i++) await sleep(10);
  return caught === SIGUSR1 ? 0 : 1;
}

export async function ignorer(): Promise<number> {
  await signal(SIGTERM, "ignore");
  await kill(await getppid(), SIGUSR2);
  await sleep(100_000);
  return 0;
}

export async function killInit(): Promise<number> {
  await kill(1, SIGTERM);
  await kill(1, SIGKILL);
  return 0;
}

export async function alarmDefault(): Promise<number> {
  await alarm(5);
  await sleep(100);
  return 0;
}

export async function execInto(argv: string[]): Promise<never> {
  return exec("scenario", argv);
}

export async function execMissing(): Promise<number> {
  try {
    await exec("no-such-program", []);
    return 1;
  } catch (e) {
    return (e as { errno?: number }).errno === ENOEXEC ? 0 : 2;
  }
}

export async function crasher(): Promise<number> {
  const o = JSON.parse("null") as { x: { y: number } };
  return o.x.y;
}

export async function rebootAttempt(): Promise<number> {
  try {
    await reboot(3);
    return 1;
  } catch (e) {
    return (e as { errno?: number }).errno === EPERM ? 0 : 2;
  }
}
