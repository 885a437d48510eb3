/**
 * A file's zone tree: which zone holds each block of the file (7 direct zones, a
 * single-indirect block, a double-indirect block), growing it when a write needs a
 * block and pruning it when a file shrinks. A block that maps to no zone is a hole
 * and reads as zeros. Bytes past the end of file inside its last block are kept
 * zero, so growing a file never uncovers old data.
 */
import { EFBIG, ENOSPC } from "../../include/errno.js";
import { FsError } from "./error.js";
import {
  BLOCK_SIZE, DOUBLE_INDIRECT, FIRST_DOUBLE_INDEX, FIRST_SINGLE_INDEX, NO_ZONE, NR_DIRECT_ZONES, SINGLE_INDIRECT,
  ZONES_PER_BLOCK, blockPath, setZoneEntry, zoneEntry,
} from "./format.js";
import { allocZone, checkZone, freeZone } from "./bitmap.js";
import { NO_READ, getBlock, putBlock } from "./buf.js";
import { vol, type Inode } from "./state.js";

/** The zone holding block `index` of the file, or NO_ZONE for a hole. */
export async function readMap(ip: Inode, index: number): Promise<number> {
  const path = blockPath(index);
  if (!path) return NO_ZONE;
  let zone = ip.zones[path[0]!]!;
  for (let level = 1; level < path.length && zone !== NO_ZONE; level++) {
    zone = await readEntry(checkZone(zone), path[level]!);
  }
  return zone === NO_ZONE ? NO_ZONE : checkZone(zone);
}

/**
 * The zone holding block `index` of the file, allocated if missing together with
 * the indirect blocks on the way to it. New zones are zero-filled. Either all the
 * zones needed are allocated or none is (ENOSPC).
 */
export async function writeMap(ip: Inode, index: number): Promise<number> {
  const path = blockPath(index);
  if (!path) throw new FsError(EFBIG, "file block beyond the double-indirect range");
  // Follow the links that exist; `parent` is the indirect block holding link `level` (none: the inode).
  let parent = NO_ZONE;
  let level = 0;
  let zone = ip.zones[path[0]!]!;
  while (zone !== NO_ZONE && level + 1 < path.length) {
    parent = checkZone(zone);
    level++;
    zone = await readEntry(parent, path[level]!);
  }
  if (zone !== NO_ZONE) return checkZone(zone);
  if (vol.freeZones < path.length - level) throw new FsError(ENOSPC, "no free zones");
  for (; level < path.length; level++) {
    zone = await allocZone();
    const b = await getBlock(zone, NO_READ);
    b.data.fill(0);
    b.dirty = true;
    putBlock(b);
    if (parent === NO_ZONE) {
      ip.zones[path[0]!] = zone;
      ip.dirty = true;
    } else {
      await writeEntry(parent, path[level]!, zone);
    }
    parent = zone;
  }
  return zone;
}

/** Set the file's size; shrinking frees the blocks past the new end and zeroes the rest of the last one. */
export async function truncate(ip: Inode, size: number): Promise<void> {
  if (size < ip.size) {
    const tail = size % BLOCK_SIZE;
    if (tail !== 0) {
      const zone = await readMap(ip, Math.floor(size / BLOCK_SIZE));
      if (zone !== NO_ZONE) {
        const b = await getBlock(zone);
        b.data.fill(0, tail);
        b.dirty = true;
        putBlock(b);
      }
    }
    await freeBlocksFrom(ip, Math.ceil(size / BLOCK_SIZE));
  }
  ip.size = size;
  ip.dirty = true;
}

/** Free every block of the file from block `first` on, and the indirect blocks left empty. */
export async function freeBlocksFrom(ip: Inode, first: number): Promise<void> {
  for (let i = first; i < NR_DIRECT_ZONES; i++) {
    const zone = ip.zones[i]!;
    if (zone === NO_ZONE) continue;
    await freeZone(zone);
    ip.zones[i] = NO_ZONE;
  }
  ip.zones[SINGLE_INDIRECT] = await pruneIndirect(ip.zones[SINGLE_INDIRECT]!, first - FIRST_SINGLE_INDEX, 1);
  ip.zones[DOUBLE_INDIRECT] = await pruneIndirect(ip.zones[DOUBLE_INDIRECT]!, first - FIRST_DOUBLE_INDEX, 2);
  ip.dirty = true;
}

/**
 * Free what indirect block `zone` maps from its block `from` on (`level` 1: its
 * entries are data zones; 2: they are single-indirect blocks). Returns the zone, or
 * NO_ZONE once nothing is left under it and it was freed too.
 */
async function pruneIndirect(zone: number, from: number, level: 1 | 2): Promise<number> {
  const span = level === 1 ? 1 : ZONES_PER_BLOCK; // file blocks under one entry
  if (zone === NO_ZONE || from >= span * ZONES_PER_BLOCK) return zone;
  const b = await getBlock(checkZone(zone));
  let empty = true;
  try {
    for (let k = 0; k < ZONES_PER_BLOCK; k++) {
      const child = zoneEntry(b.data, k);
      if (child === NO_ZONE) continue;
      let kept = child;
      if (level === 2) {
        kept = await pruneIndirect(child, from - k * span, 1);
      } else if (k >= from) {
        await freeZone(child);
        kept = NO_ZONE;
      }
      if (kept !== child) {
        setZoneEntry(b.data, k, kept);
        b.dirty = true;
      }
      if (kept !== NO_ZONE) empty = false;
    }
  } finally {
    putBlock(b);
  }
  if (!empty) return zone;
  await freeZone(zone);
  return NO_ZONE;
}

/** Zones the file occupies, indirect blocks included. */
export async function countZones(ip: Inode): Promise<number> {
  let n = 0;
  for (let i = 0; i < NR_DIRECT_ZONES; i++) if (ip.zones[i] !== NO_ZONE) n++;
  return n + (await countUnder(ip.zones[SINGLE_INDIRECT]!, 1)) + (await countUnder(ip.zones[DOUBLE_INDIRECT]!, 2));
}

async function countUnder(zone: number, level: 1 | 2): Promise<number> {
  if (zone === NO_ZONE) return 0;
  const b = await getBlock(checkZone(zone));
  let n = 1;
  try {
    for (let k = 0; k < ZONES_PER_BLOCK; k++) {
      const child = zoneEntry(b.data, k);
      if (child !== NO_ZONE) n += level === 1 ? 1 : await countUnder(child, 1);
    }
  } finally {
    putBlock(b);
  }
  return n;
}

async function readEntry(zone: number, k: number): Promise<number> {
  const b = await getBlock(zone);
  const z = zoneEntry(b.data, k);
  putBlock(b);
  return z;
}

async function writeEntry(zone: number, k: number, value: number): Promise<void> {
  const b = await getBlock(zone);
  setZoneEntry(b.data, k, value);
  b.dirty = true;
  putBlock(b);
}
