/**
 * The process manager's calls. Each is a sendrec to PM_PROC_NR; the reply's `type`
 * is 0 or a negative errno, with the fields listed. Every call may fail with EINVAL
 * (bad field), and unknown types get ENOSYS.
 */
import { PM_BASE } from "./com.js";

export const PM = {
  /** {} -> {pid}. */
  GETPID: PM_BASE + 1,
  /** {} -> {ppid}: 0 for a process without a parent. */
  GETPPID: PM_BASE + 2,
  /**
   * {entry, argv} -> {pid}: a child running the caller's program from its exported
   * function `entry` with argv (joined by "\0"). It shares the caller's open files,
   * inherits ignored signals, and starts with caught signals back at their default
   * (a handler cannot cross into the child's realm). EAGAIN: process table full;
   * EPERM: the caller is a system process.
   */
  FORK: PM_BASE + 3,
  /** {status}: answered only when refused (EPERM for a system process); otherwise the caller is gone. */
  EXIT: PM_BASE + 4,
  /**
   * {pid, options} -> {pid, status}: pid -1 for any child. With WNOHANG and no child
   * ready yet, pid is 0. ECHILD: no such child; EBUSY: the caller is already
   * waiting. Not interrupted by signals.
   */
  WAITPID: PM_BASE + 5,
  /**
   * {pid, sig}: pid > 0, or -1 for every user process but init and the caller. sig 0
   * only checks that the process exists. ESRCH: none; EPERM: a system process.
   */
  KILL: PM_BASE + 6,
  /** {sig, action: SIG_ACTION} -> {old}: EINVAL for SIGKILL or a signal that does not exist. */
  SIGACTION: PM_BASE + 7,
  /**
   * {ticks} -> {left}: answered after `ticks` of virtual time, or early (left > 0)
   * when a caught signal arrives. EBUSY: the caller is already sleeping.
   */
  SLEEP: PM_BASE + 8,
  /** {ticks} -> {remaining}: SIGALRM after `ticks` (0 cancels); remaining is what was left of the previous alarm. */
  ALARM: PM_BASE + 9,
  /**
   * {program, argv}: not answered on success (the old image is gone). ENOEXEC: no
   * such program; EPERM: the caller is a system process.
   */
  EXEC: PM_BASE + 10,
  /** {status}: from init (pid 1) only, else EPERM. Syncs the file systems and halts the machine. */
  REBOOT: PM_BASE + 11,
  /**
   * {pid} -> {pid, ppid, endpoint, name, state, system}: the process with the smallest
   * pid >= `pid` (state "running", "sleeping" or "zombie"); ESRCH past the last one.
   */
  GETPROCS: PM_BASE + 12,
  /** {} -> {uid}. */
  GETUID: PM_BASE + 13,
  /** {uid}: become user `uid`. EPERM unless the caller is root (uid 0) or already `uid`. */
  SETUID: PM_BASE + 14,
} as const;

/** Longest program or entry name PM accepts. */
export const PM_NAME_MAX = 64;
