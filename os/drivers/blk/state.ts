/**
 * All of the block driver's state: what it learnt of the disk at start, its DMA
 * buffer, and the requests it serves one at a time in arrival order.
 */
import type { Message } from "../../include/ipc.js";

export type DiskOp = "read" | "write" | "flush";

/** One BDEV request, from acceptance to its reply. Large ones go to the disk in DMA-buffer-sized chunks. */
export class Transfer {
  /** Bytes already moved (whole chunks). */
  done = 0;
  /** Bytes of the chunk now on the disk. */
  chunk = 0;
  /** The disk accepted the chunk; false while the device is still busy with a request of an earlier driver instance. */
  submitted = false;

  constructor(
    /** The request itself: the reply goes to its sender and call. */
    readonly request: Message,
    readonly op: DiskOp,
    /** Byte offset on the disk (whole sectors). */
    readonly pos: number,
    /** Bytes to move (whole sectors); 0 for a flush. */
    readonly count: number,
    /** The requester's grant over its buffer; unused by a flush. */
    readonly grant: number,
  ) {}
}

export class DriverState {
  /** Size of the disk in sectors, and of a sector in bytes. */
  sectors = 0;
  sectorSize = 0;
  /** The DMA buffer in physical memory: every disk request reads or writes here. */
  dmaAddr = -1;
  dmaBytes = 0;
  /** The driver's own copy of a chunk, between the DMA buffer and the requester's grant. */
  staging = new Uint8Array(0);
  /** The request the disk is working on, if any. */
  current: Transfer | null = null;
  /** Requests waiting for the disk, oldest first. */
  readonly queue: Transfer[] = [];
}

export const blk = new DriverState();
