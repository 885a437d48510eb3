/**
 * fsck (host side, read only): check a volume's consistency. The superblock must
 * make sense; then the tree is walked from the root, and what it reaches is
 * compared with the bitmaps both ways (in use but unreachable: leaked; reachable
 * but free; used twice), link counts with the directory entries naming each inode,
 * "." and ".." with the tree's shape, and sizes with the zones mapped.
 */
import { SECTOR_SIZE, type SectorStore } from "../../hw/disk.js";
import { S_IFMT, S_IFBLK, S_IFCHR, S_IFDIR, S_IFREG, isDir } from "../include/fsproto.js";
import { decodeUtf8 } from "../lib/utf8.js";
import {
  BLOCK_SIZE, DIRENTS_PER_BLOCK, DIRENT_SIZE, DOUBLE_INDIRECT, FIRST_DOUBLE_INDEX, FIRST_SINGLE_INDEX, INODES_PER_BLOCK,
  NO_ZONE, NR_DIRECT_ZONES, ROOT_INO, SINGLE_INDIRECT, STATE_CLEAN, SUPER_BLOCK, ZONES_PER_BLOCK, checkSuper,
  decodeInode, decodeSuper, direntIno, direntName, imapBits, inodeTableBlocks, testBit, zmapBits, zoneEntry,
  type DiskInode, type SuperBlock,
} from "../servers/mfs/format.js";

export interface FsckStats {
  /** Blocks of the volume, inodes, and data zones. */
  blocks: number;
  inodes: number;
  dataZones: number;
  /** Counts by the bitmaps. */
  usedInodes: number;
  freeInodes: number;
  usedZones: number;
  freeZones: number;
  /** What the walk from the root reached. */
  files: number;
  directories: number;
  devices: number;
  /** The volume was cleanly unmounted. */
  clean: boolean;
}

export interface FsckReport {
  ok: boolean;
  errors: string[];
  stats: FsckStats;
}

/** Errors listed at most; the rest are counted. */
const MAX_ERRORS = 1000;

export function fsck(store: SectorStore): FsckReport {
  return new Checker(store).run();
}

class Checker {
  private readonly errors: string[] = [];
  private moreErrors = 0;
  private sb!: SuperBlock;
  private imap!: Uint8Array;
  private zmap!: Uint8Array;
  private table!: Uint8Array;
  /** Directory entries naming each inode ("." and ".." included). */
  private refs = new Map<number, number>();
  /** The directory each directory was found in (the root: itself). */
  private parentOf = new Map<number, number>();
  /** Which inode uses each zone. */
  private zoneOwner = new Map<number, number>();
  private readonly stats: FsckStats = {
    blocks: 0, inodes: 0, dataZones: 0, usedInodes: 0, freeInodes: 0, usedZones: 0, freeZones: 0, files: 0,
    directories: 0, devices: 0, clean: false,
  };

  constructor(private readonly store: SectorStore) {}

  run(): FsckReport {
    if (this.readVolume()) {
      this.walkTree();
      this.checkInodes();
      this.checkZoneMap();
    }
    if (this.moreErrors > 0) this.errors.push(`... and ${this.moreErrors} more`);
    return { ok: this.errors.length === 0, errors: this.errors, stats: this.stats };
  }

  private error(text: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(text);
    else this.moreErrors++;
  }

  private readBlocks(first: number, count: number): Uint8Array {
    const bytes = new Uint8Array(count * BLOCK_SIZE);
    this.store.read((first * BLOCK_SIZE) / SECTOR_SIZE, bytes);
    return bytes;
  }

  /** Read the superblock and the metadata; false if the superblock is unusable. */
  private readVolume(): boolean {
    const deviceBlocks = Math.floor((this.store.sectors * SECTOR_SIZE) / BLOCK_SIZE);
    if (deviceBlocks <= SUPER_BLOCK) {
      this.error(`superblock: device of ${deviceBlocks} blocks has no superblock`);
      return false;
    }
    const sb = decodeSuper(this.readBlocks(SUPER_BLOCK, 1));
    const why = checkSuper(sb, deviceBlocks);
    if (why) {
      this.error(`superblock: ${why}`);
      return false;
    }
    this.sb = sb;
    this.imap = this.readBlocks(2, sb.imapBlocks);
    this.zmap = this.readBlocks(2 + sb.imapBlocks, sb.zmapBlocks);
    this.table = this.readBlocks(2 + sb.imapBlocks + sb.zmapBlocks, inodeTableBlocks(sb.inodes));
    Object.assign(this.stats, {
      blocks: sb.zones, inodes: sb.inodes, dataZones: zmapBits(sb), clean: sb.state === STATE_CLEAN,
    });
    if (!testBit(this.imap, 0)) this.error("inode bitmap: reserved bit 0 is clear");
    this.stats.usedInodes = this.countSet(this.imap, 1, imapBits(sb));
    this.stats.freeInodes = sb.inodes - this.stats.usedInodes;
    this.stats.usedZones = this.countSet(this.zmap, 0, zmapBits(sb));
    this.stats.freeZones = zmapBits(sb) - this.stats.usedZones;
    return true;
  }

