/**
 * The on-disk layout of the MINIX-like file system, and nothing else: encoding and
 * decoding with DataView, no I/O. The MFS server (in its realm) and the host tools
 * (mkfs, fsck) share it, so there is one definition of every byte.
 *
 *   block 0                boot block (unused)
 *   block 1                superblock
 *   2 ..                   inode bitmap   (imapBlocks)   bit i: inode i in use; bit 0 is reserved
 *   ..                     zone bitmap    (zmapBlocks)   bit i: zone firstDataZone + i in use
 *   ..                     inode table    (64 inodes of 64 bytes per block; inode 1 first)
 *   firstDataZone ..       data zones: file contents, directories, indirect blocks
 *
 * A zone is one block, named by its absolute block number; zone 0 means "none" (a
 * hole). Bitmap bits past the last inode or zone are kept set, so they are never
 * handed out. All integers are little-endian.
 */
import { BDEV_SECTOR_SIZE } from "../../include/bdev.js";
import { NAME_MAX } from "../../include/fsproto.js";

export const BLOCK_SIZE = 4096;
export const SECTORS_PER_BLOCK = BLOCK_SIZE / BDEV_SECTOR_SIZE;
export const SUPER_BLOCK = 1;
/** "MFS3" */
export const MFS_MAGIC = 0x4d465333;
export const MFS_VERSION = 1;
/** Superblock state: cleanly unmounted, or mounted (or left so by a crash). */
export const STATE_CLEAN = 1;
export const STATE_DIRTY = 2;

export const INODE_SIZE = 64;
export const INODES_PER_BLOCK = BLOCK_SIZE / INODE_SIZE;
export const ROOT_INO = 1;
/** Largest link count an inode can hold. */
export const LINK_MAX = 0xffff;

/** Bytes of a name in an entry: NUL-padded, with no NUL when it is NAME_MAX long. */
export const DIRENT_NAME_SIZE = NAME_MAX;
/** An entry: u32 inode number (0: free slot), then the name. */
export const DIRENT_SIZE = 4 + DIRENT_NAME_SIZE;
export const DIRENTS_PER_BLOCK = BLOCK_SIZE / DIRENT_SIZE;

export const NO_ZONE = 0;
/** Zone slots of an inode: 7 direct, then one single-indirect and one double-indirect. */
export const NR_DIRECT_ZONES = 7;
export const SINGLE_INDIRECT = 7;
export const DOUBLE_INDIRECT = 8;
export const NR_ZONE_SLOTS = 9;
/** Zone numbers (u32) in an indirect block. */
export const ZONES_PER_BLOCK = BLOCK_SIZE / 4;
export const BITS_PER_BLOCK = BLOCK_SIZE * 8;
/** Largest file size: sizes are u32 on disk, and positions stay far from overflow. */
export const MAX_FILE_SIZE = 0x7fffffff;

// ---- superblock ------------------------------------------------------------------

