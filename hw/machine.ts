import { Clock } from "./clock.js";
import { Console } from "./console.js";
import { Disk, FileStore, MemoryStore, type SectorStore } from "./disk.js";
import { PhysicalMemory } from "./memory.js";
import { Rng } from "./rng.js";

/** Interrupt lines. Timers are not a line: the clock runs kernel callbacks directly (see Clock.after). */
export const IRQ = { DISK: 1, CONSOLE: 2 } as const;
export type IrqLine = (typeof IRQ)[keyof typeof IRQ];

export interface MachineConfig {
  seed: number;
  /** Disk size in sectors for an in-memory disk or a newly created image. */
  diskSectors?: number;
  /** Back the disk by this image file instead of host memory. */
  diskPath?: string;
  /** Use this store for the disk (tests); overrides diskPath. */
  diskStore?: SectorStore;
  memoryBytes?: number;
  /** Receives console output as it is written. */
  consoleSink?: (text: string) => void;
}

/**
 * The whole simulated machine. It knows nothing of the operating system: the OS
 * attaches an interrupt handler and drives the devices through their methods.
 */
export class Machine {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly memory: PhysicalMemory;
  readonly disk: Disk;
  readonly console: Console;
  private onIrq: (line: IrqLine) => void = () => {};

  constructor(readonly config: MachineConfig) {
    this.rng = new Rng(config.seed);
    this.clock = new Clock();
    this.memory = new PhysicalMemory(config.memoryBytes ?? 4 << 20);
    const sectors = config.diskSectors ?? 16384;
    const store = config.diskStore ?? (config.diskPath ? new FileStore(config.diskPath, sectors) : new MemoryStore(sectors));
    this.disk = new Disk(store, this.clock, this.memory, this.rng.fork(), () => this.raise(IRQ.DISK));
    this.console = new Console(() => this.raise(IRQ.CONSOLE), config.consoleSink);
  }

  /** The kernel's interrupt entry point. */
  attach(handler: (line: IrqLine) => void): void {
    this.onIrq = handler;
  }

  raise(line: IrqLine): void {
    this.onIrq(line);
  }

  powerOff(): void {
    this.disk.store.close();
  }
}
