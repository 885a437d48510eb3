/**
 * fork: a child runs the parent's program from a named entry point (a JavaScript
 * continuation cannot be copied). The kernel makes it, VFS gives it the parent's
 * open files, and only then does it start.
 */
import { RS_PROC_NR } from "../../include/com.js";
import { EAGAIN, EINVAL, EPERM, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { PM_NAME_MAX } from "../../include/pm.js";
import { VFS_PM } from "../../include/vfs.js";
import { kcall, notify } from "../../lib/ipc.js";
import { MProc, NR_USER_PROCS, procs } from "./state.js";
import { tellVfs } from "./vfs.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** FORK {entry, argv} -> {pid}. */
export async function doFork(parent: MProc, m: Message): Promise<Message> {
  if (parent.system) return { type: -EPERM };
  const { entry } = m;
  const argv = m.argv ?? "";
  if (typeof entry !== "string" || entry.length > PM_NAME_MAX || !IDENTIFIER.test(entry)) return { type: -EINVAL };
  if (typeof argv !== "string") return { type: -EINVAL };
  if (procs.userCount >= NR_USER_PROCS) return { type: -EAGAIN };
  const made = kcall({ type: SYS.FORK, parent: parent.endpoint, entry, argv });
  if (made.type < 0) return { type: made.type };
  const child = procs.add(new MProc(procs.allocPid(), made.endpoint as number, parent.name, false, null));
  parent.addChild(child);
  child.ignored = parent.ignored; // handlers live in the parent's realm: caught signals start at default
  const shared = await tellVfs({ type: VFS_PM.FORK, parent: parent.endpoint, child: child.endpoint, pid: child.pid });
  if (shared < 0) {
    kcall({ type: SYS.EXIT, endpoint: child.endpoint });
    parent.removeChild(child);
    procs.remove(child);
    return { type: shared };
  }
  kcall({ type: SYS.RUN, endpoint: child.endpoint }); // cannot fail: nobody else knows the child yet
  // RS rests while the system is quiet; new work is a reason to watch the services again.
  notify(RS_PROC_NR);
  return { type: OK, pid: child.pid };
}
