/**
 * kill and signal dispositions. A caught signal is delivered by the kernel, which
 * runs the handler in the process's realm; an ignored one is dropped; otherwise the
 * default action applies (terminate, or nothing for SIGCHLD and friends). SIGKILL
 * can be neither caught nor ignored. Like Linux, init gets only the signals it catches.
 */
import { EINVAL, EPERM, ESRCH, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { SIGKILL, SIG_ACTION, ignoredByDefault, isSignal, sigbit } from "../../include/signal.js";
import { signaledStatus } from "../../include/wait.js";
import { kcall } from "../../lib/ipc.js";
import { interruptSleep } from "./alarm.js";
import { exitProcess } from "./exit.js";
import { INIT_PID, type MProc, procs } from "./state.js";

/** Deliver `sig` to `p` as its disposition says. */
export async function sendSignal(p: MProc, sig: number): Promise<void> {
  if (p.zombie || p.system) return;
  const bit = sigbit(sig);
  if (p.caught & bit) {
    kcall({ type: SYS.KILL, endpoint: p.endpoint, signal: sig });
    interruptSleep(p);
    return;
  }
  if (p.pid === INIT_PID) return;
  if (sig !== SIGKILL && ((p.ignored & bit) !== 0 || ignoredByDefault(sig))) return;
  await exitProcess(p, signaledStatus(sig), false);
}

/** KILL {pid, sig}: pid > 0, or -1 for every user process but init and the caller; sig 0 only probes. */
export async function doKill(caller: MProc, m: Message): Promise<Message> {
  const { pid, sig } = m;
  if (!Number.isInteger(pid) || !(sig === 0 || isSignal(sig))) return { type: -EINVAL };
  if (pid === -1) {
    const targets = [...procs.all()].filter((p) => !p.system && !p.zombie && p.pid !== INIT_PID && p !== caller);
    if (targets.length === 0) return { type: -ESRCH };
    if (sig !== 0) for (const t of targets) await sendSignal(t, sig);
    return { type: OK };
  }
  if ((pid as number) <= 0) return { type: -EINVAL }; // there are no process groups
  const target = procs.withPid(pid as number);
  if (!target) return { type: -ESRCH };
  if (target.system) return { type: -EPERM }; // services are RS's to stop and restart
  if (sig !== 0) await sendSignal(target, sig);
  return { type: OK };
}

/** SIGACTION {sig, action} -> {old}. */
export function doSigaction(p: MProc, m: Message): Message {
  const { sig, action } = m;
  if (!isSignal(sig) || sig === SIGKILL) return { type: -EINVAL };
  if (action !== SIG_ACTION.DEFAULT && action !== SIG_ACTION.IGNORE && action !== SIG_ACTION.CATCH) {
    return { type: -EINVAL };
  }
  const bit = sigbit(sig);
  const old = p.caught & bit ? SIG_ACTION.CATCH : p.ignored & bit ? SIG_ACTION.IGNORE : SIG_ACTION.DEFAULT;
  p.caught = action === SIG_ACTION.CATCH ? p.caught | bit : p.caught & ~bit;
  p.ignored = action === SIG_ACTION.IGNORE ? p.ignored | bit : p.ignored & ~bit;
  return { type: OK, old };
}
