/**
 * Malformed and unauthorized requests to VFS, sent raw: each must be answered with
 * an errno, and VFS must go on serving.
 */
import { INIT_PROC_NR, MFS_PROC_NR, VFS_BASE, VFS_PROC_NR } from "../../../os/include/com.js";
import {
  EBADF, EFAULT, EINVAL, ENAMETOOLONG, ENOENT, ENOSYS, EPERM, errnoName,
} from "../../../os/include/errno.js";
import { O_ACCMODE, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY } from "../../../os/include/fcntl.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../../os/include/ipc.js";
import { VFS_CALL, VFS_PM } from "../../../os/include/vfs.js";
import { close, fstat, lseek, open, read, readFile, stat, write, writeFile } from "../../../os/lib/fs.js";
import { asend, grant, revoke, sendrec } from "../../../os/lib/ipc.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assertEq, runChecks } from "./checks.js";

/** Send `m` to VFS raw and check the status of the reply. */
async function expectStatus(m: Message, want: number, what: string): Promise<Message> {
  const r = await sendrec(VFS_PROC_NR, m);
  if (r.type !== want) {
    throw new Error(`${what}: got ${r.type < 0 ? errnoName(r.type) : r.type}, expected ${want < 0 ? errnoName(want) : want}`);
  }
  return r;
}

