/**
 * File status and the working directory (MINIX's stadir.c).
 */
import { ENOTDIR, ESRCH, OK } from "../../include/errno.js";
import { REQ, isDir } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { SysError } from "../../lib/errors.js";
import { pathArg } from "./args.js";
import { withFilp } from "./filp.js";
import { absolutePath, lookupPath } from "./path.js";
import { fsRequest } from "./request.js";
import { FProc, Vnode } from "./state.js";
import { putVnode } from "./vnode.js";

const STAT_FIELDS = ["mode", "nlink", "size", "uid", "gid", "atime", "mtime", "ctime", "rdev", "blocks"] as const;

/** The status of `vp`, as the file system reports it. */
async function statReply(vp: Vnode): Promise<Message> {
  const r = await fsRequest({ type: REQ.STAT, ino: vp.ino });
  const out: Message = { type: OK, ino: vp.ino };
  for (const f of STAT_FIELDS) out[f] = typeof r[f] === "number" ? r[f] : 0;
  return out;
}

/** stat(path) -> {ino, mode, nlink, size, uid, gid, atime, mtime, ctime, rdev, blocks}. */
export async function doStat(fp: FProc, m: Message): Promise<Message> {
  const vp = await lookupPath(fp, pathArg(m));
  try {
    return await statReply(vp);
  } finally {
    putVnode(vp);
  }
}

/** fstat(fd) -> the fields of stat. */
export function doFstat(fp: FProc, m: Message): Promise<Message> {
  return withFilp(fp, m, (filp) => statReply(filp.vnode));
}

/** chdir(path). */
export async function doChdir(fp: FProc, m: Message): Promise<Message> {
  const path = pathArg(m);
  const newPath = absolutePath(fp, path); // relative to the directory the lookup starts from
  const vp = await lookupPath(fp, path);
  if (!isDir(vp.mode) || fp.exited) {
    putVnode(vp);
    throw new SysError(fp.exited ? ESRCH : ENOTDIR, "chdir");
  }
  putVnode(fp.cwd);
  fp.cwd = vp;
  fp.cwdPath = newPath;
  return { type: OK };
}

/** getcwd() -> {path}. */
export async function doGetcwd(fp: FProc): Promise<Message> {
  return { type: OK, path: fp.cwdPath };
}
