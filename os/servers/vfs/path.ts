/**
 * Path name lookup, one component at a time from the root or the working directory
 * (MINIX's lookup.c). The file system resolves "." and ".." itself (its root's ".."
 * is the root). Every vnode returned here carries a reference the caller must put.
 */
import { EIO, ENAMETOOLONG, ENOENT, ENOTDIR } from "../../include/errno.js";
import { NAME_MAX, REQ, isDir } from "../../include/fsproto.js";
import { SysError } from "../../lib/errors.js";
import { encodeUtf8 } from "../../lib/utf8.js";
import { fsRequest } from "./request.js";
import { FProc, Vnode, vfs } from "./state.js";
import { dupVnode, putVnode, vnodeFor } from "./vnode.js";

/** A path split into its last component and the directory holding it. */
export interface ParentLookup {
  /** The directory the last component is in (referenced). */
  dir: Vnode;
  /** The last component: "" for the root itself ("/"), possibly "." or "..". */
  name: string;
  /** The path ended in "/": the last component must be a directory. */
  trailingSlash: boolean;
}

/** The components of `path` (empty ones from repeated slashes dropped); ENAMETOOLONG for one too long. */
function components(path: string): string[] {
  const names = path.split("/").filter((c) => c.length > 0);
  for (const c of names) if (encodeUtf8(c).length > NAME_MAX) throw new SysError(ENAMETOOLONG, "vfs");
  return names;
}

function startOf(fp: FProc, path: string): Vnode {
  if (!vfs.root) throw new SysError(EIO, "vfs", "no root file system");
  return dupVnode(path.startsWith("/") ? vfs.root : fp.cwd);
}

/** The entry `name` of directory `dir`, referenced; ENOENT if there is none. */
export async function lookupEntry(dir: Vnode, name: string): Promise<Vnode> {
  if (!isDir(dir.mode)) throw new SysError(ENOTDIR, "vfs");
  return vnodeFor(await fsRequest({ type: REQ.LOOKUP, dirIno: dir.ino, name }));
}

/** Like lookupEntry, but null when the entry does not exist. */
export async function findEntry(dir: Vnode, name: string): Promise<Vnode | null> {
  try {
    return await lookupEntry(dir, name);
  } catch (e) {
    if (e instanceof SysError && e.errno === ENOENT) return null;
    throw e;
  }
}

/** Walk `names` from `start` (whose reference passes to the walk); returns the vnode reached. */
async function walk(start: Vnode, names: string[]): Promise<Vnode> {
  let cur = start;
  try {
    for (const name of names) {
      const next = await lookupEntry(cur, name);
      putVnode(cur);
      cur = next;
    }
  } catch (e) {
    putVnode(cur);
    throw e;
  }
  return cur;
}

/** The vnode `path` names. A trailing slash demands a directory (ENOTDIR otherwise). */
export async function lookupPath(fp: FProc, path: string): Promise<Vnode> {
  const vp = await walk(startOf(fp, path), components(path));
  if (path.endsWith("/") && !isDir(vp.mode)) {
    putVnode(vp);
    throw new SysError(ENOTDIR, "vfs");
  }
  return vp;
}

/** The directory holding the last component of `path`, and that component. */
export async function lookupParent(fp: FProc, path: string): Promise<ParentLookup> {
  const names = components(path);
  const name = names.pop() ?? "";
  const dir = await walk(startOf(fp, path), names);
  if (!isDir(dir.mode)) {
    putVnode(dir);
    throw new SysError(ENOTDIR, "vfs");
  }
  return { dir, name, trailingSlash: path.endsWith("/") };
}

/**
 * The absolute form of `path` for `fp`, with ".", ".." and repeated slashes worked
 * out. With no symbolic links or mount points this is exactly where a successful
 * lookup of `path` ends, which is how VFS keeps each working directory's path.
 */
export function absolutePath(fp: FProc, path: string): string {
  const out: string[] = [];
  const base = path.startsWith("/") ? [] : fp.cwdPath.split("/");
  for (const c of [...base, ...path.split("/")]) {
    if (c === "" || c === ".") continue;
    if (c === "..") out.pop();
    else out.push(c);
  }
  return `/${out.join("/")}`;
}
