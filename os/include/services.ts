/**
 * The system services of the boot image and their privileges: the one source of
 * truth for both the boot table (os/boot/table.ts, host side) and RS, which must
 * start a dead service again with exactly the privileges it had.
 */
import {
  BLK_PROC_NR, DS_PROC_NR, MFS_PROC_NR, PM_PROC_NR, RS_PROC_NR, TTY_PROC_NR, VFS_PROC_NR,
} from "./com.js";

/** Scheduling levels, lower first (the kernel's run queues). */
export const PRIORITY = { DRIVER: 0, SERVER: 1, USER: 2 } as const;

export interface ServiceSpec {
  slot: number;
  name: string;
  program: string;
  /** Kernel calls allowed: names from SYS separated by commas, or "all". */
  kcalls: string;
  priority: number;
  /** May copy to and from physical memory (drivers that do DMA). */
  physcopy: boolean;
}

export const BOOT_SERVICES: readonly ServiceSpec[] = [
  { slot: PM_PROC_NR, name: "pm", program: "pm", priority: PRIORITY.SERVER, physcopy: false,
    kcalls: "FORK,EXEC,RUN,EXIT,KILL,SETALARM,TIMES,GETKSIG,ABORT,GETPROC,ISOKENDPT,SETUID,DIAG" },
  { slot: VFS_PROC_NR, name: "vfs", program: "vfs", priority: PRIORITY.SERVER, physcopy: false,
    kcalls: "SETALARM,TIMES,GETPROC,ISOKENDPT,DIAG" },
  { slot: RS_PROC_NR, name: "rs", program: "rs", priority: PRIORITY.SERVER, physcopy: false,
    kcalls: "SPAWN,GETKSIG,SETALARM,TIMES,GETPROC,ISOKENDPT,HOLD,EXIT,KILL,UPDATE,DIAG" },
  { slot: DS_PROC_NR, name: "ds", program: "ds", priority: PRIORITY.SERVER, physcopy: false,
    kcalls: "TIMES,ISOKENDPT,DIAG" },
  { slot: MFS_PROC_NR, name: "mfs", program: "mfs", priority: PRIORITY.SERVER, physcopy: false,
    kcalls: "SETALARM,TIMES,DIAG" },
  { slot: BLK_PROC_NR, name: "blk", program: "blk", priority: PRIORITY.DRIVER, physcopy: true,
    kcalls: "IRQSUB,DISKIO,DISKSTATUS,DISKINFO,MEMALLOC,MEMFREE,TIMES,DIAG" },
  { slot: TTY_PROC_NR, name: "tty", program: "tty", priority: PRIORITY.DRIVER, physcopy: false,
    kcalls: "IRQSUB,CONSOLE_WRITE,CONSOLE_READ,DIAG" },
];


export function serviceSpec(name: string): ServiceSpec | undefined {
  return BOOT_SERVICES.find((s) => s.name === name);
}
