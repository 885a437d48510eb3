import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../hw/disk.js";
import { S_IFCHR, S_IFDIR } from "../../../os/include/fsproto.js";
import { MAJOR_NULL, MAJOR_TTY, makedev } from "../../../os/include/vfs.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { fsck } from "../../../os/tools/fsck.js";
import { mkfs } from "../../../os/tools/mkfs.js";
import {
  BLOCK_SIZE, DIRENT_SIZE, MFS_MAGIC, ROOT_INO, STATE_CLEAN, SUPER_BLOCK, clearBit, decodeInode, decodeSuper,
  direntIno, direntName, encodeInode, inodeLocation, setBit, writeDirent, type DiskInode, type SuperBlock,
} from "../../../os/servers/mfs/format.js";
import { encodeUtf8 } from "../../../os/lib/utf8.js";

/** A volume on a store, read and changed block by block. */
class Volume {
  readonly sb: SuperBlock;

  constructor(readonly store: MemoryStore) {
    this.sb = decodeSuper(this.block(SUPER_BLOCK));
  }

  block(n: number): Uint8Array {
    const b = new Uint8Array(BLOCK_SIZE);
    this.store.read(n * 8, b);
    return b;
  }

  change(n: number, edit: (b: Uint8Array) => void): void {
    const b = this.block(n);
    edit(b);
    this.store.write(n * 8, b);
  }

  inode(ino: number): DiskInode {
    const at = inodeLocation(this.sb, ino);
    return decodeInode(this.block(at.block), at.index);
  }

  changeInode(ino: number, edit: (ip: DiskInode) => void): void {
    const at = inodeLocation(this.sb, ino);
    this.change(at.block, (b) => {
      const ip = decodeInode(b, at.index);
      edit(ip);
      encodeInode(ip, b, at.index);
    });
  }

  /** Entries of directory `ino` (its first block): name -> inode number. */
  entries(ino: number): Map<string, number> {
    const ip = this.inode(ino);
    const b = this.block(ip.zones[0]!);
    const out = new Map<string, number>();
    for (let slot = 0; slot < ip.size / DIRENT_SIZE; slot++) {
      if (direntIno(b, slot) !== 0) out.set(decodeUtf8(direntName(b, slot)), direntIno(b, slot));
    }
    return out;
  }

  lookup(path: string): number {
    let ino = ROOT_INO;
    for (const name of path.split("/").filter(Boolean)) ino = this.entries(ino).get(name)!;
    return ino;
  }

  changeMap(which: "inode" | "zone", bit: number, set: boolean): void {
    const first = which === "inode" ? 2 : 2 + this.sb.imapBlocks;
    this.change(first, (b) => (set ? setBit(b, bit) : clearBit(b, bit)));
  }
}

function fresh(sectors = 16384, inodes?: number): Volume {
  const store = new MemoryStore(sectors);
  mkfs(store, inodes === undefined ? {} : { inodes });
  return new Volume(store);
}

describe("mkfs", () => {
  it("makes a volume filling the disk, with one inode per 16 KiB by default", () => {
    const v = fresh();
    expect(v.sb).toMatchObject({
      magic: MFS_MAGIC, version: 1, state: STATE_CLEAN, blockSize: 4096, inodes: 512, zones: 2048,
      imapBlocks: 1, zmapBlocks: 1, firstDataZone: 12, maxFileSize: 0x7fffffff,
    });
    expect(fresh(16384, 100).sb.inodes).toBe(100);
  });

  it("makes the initial tree: /dev with tty and null, /tmp, /etc", () => {
    const v = fresh();
    expect([...v.entries(ROOT_INO).keys()]).toEqual([".", "..", "dev", "tmp", "etc"]);
    expect(v.entries(ROOT_INO).get("..")).toBe(ROOT_INO);
    expect(v.inode(ROOT_INO)).toMatchObject({ mode: S_IFDIR | 0o755, nlinks: 5, size: 5 * DIRENT_SIZE });
    expect(v.inode(v.lookup("tmp")).mode).toBe(S_IFDIR | 0o1777);
    expect(v.inode(v.lookup("dev/tty"))).toMatchObject({ mode: S_IFCHR | 0o666, nlinks: 1, rdev: makedev(MAJOR_TTY, 0) });
    expect(v.inode(v.lookup("dev/null"))).toMatchObject({ mode: S_IFCHR | 0o666, rdev: makedev(MAJOR_NULL, 3) });
  });

  it("formats over whatever was on the disk", () => {
    const store = new MemoryStore(4096);
    store.write(0, new Uint8Array(4096 * 512).fill(0xa5));
    mkfs(store);
    expect(fsck(store).errors).toEqual([]);
  });

  it("refuses a disk too small and inode counts out of range", () => {
    expect(() => mkfs(new MemoryStore(100))).toThrow(/too small/);
    expect(() => mkfs(new MemoryStore(16384), { inodes: 3 })).toThrow(/inode count/);
    expect(() => mkfs(new MemoryStore(16384), { inodes: 2.5 })).toThrow(/inode count/);
    expect(() => mkfs(new MemoryStore(1024), { inodes: 60_000 })).toThrow(/too small/);
  });
});

