/**
 * File system work while the disk driver is killed and restarted under it (by
 * blk-chaos.ts in RS's slot): every request must succeed as if nothing happened.
 * Runs in VFS's slot.
 */
import { assert, assertEq, type Checks } from "./checks.js";
import { FsClient, firstDifference, pattern, runLogged } from "./mfs-lib.js";

const fs = new FsClient();
const SIZE = 1_500_000;
const SMALL = 40;

export const checks: Checks = {
  "writes a large file and syncs while the driver restarts": async () => {
    await fs.mount();
    const f = await fs.create(fs.root, "big");
    const data = pattern(1, SIZE);
    for (let pos = 0; pos < SIZE; pos += 32_768) {
      const piece = data.subarray(pos, Math.min(SIZE, pos + 32_768));
      assertEq((await fs.write(f, pos, piece)).bytes, piece.length, `bytes written at ${pos}`);
    }
    await fs.sync();
    await fs.put(f);
  },
  "reads it back from the disk": async () => {
    await fs.unmount(); // empties the cache: everything comes from the disk again
    await fs.mount();
    const f = await fs.walk("big");
    assert(firstDifference(await fs.readAll(f), pattern(1, SIZE)) < 0, "content");
    await fs.put(f);
  },
  "makes, lists and reads many small files": async () => {
    const d = await fs.mkdir(fs.root, "small");
    for (let i = 0; i < SMALL; i++) {
      const f = await fs.create(d, `s${i}`);
      await fs.write(f, 0, pattern(100 + i, 3_000 + i));
      await fs.put(f);
    }
    await fs.unmount();
    await fs.mount();
    const dir = await fs.walk("small");
    assertEq((await fs.names(dir)).length, SMALL + 2, "entries");
    for (let i = 0; i < SMALL; i++) {
      const f = Number((await fs.lookup(dir, `s${i}`)).ino);
      assert(firstDifference(await fs.readAll(f), pattern(100 + i, 3_000 + i)) < 0, `content of s${i}`);
      await fs.put(f);
    }
    await fs.put(dir);
    await fs.unmount();
  },
};

export async function main(): Promise<void> {
  await runLogged(checks);
}
