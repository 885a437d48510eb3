/**
 * The buffer cache (MINIX's cache.c). Blocks are found through hash chains; the
 * buffers nobody holds sit on an LRU list, and the least recently used one is
 * taken when another block is needed, written back first if it is dirty. Changes
 * stay in the cache until write-back (the periodic alarm, SYNC, UNMOUNT, or
 * eviction).
 */
import { EIO } from "../../include/errno.js";
import { FsError } from "./error.js";
import { BLOCK_SIZE } from "./format.js";
import { readDevice, writeDevice } from "./driver.js";
import { Buf, NO_BLOCK, NR_BUF_HASH, cache } from "./state.js";

/** How getBlock fills a buffer that does not hold the block yet. */
export const NORMAL = 0;
/** The caller overwrites the whole block: do not read it. */
export const NO_READ = 1;

/** Get block `blockNr`, held until putBlock. */
export async function getBlock(blockNr: number, how = NORMAL): Promise<Buf> {
  let b = findBlock(blockNr);
  if (b) {
    if (b.count++ === 0) unlinkLru(b);
    return b;
  }
  b = cache.front;
  if (!b) throw new FsError(EIO, "every buffer of the cache is in use");
  unlinkLru(b);
  b.count = 1;
  try {
    if (b.dirty) await writeBlock(b);
    unhash(b);
    b.blockNr = NO_BLOCK;
    if (how === NORMAL) await readDevice(blockNr * BLOCK_SIZE, b.data);
  } catch (e) {
    b.count = 0;
    linkLru(b);
    throw e;
  }
  b.blockNr = blockNr;
  b.hashNext = cache.hash[blockNr & (NR_BUF_HASH - 1)] ?? null;
  cache.hash[blockNr & (NR_BUF_HASH - 1)] = b;
  return b;
}

/** Give back a block got with getBlock. */
export function putBlock(b: Buf): void {
  if (b.count <= 0) throw new Error(`putBlock of unheld block ${b.blockNr}`);
  if (--b.count === 0) linkLru(b);
}

/** Write a block to the disk now. */
export async function writeBlock(b: Buf): Promise<void> {
  await writeDevice(b.blockNr * BLOCK_SIZE, b.data);
  b.dirty = false;
}

/** Write every dirty block back, in block order. */
export async function flushBlocks(): Promise<void> {
  const dirty = cache.bufs.filter((b) => b.dirty).sort((x, y) => x.blockNr - y.blockNr);
  for (const b of dirty) if (b.dirty) await writeBlock(b);
}

export function anyDirtyBlock(): boolean {
  return cache.bufs.some((b) => b.dirty);
}

/** Forget every cached block (after an unmount or a refused mount); changes not written back are lost. */
export function emptyCache(): void {
  for (const b of cache.bufs) {
    if (b.count === 0) unhash(b);
    else throw new Error(`emptyCache: block ${b.blockNr} is still held`);
    b.blockNr = NO_BLOCK;
    b.dirty = false;
  }
}

function findBlock(blockNr: number): Buf | null {
  for (let b = cache.hash[blockNr & (NR_BUF_HASH - 1)] ?? null; b; b = b.hashNext) if (b.blockNr === blockNr) return b;
  return null;
}

function unhash(b: Buf): void {
  if (b.blockNr === NO_BLOCK) return;
  const chain = b.blockNr & (NR_BUF_HASH - 1);
  if (cache.hash[chain] === b) {
    cache.hash[chain] = b.hashNext;
  } else {
    let p = cache.hash[chain] ?? null;
    while (p && p.hashNext !== b) p = p.hashNext;
    if (p) p.hashNext = b.hashNext;
  }
  b.hashNext = null;
}

/** Append `b` at the rear (most recently used end) of the LRU list. */
function linkLru(b: Buf): void {
  b.next = null;
  b.prev = cache.rear;
  if (cache.rear) cache.rear.next = b;
  else cache.front = b;
  cache.rear = b;
}

function unlinkLru(b: Buf): void {
  if (b.prev) b.prev.next = b.next;
  else cache.front = b.next;
  if (b.next) b.next.prev = b.prev;
  else cache.rear = b.prev;
  b.prev = b.next = null;
}
