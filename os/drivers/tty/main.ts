/**
 * TTY, the console driver. Typed input arrives as console interrupts and is cooked
 * into lines (input.ts); reads wait for a whole line (read.ts); writes go straight
 * to the console (write.ts). Only VFS sends requests, with the CDEV protocol.
 */
import { CONSOLE_IRQ } from "../../include/cdev.js";
import { RS_PROC_NR, VFS_PROC_NR } from "../../include/com.js";
import { ENOSYS, EPERM } from "../../include/errno.js";
import { HARDWARE, NOTIFY_MESSAGE } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { diag } from "../../lib/diag.js";
import { kcall, notify, receive, reply, startMode } from "../../lib/ipc.js";
import { takeInput } from "./input.js";
import { handle } from "./table.js";

export async function main(): Promise<void> {
  // A new version of a live update keeps the old one's subscription (the kernel's, per endpoint).
  if (startMode() !== "update") {
    const sub = kcall({ type: SYS.IRQSUB, line: CONSOLE_IRQ });
    if (sub.type < 0) diag(`cannot subscribe to console interrupts (${sub.type})`);
    takeInput(); // anything typed before we listened
  }
  for (;;) {
    const m = await receive();
    if (m.type === NOTIFY_MESSAGE) {
      if (m.source === HARDWARE) takeInput();
      else if (m.source === RS_PROC_NR) notify(RS_PROC_NR); // heartbeat
      continue;
    }
    if (m.source !== VFS_PROC_NR) {
      reply(m, { type: -EPERM });
      continue;
    }
    const answer = handle(m);
    if (answer) reply(m, answer);
  }
}
