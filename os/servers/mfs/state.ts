/**
 * All of MFS's state (MINIX's buf.h, inode.h, super.h and glo.h in one place): the
 * buffer cache, the in-core inode table, the mounted volume, and the server's own
 * bookkeeping. Live update transfers exactly this.
 */
import type { Message } from "../../include/ipc.js";
import { BLOCK_SIZE, NO_ZONE, NR_ZONE_SLOTS, type DiskInode, type SuperBlock } from "./format.js";

/** Blocks in the cache, and hash chains over them (a power of two). */
export const NR_BUFS = 256;
export const NR_BUF_HASH = 256;
/** In-core inodes, and hash chains over them (a power of two). */
export const NR_INODES = 256;
export const NR_INODE_HASH = 64;

export const NO_BLOCK = -1;

/** A cached disk block. */
export class Buf {
  /** Block number held, or NO_BLOCK when the buffer is empty. */
  blockNr = NO_BLOCK;
  readonly data = new Uint8Array(BLOCK_SIZE);
  /** Changed since it was read or last written back. */
  dirty = false;
  /** Users that got it and have not put it back yet. */
  count = 0;
  /** Next buffer on the same hash chain. */
  hashNext: Buf | null = null;
  /** Neighbours on the LRU list, which holds exactly the buffers with count 0. */
  prev: Buf | null = null;
  next: Buf | null = null;
}

export class BufferCache {
  readonly bufs: Buf[] = [];
  /** Chains of buffers by block number (blockNr & (NR_BUF_HASH - 1)). */
  readonly hash: Array<Buf | null> = new Array<Buf | null>(NR_BUF_HASH).fill(null);
  /** Least recently used free buffer: the next to be taken for another block. */
  front: Buf | null = null;
  /** Most recently used free buffer. */
  rear: Buf | null = null;

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const b = new Buf();
      b.prev = this.rear;
      if (this.rear) this.rear.next = b;
      else this.front = b;
      this.rear = b;
      this.bufs.push(b);
    }
  }
}

/** An inode in memory: its disk fields, plus who uses it. */
export class Inode implements DiskInode {
  /** Inode number; 0 when the slot is empty. */
  ino = 0;
  mode = 0;
  nlinks = 0;
  uid = 0;
  gid = 0;
  size = 0;
  atime = 0;
  mtime = 0;
  ctime = 0;
  zones: number[] = new Array<number>(NR_ZONE_SLOTS).fill(NO_ZONE);
  rdev = 0;
  /**
   * References: VFS's (a lookup, create or mknod adds one, PUTNODE drops them; the
   * mount holds the root's) plus any a request in progress holds.
   */
  count = 0;
  /** Changed since it was written to its inode-table block. */
  dirty = false;
  /** Next inode on the same hash chain. */
  hashNext: Inode | null = null;
}

export class InodeTable {
  readonly slots: Inode[] = [];
  /** Chains of in-core inodes by number (ino & (NR_INODE_HASH - 1)). */
  readonly hash: Array<Inode | null> = new Array<Inode | null>(NR_INODE_HASH).fill(null);

  constructor(n: number) {
    for (let i = 0; i < n; i++) this.slots.push(new Inode());
  }
}

/** The mounted volume: its superblock and what MFS keeps count of while it is mounted. */
export class Volume {
  mounted = false;
  sb: SuperBlock = {
    magic: 0, version: 0, state: 0, blockSize: 0, inodes: 0, zones: 0, imapBlocks: 0, zmapBlocks: 0,
    firstDataZone: 0, maxFileSize: 0,
  };
  /** The volume had not been cleanly unmounted when it was mounted. */
  wasDirty = false;
  freeInodes = 0;
  freeZones = 0;
  /** Bit where the next search of each bitmap starts: every bit below it is in use. */
  inodeSearch = 0;
  zoneSearch = 0;
}

export class ServerState {
  /** Messages that arrived while MFS slept waiting for the disk driver to come back; served first, in order. */
  readonly deferred: Message[] = [];
  /** The write-back alarm is set. */
  syncAlarmSet = false;
}

export const cache = new BufferCache(NR_BUFS);
export const itable = new InodeTable(NR_INODES);
export const vol = new Volume();
export const server = new ServerState();
