import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../hw/disk.js";
import { DISK_SECTORS, checks } from "../programs/blk-probe.js";
import { firstDifference, pattern } from "../programs/mfs-lib.js";
import { programChecks } from "../../support/program-run.js";

function sectors(store: MemoryStore, pos: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  store.read(pos / 512, out);
  return out;
}

/** The disk driver alone: a probe in MFS's slot sends it raw BDEV requests. */
describe("BLK disk driver", () => {
  const store = new MemoryStore(DISK_SECTORS);
  programChecks(checks, () => ({
    only: ["blk", "mfs"],
    programs: { mfs: "test/os/programs/blk-probe.ts" },
    system: { diskStore: store },
    maxTicks: 100_000,
  }), "marker");

  it("puts the bytes where the requests said, on the disk itself", () => {
    const on = (pos: number, expected: Uint8Array) => firstDifference(sectors(store, pos, expected.length), expected);
    expect(on(0, pattern(1, 512))).toBe(-1);
    expect(on((DISK_SECTORS - 1) * 512, pattern(2, 512))).toBe(-1);
    expect(on(1024 * 1024, pattern(3, 100 * 1024))).toBe(-1);
    expect(on(2 * 1024 * 1024, pattern(5, 4096))).toBe(-1);
    expect(on(2 * 1024 * 1024 + 4096, pattern(4, 4096))).toBe(-1);
    expect(on(512, new Uint8Array(512))).toBe(-1); // untouched
  });
});
