import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../../hw/disk.js";
import { EINVAL } from "../../../../os/include/errno.js";
import { fsck } from "../../../../os/tools/fsck.js";
import { mkfs } from "../../../../os/tools/mkfs.js";
import { firstBoot, laterBoot } from "../../programs/mfs-persist.js";
import { explain, runProgram } from "../../../support/program-run.js";

describe("MFS refuses a corrupt volume at READSUPER", () => {
  /** Mount a fresh volume after `damage`; the server's answer and whether it served afterwards. */
  async function mountAfter(damage: (superBlock: DataView) => void): Promise<string> {
    const store = new MemoryStore(16384);
    mkfs(store);
    const block = new Uint8Array(4096);
    store.read(8, block);
    damage(new DataView(block.buffer));
    store.write(8, block);
    const run = await runProgram({
      only: ["blk", "mfs", "vfs"],
      programs: { vfs: "test/os/programs/mfs-mount.ts" },
      system: { diskStore: store },
      maxTicks: 100_000,
    });
    expect(run.output).toContain(`vfs: stat after ${-EINVAL}`); // still answering: "nothing mounted"
    return /vfs: readsuper (.*)/.exec(run.output)?.[1] ?? run.output;
  }

  it.each([
    ["magic", (v: DataView) => v.setUint32(0, 0x12345678, true),
      "bad magic number 0x12345678 (expected 0x4d465333): not an MFS volume"],
    ["version", (v: DataView) => v.setUint16(4, 9, true), "unsupported version 9 (expected 1)"],
    ["state flag", (v: DataView) => v.setUint16(6, 7, true), "unknown state flag 7"],
    ["block size", (v: DataView) => v.setUint32(8, 1024, true), "block size 1024 (expected 4096)"],
    ["zone count", (v: DataView) => v.setUint32(16, 4096, true), "zone count 4096 exceeds the device's 2048 blocks"],
    ["inode count", (v: DataView) => v.setUint32(12, 100_000, true), "inode bitmap has 1 blocks, 100000 inodes need 4"],
    ["first data zone", (v: DataView) => v.setUint32(28, 5, true), "first data zone is 5, but the layout puts it at 12"],
    ["max file size", (v: DataView) => v.setUint32(32, 0, true), "max file size 0 out of range"],
  ])("names a bad %s", async (_what, damage, why) => {
    expect(await mountAfter(damage)).toBe(`${-EINVAL} superblock: ${why}`);
  });

  it("names a root inode that is not a directory", async () => {
    const store = new MemoryStore(16384);
    mkfs(store);
    const table = new Uint8Array(4096);
    store.read(4 * 8, table); // block 4: the inode table (after super, imap and zmap)
    new DataView(table.buffer).setUint16(0, 0o100644, true); // inode 1 becomes a regular file
    store.write(4 * 8, table);
    const run = await runProgram({
      only: ["blk", "mfs", "vfs"],
      programs: { vfs: "test/os/programs/mfs-mount.ts" },
      system: { diskStore: store },
      maxTicks: 100_000,
    });
    expect(run.output).toContain(`vfs: readsuper ${-EINVAL} root inode 1 is not a directory (mode 100644, 5 links)`);
  });
});

describe("MFS across reboots", () => {
  it("keeps files on a disk shared by two systems, the last change saved by write-back", async () => {
    const store = new MemoryStore(16384);
    mkfs(store);
    const boot = () => runProgram({
      only: ["blk", "mfs", "vfs"],
      programs: { vfs: "test/os/programs/mfs-persist.ts" },
      system: { diskStore: store },
      maxTicks: 1_000_000,
    });
    const first = await boot();
    expect(first.output).toContain("vfs: mounted, dirty: false");
    for (const name of Object.keys(firstBoot)) expect(first.results.get(name), explain(first, name)).toBe("PASS");
    // The first system ended without unmounting: consistent (written back), but not marked clean.
    const between = fsck(store);
    expect(between.errors).toEqual([]);
    expect(between.stats.clean).toBe(false);
    const second = await boot();
    expect(second.output).toContain("vfs: mounted, dirty: true");
    for (const name of Object.keys(laterBoot)) expect(second.results.get(name), explain(second, name)).toBe("PASS");
    const after = fsck(store);
    expect(after.errors).toEqual([]);
    expect(after.stats.clean).toBe(true);
  });
});
