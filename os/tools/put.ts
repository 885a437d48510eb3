/**
 * put (host side): write one regular file into an existing volume, so that a file made
 * on the host (an update package, say) can be read by programs inside the OS. It does
 * what MFS would for `cat > PATH`: allocates an inode and zones in the bitmaps (direct,
 * single- and double-indirect), writes the data, and enters the name in its directory;
 * an existing regular file of that name keeps its inode and gets the new contents.
 *
 * Every change is staged in memory and written only once all of them have succeeded,
 * so a refusal (bad path, no such directory, a directory in the way, a full disk)
 * leaves the image exactly as it was. The volume must be cleanly unmounted: a dirty
 * one may be in use by a running system, whose cached blocks would overwrite ours.
 */
import { SECTOR_SIZE, type SectorStore } from "../../hw/disk.js";
import { NAME_MAX, S_IFREG, isDir, isReg } from "../include/fsproto.js";
import { encodeUtf8 } from "../lib/utf8.js";
import {
  BLOCK_SIZE, DIRENTS_PER_BLOCK, DIRENT_SIZE, DOUBLE_INDIRECT, NO_ZONE, NR_DIRECT_ZONES, ROOT_INO, SINGLE_INDIRECT,
  STATE_CLEAN, SUPER_BLOCK, ZONES_PER_BLOCK, blockPath, checkSuper, clearBit, decodeInode, decodeSuper, direntIno,
  direntIs, emptyInode, encodeInode, imapBits, inodeLocation, setBit, setZoneEntry, testBit, writeDirent, zmapBits,
  zoneEntry, type DiskInode, type SuperBlock,
} from "../servers/mfs/format.js";

export interface PutOptions {
  /** Permission bits of a new file (default 0o644); an existing file keeps its own. */
  perms?: number;
}

export interface PutResult {
  ino: number;
  bytes: number;
  /** Zones the file holds now, indirect blocks included. */
  zones: number;
  /** An existing file was overwritten (rather than a new one made). */
  replaced: boolean;
}

/** A refusal: the volume or the path does not allow the write. Nothing was written. */
export class PutError extends Error {}

/** Write `data` as the regular file at absolute `guestPath` of the volume on `store`. */
export function put(store: SectorStore, guestPath: string, data: Uint8Array, opts: PutOptions = {}): PutResult {
  const names = splitPath(guestPath);
  const v = new StagedVolume(store);
  if (data.length > v.sb.maxFileSize) {
    throw new PutError(`${data.length} bytes is more than the volume's largest file (${v.sb.maxFileSize} bytes)`);
  }
  let dir = ROOT_INO;
  for (const [i, name] of names.slice(0, -1).entries()) {
    const ino = v.lookup(dir, name);
    const where = "/" + names.slice(0, i + 1).join("/");
    if (ino === 0) throw new PutError(`${where}: no such directory`);
    if (!isDir(v.inode(ino).mode)) throw new PutError(`${where}: not a directory`);
    dir = ino;
  }
  const name = names[names.length - 1]!;
  let ino = v.lookup(dir, name);
  const replaced = ino !== 0;
  let ip: DiskInode;
  if (replaced) {
    ip = v.inode(ino);
    if (isDir(ip.mode)) throw new PutError(`${guestPath}: is a directory`);
    if (!isReg(ip.mode)) throw new PutError(`${guestPath}: exists and is not a regular file`);
    v.freeZones(ip);
  } else {
    ino = v.allocInode();
    ip = { ...emptyInode(), mode: S_IFREG | ((opts.perms ?? 0o644) & 0o7777), nlinks: 1 };
    v.enter(dir, name, ino);
  }
  ip.size = data.length;
  for (let index = 0; index * BLOCK_SIZE < data.length; index++) {
    const block = v.fresh(v.mapBlock(ip, index));
    block.set(data.subarray(index * BLOCK_SIZE, (index + 1) * BLOCK_SIZE));
  }
  v.writeInode(ino, ip);
  const zones = v.zonesOf(ip).length;
  v.commit();
  return { ino, bytes: data.length, zones, replaced };
}

