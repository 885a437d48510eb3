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
