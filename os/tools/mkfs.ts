/**
 * mkfs (host side): write a fresh file system over a whole disk. The volume gets the
 * layout of format.ts and a small tree:
 *
 *   /            /dev   /dev/tty (MAJOR_TTY, 0)   /dev/null (MAJOR_NULL, 3)   /tmp   /etc
 */
import { SECTOR_SIZE, type SectorStore } from "../../hw/disk.js";
import { S_IFCHR, S_IFDIR } from "../include/fsproto.js";
import { MAJOR_NULL, MAJOR_TTY, makedev } from "../include/vfs.js";
import { encodeUtf8 } from "../lib/utf8.js";
import {
  BITS_PER_BLOCK, BLOCK_SIZE, DIRENT_SIZE, INODES_PER_BLOCK, ROOT_INO, SUPER_BLOCK, emptyInode, encodeInode,
  encodeSuper, imapBits, inodeTableBlocks, planVolume, setBit, writeDirent, zmapBits, type DiskInode, type SuperBlock,
} from "../servers/mfs/format.js";

export interface MkfsOptions {
  /** Number of inodes; by default one per 16 KiB of disk. */
  inodes?: number;
}

/** Fewest data zones a volume may have: the initial tree needs 4, and some room for files. */
const MIN_DATA_ZONES = 16;
const MIN_INODES = 16;
/** Keeps the inode table (64 bytes per inode) a sane size. */
const MAX_INODES = 1 << 20;

export function mkfs(store: SectorStore, opts: MkfsOptions = {}): void {
  const zones = Math.floor((store.sectors * SECTOR_SIZE) / BLOCK_SIZE);
  const inodes = opts.inodes ?? Math.max(MIN_INODES, Math.floor((zones * BLOCK_SIZE) / (16 * 1024)));
  if (!Number.isInteger(inodes) || inodes < MIN_INODES || inodes > MAX_INODES) {
    throw new Error(`inode count must be an integer from ${MIN_INODES} to ${MAX_INODES}, got ${inodes}`);
  }
  const sb = planVolume(zones, inodes);
  if (sb.firstDataZone + MIN_DATA_ZONES > zones) {
    throw new Error(`a disk of ${zones} blocks is too small for a file system with ${inodes} inodes`);
  }
  const v = new NewVolume(sb);
  const root = v.mkdir(null, "", 0o755);
  const dev = v.mkdir(root, "dev", 0o755);
  v.mknod(dev, "tty", makedev(MAJOR_TTY, 0));
  v.mknod(dev, "null", makedev(MAJOR_NULL, 3));
  v.mkdir(root, "tmp", 0o1777);
  v.mkdir(root, "etc", 0o755);
  v.writeTo(store);
}

/** A volume being built in memory: its bitmaps, inode table and directory blocks. */
class NewVolume {
  private readonly imap: Uint8Array;
  private readonly zmap: Uint8Array;
  private readonly inodes = new Map<number, DiskInode>();
  private readonly dirBlocks = new Map<number, Uint8Array>();
  private nextIno = ROOT_INO;
  private nextZone: number;

  constructor(private readonly sb: SuperBlock) {
    this.imap = new Uint8Array(sb.imapBlocks * BLOCK_SIZE);
    this.zmap = new Uint8Array(sb.zmapBlocks * BLOCK_SIZE);
    // Bit 0 of the inode map and every bit past the real inodes and zones stay set: never handed out.
    setBit(this.imap, 0);
    for (let bit = imapBits(sb); bit < sb.imapBlocks * BITS_PER_BLOCK; bit++) setBit(this.imap, bit);
    for (let bit = zmapBits(sb); bit < sb.zmapBlocks * BITS_PER_BLOCK; bit++) setBit(this.zmap, bit);
    this.nextZone = sb.firstDataZone;
  }

  /** A directory named `name` in `parent` (null: the root, the first inode, its own parent), with "." and "..". */
  mkdir(parent: number | null, name: string, perms: number): number {
    const ino = this.allocInode();
    const zone = this.nextZone++;
    setBit(this.zmap, zone - this.sb.firstDataZone);
    const dir = { ...emptyInode(), mode: S_IFDIR | perms, nlinks: 2 };
    dir.zones[0] = zone;
    this.inodes.set(ino, dir);
    this.dirBlocks.set(ino, new Uint8Array(BLOCK_SIZE));
    this.enter(ino, ".", ino);
    this.enter(ino, "..", parent ?? ino);
    if (parent !== null) {
      this.enter(parent, name, ino);
      this.inodes.get(parent)!.nlinks++;
    }
    return ino;
  }

  /** A character special file `name` in `dir`, readable and writable by all. */
  mknod(dir: number, name: string, rdev: number): void {
    const ino = this.allocInode();
    this.inodes.set(ino, { ...emptyInode(), mode: S_IFCHR | 0o666, nlinks: 1, rdev });
    this.enter(dir, name, ino);
  }

  private allocInode(): number {
    const ino = this.nextIno++;
    setBit(this.imap, ino);
    return ino;
  }

  private enter(dir: number, name: string, ino: number): void {
    const d = this.inodes.get(dir)!;
    const slot = d.size / DIRENT_SIZE;
    writeDirent(this.dirBlocks.get(dir)!, slot, ino, encodeUtf8(name));
    d.size += DIRENT_SIZE;
  }

  writeTo(store: SectorStore): void {
    const sb = this.sb;
    const write = (block: number, bytes: Uint8Array) => store.write((block * BLOCK_SIZE) / SECTOR_SIZE, bytes);
    write(0, new Uint8Array(BLOCK_SIZE));
    const superBlock = new Uint8Array(BLOCK_SIZE);
    encodeSuper(sb, superBlock);
    write(SUPER_BLOCK, superBlock);
    write(2, this.imap);
    write(2 + sb.imapBlocks, this.zmap);
    const table = new Uint8Array(inodeTableBlocks(sb.inodes) * BLOCK_SIZE);
    for (const [ino, inode] of this.inodes) {
      const i = ino - 1;
      encodeInode(inode, table.subarray(Math.floor(i / INODES_PER_BLOCK) * BLOCK_SIZE), i % INODES_PER_BLOCK);
    }
    write(2 + sb.imapBlocks + sb.zmapBlocks, table);
    for (const [ino, block] of this.dirBlocks) write(this.inodes.get(ino)!.zones[0]!, block);
    store.flush();
  }
}