/** The names of an absolute path; throws PutError on one MFS could not hold. */
function splitPath(guestPath: string): string[] {
  if (!guestPath.startsWith("/")) throw new PutError(`${guestPath}: the path in the image must be absolute`);
  const names = guestPath.split("/").filter((n) => n.length > 0);
  if (names.length === 0 || guestPath.endsWith("/")) throw new PutError(`${guestPath}: names a directory, not a file`);
  for (const n of names) {
    if (n === "." || n === "..") throw new PutError(`${guestPath}: "." and ".." are not allowed`);
    if (n.includes("\0")) throw new PutError(`${guestPath}: a name holds a NUL`);
    if (encodeUtf8(n).length > NAME_MAX) throw new PutError(`${guestPath}: "${n}" is longer than ${NAME_MAX} bytes`);
  }
  return names;
}

/**
 * A volume read from its store, with every change kept in memory until `commit`:
 * the bitmaps whole, and each block changed or newly allocated.
 */
class StagedVolume {
  readonly sb: SuperBlock;
  private readonly imap: Uint8Array;
  private readonly zmap: Uint8Array;
  private readonly staged = new Map<number, Uint8Array>();
  /** Zones allocated here: their old contents are garbage, never read. */
  private readonly allocated = new Set<number>();
  /** Zone bits below this one are known to be set (allocation goes forward, as in MFS). */
  private zoneSearch = 0;

  constructor(private readonly store: SectorStore) {
    const deviceBlocks = Math.floor((store.sectors * SECTOR_SIZE) / BLOCK_SIZE);
    if (deviceBlocks <= SUPER_BLOCK) throw new PutError(`a device of ${deviceBlocks} blocks holds no file system`);
    this.sb = decodeSuper(this.read(SUPER_BLOCK, 1));
    const why = checkSuper(this.sb, deviceBlocks);
    if (why) throw new PutError(`superblock: ${why}`);
    if (this.sb.state !== STATE_CLEAN) {
      throw new PutError("the volume is mounted or was not cleanly unmounted; shut the system down cleanly first");
    }
    this.imap = this.read(2, this.sb.imapBlocks);
    this.zmap = this.read(2 + this.sb.imapBlocks, this.sb.zmapBlocks);
  }

  private read(first: number, count: number): Uint8Array {
    const bytes = new Uint8Array(count * BLOCK_SIZE);
    this.store.read((first * BLOCK_SIZE) / SECTOR_SIZE, bytes);
    return bytes;
  }

  /** Block `n` as it will be written, for reading or changing in place. */
  private block(n: number): Uint8Array {
    let b = this.staged.get(n);
    if (!b) this.staged.set(n, (b = this.allocated.has(n) ? new Uint8Array(BLOCK_SIZE) : this.read(n, 1)));
    return b;
  }

  /** Block `n` zeroed, to be filled whole (file data): its old contents are not read. */
  fresh(n: number): Uint8Array {
    const b = new Uint8Array(BLOCK_SIZE);
    this.staged.set(n, b);
    return b;
  }

  inode(ino: number): DiskInode {
    const at = inodeLocation(this.sb, ino);
    return decodeInode(this.block(at.block), at.index);
  }

  writeInode(ino: number, ip: DiskInode): void {
    const at = inodeLocation(this.sb, ino);
    encodeInode(ip, this.block(at.block), at.index);
  }

  allocInode(): number {
    const ino = firstClear(this.imap, 1, imapBits(this.sb));
    if (ino < 0) throw new PutError(`no free inode (all ${this.sb.inodes} are in use)`);
    setBit(this.imap, ino);
    return ino;
  }

  private allocZone(): number {
    const bit = firstClear(this.zmap, this.zoneSearch, zmapBits(this.sb));
    if (bit < 0) throw new PutError(`disk full: no free zone among ${zmapBits(this.sb)}`);
    setBit(this.zmap, bit);
    this.zoneSearch = bit + 1;
    const zone = this.sb.firstDataZone + bit;
    this.allocated.add(zone);
    return zone;
  }

  /** The zone of block `index` of a file, allocating it and the indirect blocks on its way. */
  mapBlock(ip: DiskInode, index: number): number {
    const path = blockPath(index);
    if (!path) throw new PutError(`block ${index} is past the largest file an inode can map`);
    let zone = ip.zones[path[0]!]!;
    if (zone === NO_ZONE) ip.zones[path[0]!] = zone = this.allocZone();
    for (const k of path.slice(1)) {
      const indirect = this.block(zone);
      zone = zoneEntry(indirect, k);
      if (zone === NO_ZONE) setZoneEntry(indirect, k, (zone = this.allocZone()));
    }
    return zone;
  }

