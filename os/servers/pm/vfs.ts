import { VFS_PROC_NR } from "../../include/com.js";
import { EDEADSRCDST, OK } from "../../include/errno.js";
import type { Message } from "../../include/ipc.js";
import { IpcError, sendrec } from "../../lib/ipc.js";

/**
 * Tell VFS of a change in the process table (os/include/vfs.ts, VFS_PM). Returns 0
 * or VFS's negative errno. A system without VFS (a partial test system, or VFS dead
 * and being restarted by RS) has no files to keep in step: that is no error.
 */
export async function tellVfs(m: Message): Promise<number> {
  try {
    return (await sendrec(VFS_PROC_NR, m)).type;
  } catch (e) {
    if (!(e instanceof IpcError)) throw e;
    return e.errno === EDEADSRCDST ? OK : -e.errno;
  }
}
