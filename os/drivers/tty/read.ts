/**
 * Read requests: each is answered with (part of) one line of input, in the order
 * the reads came. A read finding no line is held until one is typed.
 */
import { EFAULT, EINTR, OK } from "../../include/errno.js";
import { GRANT_WRITE, type Message } from "../../include/ipc.js";
import { VFS_PROC_NR } from "../../include/com.js";
import { reply, safecopy } from "../../lib/ipc.js";
import { PendingRead, tty } from "./state.js";

/** CDEV.READ {minor, count, grant, id} -> {bytes}: answered now, or held until input comes. */
export function doRead(m: Message, count: number, grant: number, id: number): void {
  if (count === 0) {
    reply(m, { type: OK, bytes: 0 });
    return;
  }
  tty.readers.push(new PendingRead(m, count, grant, id));
  serveReaders();
}

/** CDEV.CANCEL {id}: the reader is gone; answer its held read with EINTR. */
export function doCancel(id: number): void {
  const at = tty.readers.findIndex((r) => r.id === id);
  if (at < 0) return; // already answered
  const [r] = tty.readers.splice(at, 1);
  reply(r!.request, { type: -EINTR });
}

/** Answer waiting readers, oldest first, while there is input for them. */
export function serveReaders(): void {
  while (tty.readers.length > 0 && tty.lines.length > 0) {
    const r = tty.readers.shift()!;
    const line = tty.lines[0] as Uint8Array | null; // there is one: the loop checked
    if (line === null) {
      tty.lines.shift(); // end of file: this read returns 0, the next waits again
      reply(r.request, { type: OK, bytes: 0 });
      continue;
    }
    const n = Math.min(r.count, line.length);
    if (safecopy(VFS_PROC_NR, r.grant, 0, line, 0, n, GRANT_WRITE) < 0) {
      reply(r.request, { type: -EFAULT }); // a bad buffer: the line stays for the next reader
      continue;
    }
    if (n === line.length) tty.lines.shift();
    else tty.lines[0] = line.subarray(n);
    reply(r.request, { type: OK, bytes: n });
  }
}
