/**
 * proctree: process management, every result checked.
 *
 *   proctree [rounds=1]
 *
 * Each round grows a tree (children forking grandchildren, distinct exit codes
 * checked at every level), kills a sleeping child with SIGTERM, has a child catch
 * SIGUSR1, execs a program, checks getppid() after re-parenting to init, polls a
 * child with WNOHANG and checks ECHILD. `proctree --exit <code>` just exits with
 * <code>: the program proctree execs.
 */
import { ECHILD, ENOEXEC } from "../../include/errno.js";
import { SIGKILL, SIGTERM, SIGUSR1, SIGUSR2 } from "../../include/signal.js";
import { WEXITSTATUS, WIFEXITED, WIFSIGNALED, WNOHANG, WTERMSIG } from "../../include/wait.js";
import { SysError } from "../../lib/errors.js";
import { println } from "../../lib/stdio.js";
import { exec, exit, fork, getpid, getppid, kill, signal, sleep, waitpid } from "../../lib/unistd.js";
import { Workload } from "../../lib/workload.js";

const BRANCHES = 3;
const LEAVES = 2;
/** Longest wait for something another process does, in ticks. */
const PATIENCE = 2000;

/** SIGUSR2s received: children use it to say "ready" or "done". */
let usr2 = 0;

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--exit") return Number(argv[1]);
  const rounds = Math.max(1, Number(argv[0]) || 1);
  const w = new Workload("proctree");
  await w.run("catch SIGUSR2", () => signal(SIGUSR2, () => void usr2++));
  for (let round = 1; round <= rounds; round++) {
    await tree(w);
    await killSleeper(w);
    await caughtSignal(w);
    await execChild(w);
    await reparent(w);
    await pollChild(w);
    await noChildren(w);
    if (rounds > 1) await println(`proctree: round ${round}/${rounds} done`);
  }
  return w.finish();
}

/** The wait status described, for error messages. */
function how(status: number): string {
  return WIFEXITED(status) ? `exit ${WEXITSTATUS(status)}` : `signal ${WTERMSIG(status)}`;
}

/** Collect child `pid` and check it exited with `code`. */
async function expectExit(w: Workload, pid: number | undefined, code: number, what: string): Promise<boolean> {
  if (pid === undefined) return false;
  const r = await w.get(`wait for ${what}`, () => waitpid(pid));
  return r !== undefined && w.check(r.pid === pid && WIFEXITED(r.status) && WEXITSTATUS(r.status) === code,
    `${what}: ${how(r.status)}, expected exit ${code}`);
}

/** Sleep in small steps until `cond` holds; false if it never did. */
async function until(cond: () => boolean): Promise<boolean> {
  for (let waited = 0; !cond(); waited += 2) {
    if (waited >= PATIENCE) return false;
    await sleep(2);
  }
  return true;
}

/** Branches each fork leaves; every level checks its children's exit codes. */
async function tree(w: Workload): Promise<void> {
  const branches: Array<number | undefined> = [];
  for (let i = 0; i < BRANCHES; i++) branches.push(await w.get("fork branch", () => fork("branch", [String(i)])));
  // Collect in reverse order of creation: waitpid(pid) must find each one regardless.
  for (let i = BRANCHES - 1; i >= 0; i--) {
    if (await expectExit(w, branches[i], 100 + i, `branch ${i}`)) w.ops += LEAVES; // it checked its leaves
  }
}

/** A branch: fork the leaves, check each one's code, and exit 100 + i (or 1 on a mismatch). */
export async function branch(argv: string[]): Promise<never> {
  const i = Number(argv[0]);
  const leaves: number[] = [];
  for (let j = 0; j < LEAVES; j++) leaves.push(await fork("leaf", [String(10 * i + j)]));
  let ok = true;
  for (const [j, pid] of leaves.entries()) {
    const r = await waitpid(pid);
    ok &&= r.pid === pid && WIFEXITED(r.status) && WEXITSTATUS(r.status) === 10 * i + j;
  }
  return exit(ok ? 100 + i : 1);
}

export async function leaf(argv: string[]): Promise<never> {
  return exit(Number(argv[0]));
}

