/**
 * The file library's own work, beyond single calls: whole-file helpers, directory
 * listing across several getdents calls, line reading, and how failures are thrown.
 */
import { EINVAL, ENOENT } from "../../../os/include/errno.js";
import { O_CREAT, O_RDONLY, O_WRONLY } from "../../../os/include/fcntl.js";
import { SysError } from "../../../os/lib/errors.js";
import { close, mkdir, open, read, readFile, readdir, stat, write, writeAll, writeFile } from "../../../os/lib/fs.js";
import { readLine } from "../../../os/lib/stdio.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assert, assertEq, assertErrno, runChecks } from "./checks.js";

export const checks: Checks = {
  async "writeFile creates, replaces and truncates; readFile reads it all back"() {
    await mkdir("/lib");
    await writeFile("/lib/f", "a much longer first version");
    await writeFile("/lib/f", "short ✓");
    assertEq(decodeUtf8(await readFile("/lib/f")), "short ✓", "replaced contents");
    await writeFile("/lib/empty", new Uint8Array(0));
    assertEq((await readFile("/lib/empty")).length, 0, "an empty file");
    const big = new Uint8Array(50_000).map((_, i) => i % 251);
    await writeFile("/lib/big", big);
    const back = await readFile("/lib/big");
    assert(back.length === big.length && back.every((b, i) => b === big[i]), "a file larger than one read");
  },

  async "readdir collects directories larger than one getdents call"() {
    await mkdir("/lib/wide");
    const names = Array.from({ length: 150 }, (_, i) => `entry-with-a-rather-long-name-${String(i).padStart(3, "0")}`);
    for (const n of names) await writeFile(`/lib/wide/${n}`, "");
    const listed = await readdir("/lib/wide");
    assertEq(listed.length, names.length + 2, "every entry once");
    assert(names.every((n) => listed.includes(n)), "every name");
    assert(listed.includes(".") && listed.includes(".."), "dot entries");
  },

  async "readLine reads lines across chunk boundaries and ends with null"() {
    const long = "x".repeat(3000);
    await writeFile("/lib/lines", `first\n\n${long}\nlast without newline`);
    const fd = await open("/lib/lines", O_RDONLY);
    assertEq(await readLine(fd), "first", "first line");
    assertEq(await readLine(fd), "", "empty line");
    assertEq(await readLine(fd), long, "a line longer than a chunk");
    assertEq(await readLine(fd), "last without newline", "a last line with no newline");
    assertEq(await readLine(fd), null, "end of file");
    await close(fd);
    const empty = await open("/lib/empty", O_RDONLY);
    assertEq(await readLine(empty), null, "an empty file has no lines");
    await close(empty);
  },

  async "failures throw SysError naming the call, the path and the errno"() {
    try {
      await stat("/lib/missing");
      throw new Error("stat of a missing file succeeded");
    } catch (e) {
      assert(e instanceof SysError, "a SysError");
      assertEq(e.errno, ENOENT, "errno");
      assertEq(e.call, "stat", "call");
      assertEq(e.message, "stat /lib/missing: ENOENT", "message");
    }
  },

  async "read and write check their arguments; an empty write moves nothing"() {
    const fd = await open("/lib/args", O_CREAT | O_WRONLY);
    await assertErrno(read(fd, new Uint8Array(4), 5), EINVAL, "count beyond the buffer");
    await assertErrno(read(fd, new Uint8Array(4), -1), EINVAL, "negative count");
    assertEq(await write(fd, ""), 0, "empty write");
    await writeAll(fd, "all of it");
    await close(fd);
    assertEq((await stat("/lib/args")).size, 9, "size");
  },
};

export async function main(): Promise<number> {
  return runChecks(checks);
}
