/**
 * Checks of the file system server through raw fsproto requests. Runs in VFS's
 * slot on a fresh 8 MiB volume; the checks run in order on one mounted volume and
 * each leaves it without references held (the host runs fsck afterwards).
 */
import { EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, EFBIG, ENAMETOOLONG, ENOENT, ENOSYS, ENOTDIR, ENOTEMPTY, EPERM } from "../../../os/include/errno.js";
import { REQ, S_IFCHR, S_IFDIR, S_IFREG } from "../../../os/include/fsproto.js";
import { GRANT_READ, GRANT_WRITE } from "../../../os/include/ipc.js";
import { MAJOR_NULL, MAJOR_TTY, makedev } from "../../../os/include/vfs.js";
import { MFS_PROC_NR } from "../../../os/include/com.js";
import { grant, revoke } from "../../../os/lib/ipc.js";
import { assert, assertEq, type Checks } from "./checks.js";
import { FsClient, errnoOf, firstDifference, pattern, runLogged } from "./mfs-lib.js";

const fs = new FsClient();
const BLOCK = 4096;

/** Write `data` at `pos` in pieces of the sizes given (cycled), checking each answer. */
async function writeInPieces(ino: number, pos: number, data: Uint8Array, sizes: number[]): Promise<void> {
  for (let done = 0, i = 0; done < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, data.length - done);
    const r = await fs.write(ino, pos + done, data.subarray(done, done + n));
    assertEq(r.bytes, n, `bytes written at ${pos + done}`);
    done += n;
  }
}

