/**
 * The console through VFS and TTY, as user programs see it: descriptors 0, 1 and 2
 * on /dev/tty, line-by-line input, and reads that block only their reader. The
 * host types the input for "<tag>" when it sees "TYPE:<tag>".
 */
import { O_RDONLY, O_RDWR, O_WRONLY } from "../../../os/include/fcntl.js";
import { close, mkdir, open, read, readFile, stat, unlink, write, writeAll, writeFile } from "../../../os/lib/fs.js";
import { eprintln, print, println, readLine } from "../../../os/lib/stdio.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assert, assertEq, runChecks } from "./checks.js";

function typeNow(tag: string): Promise<void> {
  return println(`TYPE:${tag}`);
}

async function readText(fd: number, count = 100): Promise<string> {
  const buf = new Uint8Array(count);
  const n = await read(fd, buf);
  return decodeUtf8(buf.subarray(0, n));
}

export const checks: Checks = {
  async "a console read returns one typed line"() {
    const r = readText(0);
    await typeNow("hello");
    assertEq(await r, "hello\n", "line");
  },

  async "readLine gives lines without their newline, then null at end of file"() {
    await typeNow("lines");
    assertEq(await readLine(), "line one", "first line");
    assertEq(await readLine(), "line two ✓", "second line (UTF-8)");
    assertEq(await readLine(), null, "end of file");
  },

  async "a console read blocks only its reader"() {
    let answered = false;
    const pending = readText(0).then((text) => {
      answered = true;
      return text;
    });
    await mkdir("/busy");
    await writeFile("/busy/f", "file work");
    assertEq(decodeUtf8(await readFile("/busy/f")), "file work", "file read while the console read waits");
    assertEq((await stat("/busy/f")).size, 9, "stat while the console read waits");
    await unlink("/busy/f");
    await print("output while a read waits\n");
    // The same open file as the pending read: it has no offset to lock, so the write goes through.
    await writeAll(0, "written through the reading descriptor\n");
    assert(!answered, "the console read is still waiting");
    await typeNow("late");
    assertEq(await pending, "late\n", "the read gets the line typed later");
  },

  async "readers of the console are served in the order they asked"() {
    const a = await open("/dev/tty", O_RDONLY);
    const b = await open("/dev/tty", O_RDONLY);
    const first = readText(a);
    const second = readText(b);
    await typeNow("two");
    assertEq(await first, "first\n", "first reader");
    assertEq(await second, "second\n", "second reader");
    await close(a);
    await close(b);
  },

  async "println and eprintln write to descriptors 1 and 2"() {
    await println("to standard output");
    await eprintln("to standard error");
    const n = await write(2, "✓\n");
    assertEq(n, 4, "bytes of a UTF-8 write");
  },
};

export async function main(): Promise<number> {
  await open("/dev/tty", O_RDWR);
  await open("/dev/tty", O_WRONLY);
  await open("/dev/tty", O_WRONLY);
  return runChecks(checks, (line) => print(line));
}
