/**
 * Output: write requests and echo go to the console device.
 */
import { EFAULT, OK } from "../../include/errno.js";
import { GRANT_READ } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { VFS_PROC_NR } from "../../include/com.js";
import { kcall, safecopy } from "../../lib/ipc.js";
import { decodeUtf8, incompleteTail } from "../../lib/utf8.js";
import { tty } from "./state.js";

/** Bytes copied from the writer per step. */
const CHUNK = 4096;

export function consoleWrite(text: string): void {
  kcall({ type: SYS.CONSOLE_WRITE, text });
}

/**
 * CDEV.WRITE {minor, count, grant} -> {bytes}: copy the bytes in and print them as
 * UTF-8 text. A character cut off at the end waits for the next write.
 */
export function doWrite(count: number, grant: number): { type: number; bytes?: number } {
  for (let done = 0; done < count;) {
    const n = Math.min(CHUNK, count - done);
    const tail = tty.outputTail;
    const buf = new Uint8Array(tail.length + n);
    buf.set(tail);
    if (safecopy(VFS_PROC_NR, grant, done, buf, tail.length, n, GRANT_READ) < 0) {
      return done > 0 ? { type: OK, bytes: done } : { type: -EFAULT };
    }
    const keep = incompleteTail(buf);
    tty.outputTail = buf.slice(buf.length - keep);
    const text = decodeUtf8(buf.subarray(0, buf.length - keep));
    if (text) consoleWrite(text);
    done += n;
  }
  return { type: OK, bytes: count };
}
