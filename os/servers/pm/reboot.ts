/** reboot, and the shutdown that also follows the end of init. */
import { EINVAL, EPERM, OK, errnoName } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { VFS_PM } from "../../include/vfs.js";
import { diag } from "../../lib/diag.js";
import { kcall } from "../../lib/ipc.js";
import { INIT_PID, type MProc, procs } from "./state.js";
import { tellVfs } from "./vfs.js";

/** REBOOT {status}: init only. Answered only if the machine could not be halted. */
export async function doReboot(p: MProc, m: Message): Promise<Message | null> {
  if (p.pid !== INIT_PID) return { type: -EPERM };
  const status = m.status ?? 0;
  if (!Number.isInteger(status)) return { type: -EINVAL };
  const r = await shutdown(status as number);
  return r === OK ? null : { type: r };
}

/**
 * Stop every user process (so nothing writes while the disks are synced), have VFS
 * write everything back and unmount, then halt with `status`. Returns the errno if
 * the halt failed.
 */
export async function shutdown(status: number): Promise<number> {
  for (const q of procs.all()) {
    if (!q.system && !q.zombie && q.pid !== INIT_PID) kcall({ type: SYS.EXIT, endpoint: q.endpoint });
  }
  const synced = await tellVfs({ type: VFS_PM.SHUTDOWN });
  if (synced < 0) diag(`file systems not synced: ${errnoName(synced)}`);
  return kcall({ type: SYS.ABORT, status }).type;
}
