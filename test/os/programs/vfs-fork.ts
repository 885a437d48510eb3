/**
 * What VFS keeps in step with PM: a forked child shares its parent's open files
 * (and their offsets) and starts in its working directory; an exit closes the
 * child's files and cancels a console read it was blocked in. Runs as init, with PM.
 */
import { O_CREAT, O_RDONLY, O_RDWR, SEEK_CUR } from "../../../os/include/fcntl.js";
import { SIGKILL } from "../../../os/include/signal.js";
import { chdir, close, getcwd, lseek, mkdir, open, read, readFile, write, writeAll } from "../../../os/lib/fs.js";
import { exit, fork, kill, sleep, waitpid } from "../../../os/lib/unistd.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assertEq, runChecks } from "./checks.js";

/** Descriptor of the shared file, fixed before any fork: the children see the same number. */
const SHARED_FD = 3;

/** Run `entry` in a child and return its exit status. */
async function child(entry: string, argv: string[] = []): Promise<number> {
  const { status } = await waitpid(await fork(entry, argv));
  return status >> 8;
}

export const checks: Checks = {
  async "a child shares the offset of its parent's open files"() {
    await mkdir("/fork");
    assertEq(await open("/fork/shared", O_CREAT | O_RDWR), SHARED_FD, "descriptor");
    await write(SHARED_FD, "parent ");
    assertEq(await child("writeShared"), 0, "child status");
    await write(SHARED_FD, "parent-again");
    assertEq(await lseek(SHARED_FD, 0, SEEK_CUR), 34, "the offset moved by both");
    assertEq(decodeUtf8(await readFile("/fork/shared")), "parent child-was-here parent-again", "contents");
  },

  async "a child's close leaves the parent's descriptor open"() {
    assertEq(await child("closeShared"), 0, "child status");
    assertEq(await lseek(SHARED_FD, 0, SEEK_CUR), 34, "still open here");
    await close(SHARED_FD);
  },

  async "a child starts in its parent's working directory, and changes only its own"() {
    await chdir("/fork");
    assertEq(await child("checkCwd"), 0, "child status");
    assertEq(await getcwd(), "/fork", "parent's working directory");
    await chdir("/");
  },

  async "a process killed in a console read does not take the next line"() {
    const pid = await fork("readConsole");
    await sleep(50); // let it block in its read
    await kill(pid, SIGKILL);
    await waitpid(pid);
    const tty = await open("/dev/tty", O_RDONLY);
    const line = new Uint8Array(64);
    const pending = read(tty, line);
    await writeAll(1, "TYPE:after-kill\n");
    const n = await pending;
    assertEq(decodeUtf8(line.subarray(0, n)), "for the parent\n", "the line went to the live reader");
    await close(tty);
  },
};

export async function writeShared(): Promise<never> {
  await write(SHARED_FD, "child-was-here ");
  return exit(0);
}

export async function closeShared(): Promise<never> {
  await close(SHARED_FD);
  return exit(0);
}

export async function checkCwd(): Promise<never> {
  const inherited = await getcwd();
  await chdir("/");
  return exit(inherited === "/fork" ? 0 : 1);
}

export async function readConsole(): Promise<never> {
  const tty = await open("/dev/tty", O_RDONLY);
  await read(tty, new Uint8Array(64)); // killed while waiting here
  return exit(0);
}

export async function main(): Promise<number> {
  await open("/dev/tty", O_RDONLY);
  await open("/dev/tty", O_RDWR);
  await open("/dev/tty", O_RDWR);
  return runChecks(checks, (text) => writeAll(1, text));
}
