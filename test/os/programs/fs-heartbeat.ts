/**
 * Run in RS's slot: send the disk driver and the file system server a heartbeat
 * (a notification) and log each answer, "heartbeat answered by <name>".
 */
import { BLK_PROC_NR, MFS_PROC_NR } from "../../../os/include/com.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { notify, receive } from "../../../os/lib/ipc.js";

const NAMES = new Map([[BLK_PROC_NR, "blk"], [MFS_PROC_NR, "mfs"]]);

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