  private countSet(map: Uint8Array, from: number, to: number): number {
    let n = 0;
    for (let bit = from; bit < to; bit++) if (testBit(map, bit)) n++;
    return n;
  }

  private inode(ino: number): DiskInode {
    const i = ino - 1;
    const block = this.table.subarray(Math.floor(i / INODES_PER_BLOCK) * BLOCK_SIZE);
    return decodeInode(block, i % INODES_PER_BLOCK);
  }

  private inUse(ino: number): boolean {
    return testBit(this.imap, ino);
  }

  // ---- the tree ------------------------------------------------------------------

  /** Walk every directory from the root, counting references and checking entries. */
  private walkTree(): void {
    const root = this.inode(ROOT_INO);
    if (!this.inUse(ROOT_INO) || !isDir(root.mode)) {
      this.error(`root inode ${ROOT_INO} is not an allocated directory`);
      return;
    }
    this.parentOf.set(ROOT_INO, ROOT_INO);
    const queue = [ROOT_INO];
    while (queue.length > 0) {
      const dir = queue.shift()!;
      for (const sub of this.checkDirectory(dir)) queue.push(sub);
    }
  }

  /** Check the entries of directory `dir`; returns the subdirectories first found in it. */
  private checkDirectory(dir: number): number[] {
    const ip = this.inode(dir);
    const subdirs: number[] = [];
    const names = new Set<string>();
    if (ip.size % DIRENT_SIZE !== 0) this.error(`directory ${dir}: size ${ip.size} is not a multiple of ${DIRENT_SIZE}`);
    const count = Math.floor(ip.size / DIRENT_SIZE);
    const zones = this.fileBlocks(dir, ip, false);
    let block: Uint8Array | null = null;
    for (let index = 0; index < count; index++) {
      const slot = index % DIRENTS_PER_BLOCK;
      if (slot === 0) {
        const zone = zones.get(index / DIRENTS_PER_BLOCK);
        block = zone === undefined ? null : this.readBlocks(zone, 1);
      }
      const ino = block ? direntIno(block, slot) : 0;
      const expected = index === 0 ? "." : index === 1 ? ".." : null;
      if (ino === 0) {
        if (expected) this.error(`directory ${dir}: entry ${index} should be "${expected}" but is free`);
        continue;
      }
      const name = decodeUtf8(direntName(block!, slot));
      const where = `directory ${dir}, entry "${name}"`;
      if (expected !== null && name !== expected) this.error(`directory ${dir}: entry ${index} should be "${expected}" but is "${name}"`);
      if (expected === null && (name === "." || name === "..")) this.error(`${where}: "${name}" out of place (index ${index})`);
      if (name.length === 0 || name.includes("/")) this.error(`${where}: bad name`);
      if (names.has(name)) this.error(`${where}: duplicate name`);
      names.add(name);
      if (ino > this.sb.inodes) {
        this.error(`${where}: inode ${ino} does not exist`);
        continue;
      }
      this.refs.set(ino, (this.refs.get(ino) ?? 0) + 1);
      if (!this.inUse(ino) || this.inode(ino).mode === 0) {
        this.error(`${where}: names inode ${ino}, which is free`);
        continue;
      }
      if (name === ".") {
        if (ino !== dir) this.error(`directory ${dir}: "." names inode ${ino}`);
      } else if (name === "..") {
        if (ino !== this.parentOf.get(dir)) this.error(`directory ${dir}: ".." names inode ${ino}, but its parent is ${this.parentOf.get(dir)}`);
      } else if (isDir(this.inode(ino).mode)) {
        if (this.parentOf.has(ino)) this.error(`${where}: directory ${ino} already has a name in directory ${this.parentOf.get(ino)}`);
        else {
          this.parentOf.set(ino, dir);
          subdirs.push(ino);
        }
      }
    }
    return subdirs;
  }

