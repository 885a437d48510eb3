/**
 * Text input and output on the standard descriptors: 0 (input), 1 (output) and 2
 * (errors), which init opens on the console and children inherit.
 */
import { read, writeAll } from "./fs.js";
import { decodeUtf8 } from "./utf8.js";

/** Bytes read from each descriptor but not yet returned by readLine. */
const pending = new Map<number, Uint8Array>();

export async function print(text: string): Promise<void> {
  await writeAll(1, text);
}

export async function println(text: string): Promise<void> {
  await writeAll(1, `${text}\n`);
}

export async function eprintln(text: string): Promise<void> {
  await writeAll(2, `${text}\n`);
}

const NEWLINE = 0x0a;

/**
 * The next line from `fd`, without its newline; null at end of file. A last line
 * with no newline is returned as it is. Bytes after the line stay buffered here for
 * the next call, so do not mix readLine and read on one descriptor.
 */
export async function readLine(fd = 0): Promise<string | null> {
  let buf = pending.get(fd) ?? new Uint8Array(0);
  for (;;) {
    const nl = buf.indexOf(NEWLINE);
    if (nl >= 0) {
      pending.set(fd, buf.slice(nl + 1));
      return decodeUtf8(buf.subarray(0, nl));
    }
    const chunk = new Uint8Array(1024);
    const n = await read(fd, chunk);
    if (n === 0) {
      pending.delete(fd);
      return buf.length > 0 ? decodeUtf8(buf) : null;
    }
    const joined = new Uint8Array(buf.length + n);
    joined.set(buf);
    joined.set(chunk.subarray(0, n), buf.length);
    buf = joined;
    pending.set(fd, buf);
  }
}