async function killSleeper(w: Workload): Promise<void> {
  const pid = await w.get("fork sleeper", () => fork("sleeper", []));
  if (pid === undefined) return;
  await sleep(3);
  await w.run("kill sleeper", () => kill(pid, SIGTERM));
  const r = await w.get("wait for sleeper", () => waitpid(pid));
  if (!r) return;
  await w.check(WIFSIGNALED(r.status) && WTERMSIG(r.status) === SIGTERM, `sleeper: ${how(r.status)}, expected SIGTERM`);
}

export async function sleeper(): Promise<never> {
  await sleep(100_000);
  return exit(0);
}

/** A child catches SIGUSR1 (having said it is ready with SIGUSR2) and exits 0 if its handler ran. */
async function caughtSignal(w: Workload): Promise<void> {
  usr2 = 0;
  const pid = await w.get("fork catcher", () => fork("catcher", []));
  if (pid === undefined) return;
  if (!(await w.check(await until(() => usr2 > 0), "catcher never said it was ready"))) {
    await kill(pid, SIGKILL).catch(() => undefined);
  } else {
    await w.run("send SIGUSR1", () => kill(pid, SIGUSR1));
  }
  await expectExit(w, pid, 0, "catcher");
}

export async function catcher(): Promise<never> {
  let caught = 0;
  await signal(SIGUSR1, (sig) => void (caught = sig));
  await kill(await getppid(), SIGUSR2);
  for (let waited = 0; caught === 0 && waited < PATIENCE; waited += 10) await sleep(10);
  return exit(caught === SIGUSR1 ? 0 : 1);
}

/** A child execs proctree --exit 42; another tries a program that does not exist. */
async function execChild(w: Workload): Promise<void> {
  await expectExit(w, await w.get("fork exec child", () => fork("execInto", ["proctree", "--exit", "42"])), 42,
    "exec'd proctree");
  await expectExit(w, await w.get("fork exec child", () => fork("execInto", ["no-such-program"])), 0,
    "exec of a missing program (ENOEXEC)");
}

export async function execInto(argv: string[]): Promise<never> {
  try {
    await exec(argv[0]!, argv.slice(1));
  } catch (e) {
    return exit(e instanceof SysError && e.errno === ENOEXEC && argv[0] === "no-such-program" ? 0 : 1);
  }
  return exit(2);
}

/** A child forks an orphan and exits; the orphan, adopted by init, tells us it saw getppid() === 1. */
async function reparent(w: Workload): Promise<void> {
  usr2 = 0;
  const me = String(await getpid());
  await expectExit(w, await w.get("fork orphan's parent", () => fork("orphanParent", [me])), 0, "orphan's parent");
  await w.check(await until(() => usr2 > 0), "the orphan never saw init become its parent");
}

export async function orphanParent(argv: string[]): Promise<never> {
  await fork("orphan", argv);
  return exit(0);
}

export async function orphan(argv: string[]): Promise<never> {
  for (let waited = 0; (await getppid()) !== 1 && waited < PATIENCE; waited += 2) await sleep(2);
  if ((await getppid()) === 1) await kill(Number(argv[0]), SIGUSR2);
  return exit(0);
}

/** WNOHANG answers 0 while the child sleeps, then its status. */
async function pollChild(w: Workload): Promise<void> {
  const pid = await w.get("fork napper", () => fork("napper", []));
  if (pid === undefined) return;
  let polls = 0;
  for (let waited = 0; waited < PATIENCE; waited += 2) {
    const r = await w.get("waitpid WNOHANG", () => waitpid(pid, WNOHANG));
    if (!r) return;
    if (r.pid === 0) {
      polls++;
      await sleep(2);
      continue;
    }
    await w.check(r.pid === pid && WIFEXITED(r.status) && WEXITSTATUS(r.status) === 7, `napper: ${how(r.status)}`);
    await w.check(polls > 0, "WNOHANG never found the napper still running");
    return;
  }
  await w.fail("napper never ended");
}

export async function napper(): Promise<never> {
  await sleep(15);
  return exit(7);
}

/** With every child collected, waitpid has nobody to wait for. */
async function noChildren(w: Workload): Promise<void> {
  try {
    await waitpid(-1, WNOHANG);
    await w.fail("waitpid without children succeeded");
  } catch (e) {
    await w.check(e instanceof SysError && e.errno === ECHILD, `waitpid without children: ${String(e)}`);
  }
}