  /** Every zone of a file: data and indirect blocks. */
  zonesOf(ip: DiskInode): number[] {
    const zones = ip.zones.slice(0, NR_DIRECT_ZONES).filter((z) => z !== NO_ZONE);
    const indirect = (zone: number, level: number): void => {
      if (zone === NO_ZONE) return;
      zones.push(zone);
      const block = this.block(zone);
      for (let k = 0; k < ZONES_PER_BLOCK; k++) {
        const child = zoneEntry(block, k);
        if (level === 2) indirect(child, 1);
        else if (child !== NO_ZONE) zones.push(child);
      }
    };
    indirect(ip.zones[SINGLE_INDIRECT]!, 1);
    indirect(ip.zones[DOUBLE_INDIRECT]!, 2);
    return zones;
  }

  /** Release a file's zones (its contents are about to be replaced). */
  freeZones(ip: DiskInode): void {
    for (const zone of this.zonesOf(ip)) {
      const bit = zone - this.sb.firstDataZone;
      clearBit(this.zmap, bit);
      this.zoneSearch = Math.min(this.zoneSearch, bit);
      this.staged.delete(zone);
    }
    ip.zones.fill(NO_ZONE);
    ip.size = 0;
  }

  /** The inode `name` has in directory `dir`, or 0. */
  lookup(dir: number, name: string): number {
    const bytes = encodeUtf8(name);
    let found = 0;
    this.eachSlot(dir, (block, slot) => {
      const ino = direntIno(block, slot);
      if (ino !== 0 && direntIs(block, slot, bytes)) found = ino;
      return found !== 0;
    });
    return found;
  }

  /** Add `name` -> `ino` to directory `dir`: in a free slot, or at the end (growing it a block if needed). */
  enter(dir: number, name: string, ino: number): void {
    const bytes = encodeUtf8(name);
    let done = false;
    this.eachSlot(dir, (block, slot) => {
      if (direntIno(block, slot) !== 0) return false;
      writeDirent(block, slot, ino, bytes);
      return (done = true);
    });
    if (done) return;
    const ip = this.inode(dir);
    const index = Math.floor(ip.size / DIRENT_SIZE);
    writeDirent(this.block(this.mapBlock(ip, Math.floor(index / DIRENTS_PER_BLOCK))), index % DIRENTS_PER_BLOCK, ino, bytes);
    ip.size += DIRENT_SIZE;
    this.writeInode(dir, ip);
  }

  /** Visit the slots of directory `dir` in order (holes have none) until `visit` says stop. */
  private eachSlot(dir: number, visit: (block: Uint8Array, slot: number) => boolean): void {
    const ip = this.inode(dir);
    const count = Math.floor(ip.size / DIRENT_SIZE);
    for (let b = 0; b * DIRENTS_PER_BLOCK < count; b++) {
      const zone = this.zoneAt(ip, b);
      if (zone === NO_ZONE) continue;
      const block = this.block(zone);
      for (let slot = 0; slot < DIRENTS_PER_BLOCK && b * DIRENTS_PER_BLOCK + slot < count; slot++) {
        if (visit(block, slot)) return;
      }
    }
  }

  /** The zone of block `index` of a file without allocating: NO_ZONE for a hole. */
  private zoneAt(ip: DiskInode, index: number): number {
    const path = blockPath(index);
    if (!path) return NO_ZONE;
    let zone = ip.zones[path[0]!]!;
    for (const k of path.slice(1)) {
      if (zone === NO_ZONE) return NO_ZONE;
      zone = zoneEntry(this.block(zone), k);
    }
    return zone;
  }

  /** Write every staged block and both bitmaps. */
  commit(): void {
    const write = (block: number, bytes: Uint8Array) => this.store.write((block * BLOCK_SIZE) / SECTOR_SIZE, bytes);
    for (const [n, bytes] of this.staged) write(n, bytes);
    write(2, this.imap);
    write(2 + this.sb.imapBlocks, this.zmap);
    this.store.flush();
  }
}

/** The first clear bit of `map` in [from, to), or -1. */
function firstClear(map: Uint8Array, from: number, to: number): number {
  for (let bit = from; bit < to; bit++) {
    if (map[bit >> 3] === 0xff) {
      bit |= 7; // a full byte: skip to its last bit
      continue;
    }
    if (!testBit(map, bit)) return bit;
  }
  return -1;
}
