import * as fs from "node:fs";
import type { Clock } from "./clock.js";
import type { PhysicalMemory } from "./memory.js";
import type { Rng } from "./rng.js";

export const SECTOR_SIZE = 512;

export type DiskOp = "read" | "write" | "flush";

export interface DiskRequest {
  op: DiskOp;
  sector: number;
  count: number;
  /** Physical address of the DMA buffer (count * SECTOR_SIZE bytes). */
  addr: number;
}

export interface DiskStatus {
  /** 0 for success, otherwise a device error code (see DiskError). */
  error: number;
  request: DiskRequest;
}

export const DiskError = { OK: 0, RANGE: 1, BADADDR: 2, BUSY: 3 } as const;

/** Where the sectors live: host memory, or a file so they survive a reboot. */
export interface SectorStore {
  readonly sectors: number;
  read(sector: number, into: Uint8Array): void;
  write(sector: number, from: Uint8Array): void;
  flush(): void;
  close(): void;
}

export class MemoryStore implements SectorStore {
  private data: Uint8Array;
  constructor(readonly sectors: number) {
    this.data = new Uint8Array(sectors * SECTOR_SIZE);
  }
  read(sector: number, into: Uint8Array): void {
    into.set(this.data.subarray(sector * SECTOR_SIZE, sector * SECTOR_SIZE + into.length));
  }
  write(sector: number, from: Uint8Array): void {
    this.data.set(from, sector * SECTOR_SIZE);
  }
  flush(): void {}
  close(): void {}
}

export class FileStore implements SectorStore {
  readonly sectors: number;
  private fd: number;
  /**
   * Opens (or creates with `sectorsIfNew` sectors) a disk image file. An existing
   * image keeps its size; its length must be a whole number of sectors.
   */
  constructor(readonly path: string, sectorsIfNew: number) {
    const exists = fs.existsSync(path);
    this.fd = fs.openSync(path, exists ? "r+" : "w+");
    if (!exists) fs.ftruncateSync(this.fd, sectorsIfNew * SECTOR_SIZE);
    const size = fs.fstatSync(this.fd).size;
    if (size === 0 || size % SECTOR_SIZE !== 0) {
      fs.closeSync(this.fd);
      throw new Error(`disk image ${path}: size ${size} is not a positive multiple of ${SECTOR_SIZE}-byte sectors`);
    }
    this.sectors = size / SECTOR_SIZE;
  }
  read(sector: number, into: Uint8Array): void {
    fs.readSync(this.fd, into, 0, into.length, sector * SECTOR_SIZE);
  }
  write(sector: number, from: Uint8Array): void {
    fs.writeSync(this.fd, from, 0, from.length, sector * SECTOR_SIZE);
  }
  flush(): void {
    fs.fsyncSync(this.fd);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * A block device with one request in service at a time. A request's data moves
 * between the store and physical memory when it completes, after a latency of
 * `baseLatency` ticks plus seek distance and seeded jitter; then the device raises
 * its interrupt.
 */
export class Disk {
  private busy = false;
  private lastSector = 0;
  private status: DiskStatus | undefined;
  readsDone = 0;
  writesDone = 0;

  constructor(
    readonly store: SectorStore,
    private clock: Clock,
    private memory: PhysicalMemory,
    private rng: Rng,
    private raise: () => void,
    readonly baseLatency = 2,
  ) {}

  get sectors(): number {
    return this.store.sectors;
  }

  /** Start a request; returns a DiskError code immediately if it cannot start. */
  submit(req: DiskRequest): number {
    if (this.busy) return DiskError.BUSY;
    const bytes = req.count * SECTOR_SIZE;
    if (req.op !== "flush") {
      if (!Number.isInteger(req.sector) || !Number.isInteger(req.count) || req.count <= 0 ||
          req.sector < 0 || req.sector + req.count > this.store.sectors) return DiskError.RANGE;
      if (!this.memory.owns(req.addr, bytes)) return DiskError.BADADDR;
    }
    this.busy = true;
    const seek = Math.min(8, Math.floor(Math.abs(req.sector - this.lastSector) / 2048));
    const latency = this.baseLatency + seek + this.rng.below(3);
    this.clock.after(latency, () => this.complete(req));
    return DiskError.OK;
  }

  /** Status of the last completed request (reading it acknowledges the interrupt). */
  takeStatus(): DiskStatus | undefined {
    const s = this.status;
    this.status = undefined;
    return s;
  }

  private complete(req: DiskRequest): void {
    const view = this.memory.bytes.subarray(req.addr, req.addr + req.count * SECTOR_SIZE);
    if (req.op === "read") {
      this.store.read(req.sector, view);
      this.readsDone++;
    } else if (req.op === "write") {
      this.store.write(req.sector, view);
      this.writesDone++;
    } else {
      this.store.flush();
    }
    this.lastSector = req.sector + req.count;
    this.busy = false;
    this.status = { error: DiskError.OK, request: req };
    this.raise();
  }
}
