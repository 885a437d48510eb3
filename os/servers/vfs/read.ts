/**
 * Reading and writing open files and directories (MINIX's read.c and write.c). The
 * data never passes through VFS: the caller's grant goes on to the file system or
 * driver, which copies straight from or to the caller's buffer.
 */
import { EBADF, EINVAL, EISDIR, ENOTDIR, OK } from "../../include/errno.js";
import { O_ACCMODE, O_APPEND, O_RDONLY, O_WRONLY } from "../../include/fcntl.js";
import { REQ, isChr, isDir, isReg } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { intArg } from "./args.js";
import { deviceTransfer } from "./device.js";
import { withFilp } from "./filp.js";
import { withUserGrant } from "./grant.js";
import { countField, fsRequest } from "./request.js";
import { FProc, Filp, vfs } from "./state.js";

/** read(fd, grant, count) -> {bytes}. */
export function doRead(fp: FProc, m: Message): Promise<Message> {
  return transfer(fp, m, false);
}

/** write(fd, grant, count) -> {bytes}. */
export function doWrite(fp: FProc, m: Message): Promise<Message> {
  return transfer(fp, m, true);
}

async function transfer(fp: FProc, m: Message, writing: boolean): Promise<Message> {
  return withFilp(fp, m, async (filp) => {
    const count = intArg(m, "count");
    const access = filp.flags & O_ACCMODE;
    if (access === (writing ? O_RDONLY : O_WRONLY)) throw new SysError(EBADF, writing ? "write" : "read");
    const vp = filp.vnode;
    if (isDir(vp.mode)) throw new SysError(EISDIR, "read");
    // A device has no position to protect, so a console read does not hold up writes on the same open file.
    if (isChr(vp.mode)) return { type: OK, bytes: await deviceTransfer(fp, vp, m, writing, count) };
    if (!isReg(vp.mode)) throw new SysError(EINVAL, "read");
    if (count === 0) return { type: OK, bytes: 0 };
    const bytes = await filp.lock.with(() => (writing ? writeFile(filp, m, count) : readFile(filp, m, count)));
    return { type: OK, bytes };
  });
}

/** Read at the file position and advance it; the caller holds the filp lock. */
async function readFile(filp: Filp, m: Message, count: number): Promise<number> {
  const r = await withUserGrant(m, vfs.fsEndpoint,
    (grant) => fsRequest({ type: REQ.READ, ino: filp.vnode.ino, pos: filp.pos, count, grant }));
  const bytes = countField(r, "bytes", count);
  filp.pos += bytes;
  return bytes;
}

/**
 * Write at the file position (at the end with O_APPEND) and advance it. The vnode
 * lock keeps the size exact while writes through different open files interleave.
 */
async function writeFile(filp: Filp, m: Message, count: number): Promise<number> {
  const vp = filp.vnode;
  return vp.lock.with(async () => {
    if (filp.flags & O_APPEND) filp.pos = vp.size;
    const r = await withUserGrant(m, vfs.fsEndpoint,
      (grant) => fsRequest({ type: REQ.WRITE, ino: vp.ino, pos: filp.pos, count, grant }));
    const bytes = countField(r, "bytes", count);
    vp.size = countField(r, "size");
    filp.pos += bytes;
    return bytes;
  });
}

/** getdents(fd, grant, count) -> {bytes}: whole directory entries from the position on. */
export function doGetdents(fp: FProc, m: Message): Promise<Message> {
  return withFilp(fp, m, async (filp) => {
    const count = intArg(m, "count");
    const vp = filp.vnode;
    if (!isDir(vp.mode)) throw new SysError(ENOTDIR, "getdents");
    return filp.lock.with(async () => {
      const r = await withUserGrant(m, vfs.fsEndpoint,
        (grant) => fsRequest({ type: REQ.GETDENTS, ino: vp.ino, pos: filp.pos, count, grant }));
      const bytes = countField(r, "bytes", count);
      filp.pos = countField(r, "pos");
      return { type: OK, bytes };
    });
  });
}
