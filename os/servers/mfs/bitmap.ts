/**
 * Allocating and freeing inodes and zones in the two on-disk bitmaps (MINIX's
 * alloc_bit/free_bit). The bitmaps are read and changed through the buffer cache;
 * the free counts and a search start for each live in the volume.
 */
import { EIO, ENOSPC } from "../../include/errno.js";
import { diag } from "../../lib/diag.js";
import { FsError } from "./error.js";
import { BITS_PER_BLOCK, clearBit, imapBits, setBit, testBit, zmapBits } from "./format.js";
import { getBlock, putBlock } from "./buf.js";
import { vol } from "./state.js";

/** Which bitmap: where it starts on disk and how many of its bits are real. */
interface Bitmap {
  name: "inode" | "zone";
  firstBlock: number;
  bits: number;
}

function inodeMap(): Bitmap {
  return { name: "inode", firstBlock: 2, bits: imapBits(vol.sb) };
}

function zoneMap(): Bitmap {
  return { name: "zone", firstBlock: 2 + vol.sb.imapBlocks, bits: zmapBits(vol.sb) };
}

/** A free inode number, now marked in use. ENOSPC when there is none. */
export async function allocInodeNr(): Promise<number> {
  if (vol.freeInodes === 0) throw new FsError(ENOSPC, "no free inodes");
  const bit = await claimBit(inodeMap(), vol.inodeSearch);
  vol.freeInodes--;
  vol.inodeSearch = bit + 1;
  return bit;
}

export async function freeInodeNr(ino: number): Promise<void> {
  if (await releaseBit(inodeMap(), ino)) {
    vol.freeInodes++;
    vol.inodeSearch = Math.min(vol.inodeSearch, ino);
  }
}

/** A free zone, now marked in use. ENOSPC when there is none. */
export async function allocZone(): Promise<number> {
  if (vol.freeZones === 0) throw new FsError(ENOSPC, "no free zones");
  const bit = await claimBit(zoneMap(), vol.zoneSearch);
  vol.freeZones--;
  vol.zoneSearch = bit + 1;
  return vol.sb.firstDataZone + bit;
}

export async function freeZone(zone: number): Promise<void> {
  const bit = zone - vol.sb.firstDataZone;
  if (await releaseBit(zoneMap(), bit)) {
    vol.freeZones++;
    vol.zoneSearch = Math.min(vol.zoneSearch, bit);
  }
}

/** Count the clear bits of each bitmap (at mount). */
export async function countFree(): Promise<{ inodes: number; zones: number }> {
  return { inodes: await countClear(inodeMap()), zones: await countClear(zoneMap()) };
}

/** Find a clear bit, searching from `from` to the end and then from the start, and set it. */
async function claimBit(map: Bitmap, from: number): Promise<number> {
  const start = Math.min(from, map.bits);
  const bit = (await claimIn(map, start, map.bits)) ?? (await claimIn(map, 0, start));
  // The free count said there was one: the bitmap disagrees, so the volume is damaged.
  if (bit === null) throw new FsError(ENOSPC, `${map.name} bitmap is full but counted free ones`);
  return bit;
}

async function claimIn(map: Bitmap, from: number, to: number): Promise<number | null> {
  let bit = from;
  while (bit < to) {
    const blockIdx = Math.floor(bit / BITS_PER_BLOCK);
    const base = blockIdx * BITS_PER_BLOCK;
    const end = Math.min(to, base + BITS_PER_BLOCK);
    const b = await getBlock(map.firstBlock + blockIdx);
    try {
      for (; bit < end; bit++) {
        const local = bit - base;
        if ((local & 7) === 0 && b.data[local >> 3] === 0xff) {
          bit += 7; // a full byte: skip it
          continue;
        }
        if (!testBit(b.data, local)) {
          setBit(b.data, local);
          b.dirty = true;
          return bit;
        }
      }
    } finally {
      putBlock(b);
    }
  }
  return null;
}

/** Clear a bit; false (and a warning) if it was clear already, which only a damaged volume can cause. */
async function releaseBit(map: Bitmap, bit: number): Promise<boolean> {
  if (bit < 0 || bit >= map.bits) {
    diag(`mfs: freeing ${map.name} bit ${bit}, which does not exist`);
    return false;
  }
  const b = await getBlock(map.firstBlock + Math.floor(bit / BITS_PER_BLOCK));
  try {
    const local = bit % BITS_PER_BLOCK;
    if (!testBit(b.data, local)) {
      diag(`mfs: freeing ${map.name} bit ${bit}, which is already free`);
      return false;
    }
    clearBit(b.data, local);
    b.dirty = true;
    return true;
  } finally {
    putBlock(b);
  }
}

async function countClear(map: Bitmap): Promise<number> {
  let free = 0;
  for (let base = 0; base < map.bits; base += BITS_PER_BLOCK) {
    const b = await getBlock(map.firstBlock + base / BITS_PER_BLOCK);
    const end = Math.min(map.bits - base, BITS_PER_BLOCK);
    for (let local = 0; local < end; local++) if (!testBit(b.data, local)) free++;
    putBlock(b);
  }
  return free;
}

/** `zone` if it is a data zone of the volume; EIO if not (a damaged inode or indirect block names it). */
export function checkZone(zone: number): number {
  if (zone < vol.sb.firstDataZone || zone >= vol.sb.zones) throw new FsError(EIO, `bad zone number ${zone}`);
  return zone;
}