  // ---- inodes --------------------------------------------------------------------

  /** Every inode against the bitmap, its link count and its zones. */
  private checkInodes(): void {
    for (let ino = 1; ino <= this.sb.inodes; ino++) {
      const refs = this.refs.get(ino) ?? 0;
      const marked = this.inUse(ino);
      if (!marked) continue;
      const ip = this.inode(ino);
      if (refs === 0) {
        this.error(`inode ${ino} is marked in use but no directory names it (leaked)`);
        continue;
      }
      const type = ip.mode & S_IFMT;
      if (type !== S_IFREG && type !== S_IFDIR && type !== S_IFCHR && type !== S_IFBLK) {
        this.error(`inode ${ino}: bad mode ${ip.mode.toString(8)}`);
        continue;
      }
      if (ip.nlinks !== refs) this.error(`inode ${ino}: link count ${ip.nlinks}, but ${refs} directory entries name it`);
      if (ip.size > this.sb.maxFileSize) this.error(`inode ${ino}: size ${ip.size} exceeds the maximum ${this.sb.maxFileSize}`);
      if (type === S_IFDIR) this.stats.directories++;
      else if (type === S_IFREG) this.stats.files++;
      else this.stats.devices++;
      const blocks = this.fileBlocks(ino, ip, true);
      if (type === S_IFCHR || type === S_IFBLK) {
        if (blocks.size > 0 || ip.size !== 0) this.error(`inode ${ino}: a device file with data`);
        continue;
      }
      const end = Math.ceil(ip.size / BLOCK_SIZE);
      for (const [index, zone] of blocks) {
        if (index >= end) this.error(`inode ${ino}: zone ${zone} maps block ${index}, past the end of the file (size ${ip.size})`);
      }
    }
  }

  /**
   * The data zones of a file by block index. With `claim`, every zone of it
   * (indirect blocks too) is checked against the zone bitmap and recorded as this
   * inode's; the tree walk reads directories without claiming.
   */
  private fileBlocks(ino: number, ip: DiskInode, claim: boolean): Map<number, number> {
    const blocks = new Map<number, number>();
    const visit = (zone: number, what: string): boolean => {
      if (zone < this.sb.firstDataZone || zone >= this.sb.zones) {
        if (claim) this.error(`inode ${ino}: ${what} ${zone} is not a data zone`);
        return false;
      }
      if (!claim) return true;
      const owner = this.zoneOwner.get(zone);
      if (owner !== undefined) this.error(`zone ${zone} is used by inode ${owner} and by inode ${ino}`);
      else this.zoneOwner.set(zone, ino);
      if (!testBit(this.zmap, zone - this.sb.firstDataZone)) this.error(`inode ${ino}: zone ${zone} is in use but marked free`);
      return true;
    };
    const indirect = (zone: number, base: number, level: 1 | 2): void => {
      if (zone === NO_ZONE || !visit(zone, "indirect block")) return;
      const block = this.readBlocks(zone, 1);
      const span = level === 1 ? 1 : ZONES_PER_BLOCK;
      for (let k = 0; k < ZONES_PER_BLOCK; k++) {
        const child = zoneEntry(block, k);
        if (child === NO_ZONE) continue;
        if (level === 2) indirect(child, base + k * span, 1);
        else if (visit(child, "zone")) blocks.set(base + k, child);
      }
    };
    for (let i = 0; i < NR_DIRECT_ZONES; i++) {
      const zone = ip.zones[i]!;
      if (zone !== NO_ZONE && visit(zone, "zone")) blocks.set(i, zone);
    }
    indirect(ip.zones[SINGLE_INDIRECT]!, FIRST_SINGLE_INDEX, 1);
    indirect(ip.zones[DOUBLE_INDIRECT]!, FIRST_DOUBLE_INDEX, 2);
    return blocks;
  }

  // ---- zones ---------------------------------------------------------------------

  /** Zones marked in use that no inode reached. */
  private checkZoneMap(): void {
    for (let bit = 0; bit < zmapBits(this.sb); bit++) {
      const zone = this.sb.firstDataZone + bit;
      if (testBit(this.zmap, bit) && !this.zoneOwner.has(zone)) {
        this.error(`zone ${zone} is marked in use but no file uses it (leaked)`);
      }
    }
  }
}
