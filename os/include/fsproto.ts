/**
 * The protocol between VFS and a file system server (MINIX's REQ_* calls). VFS
 * sends one request per operation with sendrec; the reply's `type` is 0 or a
 * negative errno, with the fields listed (an error reply may add `why`, a text).
 * Inode numbers are the server's; VFS holds a reference on every inode it keeps
 * (readsuper/lookup/create/mknod add one, PUTNODE drops them) and the server frees
 * an unlinked inode when its last reference goes. An inode a request names (ino,
 * dirIno, ...) must be one VFS holds a reference on, else EINVAL.
 * Bulk data moves through a grant VFS passes in `grant` (made by VFS, usually an
 * indirect grant of the user's buffer); the server copies with safecopy(VFS, grant).
 */
import { FS_BASE } from "./com.js";

export const REQ = {
  /**
   * {} -> {rootIno, blockSize, inodes, zones, freeInodes, freeZones, maxFileSize, dirty}; the root comes with a
   * reference (the mount's). `dirty`: the volume was not cleanly unmounted. Refuses a corrupt volume with
   * EINVAL/EIO and `why`; EBUSY when already mounted. Every other request needs a mount (EINVAL).
   */
  READSUPER: FS_BASE + 1,
  /** {} : drop every reference (freeing files unlinked while open), write back everything, mark the volume clean. */
  UNMOUNT: FS_BASE + 2,
  /** {dirIno, name} -> {ino, mode, size, nlink, rdev}; takes a reference. */
  LOOKUP: FS_BASE + 3,
  /**
   * {dirIno, name, mode, uid?, gid?} -> {ino, mode, size, nlink, rdev}: new regular file; takes a reference. EEXIST if
   * present. In CREATE, MKDIR and MKNOD, `mode` holds permission bits and may hold the file type too.
   */
  CREATE: FS_BASE + 4,
  /** {dirIno, name, mode, uid?, gid?} -> {ino}: takes no reference. */
  MKDIR: FS_BASE + 5,
  /** {dirIno, name, mode, rdev, uid?, gid?} -> {ino}: a device special file (S_IFCHR or S_IFBLK in mode); takes a reference. */
  MKNOD: FS_BASE + 6,
  /** {dirIno, name}: remove a non-directory entry. */
  UNLINK: FS_BASE + 7,
  /** {dirIno, name}: remove an empty directory. */
  RMDIR: FS_BASE + 8,
  /**
   * {oldDirIno, oldName, newDirIno, newName}: POSIX rename (replaces a target of the same kind, a directory only if
   * empty); EINVAL for "." or "..", or for moving a directory into its own subtree.
   */
  RENAME: FS_BASE + 9,
  /** {ino, pos, count, grant} -> {bytes}: read file bytes into the grant (0 at the end); EISDIR for a directory. */
  READ: FS_BASE + 10,
  /** {ino, pos, count, grant} -> {bytes, size}: write bytes from the grant; a full disk writes what fits (ENOSPC if nothing). */
  WRITE: FS_BASE + 11,
  /** {ino, size}: set the file size (frees blocks past it; a larger size leaves a hole that reads as zeros). */
  TRUNC: FS_BASE + 12,
  /** {ino} -> {mode, nlink, size, uid, gid, atime, mtime, ctime, rdev, blocks}: times in ticks, blocks in 512-byte units. */
  STAT: FS_BASE + 13,
  /**
   * {ino, pos, count, grant} -> {bytes, pos}: directory entries from entry index `pos`,
   * each as u32 ino (LE), u8 name length, name bytes (UTF-8), packed; `pos` is where to go on.
   * 0 bytes at the end; EINVAL if `count` cannot hold the next entry.
   */
  GETDENTS: FS_BASE + 14,
  /** {ino, count}: drop `count` references. */
  PUTNODE: FS_BASE + 15,
  /** {}: write back dirty blocks and inodes, and make them durable. */
  SYNC: FS_BASE + 16,
  /** {dirIno, name, ino}: a new name `name` in directory `dirIno` for inode `ino` (link(2)); EPERM for a directory. */
  LINK: FS_BASE + 17,
} as const;

/** File types in `mode` (POSIX values). */
export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

export function isDir(mode: number): boolean {
  return (mode & S_IFMT) === S_IFDIR;
}
export function isChr(mode: number): boolean {
  return (mode & S_IFMT) === S_IFCHR;
}
export function isReg(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG;
}

/** Longest name in a directory entry. */
export const NAME_MAX = 60;
