import {
  BLK_PROC_NR, DS_PROC_NR, INIT_PROC_NR, MFS_PROC_NR, PM_PROC_NR, RS_PROC_NR, TTY_PROC_NR, VFS_PROC_NR,
} from "../include/com.js";
import type { BootProcess } from "../kernel/kernel.js";
import { PRIORITY, parseKcalls, systemPriv, userPriv } from "../kernel/priv.js";

/** A row of the boot image: what runs in each fixed slot, and with which privileges. */
export interface BootEntry {
  slot: number;
  name: string;
  program: string;
  /** Kernel calls allowed (names from SYS), "all", or "user" for an unprivileged process. */
  kcalls: string;
  priority: number;
  physcopy?: boolean;
}

/** Endpoints an ordinary user process may send to. */
export const USER_IPC = [PM_PROC_NR, VFS_PROC_NR, DS_PROC_NR, RS_PROC_NR];

export const BOOT_TABLE: BootEntry[] = [
  { slot: PM_PROC_NR, name: "pm", program: "pm", priority: PRIORITY.SERVER,
    kcalls: "FORK,EXEC,RUN,EXIT,KILL,SETALARM,TIMES,GETKSIG,ABORT,GETPROC,ISOKENDPT,DIAG" },
  { slot: VFS_PROC_NR, name: "vfs", program: "vfs", priority: PRIORITY.SERVER, kcalls: "SETALARM,TIMES,GETPROC,ISOKENDPT,DIAG" },
  { slot: RS_PROC_NR, name: "rs", program: "rs", priority: PRIORITY.SERVER,
    kcalls: "SPAWN,GETKSIG,SETALARM,TIMES,GETPROC,ISOKENDPT,HOLD,EXIT,KILL,DIAG" },
  { slot: DS_PROC_NR, name: "ds", program: "ds", priority: PRIORITY.SERVER, kcalls: "TIMES,DIAG" },
  { slot: MFS_PROC_NR, name: "mfs", program: "mfs", priority: PRIORITY.SERVER, kcalls: "SETALARM,TIMES,DIAG" },
  { slot: BLK_PROC_NR, name: "blk", program: "blk", priority: PRIORITY.DRIVER, physcopy: true,
    kcalls: "IRQSUB,DISKIO,DISKSTATUS,DISKINFO,MEMALLOC,MEMFREE,TIMES,DIAG" },
  { slot: TTY_PROC_NR, name: "tty", program: "tty", priority: PRIORITY.DRIVER, kcalls: "IRQSUB,CONSOLE_WRITE,CONSOLE_READ,DIAG" },
  { slot: INIT_PROC_NR, name: "init", program: "init", priority: PRIORITY.USER, kcalls: "user" },
];

/**
 * Turn boot entries into kernel boot processes. System services are watched by RS
 * (which restarts them); user processes and RS itself by PM.
 */
export function bootProcesses(entries: BootEntry[], argvFor: (e: BootEntry) => string[] = () => []): BootProcess[] {
  return entries.map((e) => {
    const user = e.kcalls === "user";
    return {
      slot: e.slot,
      name: e.name,
      program: e.program,
      priv: user ? userPriv(USER_IPC) : systemPriv(parseKcalls(e.kcalls), e.priority, e.physcopy ?? false),
      watcher: user || e.slot === RS_PROC_NR ? PM_PROC_NR : RS_PROC_NR,
      argv: argvFor(e),
    };
  });
}
