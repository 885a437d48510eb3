/**
 * BLK, the disk driver. It owns the disk controller and a DMA buffer, and serves
 * the file system's block requests one at a time, in arrival order.
 */
import { BDEV_SECTOR_SIZE, DISK_IRQ } from "../../include/bdev.js";
import { OK } from "../../include/errno.js";
import { SYS } from "../../include/kcall.js";
import { kcall, receive, startMode } from "../../lib/ipc.js";
import { resetDisk } from "./device.js";
import { blk } from "./state.js";
import { dispatch } from "./table.js";

/** Size of the DMA buffer: the largest piece of a request the disk is given at once. */
const DMA_BYTES = 32 * 1024;

async function init(): Promise<void> {
  const info = kcall({ type: SYS.DISKINFO });
  if (info.type !== OK || info.sectorSize !== BDEV_SECTOR_SIZE) throw new Error(`blk: unusable disk (${info.type})`);
  blk.sectors = Number(info.sectors);
  blk.sectorSize = BDEV_SECTOR_SIZE;
  const mem = kcall({ type: SYS.MEMALLOC, bytes: DMA_BYTES });
  if (mem.type !== OK) throw new Error(`blk: no memory for a DMA buffer (${mem.type})`);
  blk.dmaAddr = Number(mem.addr);
  blk.dmaBytes = DMA_BYTES;
  blk.staging = new Uint8Array(DMA_BYTES);
  const sub = kcall({ type: SYS.IRQSUB, line: DISK_IRQ });
  if (sub.type !== OK) throw new Error(`blk: cannot take the disk interrupt (${sub.type})`);
  await resetDisk();
}

export async function main(): Promise<void> {
  if (startMode() !== "update") await init();
  for (;;) dispatch(await receive());
}
