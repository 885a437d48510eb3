/**
 * Persistence across boots, in VFS's slot. On a volume without /keep, the first
 * boot builds a small tree, SYNCs, changes a file once more and ends without
 * unmounting (as a crash would); the periodic write-back must have saved the last
 * change too. A later boot on the same disk checks everything is there.
 */
import { REQ } from "../../../os/include/fsproto.js";
import { diag } from "../../../os/lib/diag.js";
import { assert, assertEq, type Checks } from "./checks.js";
import { FsClient, firstDifference, pattern, runLogged } from "./mfs-lib.js";

const fs = new FsClient();

export const firstBoot: Checks = {
  "first boot: builds a tree, syncs, and changes a file after the sync": async () => {
    const keep = await fs.mkdir(fs.root, "keep");
    const sub = await fs.mkdir(keep, "sub");
    const a = await fs.create(keep, "a");
    await fs.write(a, 0, pattern(1, 70_000));
    const b = await fs.create(sub, "b");
    await fs.write(b, 3_000_000, pattern(2, 100)); // sparse, double indirect
    await fs.ok({ type: REQ.LINK, dirIno: keep, name: "a-too", ino: a });
    await fs.sync();
    await fs.write(a, 70_000, pattern(3, 5_000)); // only the write-back alarm saves this
    for (const ino of [a, b, sub, keep]) await fs.put(ino);
  },
};

export const laterBoot: Checks = {
  "later boot: the tree and the data are there": async () => {
    const keep = await fs.walk("keep");
    assertEq((await fs.names(keep)).join(" "), ". .. a a-too sub", "entries of /keep");
    const a = Number((await fs.lookup(keep, "a")).ino);
    const expected = new Uint8Array(75_000);
    expected.set(pattern(1, 70_000));
    expected.set(pattern(3, 5_000), 70_000);
    assert(firstDifference(await fs.readAll(a), expected) < 0, "content of a, with the change after the sync");
    assertEq((await fs.stat(a)).nlink, 2, "links of a");
    const b = await fs.walk("keep/sub/b");
    const tail = await fs.read(b, 3_000_000 - 10, 200);
    assertEq(tail.length, 110, "bytes at the end of b");
    assert(firstDifference(tail.subarray(10), pattern(2, 100)) < 0, "content of b");
    for (const ino of [a, b, keep]) await fs.put(ino);
    await fs.unmount();
  },
};

export async function main(): Promise<void> {
  const r = await fs.mount();
  diag(`mounted, dirty: ${String(r.dirty)}`);
  const isFirst = (await fs.call({ type: REQ.LOOKUP, dirIno: fs.root, name: "keep" })).type !== 0;
  await runLogged(isFirst ? firstBoot : laterBoot);
}
