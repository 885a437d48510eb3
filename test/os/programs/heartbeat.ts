/**
 * Run in RS's slot: sends every server and driver that may be booted a heartbeat
 * (a notification; absent ones are skipped) and logs each answer,
 * "heartbeat answered by <name>".
 */
import { BLK_PROC_NR, MFS_PROC_NR, TTY_PROC_NR, VFS_PROC_NR } from "../../../os/include/com.js";
import { NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { notify, receive } from "../../../os/lib/ipc.js";

const NAMES = new Map([[VFS_PROC_NR, "vfs"], [TTY_PROC_NR, "tty"], [MFS_PROC_NR, "mfs"], [BLK_PROC_NR, "blk"]]);

export async function main(): Promise<void> {
  for (const ep of NAMES.keys()) notify(ep);
  for (;;) {
    const m = await receive();
    const name = NAMES.get(m.source!);
    if (m.type === NOTIFY_MESSAGE && name) diag(`heartbeat answered by ${name}`);
  }
}
