/**
 * The disk controller, through kernel calls: start a request on the DMA buffer,
 * collect the status of the last one that completed, and wait for its interrupt.
 */
import { DISK_IRQ } from "../../include/bdev.js";
import { EBUSY, EIO, OK } from "../../include/errno.js";
import { HARDWARE } from "../../include/ipc.js";
import { SYS } from "../../include/kcall.js";
import { kcall, receive } from "../../lib/ipc.js";
import { blk, type DiskOp } from "./state.js";

/** What the device reports about the request that completed last. */
export interface DiskStatus {
  /** OK or -EIO. */
  status: number;
  op: DiskOp | undefined;
  sector: number;
  count: number;
}

/** Start `op` on `count` sectors from `sector`, through the DMA buffer. OK, -EBUSY, or another negative errno. */
export function startDisk(op: DiskOp, sector: number, count: number): number {
  return kcall({ type: SYS.DISKIO, op, sector, count, addr: blk.dmaAddr }).type;
}

/** Acknowledge the last completion; null when there is none to collect. */
export function takeStatus(): DiskStatus | null {
  const s = kcall({ type: SYS.DISKSTATUS });
  if (s.type !== OK && s.type !== -EIO) return null;
  const op = s.op === "read" || s.op === "write" || s.op === "flush" ? s.op : undefined;
  return { status: s.type, op, sector: Number(s.sector), count: Number(s.count) };
}

/** Wait for the next disk interrupt (other messages stay queued). */
async function waitForInterrupt(): Promise<void> {
  for (;;) {
    const m = await receive(HARDWARE);
    if ((Number(m.irqs) & (1 << DISK_IRQ)) !== 0) return;
  }
}

/**
 * Bring the device to a known state: idle, with no completion left to collect. A
 * previous instance of this driver (killed and restarted by RS) may have left a
 * request in flight; a flush is accepted only once the device is free, and after it
 * completes nothing older can still arrive.
 */
export async function resetDisk(): Promise<void> {
  for (;;) {
    const r = startDisk("flush", 0, 0);
    if (r === OK) break;
    if (r !== -EBUSY) throw new Error(`disk reset: DISKIO failed with ${r}`);
    await waitForInterrupt();
    takeStatus();
  }
  for (;;) {
    await waitForInterrupt();
    const s = takeStatus();
    if (s && (s.op === "flush" || s.status !== OK)) return;
  }
}
