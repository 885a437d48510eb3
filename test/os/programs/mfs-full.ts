/**
 * Checks of a full disk, in VFS's slot on a tiny volume (1024 sectors: 128 blocks,
 * 119 free data zones; 16 inodes, 10 free): writes stop with ENOSPC, nothing is
 * half done, and deleting makes room again.
 */
import { ENOSPC } from "../../../os/include/errno.js";
import { assert, assertEq, type Checks } from "./checks.js";
import { FsClient, errnoOf, firstDifference, pattern, runLogged } from "./mfs-lib.js";

const fs = new FsClient();
const BLOCK = 4096;
/** Free data zones and inodes of the fresh volume. */
const FREE_ZONES = 119;
const FREE_INODES = 10;

export const checks: Checks = {
  "mounts the tiny volume": async () => {
    const r = await fs.mount();
    assertEq(r.freeZones, FREE_ZONES, "free zones");
    assertEq(r.freeInodes, FREE_INODES, "free inodes");
  },

  "a write larger than the free space writes what fits": async () => {
    const f = await fs.create(fs.root, "fill");
    const data = pattern(1, 1024 * 1024);
    const r = await fs.write(f, 0, data);
    // Every zone but one (the single-indirect block) holds data.
    assertEq(r.bytes, (FREE_ZONES - 1) * BLOCK, "bytes written");
    assertEq(r.size, (FREE_ZONES - 1) * BLOCK, "size");
    const back = await fs.readAll(f);
    assert(firstDifference(back, data.subarray(0, back.length)) < 0, "what was written reads back");
    await fs.put(f);
  },

  "then every allocation fails with ENOSPC, and nothing half-made remains": async () => {
    const f = Number((await fs.lookup(fs.root, "fill")).ino);
    const size = Number((await fs.stat(f)).size);
    assertEq(await errnoOf(fs.write(f, size, new Uint8Array([1]))), ENOSPC, "appending");
    assertEq((await fs.stat(f)).size, size, "size unchanged");
    assertEq((await fs.write(f, 100, new Uint8Array([9, 9, 9]))).bytes, 3, "overwriting needs no space");
    assertEq(await errnoOf(fs.mkdir(fs.root, "d")), ENOSPC, "mkdir (a directory needs a block)");
    const g = await fs.create(fs.root, "empty"); // an inode is all it needs
    assertEq(await errnoOf(fs.write(g, 0, new Uint8Array(10))), ENOSPC, "writing to a new file");
    assertEq((await fs.stat(g)).size, 0, "the new file stays empty");
    await fs.put(g);
    await fs.put(f);
    assertEq((await fs.names(fs.root)).join(" "), ". .. dev empty etc fill tmp", "no directory was left behind");
  },

  "running out of inodes fails with ENOSPC": async () => {
    let made = 0;
    for (;;) {
      const e = await errnoOf(fs.create(fs.root, `i${made}`).then((ino) => fs.put(ino)));
      if (e !== 0) {
        assertEq(e, ENOSPC, "errno when no inode is left");
        break;
      }
      made++;
    }
    assertEq(made, FREE_INODES - 2, "files made besides fill and empty");
    for (let i = 0; i < made; i++) await fs.unlink(fs.root, `i${i}`);
  },

  "deleting gives the space back": async () => {
    await fs.unlink(fs.root, "fill");
    await fs.unlink(fs.root, "empty");
    const f = await fs.create(fs.root, "again");
    const data = pattern(2, 100_000);
    assertEq((await fs.write(f, 0, data)).bytes, data.length, "write after deleting");
    await fs.put(f);
    await fs.unlink(fs.root, "again");
    await fs.unmount();
    const r = await fs.mount();
    assertEq(r.freeZones, FREE_ZONES, "free zones back to the start");
    assertEq(r.freeInodes, FREE_INODES, "free inodes back to the start");
    await fs.unmount();
  },
};

export async function main(): Promise<void> {
  await runLogged(checks);
}
