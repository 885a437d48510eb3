/**
 * Kernel calls: privileged requests a system process makes with TRAP.KCALL. Each
 * takes a message and returns one (status in `type`). Which calls a process may
 * make is part of its privileges.
 */
export const SYS = {
  /** {parent, entry, argv} -> {endpoint}: new process from the parent's program image, not yet running. */
  FORK: 1,
  /** {endpoint, program, argv}: replace a process's image with a program; it starts at once. */
  EXEC: 2,
  /** {endpoint}: start a process created by FORK. */
  RUN: 3,
  /** {endpoint}: destroy a process. */
  EXIT: 4,
  /** {endpoint, signal}: run the process's signal handler for `signal`. */
  KILL: 5,
  /** {ticks}: notify the caller from CLOCK after `ticks` (0 cancels); returns {remaining}. */
  SETALARM: 6,
  /** {} -> {now}: virtual time in ticks. */
  TIMES: 7,
  /** {} -> {endpoint, status, reason} of the next death the caller watches, or type ESRCH when none. */
  GETKSIG: 8,
  /** {program, name, endpoint?, priority, privileges}: start a system service (RS); an endpoint revives a dead slot. */
  SPAWN: 9,
  /** {text}: print to the kernel log on the console. */
  DIAG: 10,
  /** {line}: deliver this interrupt line to the caller as notifications from HARDWARE. */
  IRQSUB: 11,
  /** {op, sector, count, addr}: start a disk request. */
  DISKIO: 12,
  /** {} -> {error, op, sector, count}: acknowledge the disk's last completion. */
  DISKSTATUS: 13,
  /** {} -> {sectors, sectorSize}. */
  DISKINFO: 14,
  /** {bytes} -> {addr}: allocate physical memory (DMA buffers). */
  MEMALLOC: 15,
  /** {addr}. */
  MEMFREE: 16,
  /** {text}: write to the console device. */
  CONSOLE_WRITE: 17,
  /** {} -> {text}: take the console's typed input. */
  CONSOLE_READ: 18,
  /** {status}: halt the machine. */
  ABORT: 19,
  /** {slot} -> {endpoint, name, state, program, priority} or ESRCH: a look at the process table. */
  GETPROC: 20,
  /** {endpoint} -> {alive}: whether an endpoint names a live process. */
  ISOKENDPT: 21,
  /** {endpoint, on}: hold (queue in order) or release messages addressed to a process. */
  HOLD: 22,
  /**
   * Live update (the update manager, RS): {op: "start", request} -> {id, services} starts an
   * update (request: JSON, see os/include/rs.ts; services: the names of those it updates,
   * comma-separated); {op: "result"} -> {id, outcome, reason, report} of the next finished
   * one, or ESRCH. The caller is notified from SYSTEM when one ends.
   * A start may carry an attachment too big for a message (the update package of a
   * `"package": true` request): {granter, grant, size}, a grant of `granter`'s that lets
   * the caller read `size` bytes (at most 64 MiB: E2BIG), which the kernel copies in. A
   * bad one is refused with EINVAL, EPERM or EFAULT and a `reason`.
   */
  UPDATE: 23,
  /** {endpoint, uid}: set a process's user id (PM, for setuid). Children inherit it at FORK. */
  SETUID: 24,
} as const;

export type KCallNumber = (typeof SYS)[keyof typeof SYS];
