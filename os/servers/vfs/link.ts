/**
 * Removing and renaming directory entries, and truncating files (MINIX's link.c).
 * Each change to a directory runs under that directory's vnode lock.
 */
import { EBADF, EBUSY, EINVAL, EISDIR, ENOTDIR, ENOTEMPTY, OK } from "../../include/errno.js";
import { O_ACCMODE, O_RDONLY } from "../../include/fcntl.js";
import { REQ, isDir, isReg } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { intArg, pathArg } from "./args.js";
import { withFilp } from "./filp.js";
import { withBoth } from "./lock.js";
import { absolutePath, lookupEntry, lookupParent, lookupPath } from "./path.js";
import { fsRequest } from "./request.js";
import { FProc, Vnode, vfs } from "./state.js";
import { putVnode } from "./vnode.js";

/** unlink(path): remove a name that is not a directory. */
export async function doUnlink(fp: FProc, m: Message): Promise<Message> {
  const { dir, name, trailingSlash } = await lookupParent(fp, pathArg(m));
  try {
    if (name === "" || name === "." || name === "..") throw new SysError(EISDIR, "unlink");
    if (trailingSlash) throw new SysError((await isDirEntry(dir, name)) ? EISDIR : ENOTDIR, "unlink");
    await dir.lock.with(() => fsRequest({ type: REQ.UNLINK, dirIno: dir.ino, name }));
  } finally {
    putVnode(dir);
  }
  return { type: OK };
}

/** Whether entry `name` of `dir` is a directory (ENOENT if there is no such entry). */
async function isDirEntry(dir: Vnode, name: string): Promise<boolean> {
  const vp = await lookupEntry(dir, name);
  putVnode(vp);
  return isDir(vp.mode);
}

/** rmdir(path): remove an empty directory. */
export async function doRmdir(fp: FProc, m: Message): Promise<Message> {
  const { dir, name } = await lookupParent(fp, pathArg(m));
  try {
    if (name === "") throw new SysError(EBUSY, "rmdir");
    if (name === ".") throw new SysError(EINVAL, "rmdir");
    if (name === "..") throw new SysError(ENOTEMPTY, "rmdir");
    await dir.lock.with(() => fsRequest({ type: REQ.RMDIR, dirIno: dir.ino, name }));
  } finally {
    putVnode(dir);
  }
  return { type: OK };
}

/**
 * rename(from, to). The file system checks the rest of POSIX's rules atomically
 * (kinds of source and target, an empty target directory, no move into a subtree).
 */
export async function doRename(fp: FProc, m: Message): Promise<Message> {
  const from = pathArg(m, "from");
  const to = pathArg(m, "to");
  const [oldPath, newPath] = [absolutePath(fp, from), absolutePath(fp, to)];
  const src = await lookupParent(fp, from);
  try {
    const dst = await lookupParent(fp, to);
    try {
      for (const name of [src.name, dst.name]) {
        if (name === "") throw new SysError(EBUSY, "rename");
        if (name === "." || name === "..") throw new SysError(EINVAL, "rename");
      }
      await withBoth(src.dir, dst.dir, async () => {
        // Only a directory may be named with a trailing slash.
        if ((src.trailingSlash || dst.trailingSlash) && !(await isDirEntry(src.dir, src.name))) {
          throw new SysError(ENOTDIR, "rename");
        }
        await fsRequest({ type: REQ.RENAME, oldDirIno: src.dir.ino, oldName: src.name, newDirIno: dst.dir.ino,
          newName: dst.name });
      });
    } finally {
      putVnode(dst.dir);
    }
  } finally {
    putVnode(src.dir);
  }
  // Only a directory can be a working directory or hold one, so this is a no-op for a file.
  movedDirectory(oldPath, newPath);
  return { type: OK };
}

/** Keep the working-directory paths of processes inside a renamed directory right. */
function movedDirectory(oldPath: string, newPath: string): void {
  for (const p of vfs.procs.values()) {
    if (p.cwdPath === oldPath || p.cwdPath.startsWith(`${oldPath}/`)) {
      p.cwdPath = newPath + p.cwdPath.slice(oldPath.length);
    }
  }
}

/** Set the size of regular file `vp`; the caller holds its lock. */
export async function truncateVnode(vp: Vnode, size: number): Promise<void> {
  await fsRequest({ type: REQ.TRUNC, ino: vp.ino, size });
  vp.size = size;
}

/** truncate(path, size). */
export async function doTruncate(fp: FProc, m: Message): Promise<Message> {
  const path = pathArg(m);
  const size = intArg(m, "size");
  const vp = await lookupPath(fp, path);
  try {
    if (isDir(vp.mode)) throw new SysError(EISDIR, "truncate");
    if (!isReg(vp.mode)) throw new SysError(EINVAL, "truncate");
    await vp.lock.with(() => truncateVnode(vp, size));
  } finally {
    putVnode(vp);
  }
  return { type: OK };
}

/** ftruncate(fd, size): the descriptor must be open for writing. */
export function doFtruncate(fp: FProc, m: Message): Promise<Message> {
  return withFilp(fp, m, async (filp) => {
    const size = intArg(m, "size");
    if ((filp.flags & O_ACCMODE) === O_RDONLY) throw new SysError(EBADF, "ftruncate");
    const vp = filp.vnode;
    if (!isReg(vp.mode)) throw new SysError(EINVAL, "ftruncate");
    await vp.lock.with(() => truncateVnode(vp, size));
    return { type: OK };
  });
}