function assertSame(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const at = firstDifference(actual, expected);
  assert(at < 0, `${what}: differs at byte ${at} (lengths ${actual.length}, ${expected.length})`);
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** A file `name` in the root with `data`, held. */
async function fileWith(name: string, data: Uint8Array): Promise<number> {
  const ino = await fs.create(fs.root, name);
  if (data.length > 0) await writeInPieces(ino, 0, data, [65536]);
  return ino;
}

/** Free zones and inodes, as a fresh mount counts them (unmount, mount again). */
async function freeCounts(): Promise<{ zones: number; inodes: number }> {
  await fs.unmount();
  const r = await fs.mount();
  return { zones: Number(r.freeZones), inodes: Number(r.freeInodes) };
}

export const checks: Checks = {
  "mounts the fresh volume with its initial tree": async () => {
    const r = await fs.mount();
    assertEq(r.blockSize, BLOCK, "block size");
    assertEq(r.rootIno, 1, "root inode");
    assertEq(r.dirty, false, "a fresh volume is clean");
    assertEq((await fs.names(fs.root)).join(" "), ". .. dev etc tmp", "root entries");
    const dev = await fs.walk("dev");
    assertEq((await fs.names(dev)).join(" "), ". .. null tty", "/dev entries");
    const tty = await fs.lookup(dev, "tty");
    assertEq(tty.mode, S_IFCHR | 0o666, "/dev/tty mode");
    assertEq(tty.rdev, makedev(MAJOR_TTY, 0), "/dev/tty device");
    const nul = await fs.lookup(dev, "null");
    assertEq(nul.rdev, makedev(MAJOR_NULL, 3), "/dev/null device");
    assertEq((await fs.stat(fs.root)).nlink, 5, "root links: . .. and three subdirectories");
    assertEq((await fs.lookup(fs.root, "..")).ino, fs.root, "the root's .. is the root");
    await fs.put(fs.root);
    await fs.put(Number(tty.ino));
    await fs.put(Number(nul.ino));
    await fs.put(dev);
  },

  "refuses a second mount while mounted": async () => {
    assertEq(await errnoOf(fs.mount()), EBUSY, "second READSUPER");
  },

  "writes a file through the single-indirect block and reads it back": async () => {
    const data = pattern(1, 300_000);
    const ino = await fs.create(fs.root, "big");
    await writeInPieces(ino, 0, data, [1, 4095, 4096, 4097, 10_000, 65_536, 3]);
    assertSame(await fs.readAll(ino, 50_000), data, "read back in 50000-byte pieces");
    assertSame(await fs.readAll(ino, 777), data, "read back in 777-byte pieces");
    assertEq((await fs.read(ino, data.length, 100)).length, 0, "bytes read at the end of file");
    assertEq((await fs.read(ino, data.length + 10_000, 100)).length, 0, "bytes read past the end of file");
    const st = await fs.stat(ino);
    assertEq(st.size, data.length, "size");
    assertEq(st.blocks, (74 + 1) * 8, "512-byte blocks: 74 data zones and the indirect block");
    assertEq(st.mode, S_IFREG | 0o644, "mode");
    assertEq(st.nlink, 1, "links");
    await fs.put(ino);
  },

  "overwrites the middle of a file across block boundaries": async () => {
    const ino = Number((await fs.lookup(fs.root, "big")).ino);
    const expected = pattern(1, 300_000);
    const patch = pattern(2, 9_000);
    await writeInPieces(ino, 5_000, patch, [9_000]);
    expected.set(patch, 5_000);
    assertSame(await fs.readAll(ino), expected, "file after the overwrite");
    assertEq((await fs.stat(ino)).size, 300_000, "size unchanged");
    await fs.put(ino);
  },

  "reads holes as zeros, in the direct, single- and double-indirect ranges": async () => {
    const ino = await fs.create(fs.root, "sparse");
    const far = 5 * 1024 * 1024 + 123; // block 1280: double indirect
    const mid = 100_000; // block 24: single indirect
    const farData = pattern(3, 5_000);
    const midData = pattern(4, 10);
    assertEq((await fs.write(ino, far, farData)).size, far + farData.length, "size after the far write");
    await fs.write(ino, mid, midData);
    const st = await fs.stat(ino);
    assertEq(st.size, far + farData.length, "size");
    // 2 far data zones + double + its indirect; 1 mid data zone + single indirect.
    assertEq(st.blocks, 6 * 8, "only the written blocks and their indirect blocks are allocated");
    assert(isZero(await fs.read(ino, 0, 3 * BLOCK)), "direct hole reads as zeros");
    const around = await fs.read(ino, mid - 50, 100);
    assert(isZero(around.subarray(0, 50)), "zeros before the middle write");
    assertSame(around.subarray(50, 60), midData, "middle data");
    assert(isZero(around.subarray(60)), "zeros after the middle write");
    const tail = await fs.read(ino, far - 4_000, 9_000);
    assertEq(tail.length, 9_000, "bytes read up to the end");
    assert(isZero(tail.subarray(0, 4_000)), "double-indirect hole reads as zeros");
    assertSame(tail.subarray(4_000), farData, "far data");
    await fs.put(ino);
    await fs.unlink(fs.root, "sparse");
  },

  "truncates: frees blocks, zeroes the cut tail, extends with a hole": async () => {
    const ino = Number((await fs.lookup(fs.root, "big")).ino);
    const expected = pattern(1, 300_000);
    expected.set(pattern(2, 9_000), 5_000);
    await fs.trunc(ino, 10_000);
    let st = await fs.stat(ino);
    assertEq(st.size, 10_000, "size after shrinking");
    assertEq(st.blocks, 3 * 8, "three data zones left, no indirect block");
    assertSame(await fs.read(ino, 0, 20_000), expected.subarray(0, 10_000), "what is left");
    await fs.trunc(ino, 50_000);
    const grown = await fs.read(ino, 0, 50_000);
    assertSame(grown.subarray(0, 10_000), expected.subarray(0, 10_000), "kept bytes after growing");
    assert(isZero(grown.subarray(10_000)), "grown part (and the old block tail) reads as zeros");
    st = await fs.stat(ino);
    assertEq(st.blocks, 3 * 8, "growing allocates nothing");
    await fs.write(ino, 60_000, new Uint8Array([7]));
    assert(isZero(await fs.read(ino, 50_000, 10_000)), "gap before a write past the end reads as zeros");
    await fs.trunc(ino, 0);
    st = await fs.stat(ino);
    assertEq(st.size, 0, "size after truncating to 0");
    assertEq(st.blocks, 0, "no blocks after truncating to 0");
    await fs.put(ino);
    await fs.unlink(fs.root, "big");
  },

  "writes and reads a file reaching into the double-indirect range": async () => {
    const before = await freeCounts();
    const size = (7 + 1024 + 40) * BLOCK + 1234; // 40 blocks past the single-indirect range
    const data = pattern(5, size);
    const ino = await fileWith("huge", data);
    assertSame(await fs.readAll(ino), data, "read back");
    const zones = 7 + 1024 + 41 + 1 + 1 + 1; // data, single, double, one second-level block
    assertEq((await fs.stat(ino)).blocks, zones * 8, "zones used");
    await fs.trunc(ino, (7 + 1024 + 10) * BLOCK);
    assertSame(await fs.readAll(ino), data.subarray(0, (7 + 1024 + 10) * BLOCK), "after cutting in the double range");
    await fs.trunc(ino, 7 * BLOCK);
    assertEq((await fs.stat(ino)).blocks, 7 * 8, "both indirect trees are gone");
    await fs.put(ino);
    await fs.unlink(fs.root, "huge");
    const after = await freeCounts();
    assertEq(after.zones, before.zones, "free zones after removing the file");
    assertEq(after.inodes, before.inodes, "free inodes after removing the file");
  },

  "enters, finds and lists many entries across directory blocks": async () => {
    const dir = await fs.mkdir(fs.root, "many");
    const names: string[] = [];
    for (let i = 0; i < 150; i++) {
      names.push(`file-${i}`);
      await fs.put(await fs.create(dir, `file-${i}`));
    }
    const size1 = Number((await fs.stat(dir)).size);
    assertEq(size1, 152 * 64, "directory size: 152 entries");
    const listed = await fs.list(dir, 100); // a few entries per GETDENTS
    assertEq(listed.map((e) => e.name).sort().join(","), [".", "..", ...names].sort().join(","), "all entries listed");
    for (const e of listed) {
      const r = await fs.lookup(dir, e.name);
      assertEq(r.ino, e.ino, `inode of ${e.name}`);
      await fs.put(e.ino);
    }
    for (let i = 0; i < 150; i += 2) await fs.unlink(dir, `file-${i}`);
    assertEq((await fs.names(dir)).length, 2 + 75, "entries after removing half");
    for (let i = 0; i < 75; i++) await fs.put(await fs.create(dir, `again-${i}`));
    assertEq((await fs.stat(dir)).size, size1, "new entries reuse the free slots");
    for (const name of await fs.names(dir)) if (name !== "." && name !== "..") await fs.unlink(dir, name);
    assertEq((await fs.names(dir)).join(" "), ". ..", "emptied");
    await fs.put(dir);
    await fs.rmdir(fs.root, "many");
  },

  "mkdir and rmdir keep link counts; ENOTEMPTY, ENOTDIR, EISDIR, EEXIST": async () => {
    const rootLinks = Number((await fs.stat(fs.root)).nlink);
    const a = await fs.mkdir(fs.root, "a");
    assertEq((await fs.stat(fs.root)).nlink, rootLinks + 1, "root gains a link from a/..");
    assertEq((await fs.stat(a)).nlink, 2, "a new directory has 2 links");
    assertEq((await fs.stat(a)).mode, S_IFDIR | 0o755, "mode");
    const b = await fs.mkdir(a, "b");
    assertEq((await fs.stat(a)).nlink, 3, "a gains a link from b/..");
    assertEq((await fs.lookup(b, "..")).ino, a, "b/.. is a");
    await fs.put(a);
    assertEq((await fs.lookup(b, ".")).ino, b, "b/. is b");
    await fs.put(b);
    const f = await fs.create(a, "f");
    assertEq(await errnoOf(fs.rmdir(fs.root, "a")), ENOTEMPTY, "rmdir of a non-empty directory");
    assertEq(await errnoOf(fs.rmdir(a, "f")), ENOTDIR, "rmdir of a file");
    assertEq(await errnoOf(fs.unlink(fs.root, "a")), EISDIR, "unlink of a directory");
    assertEq(await errnoOf(fs.create(a, "f")), EEXIST, "create of an existing name");
    assertEq(await errnoOf(fs.mkdir(a, "b")), EEXIST, "mkdir of an existing name");
    assertEq(await errnoOf(fs.rmdir(a, ".")), EINVAL, "rmdir of .");
    assertEq(await errnoOf(fs.rmdir(a, "..")), ENOTEMPTY, "rmdir of ..");
    assertEq(await errnoOf(fs.lookup(f, "x")), ENOTDIR, "lookup in a file");
    assertEq(await errnoOf(fs.lookup(a, "nothing")), ENOENT, "lookup of a missing name");
    await fs.unlink(a, "f");
    await fs.put(f);
    await fs.rmdir(a, "b");
    assertEq((await fs.stat(a)).nlink, 2, "a loses b's link");
    assertEq(await errnoOf(fs.lookup(b, ".")), ENOENT, "a removed directory held by VFS has no entries");
    assertEq(await errnoOf(fs.create(b, "x")), ENOENT, "nothing can be created in a removed directory");
    assertEq((await fs.stat(b)).nlink, 0, "removed directory has no links");
    await fs.put(b);
    await fs.put(a);
    await fs.rmdir(fs.root, "a");
    assertEq((await fs.stat(fs.root)).nlink, rootLinks, "root links restored");
  },

  "checks names: empty, '/', too long; UTF-8 counted in bytes": async () => {
    assertEq(await errnoOf(fs.create(fs.root, "")), EINVAL, "empty name");
    assertEq(await errnoOf(fs.create(fs.root, "a/b")), EINVAL, "name with a slash");
    assertEq(await errnoOf(fs.create(fs.root, "a\0b")), EINVAL, "name with a NUL");
    assertEq(await errnoOf(fs.create(fs.root, "x".repeat(61))), ENAMETOOLONG, "61-byte name");
    assertEq(await errnoOf(fs.create(fs.root, "é".repeat(31))), ENAMETOOLONG, "31 two-byte characters");
    const long = "x".repeat(60);
    const utf = "é".repeat(30);
    await fs.put(await fs.create(fs.root, long));
    await fs.put(await fs.create(fs.root, utf));
    const names = await fs.names(fs.root);
    assert(names.includes(long) && names.includes(utf), "60-byte names listed whole");
    await fs.put(Number((await fs.lookup(fs.root, utf)).ino));
    await fs.unlink(fs.root, long);
    await fs.unlink(fs.root, utf);
  },

  "renames files: within a directory, over another file, kind mismatches": async () => {
    const f = await fileWith("r1", pattern(10, 5_000));
    const g = await fileWith("r2", pattern(11, 20_000));
    await fs.put(g);
    await fs.rename(fs.root, "r1", fs.root, "r2"); // replaces r2, whose inode goes
    assertEq(await errnoOf(fs.lookup(fs.root, "r1")), ENOENT, "old name gone");
    const r = await fs.lookup(fs.root, "r2");
    assertEq(r.ino, f, "new name names the moved inode");
    assertSame(await fs.readAll(f), pattern(10, 5_000), "content moved with it");
    await fs.put(f);
    await fs.rename(fs.root, "r2", fs.root, "r2"); // to itself: nothing happens
    assertEq((await fs.stat(f)).nlink, 1, "links after renaming to itself");
    const d = await fs.mkdir(fs.root, "rd");
    assertEq(await errnoOf(fs.rename(fs.root, "r2", fs.root, "rd")), EISDIR, "file over a directory");
    assertEq(await errnoOf(fs.rename(fs.root, "rd", fs.root, "r2")), ENOTDIR, "directory over a file");
    assertEq(await errnoOf(fs.rename(fs.root, "nope", fs.root, "x")), ENOENT, "missing source");
    assertEq(await errnoOf(fs.rename(fs.root, ".", fs.root, "x")), EINVAL, "renaming .");
    await fs.rename(fs.root, "r2", d, "moved");
    assertEq((await fs.lookup(d, "moved")).ino, f, "moved into a directory");
    await fs.put(f);
    await fs.put(f);
    await fs.unlink(d, "moved");
    await fs.put(d);
    await fs.rmdir(fs.root, "rd");
  },

  "renames directories: '..' and link counts follow; an empty target directory is replaced": async () => {
    const p = await fs.mkdir(fs.root, "p");
    const q = await fs.mkdir(fs.root, "q");
    const c = await fs.mkdir(p, "c");
    await fs.put(await fs.create(c, "inside"));
    await fs.rename(p, "c", q, "c");
    assertEq((await fs.lookup(c, "..")).ino, q, "c/.. follows the move");
    await fs.put(q);
    assertEq((await fs.stat(p)).nlink, 2, "old parent loses a link");
    assertEq((await fs.stat(q)).nlink, 3, "new parent gains one");
    assertEq((await fs.names(c)).join(" "), ". .. inside", "contents moved along");
    const e = await fs.mkdir(p, "e");
    await fs.put(e);
    await fs.rename(q, "c", p, "e"); // c replaces the empty e
    assertEq((await fs.lookup(p, "e")).ino, c, "target name now names c");
    await fs.put(c);
    assertEq((await fs.stat(p)).nlink, 3, "p: ., .., and c's ..");
    assertEq((await fs.stat(q)).nlink, 2, "q lost c");
    const d = await fs.mkdir(q, "d");
    await fs.put(await fs.create(d, "keep"));
    assertEq(await errnoOf(fs.rename(p, "e", q, "d")), ENOTEMPTY, "over a non-empty directory");
    await fs.unlink(d, "keep");
    await fs.unlink(c, "inside");
    await fs.put(d);
    await fs.rmdir(q, "d");
    await fs.put(c);
    await fs.rmdir(p, "e");
    await fs.put(p);
    await fs.put(q);
    await fs.rmdir(fs.root, "p");
    await fs.rmdir(fs.root, "q");
  },

  "refuses to move a directory into its own subtree": async () => {
    const x = await fs.mkdir(fs.root, "x");
    const y = await fs.mkdir(x, "y");
    const z = await fs.mkdir(y, "z");
    assertEq(await errnoOf(fs.rename(fs.root, "x", z, "x")), EINVAL, "x into x/y/z");
    assertEq(await errnoOf(fs.rename(fs.root, "x", x, "x2")), EINVAL, "x into x");
    assertEq(await errnoOf(fs.rename(x, "y", y, "y2")), EINVAL, "x/y into x/y");
    await fs.rename(y, "z", fs.root, "z"); // upwards is fine
    assertEq((await fs.lookup(z, "..")).ino, fs.root, "z/.. is the root now");
    await fs.put(fs.root);
    await fs.put(z);
    await fs.rmdir(fs.root, "z");
    await fs.put(y);
    await fs.rmdir(x, "y");
    await fs.put(x);
    await fs.rmdir(fs.root, "x");
  },

  "link: a second name for a file, not for a directory": async () => {
    const f = await fileWith("l1", pattern(12, 100));
    await fs.ok({ type: REQ.LINK, dirIno: fs.root, name: "l2", ino: f });
    assertEq((await fs.stat(f)).nlink, 2, "two links");
    assertEq((await fs.lookup(fs.root, "l2")).ino, f, "second name");
    await fs.put(f);
    assertEq(await errnoOf(fs.ok({ type: REQ.LINK, dirIno: fs.root, name: "l2", ino: f })), EEXIST, "existing name");
    assertEq(await errnoOf(fs.ok({ type: REQ.LINK, dirIno: fs.root, name: "l3", ino: fs.root })), EPERM, "directory");
    await fs.unlink(fs.root, "l1");
    assertSame(await fs.readAll(f), pattern(12, 100), "content through the other name");
    await fs.unlink(fs.root, "l2");
    await fs.put(f);
  },

  "an unlinked file lives while referenced and is freed at its last PUTNODE": async () => {
    const before = await freeCounts();
    const data = pattern(13, 50_000);
    const f = await fileWith("open", data);
    await fs.lookup(fs.root, "open"); // a second reference
    await fs.unlink(fs.root, "open");
    assertEq(await errnoOf(fs.lookup(fs.root, "open")), ENOENT, "name gone");
    assertEq((await fs.stat(f)).nlink, 0, "no links");
    assertSame(await fs.readAll(f), data, "still readable");
    await fs.write(f, 50_000, pattern(14, 10));
    const other = await fs.create(fs.root, "other");
    assert(other !== f, "its inode is not free yet");
    await fs.put(f, 2); // the last references
    const again = await fs.create(fs.root, "again");
    assertEq(again, f, "its inode was freed (and is the first free one again)");
    await fs.put(other);
    await fs.put(again);
    await fs.unlink(fs.root, "other");
    await fs.unlink(fs.root, "again");
    const after = await freeCounts();
    assertEq(after.zones, before.zones, "zones given back");
    assertEq(after.inodes, before.inodes, "inodes given back");
  },

  "UNMOUNT frees files unlinked while still referenced": async () => {
    const before = await freeCounts();
    const f = await fileWith("held", pattern(15, 40_000));
    await fs.unlink(fs.root, "held");
    assertEq((await fs.stat(f)).nlink, 0, "unlinked");
    const after = await freeCounts(); // unmounts with the reference still held
    assertEq(after.zones, before.zones, "zones given back");
    assertEq(after.inodes, before.inodes, "inodes given back");
  },

  "GETDENTS goes on from pos and refuses a buffer too small for an entry": async () => {
    const d = await fs.mkdir(fs.root, "gd");
    for (const n of ["one", "two", "three"]) await fs.put(await fs.create(d, n));
    assertEq((await fs.names(d, 14)).join(" "), ". .. one three two", "listed 14 bytes at a time");
    const buf = new Uint8Array(4);
    const g = grant(MFS_PROC_NR, buf, 0, 4, GRANT_WRITE);
    const r = await fs.call({ type: REQ.GETDENTS, ino: d, pos: 0, count: 4, grant: g });
    revoke(g);
    assertEq(r.type, -EINVAL, "4-byte buffer");
    const end = await fs.call({ type: REQ.GETDENTS, ino: d, pos: 1000, count: 100, grant: 0 });
    assertEq(end.bytes, 0, "bytes past the last entry");
    for (const n of ["one", "two", "three"]) await fs.unlink(d, n);
    await fs.put(d);
    await fs.rmdir(fs.root, "gd");
  },

  "answers bad requests with errors and keeps serving": async () => {
    const f = await fileWith("victim", pattern(16, 3_000));
    const bad: Array<[Record<string, unknown>, number, string]> = [
      [{ type: REQ.LOOKUP, dirIno: "1", name: "tmp" }, EINVAL, "inode as a string"],
      [{ type: REQ.LOOKUP, dirIno: -1, name: "tmp" }, EINVAL, "negative inode"],
      [{ type: REQ.LOOKUP, dirIno: 1.5, name: "tmp" }, EINVAL, "fractional inode"],
      [{ type: REQ.LOOKUP, dirIno: 1e9, name: "tmp" }, EINVAL, "inode past the table"],
      [{ type: REQ.LOOKUP, dirIno: 1 }, EINVAL, "missing name"],
      [{ type: REQ.LOOKUP, dirIno: 1, name: 42 }, EINVAL, "name as a number"],
      [{ type: REQ.LOOKUP, dirIno: 2, name: "x" }, EINVAL, "inode VFS holds no reference on"],
      [{ type: REQ.READ, ino: f, pos: -1, count: 10, grant: 1 }, EINVAL, "negative position"],
      [{ type: REQ.READ, ino: f, pos: 0, count: 10, grant: 999_999 }, EPERM, "grant that does not exist"],
      [{ type: REQ.READ, ino: fs.root, pos: 0, count: 10, grant: 1 }, EISDIR, "READ of a directory"],
      [{ type: REQ.WRITE, ino: f, pos: 0, count: 10 }, EINVAL, "WRITE without a grant"],
      [{ type: REQ.WRITE, ino: f, pos: 2 ** 31, count: 10, grant: 1 }, EFBIG, "WRITE past the size limit"],
      [{ type: REQ.TRUNC, ino: f, size: 2 ** 40 }, EFBIG, "TRUNC past the size limit"],
      [{ type: REQ.TRUNC, ino: fs.root, size: 0 }, EISDIR, "TRUNC of a directory"],
      [{ type: REQ.PUTNODE, ino: f, count: 5 }, EINVAL, "PUTNODE of more references than held"],
      [{ type: REQ.PUTNODE, ino: f, count: 0 }, EINVAL, "PUTNODE of no references"],
      [{ type: REQ.CREATE, dirIno: 1, name: "c", mode: S_IFDIR | 0o755 }, EINVAL, "CREATE of a directory mode"],
      [{ type: REQ.MKNOD, dirIno: 1, name: "n", mode: 0o644, rdev: 0 }, EINVAL, "MKNOD without a device type"],
      [{ type: REQ.MKNOD, dirIno: 1, name: "n", mode: S_IFCHR | 0o644, rdev: -3 }, EINVAL, "MKNOD with a bad device"],
      [{ type: REQ.MKDIR, dirIno: f, name: "n", mode: 0o755 }, ENOTDIR, "MKDIR in a file"],
      [{ type: REQ.RENAME, oldDirIno: 1, oldName: "victim", newDirIno: 1 }, EINVAL, "RENAME without a new name"],
      [{ type: REQ.CREATE, dirIno: 1, name: "u", mode: 0o644, uid: 70_000 }, EINVAL, "uid out of range"],
      [{ type: REQ.STAT, ino: 0 }, EINVAL, "inode 0"],
      [{ type: 0x3ff }, ENOSYS, "unknown request type"],
    ];
    for (const [m, errno, what] of bad) {
      const r = await fs.call(m as never);
      assertEq(r.type, -errno, what);
    }
    // A grant shorter than the count: the part that fits is not enough, nothing is written.
    const small = new Uint8Array(10);
    const g = grant(MFS_PROC_NR, small, 0, 10, GRANT_READ);
    const w = await fs.call({ type: REQ.WRITE, ino: f, pos: 0, count: 5_000, grant: g });
    revoke(g);
    assertEq(w.type, -EFAULT, "WRITE with a grant shorter than count");
    assertSame(await fs.readAll(f), pattern(16, 3_000), "file untouched by the failed write");
    assertEq((await fs.stat(f)).size, 3_000, "size untouched");
    await fs.unlink(fs.root, "victim");
    await fs.put(f);
    assertEq((await fs.names(fs.root)).join(" "), ". .. dev etc tmp", "still serving, tree intact");
  },

  "MKNOD makes device special files": async () => {
    const r = await fs.ok({ type: REQ.MKNOD, dirIno: fs.root, name: "blkdev", mode: 0o060000 | 0o600, rdev: 0x0801 });
    const st = await fs.stat(Number(r.ino));
    assertEq(st.mode, 0o060600, "mode");
    assertEq(st.rdev, 0x0801, "device number");
    assertEq(st.size, 0, "no data");
    await fs.put(Number(r.ino));
    await fs.unlink(fs.root, "blkdev");
  },

  "SYNC and UNMOUNT write everything; requests need a mount": async () => {
    const f = await fileWith("kept", pattern(17, 12_345));
    await fs.put(f);
    await fs.sync();
    await fs.unmount();
    assertEq((await fs.call({ type: REQ.STAT, ino: 1 })).type, -EINVAL, "request while unmounted");
    const r = await fs.mount();
    assertEq(r.dirty, false, "cleanly unmounted");
    const again = Number((await fs.lookup(fs.root, "kept")).ino);
    assertSame(await fs.readAll(again), pattern(17, 12_345), "content after remount");
    await fs.put(again);
    await fs.unmount();
  },
};

export async function main(): Promise<void> {
  await runLogged(checks);
}
