/**
 * Directories: arrays of 64-byte entries (u32 inode number, 60-byte name) in the
 * file's blocks; inode 0 marks a free slot. Every directory starts with "." (itself)
 * and ".." (its parent; the root's parent is the root). Here: search, enter and
 * remove entries, and the LOOKUP and GETDENTS requests.
 */
import { VFS_PROC_NR } from "../../include/com.js";
import { EFBIG, EINVAL, EIO, ENOENT } from "../../include/errno.js";
import { GRANT_WRITE, type Message } from "../../include/ipc.js";
import { safecopy } from "../../lib/ipc.js";
import { FsError } from "./error.js";
import {
  DIRENTS_PER_BLOCK, DIRENT_SIZE, NO_ZONE, direntIno, direntIs, direntName, writeDirent,
} from "./format.js";
import { readMap, writeMap } from "./bmap.js";
import { getBlock, putBlock } from "./buf.js";
import { getInode, putInode, touch } from "./inode.js";
import { DOT, DOTDOT, heldDir, intField, isDot, isDotDot, nameField, type Reply } from "./request.js";
import { vol, type Buf, type Inode } from "./state.js";

/** Largest GETDENTS answer assembled at once. */
const GETDENTS_MAX = 64 * 1024;

/** One slot of a directory: the block holding it (held while the caller looks) and the slot's entry index. */
interface Slot {
  buf: Buf;
  slot: number;
  index: number;
}

/** The slots of `dir` from entry index `from` on, in order; holes in the directory have none. */
async function* slots(dir: Inode, from = 0): AsyncGenerator<Slot> {
  const count = Math.floor(dir.size / DIRENT_SIZE);
  for (let blockIdx = Math.floor(from / DIRENTS_PER_BLOCK); blockIdx * DIRENTS_PER_BLOCK < count; blockIdx++) {
    const zone = await readMap(dir, blockIdx);
    if (zone === NO_ZONE) continue;
    const buf = await getBlock(zone);
    try {
      const first = blockIdx * DIRENTS_PER_BLOCK;
      for (let slot = Math.max(0, from - first); slot < DIRENTS_PER_BLOCK && first + slot < count; slot++) {
        yield { buf, slot, index: first + slot };
      }
    } finally {
      putBlock(buf);
    }
  }
}

/** The inode number `name` has in `dir`, or 0. */
export async function searchDir(dir: Inode, name: Uint8Array): Promise<number> {
  for await (const s of slots(dir)) {
    const ino = direntIno(s.buf.data, s.slot);
    if (ino !== 0 && direntIs(s.buf.data, s.slot, name)) return ino;
  }
  return 0;
}

/** Add the entry `name` -> `ino` to `dir`, in a free slot or at the end. */
export async function enterDir(dir: Inode, name: Uint8Array, ino: number): Promise<void> {
  for await (const s of slots(dir)) {
    if (direntIno(s.buf.data, s.slot) !== 0) continue;
    writeDirent(s.buf.data, s.slot, ino, name);
    s.buf.dirty = true;
    touch(dir);
    return;
  }
  const index = Math.floor(dir.size / DIRENT_SIZE);
  if ((index + 1) * DIRENT_SIZE > vol.sb.maxFileSize) throw new FsError(EFBIG, "directory is full");
  const zone = await writeMap(dir, Math.floor(index / DIRENTS_PER_BLOCK));
  const b = await getBlock(zone);
  writeDirent(b.data, index % DIRENTS_PER_BLOCK, ino, name);
  b.dirty = true;
  putBlock(b);
  dir.size = (index + 1) * DIRENT_SIZE;
  touch(dir);
}

/** Remove the entry `name` from `dir`; the inode number it had, or 0 if there was none. */
export async function removeEntry(dir: Inode, name: Uint8Array): Promise<number> {
  return replaceEntry(dir, name, 0);
}