describe("fsck", () => {
  it("finds a fresh volume clean and counts it", () => {
    const report = fsck(fresh().store);
    expect(report).toEqual({
      ok: true, errors: [],
      stats: {
        blocks: 2048, inodes: 512, dataZones: 2036, usedInodes: 6, freeInodes: 506, usedZones: 4, freeZones: 2032,
        files: 0, directories: 4, devices: 2, clean: true,
      },
    });
  });

  it("stops at a bad superblock, saying why", () => {
    const v = fresh();
    v.change(SUPER_BLOCK, (b) => b.fill(0, 0, 4));
    const report = fsck(v.store);
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(["superblock: bad magic number 0x00000000 (expected 0x4d465333): not an MFS volume"]);
  });

  const firstZone = (v: Volume, path: string) => v.inode(v.lookup(path)).zones[0]!;

  it.each<[string, (v: Volume) => void, (v: Volume) => string[]]>([
    ["a leaked zone", (v) => v.changeMap("zone", 100, true),
      (v) => [`zone ${v.sb.firstDataZone + 100} is marked in use but no file uses it (leaked)`]],
    ["a zone in use but marked free", (v) => v.changeMap("zone", firstZone(v, "etc") - v.sb.firstDataZone, false),
      (v) => [`inode ${v.lookup("etc")}: zone ${firstZone(v, "etc")} is in use but marked free`]],
    ["a leaked inode", (v) => v.changeMap("inode", 40, true),
      () => ["inode 40 is marked in use but no directory names it (leaked)"]],
    ["an entry naming a free inode", (v) => v.changeMap("inode", v.lookup("dev/null"), false),
      (v) => [`directory ${v.lookup("dev")}, entry "null": names inode ${v.lookup("dev/null")}, which is free`]],
    ["a wrong link count", (v) => v.changeInode(v.lookup("dev/tty"), (ip) => { ip.nlinks = 7; }),
      (v) => [`inode ${v.lookup("dev/tty")}: link count 7, but 1 directory entries name it`]],
    ["a zone used twice", (v) => v.changeInode(v.lookup("tmp"), (ip) => { ip.zones[1] = firstZone(v, "etc"); }),
      (v) => [`inode ${v.lookup("tmp")}: zone ${firstZone(v, "etc")} maps block 1, past the end of the file (size 128)`,
        `zone ${firstZone(v, "etc")} is used by inode ${v.lookup("tmp")} and by inode ${v.lookup("etc")}`]],
    ["a zone number outside the data zones", (v) => v.changeInode(v.lookup("etc"), (ip) => { ip.zones[8] = 3; }),
      (v) => [`inode ${v.lookup("etc")}: indirect block 3 is not a data zone`]],
    ["a '..' naming the wrong directory", (v) => v.change(firstZone(v, "tmp"), (b) => writeDirent(b, 1, v.lookup("dev"), encodeUtf8(".."))),
      (v) => [`directory ${v.lookup("tmp")}: ".." names inode ${v.lookup("dev")}, but its parent is 1`,
        `inode 1: link count 5, but 4 directory entries name it`,
        `inode ${v.lookup("dev")}: link count 2, but 3 directory entries name it`]],
    ["a second name for a directory", (v) => {
      const etc = v.inode(v.lookup("etc"));
      v.change(etc.zones[0]!, (b) => writeDirent(b, 2, v.lookup("dev"), encodeUtf8("again")));
      v.changeInode(v.lookup("etc"), (ip) => { ip.size += DIRENT_SIZE; });
    }, (v) => [`directory ${v.lookup("etc")}, entry "again": directory ${v.lookup("dev")} already has a name in directory 1`,
      `inode ${v.lookup("dev")}: link count 2, but 3 directory entries name it`]],
  ])("finds %s", (_what, damage, expected) => {
    const v = fresh();
    damage(v);
    const report = fsck(v.store);
    expect(report.errors).toEqual(expected(v));
    expect(report.ok).toBe(false);
  });

  it("lists at most 1000 problems and counts the rest", () => {
    const v = fresh();
    v.change(2 + v.sb.imapBlocks, (b) => b.fill(0xff)); // every zone marked in use
    const report = fsck(v.store);
    expect(report.errors).toHaveLength(1001);
    expect(report.errors[1000]).toBe(`... and ${2032 - 1000} more`);
  });
});