export interface SuperBlock {
  magic: number;
  version: number;
  state: number;
  blockSize: number;
  /** Inodes 1..inodes exist. */
  inodes: number;
  /** Blocks of the volume, counting from block 0. */
  zones: number;
  imapBlocks: number;
  zmapBlocks: number;
  firstDataZone: number;
  maxFileSize: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeSuper(block: Uint8Array): SuperBlock {
  const v = view(block);
  return {
    magic: v.getUint32(0, true),
    version: v.getUint16(4, true),
    state: v.getUint16(6, true),
    blockSize: v.getUint32(8, true),
    inodes: v.getUint32(12, true),
    zones: v.getUint32(16, true),
    imapBlocks: v.getUint32(20, true),
    zmapBlocks: v.getUint32(24, true),
    firstDataZone: v.getUint32(28, true),
    maxFileSize: v.getUint32(32, true),
  };
}

export function encodeSuper(sb: SuperBlock, block: Uint8Array): void {
  const v = view(block);
  v.setUint32(0, sb.magic, true);
  v.setUint16(4, sb.version, true);
  v.setUint16(6, sb.state, true);
  v.setUint32(8, sb.blockSize, true);
  v.setUint32(12, sb.inodes, true);
  v.setUint32(16, sb.zones, true);
  v.setUint32(20, sb.imapBlocks, true);
  v.setUint32(24, sb.zmapBlocks, true);
  v.setUint32(28, sb.firstDataZone, true);
  v.setUint32(32, sb.maxFileSize, true);
}

export function inodeTableBlocks(inodes: number): number {
  return Math.ceil(inodes / INODES_PER_BLOCK);
}

/** Bits the inode bitmap must have (bit 0 is reserved) and the zone bitmap must have. */
export function imapBits(sb: SuperBlock): number {
  return sb.inodes + 1;
}
export function zmapBits(sb: SuperBlock): number {
  return sb.zones - sb.firstDataZone;
}

/** The layout of a fresh volume of `zones` blocks with `inodes` inodes (mkfs). */
export function planVolume(zones: number, inodes: number): SuperBlock {
  const imapBlocks = Math.ceil((inodes + 1) / BITS_PER_BLOCK);
  const itable = inodeTableBlocks(inodes);
  // Enough zone-bitmap blocks for every block the other metadata leaves over.
  const zmapBlocks = Math.max(1, Math.ceil((zones - 2 - imapBlocks - itable) / BITS_PER_BLOCK));
  return {
    magic: MFS_MAGIC, version: MFS_VERSION, state: STATE_CLEAN, blockSize: BLOCK_SIZE, inodes, zones,
    imapBlocks, zmapBlocks, firstDataZone: 2 + imapBlocks + zmapBlocks + itable, maxFileSize: MAX_FILE_SIZE,
  };
}

/**
 * What is wrong with a superblock on a device of `deviceBlocks` blocks, or null if
 * it describes a usable volume. The text names the field and the values.
 */
export function checkSuper(sb: SuperBlock, deviceBlocks: number): string | null {
  const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
  if (sb.magic !== MFS_MAGIC) return `bad magic number ${hex(sb.magic)} (expected ${hex(MFS_MAGIC)}): not an MFS volume`;
  if (sb.version !== MFS_VERSION) return `unsupported version ${sb.version} (expected ${MFS_VERSION})`;
  if (sb.blockSize !== BLOCK_SIZE) return `block size ${sb.blockSize} (expected ${BLOCK_SIZE})`;
  if (sb.state !== STATE_CLEAN && sb.state !== STATE_DIRTY) return `unknown state flag ${sb.state}`;
  if (sb.inodes < 1) return "inode count is 0";
  if (sb.zones > deviceBlocks) return `zone count ${sb.zones} exceeds the device's ${deviceBlocks} blocks`;
  const imapNeeded = Math.ceil((sb.inodes + 1) / BITS_PER_BLOCK);
  if (sb.imapBlocks < imapNeeded) return `inode bitmap has ${sb.imapBlocks} blocks, ${sb.inodes} inodes need ${imapNeeded}`;
  const first = 2 + sb.imapBlocks + sb.zmapBlocks + inodeTableBlocks(sb.inodes);
  if (sb.firstDataZone !== first) return `first data zone is ${sb.firstDataZone}, but the layout puts it at ${first}`;
  if (sb.firstDataZone >= sb.zones) return `no data zones: first data zone ${sb.firstDataZone}, zone count ${sb.zones}`;
  const zmapNeeded = Math.ceil(zmapBits(sb) / BITS_PER_BLOCK);
  if (sb.zmapBlocks < zmapNeeded) return `zone bitmap has ${sb.zmapBlocks} blocks, ${zmapBits(sb)} zones need ${zmapNeeded}`;
  if (sb.maxFileSize < 1 || sb.maxFileSize > MAX_FILE_SIZE) return `max file size ${sb.maxFileSize} out of range`;
  return null;
}

// ---- inodes ----------------------------------------------------------------------

/** An inode as stored: 64 bytes. Times are in ticks of virtual time. */
export interface DiskInode {
  mode: number;
  nlinks: number;
  uid: number;
  gid: number;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
  /** NR_ZONE_SLOTS zone numbers: direct, single indirect, double indirect. */
  zones: number[];
  /** Device number of a character or block special file. */
  rdev: number;
}

export function emptyInode(): DiskInode {
  return { mode: 0, nlinks: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0, ctime: 0,
    zones: new Array<number>(NR_ZONE_SLOTS).fill(NO_ZONE), rdev: 0 };
}

/** The block of the inode table holding inode `ino`, and its index there. */
export function inodeLocation(sb: SuperBlock, ino: number): { block: number; index: number } {
  const i = ino - 1;
  return { block: 2 + sb.imapBlocks + sb.zmapBlocks + Math.floor(i / INODES_PER_BLOCK), index: i % INODES_PER_BLOCK };
}

/** Read inode `index` of an inode-table block into `into`. */
export function decodeInode(block: Uint8Array, index: number, into: DiskInode = emptyInode()): DiskInode {
  const v = view(block);
  const at = index * INODE_SIZE;
  into.mode = v.getUint16(at, true);
  into.nlinks = v.getUint16(at + 2, true);
  into.uid = v.getUint16(at + 4, true);
  into.gid = v.getUint16(at + 6, true);
  into.size = v.getUint32(at + 8, true);
  into.atime = v.getUint32(at + 12, true);
  into.mtime = v.getUint32(at + 16, true);
  into.ctime = v.getUint32(at + 20, true);
  for (let z = 0; z < NR_ZONE_SLOTS; z++) into.zones[z] = v.getUint32(at + 24 + 4 * z, true);
  into.rdev = v.getUint32(at + 60, true);
  return into;
}

export function encodeInode(ino: DiskInode, block: Uint8Array, index: number): void {
  const v = view(block);
  const at = index * INODE_SIZE;
  v.setUint16(at, ino.mode, true);
  v.setUint16(at + 2, ino.nlinks, true);
  v.setUint16(at + 4, ino.uid, true);
  v.setUint16(at + 6, ino.gid, true);
  v.setUint32(at + 8, ino.size, true);
  v.setUint32(at + 12, ino.atime >>> 0, true);
  v.setUint32(at + 16, ino.mtime >>> 0, true);
  v.setUint32(at + 20, ino.ctime >>> 0, true);
  for (let z = 0; z < NR_ZONE_SLOTS; z++) v.setUint32(at + 24 + 4 * z, ino.zones[z]!, true);
  v.setUint32(at + 60, ino.rdev, true);
}

// ---- file block mapping ----------------------------------------------------------

/**
 * Where block `index` of a file is mapped: the inode's zone slot, then the entry to
 * follow in each indirect block on the way. null past the double-indirect range.
 */
export function blockPath(index: number): number[] | null {
  if (index < NR_DIRECT_ZONES) return [index];
  let i = index - NR_DIRECT_ZONES;
  if (i < ZONES_PER_BLOCK) return [SINGLE_INDIRECT, i];
  i -= ZONES_PER_BLOCK;
  if (i < ZONES_PER_BLOCK * ZONES_PER_BLOCK) return [DOUBLE_INDIRECT, Math.floor(i / ZONES_PER_BLOCK), i % ZONES_PER_BLOCK];
  return null;
}

/** First file block index mapped through the single-indirect and the double-indirect slot. */
export const FIRST_SINGLE_INDEX = NR_DIRECT_ZONES;
export const FIRST_DOUBLE_INDEX = NR_DIRECT_ZONES + ZONES_PER_BLOCK;

export function zoneEntry(block: Uint8Array, k: number): number {
  return view(block).getUint32(4 * k, true);
}

export function setZoneEntry(block: Uint8Array, k: number, zone: number): void {
  view(block).setUint32(4 * k, zone, true);
}

// ---- directory entries -----------------------------------------------------------

export function direntIno(block: Uint8Array, slot: number): number {
  return view(block).getUint32(slot * DIRENT_SIZE, true);
}

/** The name bytes of entry `slot` (a view into the block, up to the first NUL). */
export function direntName(block: Uint8Array, slot: number): Uint8Array {
  const start = slot * DIRENT_SIZE + 4;
  let end = start;
  while (end < start + DIRENT_NAME_SIZE && block[end] !== 0) end++;
  return block.subarray(start, end);
}

export function writeDirent(block: Uint8Array, slot: number, ino: number, name: Uint8Array): void {
  view(block).setUint32(slot * DIRENT_SIZE, ino, true);
  const start = slot * DIRENT_SIZE + 4;
  block.fill(0, start, start + DIRENT_NAME_SIZE);
  block.set(name.subarray(0, DIRENT_NAME_SIZE), start);
}

/** Whether entry `slot` is named `name`. */
export function direntIs(block: Uint8Array, slot: number, name: Uint8Array): boolean {
  const start = slot * DIRENT_SIZE + 4;
  for (let i = 0; i < name.length; i++) if (block[start + i] !== name[i]) return false;
  return name.length === DIRENT_NAME_SIZE || block[start + name.length] === 0;
}

// ---- bitmaps ---------------------------------------------------------------------

export function testBit(map: Uint8Array, bit: number): boolean {
  return (map[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

export function setBit(map: Uint8Array, bit: number): void {
  map[bit >> 3] |= 1 << (bit & 7);
}

export function clearBit(map: Uint8Array, bit: number): void {
  map[bit >> 3] &= ~(1 << (bit & 7));
}
