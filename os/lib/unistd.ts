/**
 * Process calls of user programs: each sends one request to PM (os/include/pm.ts)
 * and throws SysError on failure.
 */
import { PM_PROC_NR } from "../include/com.js";
import { E2BIG, EINVAL, EIO, ESRCH } from "../include/errno.js";
import { MAX_STRING_FIELD } from "../include/ipc.js";
import { PM } from "../include/pm.js";
import { SIG_ACTION } from "../include/signal.js";
import { SysError } from "./errors.js";
import { onSignal } from "./ipc.js";
import { syscall } from "./syscall.js";

export interface ProcInfo {
  pid: number;
  ppid: number;
  endpoint: number;
  name: string;
  state: string;
  system: boolean;
}

export async function getpid(): Promise<number> {
  return (await syscall(PM_PROC_NR, { type: PM.GETPID }, "getpid")).pid as number;
}

export async function getppid(): Promise<number> {
  return (await syscall(PM_PROC_NR, { type: PM.GETPPID }, "getppid")).ppid as number;
}

/** The user id: 0 is root, who may administer services (RS). */
export async function getuid(): Promise<number> {
  return (await syscall(PM_PROC_NR, { type: PM.GETUID }, "getuid")).uid as number;
}

/** Become user `uid` (only root may change to another user; there is no way back). */
export async function setuid(uid: number): Promise<void> {
  await syscall(PM_PROC_NR, { type: PM.SETUID, uid }, "setuid", String(uid));
}

/** Start a child at the exported function `entry` of this program, with `argv`; returns its pid. */
export async function fork(entry: string, argv: string[] = []): Promise<number> {
  const m = { type: PM.FORK, entry, argv: joinArgv(argv, "fork") };
  return (await syscall(PM_PROC_NR, m, "fork", entry)).pid as number;
}

export async function exec(program: string, argv: string[] = []): Promise<never> {
  await syscall(PM_PROC_NR, { type: PM.EXEC, program, argv: joinArgv(argv, "exec") }, "exec", program);
  throw new SysError(EIO, "exec", program); // PM answers only a failed exec
}

export async function exit(status: number): Promise<never> {
  await syscall(PM_PROC_NR, { type: PM.EXIT, status }, "exit");
  throw new SysError(EIO, "exit");
}

/** Wait for a child (pid, or -1 for any) to end. With WNOHANG, pid 0 means none has ended yet. */
export async function waitpid(pid: number, options = 0): Promise<{ pid: number; status: number }> {
  const r = await syscall(PM_PROC_NR, { type: PM.WAITPID, pid, options }, "waitpid");
  return { pid: r.pid as number, status: r.status as number };
}

export async function kill(pid: number, sig: number): Promise<void> {
  await syscall(PM_PROC_NR, { type: PM.KILL, pid, sig }, "kill");
}

/** Handlers of the signals this process catches; one kernel entry point dispatches to them. */
const handlers = new Map<number, (sig: number) => void>();
let dispatcherInstalled = false;

function dispatchSignal(sig: number): void {
  handlers.get(sig)?.(sig);
}

/**
 * Catch `sig` with a handler, ignore it, or restore its default action. A caught
 * signal cuts a sleep short; it does not interrupt waitpid or other calls.
 */
export async function signal(sig: number, handler: ((sig: number) => void) | "default" | "ignore"): Promise<void> {
  const catching = typeof handler === "function";
  const action = catching ? SIG_ACTION.CATCH : handler === "ignore" ? SIG_ACTION.IGNORE : SIG_ACTION.DEFAULT;
  if (catching && !dispatcherInstalled) {
    onSignal(dispatchSignal);
    dispatcherInstalled = true;
  }
  // Install the handler first: the signal may arrive as soon as PM has the new action.
  const previous = handlers.get(sig);
  if (catching) handlers.set(sig, handler);
  try {
    await syscall(PM_PROC_NR, { type: PM.SIGACTION, sig, action }, "signal");
  } catch (e) {
    if (previous) handlers.set(sig, previous);
    else handlers.delete(sig);
    throw e;
  }
  if (!catching) handlers.delete(sig);
}

/** Block for `ticks` of virtual time (less if a caught signal arrives). */
export async function sleep(ticks: number): Promise<void> {
  await syscall(PM_PROC_NR, { type: PM.SLEEP, ticks }, "sleep");
}

/** SIGALRM after `ticks` (0 cancels); returns the ticks that were left of the previous alarm. */
export async function alarm(ticks: number): Promise<number> {
  return (await syscall(PM_PROC_NR, { type: PM.ALARM, ticks }, "alarm")).remaining as number;
}

/** Sync the file systems and halt the machine with `status` (init only). */
export async function reboot(status = 0): Promise<never> {
  await syscall(PM_PROC_NR, { type: PM.REBOOT, status }, "reboot");
  throw new SysError(EIO, "reboot");
}

/** Every process PM knows, in pid order. */
export async function getprocs(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for (let next = 0; ;) {
    const r = await syscall(PM_PROC_NR, { type: PM.GETPROCS, pid: next }, "getprocs").catch((e: unknown) => {
      if (e instanceof SysError && e.errno === ESRCH) return null; // past the last process
      throw e;
    });
    if (!r) return out;
    out.push({ pid: r.pid as number, ppid: r.ppid as number, endpoint: r.endpoint as number, name: r.name as string,
      state: r.state as string, system: r.system as boolean });
    next = (r.pid as number) + 1;
  }
}

/** argv travels as one string field, the arguments joined by NUL. */
function joinArgv(argv: string[], call: string): string {
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== "string" || a.includes("\0"))) {
    throw new SysError(EINVAL, call);
  }
  const joined = argv.join("\0");
  if (joined.length > MAX_STRING_FIELD) throw new SysError(E2BIG, call);
  return joined;
}
