/**
 * What the driver does with each message: disk interrupts, RS heartbeats, and BDEV
 * requests, which only the file system may make.
 */
import { EPERM } from "../../include/errno.js";
import { MFS_PROC_NR, RS_PROC_NR } from "../../include/com.js";
import { DISK_IRQ } from "../../include/bdev.js";
import { HARDWARE, NOTIFY_MESSAGE, type Message } from "../../include/ipc.js";
import { notify, reply } from "../../lib/ipc.js";
import { bdevRequest } from "./request.js";
import { diskInterrupt, startNext } from "./transfer.js";

export function dispatch(m: Message): void {
  if (m.type === NOTIFY_MESSAGE && m.callId === undefined) {
    if (m.source === HARDWARE && (Number(m.irqs) & (1 << DISK_IRQ)) !== 0) diskInterrupt();
    else if (m.source === RS_PROC_NR) notify(RS_PROC_NR);
  } else if (m.source !== MFS_PROC_NR) {
    reply(m, { type: -EPERM });
  } else {
    bdevRequest(m);
  }
  startNext();
}
