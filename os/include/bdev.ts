/**
 * The protocol between a file system server and the block-device driver (MINIX's
 * BDEV_* calls). Only MFS may send these, with sendrec; the reply's `type` is 0 or a
 * negative errno. Data moves through `grant`, made by the file system over one of
 * its buffers (write access for READ, read access for WRITE): the driver copies with
 * safecopy(MFS, grant). Positions and counts are in bytes, whole sectors only.
 */
import { BDEV_BASE } from "./com.js";

export const BDEV = {
  /** {pos, count, grant} -> {bytes}: read `count` bytes of the disk from byte `pos` into the grant. */
  READ: BDEV_BASE + 1,
  /** {pos, count, grant} -> {bytes}: write `count` bytes from the grant to the disk at byte `pos`. */
  WRITE: BDEV_BASE + 2,
  /** {}: make every write answered so far durable. */
  FLUSH: BDEV_BASE + 3,
  /** {} -> {sectors, sectorSize}: the size of the disk. */
  INFO: BDEV_BASE + 4,
} as const;

/** Unit of every position and count. */
export const BDEV_SECTOR_SIZE = 512;

/** The disk's interrupt line (IRQ.DISK of the simulated machine, hw/machine.ts). */
export const DISK_IRQ = 1;