/** Point the existing entry `name` of `dir` at `ino` (0 frees the slot); the inode number it had, or 0. */
export async function replaceEntry(dir: Inode, name: Uint8Array, ino: number): Promise<number> {
  for await (const s of slots(dir)) {
    const old = direntIno(s.buf.data, s.slot);
    if (old === 0 || !direntIs(s.buf.data, s.slot, name)) continue;
    writeDirent(s.buf.data, s.slot, ino, ino === 0 ? new Uint8Array(0) : name);
    s.buf.dirty = true;
    touch(dir);
    return old;
  }
  return 0;
}

/** Whether `dir` has no entries but "." and "..". */
export async function isEmptyDir(dir: Inode): Promise<boolean> {
  for await (const s of slots(dir)) {
    if (direntIno(s.buf.data, s.slot) === 0) continue;
    const name = direntName(s.buf.data, s.slot);
    if (!isDot(name) && !isDotDot(name)) return false;
  }
  return true;
}

/** Make a new directory's "." and ".." entries. */
export async function makeDotEntries(dir: Inode, parentIno: number): Promise<void> {
  await enterDir(dir, DOT, dir.ino);
  await enterDir(dir, DOTDOT, parentIno);
}

/** What a LOOKUP or CREATE answer tells of an inode. */
export function nodeReply(ip: Inode): Reply {
  return { ino: ip.ino, mode: ip.mode, size: ip.size, nlink: ip.nlinks, rdev: ip.rdev };
}

/** The inode entry `name` of `dir` names, held; ENOENT if there is none. */
export async function entryInode(dir: Inode, name: Uint8Array): Promise<Inode> {
  // A removed directory keeps no entries, not even "." and "..".
  const ino = dir.nlinks === 0 ? 0 : await searchDir(dir, name);
  if (ino === 0) throw new FsError(ENOENT);
  const ip = await getInode(ino);
  if (ip.mode === 0) {
    await putInode(ip);
    throw new FsError(EIO, `directory ${dir.ino} names free inode ${ino}`);
  }
  return ip;
}

/** LOOKUP {dirIno, name} -> {ino, mode, size, nlink, rdev}, with a reference for VFS. */
export async function doLookup(m: Message): Promise<Reply> {
  const dir = heldDir(m, "dirIno");
  return nodeReply(await entryInode(dir, nameField(m, "name")));
}

/**
 * GETDENTS {ino, pos, count, grant} -> {bytes, pos}: the entries from index `pos`,
 * each packed as u32 inode (little-endian), u8 name length, name; `pos` where to go on.
 */
export async function doGetdents(m: Message): Promise<Reply> {
  const dir = heldDir(m, "ino");
  const pos = intField(m, "pos", 0, Number.MAX_SAFE_INTEGER);
  const count = intField(m, "count", 1, Number.MAX_SAFE_INTEGER);
  const grant = intField(m, "grant", 0, Number.MAX_SAFE_INTEGER);
  const out = new Uint8Array(Math.min(count, GETDENTS_MAX));
  let bytes = 0;
  let next = pos;
  let full = false;
  for await (const s of slots(dir, pos)) {
    const ino = direntIno(s.buf.data, s.slot);
    if (ino !== 0) {
      const name = direntName(s.buf.data, s.slot);
      if (bytes + 5 + name.length > out.length) {
        full = true;
        break;
      }
      new DataView(out.buffer).setUint32(bytes, ino, true);
      out[bytes + 4] = name.length;
      out.set(name, bytes + 5);
      bytes += 5 + name.length;
    }
    next = s.index + 1;
  }
  if (full && bytes === 0) throw new FsError(EINVAL, "buffer too small for a directory entry");
  if (bytes > 0) {
    const r = safecopy(VFS_PROC_NR, grant, 0, out, 0, bytes, GRANT_WRITE);
    if (r < 0) throw new FsError(-r, "cannot copy to the grant");
  }
  return { bytes, pos: next };
}
