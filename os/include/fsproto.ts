/**
 * The protocol between VFS and a file system server (MINIX's REQ_* calls). VFS
 * sends one request per operation with sendrec; the reply's `type` is 0 or a
 * negative errno, with the fields listed. Inode numbers are the server's; VFS holds
 * a reference on every inode it keeps (lookup/create/mknod add one, PUTNODE drops
 * them) and the server frees an unlinked inode when its last reference goes.
 * Bulk data moves through a grant VFS passes in `grant` (made by VFS, usually an
 * indirect grant of the user's buffer); the server copies with safecopy(VFS, grant).
 */
import { FS_BASE } from "./com.js";

export const REQ = {
  /** {} -> {rootIno, blockSize, inodes, zones, freeInodes, freeZones}; refuses a corrupt volume with EINVAL/EIO and `why`. */
  READSUPER: FS_BASE + 1,
  /** {} : write back everything, mark the volume clean. */
  UNMOUNT: FS_BASE + 2,
  /** {dirIno, name} -> {ino, mode, size, nlink, rdev}; takes a reference. */
  LOOKUP: FS_BASE + 3,
  /** {dirIno, name, mode} -> {ino, mode, size, nlink, rdev}: new regular file; takes a reference. EEXIST if present. */
  CREATE: FS_BASE + 4,
  /** {dirIno, name, mode} -> {ino}. */
  MKDIR: FS_BASE + 5,
  /** {dirIno, name, mode, rdev} -> {ino}: a device special file. */
  MKNOD: FS_BASE + 6,
  /** {dirIno, name}: remove a non-directory entry. */
  UNLINK: FS_BASE + 7,
  /** {dirIno, name}: remove an empty directory. */
  RMDIR: FS_BASE + 8,
  /** {oldDirIno, oldName, newDirIno, newName}: POSIX rename (replaces a target of the same kind). */
  RENAME: FS_BASE + 9,
  /** {ino, pos, count, grant} -> {bytes}: read file bytes into the grant. */
  READ: FS_BASE + 10,
  /** {ino, pos, count, grant} -> {bytes, size}: write bytes from the grant. */
  WRITE: FS_BASE + 11,
  /** {ino, size}: set the file size (frees blocks past it). */
  TRUNC: FS_BASE + 12,
  /** {ino} -> {mode, nlink, size, uid, gid, atime, mtime, ctime, rdev, blocks}. */
  STAT: FS_BASE + 13,
  /**
   * {ino, pos, count, grant} -> {bytes, pos}: directory entries from entry index `pos`,
   * each as u32 ino (LE), u8 name length, name bytes (UTF-8), packed; `pos` is where to go on.
   */
  GETDENTS: FS_BASE + 14,
  /** {ino, count}: drop `count` references. */
  PUTNODE: FS_BASE + 15,
  /** {}: write back dirty blocks and inodes. */
  SYNC: FS_BASE + 16,
  /** {ino, name} -> {}: link `name` in directory... reserved for link(2). */
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
