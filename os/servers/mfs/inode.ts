/**
 * The in-core inode table (MINIX's inode.c). An inode in use has a reference count:
 * VFS's references and those of the request in progress. When the last one goes,
 * a changed inode is written to its inode-table block, and an inode no directory
 * names any more (nlinks 0) is freed with all its zones. Unused slots keep their
 * inode cached until the slot is needed for another.
 */
import { EIO, ENFILE } from "../../include/errno.js";
import { uptime } from "../../lib/ipc.js";
import { FsError } from "./error.js";
import { NO_ZONE, decodeInode, encodeInode, inodeLocation } from "./format.js";
import { allocInodeNr, freeInodeNr } from "./bitmap.js";
import { truncate } from "./bmap.js";
import { getBlock, putBlock } from "./buf.js";
import { Inode, NR_INODE_HASH, itable, vol } from "./state.js";

/** Virtual time for inode time stamps. */
export function now(): number {
  return uptime() >>> 0;
}

/** Mark an inode changed now (its data or, for a directory, its entries). */
export function touch(ip: Inode): void {
  ip.mtime = ip.ctime = now();
  ip.dirty = true;
}

/** Inode `ino`, read from disk if it is not in memory; held until putInode. ENFILE if the table is full. */
export async function getInode(ino: number): Promise<Inode> {
  if (!Number.isInteger(ino) || ino < 1 || ino > vol.sb.inodes) throw new FsError(EIO, `bad inode number ${ino}`);
  const cached = findCached(ino);
  if (cached) {
    cached.count++;
    return cached;
  }
  const ip = freeSlot();
  if (!ip) throw new FsError(ENFILE, "the inode table is full");
  unhash(ip);
  const where = inodeLocation(vol.sb, ino);
  const b = await getBlock(where.block);
  decodeInode(b.data, where.index, ip);
  putBlock(b);
  ip.ino = ino;
  ip.count = 1;
  ip.dirty = false;
  ip.hashNext = itable.hash[ino & (NR_INODE_HASH - 1)] ?? null;
  itable.hash[ino & (NR_INODE_HASH - 1)] = ip;
  return ip;
}

/** The in-core inode `ino` if someone holds it (VFS, for inodes named in its requests), else null. */
export function findHeld(ino: number): Inode | null {
  const ip = findCached(ino);
  return ip && ip.count > 0 ? ip : null;
}

/** Drop one reference; the last one writes the inode back, or frees it if no directory names it. */
export async function putInode(ip: Inode): Promise<void> {
  if (ip.count <= 0) throw new Error(`putInode of unheld inode ${ip.ino}`);
  if (--ip.count > 0) return;
  if (ip.nlinks === 0 && ip.mode !== 0) await freeInode(ip);
  if (ip.dirty) await writeInode(ip);
}

/** A new inode of type and permissions `mode`, held, with no links yet (the caller enters it in a directory). */
export async function allocInode(mode: number, uid: number, gid: number): Promise<Inode> {
  const ino = await allocInodeNr();
  let ip: Inode;
  try {
    ip = await getInode(ino);
  } catch (e) {
    await freeInodeNr(ino);
    throw e;
  }
  const t = now();
  Object.assign(ip, { mode, nlinks: 0, uid, gid, size: 0, atime: t, mtime: t, ctime: t, rdev: 0 });
  ip.zones.fill(NO_ZONE);
  ip.dirty = true;
  return ip;
}

/** Write every changed in-core inode to its block (in the cache). */
export async function writeInodes(): Promise<void> {
  for (const ip of itable.slots) if (ip.ino !== 0 && ip.dirty) await writeInode(ip);
}

export function anyDirtyInode(): boolean {
  return itable.slots.some((ip) => ip.ino !== 0 && ip.dirty);
}

/** Drop every reference (unmount): files unlinked while open are freed now. */
export async function releaseAll(): Promise<void> {
  for (const ip of itable.slots) {
    if (ip.ino === 0 || ip.count === 0) continue;
    ip.count = 1;
    await putInode(ip);
  }
}

/** Forget every cached inode (after an unmount or a refused mount). */
export function emptyInodeTable(): void {
  for (const ip of itable.slots) {
    ip.ino = 0;
    ip.count = 0;
    ip.dirty = false;
    ip.hashNext = null;
  }
  itable.hash.fill(null);
}

/** Return the inode and its zones to the free pool. */
async function freeInode(ip: Inode): Promise<void> {
  await truncate(ip, 0);
  await freeInodeNr(ip.ino);
  Object.assign(ip, { mode: 0, uid: 0, gid: 0, rdev: 0 });
  ip.zones.fill(NO_ZONE);
  ip.dirty = true;
}

async function writeInode(ip: Inode): Promise<void> {
  const where = inodeLocation(vol.sb, ip.ino);
  const b = await getBlock(where.block);
  encodeInode(ip, b.data, where.index);
  b.dirty = true;
  putBlock(b);
  ip.dirty = false;
}

function findCached(ino: number): Inode | null {
  for (let ip = itable.hash[ino & (NR_INODE_HASH - 1)] ?? null; ip; ip = ip.hashNext) if (ip.ino === ino) return ip;
  return null;
}

/** A slot for another inode: an empty one, else one whose inode nobody holds (it is clean: putInode wrote it). */
function freeSlot(): Inode | null {
  let unused: Inode | null = null;
  for (const ip of itable.slots) {
    if (ip.count !== 0) continue;
    if (ip.ino === 0) return ip;
    unused ??= ip;
  }
  return unused;
}

function unhash(ip: Inode): void {
  if (ip.ino === 0) return;
  const chain = ip.ino & (NR_INODE_HASH - 1);
  if (itable.hash[chain] === ip) {
    itable.hash[chain] = ip.hashNext;
  } else {
    let p = itable.hash[chain] ?? null;
    while (p && p.hashNext !== ip) p = p.hashNext;
    if (p) p.hashNext = ip.hashNext;
  }
  ip.hashNext = null;
  ip.ino = 0;
}
