/**
 * The vnode table. Every inode a lookup or create returns comes with a file-system
 * reference; VFS keeps one per vnode and hands back the rest at once.
 */
import { type Message } from "../../include/ipc.js";
import { REQ } from "../../include/fsproto.js";
import { countField, fsNotice } from "./request.js";
import { Vnode, vfs } from "./state.js";

/** The vnode for the inode a LOOKUP or CREATE reply names (which took a reference): one more user. */
export function vnodeFor(r: Message): Vnode {
  const ino = countField(r, "ino");
  const known = vfs.vnodes.get(ino);
  if (known) {
    known.refCount++;
    fsNotice({ type: REQ.PUTNODE, ino, count: 1 });
    return known;
  }
  const v = new Vnode(ino, countField(r, "mode"), countField(r, "size"), typeof r.rdev === "number" ? r.rdev : 0);
  vfs.vnodes.set(ino, v);
  return v;
}

/** One more user of `v`. */
export function dupVnode(v: Vnode): Vnode {
  v.refCount++;
  return v;
}

/** One user fewer; the last one gives the inode back to the file system. */
export function putVnode(v: Vnode): void {
  if (--v.refCount > 0) return;
  if (vfs.vnodes.get(v.ino) === v) vfs.vnodes.delete(v.ino);
  if (vfs.root) fsNotice({ type: REQ.PUTNODE, ino: v.ino, count: 1 });
}