export const checks: Checks = {
  async "unknown request types get ENOSYS"() {
    for (const type of [VFS_BASE + 0x7f, VFS_BASE, 0, -5, 0x12345678, 1.5]) {
      await expectStatus({ type }, -ENOSYS, `type ${type}`);
    }
  },

  async "PM's calls from anyone else get EPERM and change nothing"() {
    const fd = await open("/dev/null", O_RDWR);
    await expectStatus({ type: VFS_PM.EXIT, endpoint: INIT_PROC_NR }, -EPERM, "EXIT");
    await expectStatus({ type: VFS_PM.FORK, parent: INIT_PROC_NR, child: 999 }, -EPERM, "FORK");
    await expectStatus({ type: VFS_PM.SHUTDOWN }, -EPERM, "SHUTDOWN");
    assertEq(await write(fd, "still open"), 10, "our descriptors survive");
    await writeFile("/after-shutdown-attempt", "x");
    await close(fd);
  },

  async "malformed fields get EINVAL, ENAMETOOLONG or EBADF"() {
    const o = VFS_CALL.OPEN;
    await expectStatus({ type: o, flags: O_RDONLY }, -EINVAL, "open without a path");
    await expectStatus({ type: o, path: 42, flags: O_RDONLY }, -EINVAL, "a path that is a number");
    await expectStatus({ type: o, path: "", flags: O_RDONLY }, -ENOENT, "an empty path");
    await expectStatus({ type: o, path: "/x".repeat(1000), flags: O_RDONLY }, -ENAMETOOLONG, "a path too long");
    await expectStatus({ type: o, path: "/dev/null", flags: "r" }, -EINVAL, "flags that are a string");
    await expectStatus({ type: o, path: "/dev/null", flags: -1 }, -EINVAL, "negative flags");
    await expectStatus({ type: o, path: "/dev/null", flags: O_ACCMODE }, -EINVAL, "an impossible access mode");
    await expectStatus({ type: o, path: "/nul\0x", flags: O_CREAT | O_WRONLY }, -EINVAL, "a NUL in the path");
    await expectStatus({ type: o, path: "/d", flags: O_CREAT | O_DIRECTORY }, -EINVAL, "creating a directory with open");
    await expectStatus({ type: o, path: "/m", flags: O_CREAT | O_WRONLY, mode: "rw" }, -EINVAL, "mode a string");
    await expectStatus({ type: VFS_CALL.READ, fd: "0", grant: 1, count: 1 }, -EBADF, "fd a string");
    await expectStatus({ type: VFS_CALL.CLOSE }, -EBADF, "close without fd");
    const fd = await open("/dev/null", O_RDWR);
    await expectStatus({ type: VFS_CALL.READ, fd, grant: 1, count: -1 }, -EINVAL, "negative count");
    await expectStatus({ type: VFS_CALL.READ, fd, grant: 1, count: 0.5 }, -EINVAL, "fractional count");
    await expectStatus({ type: VFS_CALL.LSEEK, fd, offset: "0", whence: 0 }, -EINVAL, "offset a string");
    await expectStatus({ type: VFS_CALL.LSEEK, fd, offset: 0, whence: 9 }, -EINVAL, "bad whence");
    await expectStatus({ type: VFS_CALL.DUP2, fd, fd2: "1" }, -EBADF, "dup2 target a string");
    await expectStatus({ type: VFS_CALL.FTRUNCATE, fd, size: 1 }, -EINVAL, "ftruncate of a device");
    await expectStatus({ type: VFS_CALL.TRUNCATE, path: "/dev/null", size: -3 }, -EINVAL, "negative size");
    await expectStatus({ type: VFS_CALL.RENAME, from: "/dev/null" }, -EINVAL, "rename without a target");
    await expectStatus({ type: VFS_CALL.MKDIR, path: null }, -EINVAL, "mkdir of null");
    await close(fd);
  },

  async "bad grants get EFAULT and move no data"() {
    await writeFile("/grants", "0123456789");
    const fd = await open("/grants", O_RDWR);
    await expectStatus({ type: VFS_CALL.READ, fd, grant: 987_654, count: 4 }, -EFAULT, "read into no such grant");
    await expectStatus({ type: VFS_CALL.READ, fd, count: 4 }, -EINVAL, "read without a grant");
    const buf = new Uint8Array(16);
    const toMfs = grant(MFS_PROC_NR, buf, 0, 16, GRANT_READ | GRANT_WRITE);
    await expectStatus({ type: VFS_CALL.WRITE, fd, grant: toMfs, count: 4 }, -EFAULT, "a grant made to someone else");
    revoke(toMfs);
    const small = grant(VFS_PROC_NR, buf, 0, 2, GRANT_WRITE);
    await expectStatus({ type: VFS_CALL.READ, fd, grant: small, count: 8 }, -EFAULT, "a grant smaller than the count");
    revoke(small);
    assertEq(await lseek(fd, 0, 1), 0, "the offset did not move");
    assertEq((await fstat(fd)).size, 10, "the size did not change");
    const nul = await open("/dev/null", O_RDWR);
    const four = grant(VFS_PROC_NR, buf, 0, 4, GRANT_WRITE);
    await expectStatus({ type: VFS_CALL.READ, fd: nul, grant: four, count: 8 }, -EFAULT, "/dev/null read past a grant");
    await expectStatus({ type: VFS_CALL.WRITE, fd: nul, grant: four, count: 4 }, -EFAULT, "/dev/null write, no read access");
    await expectStatus({ type: VFS_CALL.READ, fd: nul, grant: four, count: 4 }, 0, "/dev/null read within the grant");
    revoke(four);
    await close(nul);
    const tty = await open("/dev/tty", O_WRONLY);
    await expectStatus({ type: VFS_CALL.WRITE, fd: tty, grant: 31_337, count: 3 }, -EFAULT, "console write from no grant");
    await close(tty);
    await close(fd);
  },

  async "a request sent without waiting for the answer does no harm"() {
    asend(VFS_PROC_NR, { type: VFS_CALL.MKDIR, path: "/async-made", mode: 0o755 });
    asend(VFS_PROC_NR, { type: VFS_CALL.GETCWD });
    assertEq((await stat("/async-made")).nlink, 2, "the request was served all the same");
  },

  async "VFS still serves normally after all of this"() {
    await writeFile("/still-fine", "yes");
    assertEq(decodeUtf8(await readFile("/still-fine")), "yes", "round trip");
    const fd = await open("/still-fine", O_RDONLY);
    assertEq(await read(fd, new Uint8Array(8)), 3, "read");
    await close(fd);
  },
};

export async function main(): Promise<number> {
  return runChecks(checks);
}
