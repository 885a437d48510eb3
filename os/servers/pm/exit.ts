/**
 * How processes end: exit(), a terminating signal, or a death the kernel reports
 * (a crash counts as SIGSEGV, a return from main as exit with its value). The dead
 * process stays a zombie until its parent collects it; its children go to init.
 */
import { EINVAL, EPERM } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { SIGCHLD, SIGSEGV } from "../../include/signal.js";
import { VFS_PM } from "../../include/vfs.js";
import { WEXITSTATUS, WIFEXITED, WTERMSIG, exitedStatus, signaledStatus } from "../../include/wait.js";
import { diag } from "../../lib/diag.js";
import { kcall } from "../../lib/ipc.js";
import { cancelAlarm, cancelSleep } from "./alarm.js";
import { shutdown } from "./reboot.js";
import { sendSignal } from "./signal.js";
import { INIT_PID, type MProc, procs } from "./state.js";
import { tellVfs } from "./vfs.js";
import { childEnded } from "./wait.js";

/** EXIT {status}: never answered. */
export async function doExit(p: MProc, m: Message): Promise<Message | null> {
  if (p.system) return { type: -EPERM }; // services end by returning; RS restarts them
  if (!Number.isInteger(m.status)) return { type: -EINVAL };
  await exitProcess(p, exitedStatus(m.status as number), false);
  return null;
}

/** SYSTEM notified PM: collect every death the kernel reports to it. */
export async function collectDeaths(): Promise<void> {
  for (;;) {
    const d = kcall({ type: SYS.GETKSIG });
    if (d.type < 0) return; // ESRCH: no more
    const p = procs.get(d.endpoint as number);
    if (!p || p.zombie) continue;
    if (p.system) {
      // RS, the one service PM watches: nobody can restart it.
      diag(`${p.name} (endpoint ${p.endpoint}) died: ${String(d.reason).split("\n")[0]}`);
      procs.remove(p);
      continue;
    }
    const status = d.status as number;
    await exitProcess(p, status >= 0 ? exitedStatus(status) : signaledStatus(SIGSEGV), true);
  }
}

/**
 * End `p` with wait status `status`: stop it (unless the kernel already has), close
 * its files, hand its children to init and let its parent know. When init ends,
 * the system goes down with init's exit code.
 */
export async function exitProcess(p: MProc, status: number, alreadyDead: boolean): Promise<void> {
  cancelSleep(p);
  cancelAlarm(p);
  p.wait = null;
  if (!alreadyDead) kcall({ type: SYS.EXIT, endpoint: p.endpoint });
  p.zombie = true;
  p.waitStatus = status;
  await tellVfs({ type: VFS_PM.EXIT, endpoint: p.endpoint });
  if (p.pid === INIT_PID) {
    await shutdown(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return;
  }
  const init = procs.init;
  for (let c = p.firstChild; c; c = p.firstChild) {
    p.removeChild(c);
    if (init) {
      init.addChild(c);
      if (c.zombie) childEnded(init, c);
    } else if (c.zombie) {
      procs.remove(c);
    }
  }
  const parent = p.parent;
  if (!parent) {
    procs.remove(p); // nobody can wait for it
    return;
  }
  await sendSignal(parent, SIGCHLD);
  childEnded(parent, p);
}
