/**
 * What MFS promises about its own state, for live update to check on a new version's
 * copy before it takes over (see os/include/rs.ts: a server's main module exports
 * `checkInvariants` and `protocolFree`). Each check reads memory only: it runs before
 * the new version may send a message.
 */
import { BITS_PER_BLOCK, imapBits, testBit, zmapBits } from "./format.js";
import { type Buf, NO_BLOCK, NR_BUF_HASH, NR_INODE_HASH, cache, itable, server, vol } from "./state.js";

/** Every broken promise, in words; none when the state is sound. */
export function checkInvariants(): string[] {
  return [...checkCache(), ...checkInodes(), ...checkVolume()];
}

/** No multi-message exchange half done: no request deferred while the disk driver was away. */
export function protocolFree(): boolean {
  return server.deferred.length === 0;
}

/** The LRU list holds exactly the unused buffers, and each cached block is on its hash chain, once. */
function checkCache(): string[] {
  const problems: string[] = [];
  const onList = new Set<Buf>();
  let prev: Buf | null = null;
  for (let b = cache.front; b; b = b.next) {
    if (onList.has(b)) return [...problems, "buffer LRU list has a cycle"];
    if (b.prev !== prev) problems.push(`buffer of block ${b.blockNr}: LRU back link is wrong`);
    if (b.count !== 0) problems.push(`buffer of block ${b.blockNr} is on the LRU list with ${b.count} users`);
    onList.add(b);
    prev = b;
  }
  if (cache.rear !== prev) problems.push("buffer LRU list: rear is not the last buffer");
  const seen = new Set<number>();
  for (const b of cache.bufs) {
    if (b.count === 0 && !onList.has(b)) problems.push(`unused buffer of block ${b.blockNr} is not on the LRU list`);
    if (b.blockNr === NO_BLOCK) continue;
    if (seen.has(b.blockNr)) problems.push(`block ${b.blockNr} is cached twice`);
    seen.add(b.blockNr);
    let chained = false;
    for (let h = cache.hash[b.blockNr & (NR_BUF_HASH - 1)] ?? null; h && !chained; h = h.hashNext) chained = h === b;
    if (!chained) problems.push(`cached block ${b.blockNr} is not on its hash chain`);
  }
  return problems;
}

/** Each inode in use is on its hash chain, once, and has no negative count. */
function checkInodes(): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const ip of itable.slots) {
    if (ip.count < 0) problems.push(`inode ${ip.ino} has count ${ip.count}`);
    if (ip.ino === 0) continue;
    if (seen.has(ip.ino)) problems.push(`inode ${ip.ino} is in the table twice`);
    seen.add(ip.ino);
    let chained = false;
    for (let h = itable.hash[ip.ino & (NR_INODE_HASH - 1)] ?? null; h && !chained; h = h.hashNext) chained = h === ip;
    if (!chained) problems.push(`inode ${ip.ino} is not on its hash chain`);
  }
  return problems;
}

/**
 * The free counts are within the volume and, for each bitmap whose blocks are all in
 * the cache (the one up-to-date copy), agree with the bitmap's clear bits.
 */
function checkVolume(): string[] {
  if (!vol.mounted) return [];
  const problems: string[] = [];
  const maps = [
    { name: "inode", first: 2, bits: imapBits(vol.sb), free: vol.freeInodes },
    { name: "zone", first: 2 + vol.sb.imapBlocks, bits: zmapBits(vol.sb), free: vol.freeZones },
  ];
  for (const map of maps) {
    if (map.free < 0 || map.free > map.bits) {
      problems.push(`${map.name} free count ${map.free} is outside 0..${map.bits}`);
      continue;
    }
    const clear = clearBitsIfCached(map.first, map.bits);
    if (clear !== undefined && clear !== map.free) {
      problems.push(`${map.name} bitmap has ${clear} free, the volume counts ${map.free}`);
    }
  }
  return problems;
}

function clearBitsIfCached(firstBlock: number, bits: number): number | undefined {
  let clear = 0;
  for (let base = 0; base < bits; base += BITS_PER_BLOCK) {
    const b = cache.bufs.find((x) => x.blockNr === firstBlock + base / BITS_PER_BLOCK);
    if (!b) return undefined;
    const end = Math.min(bits - base, BITS_PER_BLOCK);
    for (let local = 0; local < end; local++) if (!testBit(b.data, local)) clear++;
  }
  return clear;
}
