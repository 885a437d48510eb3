import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../../hw/disk.js";
import { fsck } from "../../../../os/tools/fsck.js";
import { mkfs } from "../../../../os/tools/mkfs.js";
import { checks } from "../../programs/mfs-probe.js";
import { checks as fullChecks } from "../../programs/mfs-full.js";
import { checks as stressChecks } from "../../programs/mfs-stress.js";
import { type ProgramRun, programChecks } from "../../../support/program-run.js";

/** Format `store`, then run `program` in VFS's slot beside BLK and MFS, with the standard checks. */
function volumeChecks(checks: Record<string, unknown>, program: string, store: MemoryStore, seed = 1,
  mkfsOpts: { inodes?: number } = {}, end?: "marker"): () => ProgramRun {
  return programChecks(checks, () => {
    mkfs(store, mkfsOpts);
    return {
      only: ["blk", "mfs", "vfs"],
      programs: { vfs: program },
      system: { diskStore: store, seed },
      maxTicks: 5_000_000,
    };
  }, end);
}

/**
 * The file system server with its disk driver and nothing else: a probe in VFS's
 * slot sends it raw fsproto requests on a fresh 8 MiB volume.
 */
describe("MFS through fsproto", () => {
  const store = new MemoryStore(16384);
  const run = volumeChecks(checks, "test/os/programs/mfs-probe.ts", store, 1, {}, "marker");

  it("leaves a consistent, cleanly unmounted volume", () => {
    const report = fsck(store);
    expect(report.errors).toEqual([]);
    expect(report.stats.clean).toBe(true);
    expect(report.stats.files).toBe(1); // "kept"
  });
});

describe("MFS on a full disk", () => {
  const store = new MemoryStore(1024);
  volumeChecks(fullChecks, "test/os/programs/mfs-full.ts", store, 1, { inodes: 16 });

  it("leaves a consistent volume", () => {
    expect(fsck(store).errors).toEqual([]);
  });
});

describe("MFS under a random workload", () => {
  const store = new MemoryStore(16384);
  volumeChecks(stressChecks, "test/os/programs/mfs-stress.ts", store, 3);

  it("leaves a consistent volume after SYNC, without unmounting", () => {
    const report = fsck(store);
    expect(report.errors).toEqual([]);
    expect(report.stats.clean).toBe(false);
    expect(report.stats.files).toBeGreaterThan(0);
  });
});

describe("MFS under a random workload on a volume that fills up", () => {
  const store = new MemoryStore(2048);
  const run = volumeChecks(stressChecks, "test/os/programs/mfs-stress.ts", store, 1, { inodes: 40 });

  it("ran out of space and inodes along the way", () => {
    const refused = Number(/stress: (\d+) requests refused with ENOSPC/.exec(run().output)?.[1]);
    expect(refused).toBeGreaterThan(0);
  });

  it("leaves a consistent volume", () => {
    expect(fsck(store).errors).toEqual([]);
  });
});
