/**
 * Changing the names of inodes: UNLINK, RMDIR, RENAME and LINK (MINIX's link.c).
 * An inode whose last name goes is freed when its last reference goes too, so a
 * file VFS still has open lives on until PUTNODE.
 */
import { EEXIST, EINVAL, EIO, EISDIR, EMLINK, ENOENT, ENOTDIR, ENOTEMPTY, EPERM } from "../../include/errno.js";
import { isDir } from "../../include/fsproto.js";
import type { Message } from "../../include/ipc.js";
import { FsError } from "./error.js";
import { LINK_MAX, ROOT_INO } from "./format.js";
import { truncate } from "./bmap.js";
import { enterDir, entryInode, isEmptyDir, removeEntry, replaceEntry, searchDir } from "./dir.js";
import { getInode, now, putInode } from "./inode.js";
import { DOTDOT, heldDir, heldInode, isDot, isDotDot, nameField, type Reply } from "./request.js";
import { vol, type Inode } from "./state.js";

/** UNLINK {dirIno, name}: remove a name of a file that is not a directory. */
export async function doUnlink(m: Message): Promise<Reply> {
  const dir = heldDir(m, "dirIno");
  const name = nameField(m, "name");
  const ip = await entryInode(dir, name);
  try {
    if (isDir(ip.mode)) throw new FsError(EISDIR);
    await removeEntry(dir, name);
    dropLink(ip);
  } finally {
    await putInode(ip);
  }
  return {};
}

/** RMDIR {dirIno, name}: remove an empty directory. */
export async function doRmdir(m: Message): Promise<Reply> {
  const dir = heldDir(m, "dirIno");
  const name = nameField(m, "name");
  if (isDot(name)) throw new FsError(EINVAL, "cannot remove \".\"");
  if (isDotDot(name)) throw new FsError(ENOTEMPTY);
  const ip = await entryInode(dir, name);
  try {
    if (!isDir(ip.mode)) throw new FsError(ENOTDIR);
    if (!(await isEmptyDir(ip))) throw new FsError(ENOTEMPTY);
    await removeEntry(dir, name);
    await unlinkDir(ip, dir);
  } finally {
    await putInode(ip);
  }
  return {};
}

/**
 * RENAME {oldDirIno, oldName, newDirIno, newName}: POSIX rename. An existing target
 * is replaced if it is of the same kind (an empty directory for a directory); a
 * directory cannot move into its own subtree (EINVAL).
 */
export async function doRename(m: Message): Promise<Reply> {
  const oldDir = heldDir(m, "oldDirIno");
  const oldName = nameField(m, "oldName");
  const newDir = heldDir(m, "newDirIno");
  const newName = nameField(m, "newName");
  for (const n of [oldName, newName]) {
    if (isDot(n) || isDotDot(n)) throw new FsError(EINVAL, "cannot rename \".\" or \"..\"");
  }
  if (newDir.nlinks === 0) throw new FsError(ENOENT, "the target directory has been removed");
  const src = await entryInode(oldDir, oldName);
  let target: Inode | null = null;
  try {
    const movingDir = isDir(src.mode);
    if (movingDir && oldDir !== newDir) await checkNotUnder(newDir, src);
    const targetIno = await searchDir(newDir, newName);
    if (targetIno === src.ino) return {}; // two names of one inode: nothing to do
    if (targetIno !== 0) {
      target = await getInode(targetIno);
      if (movingDir && !isDir(target.mode)) throw new FsError(ENOTDIR);
      if (!movingDir && isDir(target.mode)) throw new FsError(EISDIR);
      if (movingDir && !(await isEmptyDir(target))) throw new FsError(ENOTEMPTY);
    } else if (movingDir && oldDir !== newDir && newDir.nlinks >= LINK_MAX) {
      throw new FsError(EMLINK);
    }
    // The new name first: if there is no room for it, nothing has changed yet.
    if (target) await replaceEntry(newDir, newName, src.ino);
    else await enterDir(newDir, newName, src.ino);
    await removeEntry(oldDir, oldName);
    if (target) {
      if (isDir(target.mode)) await unlinkDir(target, newDir);
      else dropLink(target);
    }
    if (movingDir && oldDir !== newDir) {
      await replaceEntry(src, DOTDOT, newDir.ino);
      oldDir.nlinks--;
      newDir.nlinks++;
    }
    src.ctime = now();
    src.dirty = true;
  } finally {
    if (target) await putInode(target);
    await putInode(src);
  }
  return {};
}

/** LINK {dirIno, name, ino}: a new name `name` in directory `dirIno` for inode `ino` (not a directory). */
export async function doLink(m: Message): Promise<Reply> {
  const dir = heldDir(m, "dirIno");
  const name = nameField(m, "name");
  const ip = heldInode(m, "ino");
  if (isDir(ip.mode)) throw new FsError(EPERM, "directories cannot have more names");
  if (ip.nlinks === 0 || dir.nlinks === 0) throw new FsError(ENOENT);
  if (ip.nlinks >= LINK_MAX) throw new FsError(EMLINK);
  if ((await searchDir(dir, name)) !== 0) throw new FsError(EEXIST);
  await enterDir(dir, name, ip.ino);
  ip.nlinks++;
  ip.ctime = now();
  ip.dirty = true;
  return {};
}

/** One name of `ip` is gone. */
function dropLink(ip: Inode): void {
  ip.nlinks--;
  ip.ctime = now();
  ip.dirty = true;
}

/**
 * Directory `ip`, empty, has lost its name in `parent`: it loses "." and ".." too
 * (its contents go now; the inode when its last reference does).
 */
async function unlinkDir(ip: Inode, parent: Inode): Promise<void> {
  await truncate(ip, 0);
  ip.nlinks = 0;
  ip.ctime = now();
  ip.dirty = true;
  parent.nlinks--;
  parent.dirty = true;
}

/** EINVAL if `dir` is `src` or lies below it: walk up from `dir` through ".." to the root. */
async function checkNotUnder(dir: Inode, src: Inode): Promise<void> {
  let cur = dir;
  await getInode(cur.ino); // hold every inode on the walk the same way
  try {
    for (let steps = 0; cur.ino !== ROOT_INO; steps++) {
      if (cur.ino === src.ino) throw new FsError(EINVAL, "cannot move a directory into its own subtree");
      if (steps > vol.sb.inodes) throw new FsError(EIO, "the directory tree has a cycle");
      const up = await entryInode(cur, DOTDOT);
      await putInode(cur);
      cur = up;
    }
  } finally {
    await putInode(cur);
  }
}
