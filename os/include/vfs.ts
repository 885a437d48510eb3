/**
 * Messages PM sends VFS so both keep the same view of processes (VFS itself sets up
 * init, INIT_PROC_NR, at start: empty fd table, cwd "/"). User-facing VFS calls are
 * numbered from VFS_BASE + 0x40 and defined below by the VFS server.
 */
import { VFS_BASE } from "./com.js";

export const VFS_PM = {
  /** {parent, child, pid}: give the child a copy of the parent's fd table (shared open files) and cwd. */
  FORK: VFS_BASE + 1,
  /** {endpoint}: the process is gone: close all its files. */
  EXIT: VFS_BASE + 2,
  /** {}: write everything back and unmount the root (before a halt). */
  SHUTDOWN: VFS_BASE + 3,
} as const;

/** Character device majors, looked up by VFS to pick the driver. */
export const MAJOR_TTY = 4;
export const MAJOR_NULL = 1;
export function makedev(major: number, minor: number): number {
  return (major << 8) | minor;
}
export function major(dev: number): number {
  return (dev >> 8) & 0xff;
}
export function minor(dev: number): number {
  return dev & 0xff;
}

/**
 * Calls user programs make (os/lib/fs.ts wraps them). A request carries the fields
 * listed; the reply's `type` is 0 or a negative errno, plus the fields after "->".
 * Data moves through a grant the caller makes to VFS (write access for READ and
 * GETDENTS, read access for WRITE) covering `count` bytes; VFS passes it on to the
 * file system or driver with an indirect grant.
 */
export const VFS_CALL = {
  /** {path, flags, mode} -> {fd}: flags from fcntl.ts; mode (permission bits) for O_CREAT. */
  OPEN: VFS_BASE + 0x40,
  /** {fd}. */
  CLOSE: VFS_BASE + 0x41,
  /** {fd, grant, count} -> {bytes}: 0 bytes at end of file. */
  READ: VFS_BASE + 0x42,
  /** {fd, grant, count} -> {bytes}. */
  WRITE: VFS_BASE + 0x43,
  /** {fd, offset, whence} -> {pos}. */
  LSEEK: VFS_BASE + 0x44,
  /** {fd} -> {fd}: the lowest free descriptor, sharing the open file. */
  DUP: VFS_BASE + 0x45,
  /** {fd, fd2} -> {fd}: make fd2 share fd's open file, closing fd2 first. */
  DUP2: VFS_BASE + 0x46,
  /** {path}. */
  UNLINK: VFS_BASE + 0x47,
  /** {path, mode}. */
  MKDIR: VFS_BASE + 0x48,
  /** {path}. */
  RMDIR: VFS_BASE + 0x49,
  /** {from, to}. */
  RENAME: VFS_BASE + 0x4a,
  /** {path} -> {ino, mode, nlink, size, uid, gid, atime, mtime, ctime, rdev, blocks}. */
  STAT: VFS_BASE + 0x4b,
  /** {fd} -> the fields of STAT. */
  FSTAT: VFS_BASE + 0x4c,
  /** {fd, grant, count} -> {bytes}: directory entries packed as in REQ.GETDENTS (u32 ino, u8 length, name); 0 at the end. */
  GETDENTS: VFS_BASE + 0x4d,
  /** {path}. */
  CHDIR: VFS_BASE + 0x4e,
  /** {} -> {path}. */
  GETCWD: VFS_BASE + 0x4f,
  /** {path, size}. */
  TRUNCATE: VFS_BASE + 0x50,
  /** {fd, size}. */
  FTRUNCATE: VFS_BASE + 0x51,
  /** {}: write back everything. */
  SYNC: VFS_BASE + 0x52,
} as const;

/** Descriptors per process (EMFILE beyond), open files in the system (ENFILE), longest path (ENAMETOOLONG). */
export const OPEN_MAX = 64;
export const NR_FILPS = 1024;
export const PATH_MAX = 1024;
