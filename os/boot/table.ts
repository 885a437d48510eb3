import { DS_PROC_NR, INIT_PROC_NR, PM_PROC_NR, RS_PROC_NR, VFS_PROC_NR } from "../include/com.js";
import { BOOT_SERVICES } from "../include/services.js";
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

/**
 * The system services (their rows live in os/include/services.ts, which RS also
 * reads to restart a service with the same privileges), then init.
 */
export const BOOT_TABLE: BootEntry[] = [
  ...BOOT_SERVICES.map((s) => ({ ...s })),
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
