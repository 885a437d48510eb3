/**
 * waitpid: collect a child that has ended. A zombie stays in the table (keeping its
 * pid) until its parent collects it here.
 */
import { EBUSY, ECHILD, EINVAL, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { WNOHANG } from "../../include/wait.js";
import { reply } from "../../lib/ipc.js";
import { type MProc, PendingWait, procs } from "./state.js";

/** WAITPID {pid, options} -> {pid, status}. */
export function doWaitpid(p: MProc, m: Message): Message | null {
  const { pid, options } = m;
  if (!Number.isInteger(pid) || (pid !== -1 && (pid as number) <= 0)) return { type: -EINVAL };
  if (!Number.isInteger(options) || ((options as number) & ~WNOHANG) !== 0) return { type: -EINVAL };
  if (p.wait) return { type: -EBUSY }; // one waitpid at a time per process
  let any = false;
  for (const c of p.children()) {
    if (pid !== -1 && c.pid !== pid) continue;
    if (c.zombie) return reap(p, c);
    any = true;
  }
  if (!any) return { type: -ECHILD };
  if ((options as number) & WNOHANG) return { type: OK, pid: 0, status: 0 };
  p.wait = new PendingWait(m, pid as number);
  return null;
}

/** A child of `parent` has ended: finish the parent's waitpid if it was waiting for it. */
export function childEnded(parent: MProc, child: MProc): void {
  const w = parent.wait;
  if (!w || (w.pid !== -1 && w.pid !== child.pid)) return;
  parent.wait = null;
  reply(w.request, reap(parent, child));
}

/** Remove a zombie child for good; its pid becomes free. */
function reap(parent: MProc, child: MProc): Message {
  parent.removeChild(child);
  procs.remove(child);
  return { type: OK, pid: child.pid, status: child.waitStatus };
}
