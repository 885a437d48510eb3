/**
 * Opening and closing files, making directories, and moving the file position
 * (MINIX's open.c).
 */
import {
  EEXIST, EINVAL, EISDIR, EMFILE, ENFILE, ENOTDIR, ESPIPE, OK,
} from "../../include/errno.js";
import {
  O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_TRUNC, SEEK_CUR, SEEK_END, SEEK_SET,
} from "../../include/fcntl.js";
import { REQ, S_IFDIR, S_IFREG, isChr, isDir, isReg } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { MAJOR_TTY, NR_FILPS, major } from "../../include/vfs.js";
import { SysError } from "../../lib/errors.js";
import { intArg, pathArg } from "./args.js";
import { deviceOpen } from "./device.js";
import { filpArg, freeFd, installFd, newFilp, releaseFilp, withFilp } from "./filp.js";
import { truncateVnode } from "./link.js";
import { findEntry, lookupParent, lookupPath } from "./path.js";
import { fsRequest } from "./request.js";
import { FProc, Vnode, vfs } from "./state.js";
import { putVnode, vnodeFor } from "./vnode.js";

/** Permission bits of a request's `mode` (file type bits are VFS's to choose). */
function permissions(m: Message): number {
  return m.mode === undefined ? 0o644 : intArg(m, "mode", 0, 0xffff) & 0o7777;
}

/** open(path, flags, mode) -> {fd}. */
export async function doOpen(fp: FProc, m: Message): Promise<Message> {
  const path = pathArg(m);
  const flags = intArg(m, "flags", 0, 0x7fffffff);
  const mode = permissions(m);
  // O_CREAT makes regular files only, so with O_DIRECTORY it could never succeed.
  if ((flags & O_ACCMODE) === O_ACCMODE || (flags & (O_CREAT | O_DIRECTORY)) === (O_CREAT | O_DIRECTORY)) {
    throw new SysError(EINVAL, "open");
  }
  // Both tables are checked before the lookup, as MINIX's get_fd does, so a doomed open does no work.
  if (freeFd(fp) < 0) throw new SysError(EMFILE, "open");
  if (vfs.filps.size >= NR_FILPS) throw new SysError(ENFILE, "open");

  const vp = flags & O_CREAT ? await openOrCreate(fp, path, flags, mode) : await lookupPath(fp, path);
  try {
    await prepareOpen(vp, flags);
  } catch (e) {
    putVnode(vp);
    throw e;
  }
  return { type: OK, fd: await installFd(fp, newFilp(vp, flags)) };
}

/** Look up the last component of `path` under its directory's lock, creating a regular file if absent. */
async function openOrCreate(fp: FProc, path: string, flags: number, mode: number): Promise<Vnode> {
  const { dir, name, trailingSlash } = await lookupParent(fp, path);
  try {
    if (name === "" || name === "." || name === "..") throw new SysError(flags & O_EXCL ? EEXIST : EISDIR, "open");
    return await dir.lock.with(async () => {
      const found = await findEntry(dir, name);
      if (found) {
        const refused = flags & O_EXCL ? EEXIST : trailingSlash && !isDir(found.mode) ? ENOTDIR : 0;
        if (refused) {
          putVnode(found);
          throw new SysError(refused, "open");
        }
        return found;
      }
      if (trailingSlash) throw new SysError(EISDIR, "open");
      return vnodeFor(await fsRequest({ type: REQ.CREATE, dirIno: dir.ino, name, mode: S_IFREG | mode }));
    });
  } finally {
    putVnode(dir);
  }
}

/** Check that `vp` may be opened with `flags`, then truncate it or open its device as asked. */
async function prepareOpen(vp: Vnode, flags: number): Promise<void> {
  const writable = (flags & O_ACCMODE) !== O_RDONLY;
  if (isDir(vp.mode)) {
    if (writable || flags & (O_CREAT | O_TRUNC)) throw new SysError(EISDIR, "open");
    return;
  }
  if (flags & O_DIRECTORY) throw new SysError(ENOTDIR, "open");
  if (isChr(vp.mode)) await deviceOpen(vp);
  else if (isReg(vp.mode) && flags & O_TRUNC && writable) await vp.lock.with(() => truncateVnode(vp, 0));
}

/** close(fd). */
export async function doClose(fp: FProc, m: Message): Promise<Message> {
  const filp = filpArg(fp, m);
  fp.fds[m.fd as number] = null;
  await releaseFilp(filp);
  return { type: OK };
}

/** mkdir(path, mode). */
export async function doMkdir(fp: FProc, m: Message): Promise<Message> {
  const path = pathArg(m);
  const mode = permissions(m);
  const { dir, name } = await lookupParent(fp, path);
  try {
    if (name === "" || name === "." || name === "..") throw new SysError(EEXIST, "mkdir");
    await dir.lock.with(() => fsRequest({ type: REQ.MKDIR, dirIno: dir.ino, name, mode: S_IFDIR | mode }));
  } finally {
    putVnode(dir);
  }
  return { type: OK };
}

/** lseek(fd, offset, whence) -> {pos}. */
export function doLseek(fp: FProc, m: Message): Promise<Message> {
  return withFilp(fp, m, async (filp) => {
    const offset = intArg(m, "offset", -Number.MAX_SAFE_INTEGER);
    const whence = intArg(m, "whence", SEEK_SET, SEEK_END);
    const vp = filp.vnode;
    if (isChr(vp.mode)) {
      if (major(vp.rdev) === MAJOR_TTY) throw new SysError(ESPIPE, "lseek");
      return { type: OK, pos: 0 }; // the null device has no position
    }
    // A directory's position counts entries, so there is no end to seek from.
    if (isDir(vp.mode) && whence === SEEK_END) throw new SysError(EINVAL, "lseek");
    return filp.lock.with(async () => {
      const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? filp.pos : vp.size;
      const pos = base + offset;
      if (pos < 0 || !Number.isSafeInteger(pos)) throw new SysError(EINVAL, "lseek");
      filp.pos = pos;
      return { type: OK, pos };
    });
  });
}
