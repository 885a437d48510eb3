/**
 * Run in RS's slot: sends each server and driver a heartbeat (a notification) and
 * logs every answer, "heartbeat answered by <name>".
 */
import { TTY_PROC_NR, VFS_PROC_NR } from "../../../os/include/com.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { notify, receive } from "../../../os/lib/ipc.js";

const NAMES = new Map([[VFS_PROC_NR, "vfs"], [TTY_PROC_NR, "tty"]]);

export async function main(): Promise<void> {
  for (const ep of NAMES.keys()) notify(ep);
  for (let answers = 0; answers < NAMES.size;) {
    const m = await receive();
    const name = NAMES.get(m.source!);
    if (m.type !== NOTIFY_MESSAGE || !name) continue;
    diag(`heartbeat answered by ${name}`);
    answers++;
  }
}
