import * as fs from "node:fs";
import { Machine } from "../../hw/machine.js";
import type { SectorStore } from "../../hw/disk.js";
import { Kernel, type RunEnd } from "../kernel/kernel.js";
import type { ImageSource } from "../kernel/image.js";
import { mkfs } from "../tools/mkfs.js";
import { PlainImage } from "./plain-image.js";
import { BOOT_TABLE, bootProcesses, type BootEntry } from "./table.js";

export interface SystemOptions {
  seed?: number;
  /** Disk image file; created and formatted if it does not exist. */
  diskPath?: string;
  diskSectors?: number;
  /** Use this sector store (tests: a disk shared across reboots). */
  diskStore?: SectorStore;
  /** Format the disk before boot: "auto" formats a new image or an in-memory disk. */
  format?: "auto" | "never";
  image?: ImageSource;
  /** Arguments for init: the workload to run, or "sh" for the interactive shell. */
  initArgv?: string[];
  /** Boot only these boot-table entries (by name): tests of a part of the system. */
  only?: string[];
  /** Replace programs of boot entries (tests). */
  programs?: Record<string, string>;
  consoleSink?: (text: string) => void;
}

/**
 * A whole machine with the OS booted on it: what `proteos boot` and the tests run.
 */
export class System {
  readonly machine: Machine;
  readonly kernel: Kernel;
  readonly entries: BootEntry[];

  constructor(readonly opts: SystemOptions = {}) {
    const fresh = opts.diskPath !== undefined && !fs.existsSync(opts.diskPath);
    this.machine = new Machine({
      seed: opts.seed ?? 1,
      diskPath: opts.diskPath,
      diskSectors: opts.diskSectors,
      diskStore: opts.diskStore,
      consoleSink: opts.consoleSink,
    });
    const wantFormat = opts.format !== "never" && (fresh || (opts.diskPath === undefined && opts.diskStore === undefined));
    if (wantFormat) mkfs(this.machine.disk.store);
    this.kernel = new Kernel(this.machine, opts.image ?? new PlainImage());
    this.entries = BOOT_TABLE.filter((e) => !opts.only || opts.only.includes(e.name)).map((e) =>
      opts.programs?.[e.name] ? { ...e, program: opts.programs[e.name]! } : e);
  }

  boot(): void {
    this.kernel.boot(bootProcesses(this.entries, (e) => (e.name === "init" ? this.opts.initArgv ?? [] : [])));
  }

  run(maxTicks?: number, idleWait?: () => Promise<boolean>): Promise<RunEnd> {
    return this.kernel.run({ maxTicks, idleWait });
  }

  /** Boot, run to the end, and release the disk. */
  async runToEnd(maxTicks?: number): Promise<RunEnd> {
    this.boot();
    try {
      return await this.run(maxTicks);
    } finally {
      this.machine.powerOff();
    }
  }

  get consoleOutput(): string {
    return this.machine.console.output();
  }
}
