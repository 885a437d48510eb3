import { SYS } from "../include/kcall.js";

/**
 * Privileges of a process: which kernel calls it may make and which endpoints it
 * may send to. The kernel checks both on every trap.
 */
export interface Priv {
  /** Kernel calls allowed, or "all". */
  kcalls: ReadonlySet<number> | "all";
  /** Endpoints this process may send to (by slot), or "all". */
  ipcTo: ReadonlySet<number> | "all";
  /** May use physical memory copies (drivers). */
  physcopy: boolean;
  /** Scheduling priority: lower runs first. */
  priority: number;
  /** A system process (server or driver) as opposed to a user process. */
  system: boolean;
}

export const PRIORITY = { DRIVER: 0, SERVER: 1, USER: 2 } as const;

export function userPriv(allowedSlots: Iterable<number>): Priv {
  return { kcalls: new Set(), ipcTo: new Set(allowedSlots), physcopy: false, priority: PRIORITY.USER, system: false };
}

export function systemPriv(kcalls: Iterable<number> | "all", priority: number, physcopy = false): Priv {
  return { kcalls: kcalls === "all" ? "all" : new Set(kcalls), ipcTo: "all", physcopy, priority, system: true };
}

export function mayCall(priv: Priv, nr: number): boolean {
  return priv.kcalls === "all" || priv.kcalls.has(nr);
}

export function maySend(priv: Priv, slot: number): boolean {
  return priv.ipcTo === "all" || priv.ipcTo.has(slot);
}

/** Parse a privilege string of the boot table: "all" or a comma list of kernel call names. */
export function parseKcalls(spec: string): Set<number> | "all" {
  if (spec === "all") return "all";
  const out = new Set<number>();
  for (const name of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const nr = (SYS as Record<string, number>)[name];
    if (nr === undefined) throw new Error(`unknown kernel call '${name}' in privilege list`);
    out.add(nr);
  }
  return out;
}
