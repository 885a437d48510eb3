/**
 * WRITE and TRUNC: changing a file's bytes and size. Each piece of a write is
 * copied from VFS's grant before any block is allocated for it, so a bad grant or
 * a full disk stops the write with the file consistent: what was written stays,
 * and the size covers exactly that.
 */
import { VFS_PROC_NR } from "../../include/com.js";
import { EFBIG, ENOSPC } from "../../include/errno.js";
import { GRANT_READ, type Message } from "../../include/ipc.js";
import { safecopy } from "../../lib/ipc.js";
import { FsError } from "./error.js";
import { BLOCK_SIZE } from "./format.js";
import { truncate, writeMap } from "./bmap.js";
import { NORMAL, NO_READ, getBlock, putBlock } from "./buf.js";
import { touch } from "./inode.js";
import { heldFile } from "./read.js";
import { intField, type Reply } from "./request.js";
import { vol } from "./state.js";

/**
 * WRITE {ino, pos, count, grant} -> {bytes, size}. A write the disk cannot hold
 * all of writes what fits (ENOSPC only if nothing did); EFBIG at the size limit.
 */
export async function doWrite(m: Message): Promise<Reply> {
  const ip = heldFile(m);
  const pos = intField(m, "pos", 0, Number.MAX_SAFE_INTEGER);
  const count = intField(m, "count", 0, Number.MAX_SAFE_INTEGER);
  const grant = intField(m, "grant", 0, Number.MAX_SAFE_INTEGER);
  const max = vol.sb.maxFileSize;
  if (count > 0 && pos >= max) throw new FsError(EFBIG);
  const total = Math.min(count, max - pos);
  const piece = new Uint8Array(BLOCK_SIZE);
  let done = 0;
  while (done < total) {
    const at = pos + done;
    const offset = at % BLOCK_SIZE;
    const n = Math.min(BLOCK_SIZE - offset, total - done);
    const r = safecopy(VFS_PROC_NR, grant, done, piece, 0, n, GRANT_READ);
    if (r < 0) {
      if (done > 0) break;
      throw new FsError(-r, "cannot copy from the grant");
    }
    let zone: number;
    try {
      zone = await writeMap(ip, Math.floor(at / BLOCK_SIZE));
    } catch (e) {
      if (done > 0 && e instanceof FsError && e.errno === ENOSPC) break;
      throw e;
    }
    const b = await getBlock(zone, n === BLOCK_SIZE ? NO_READ : NORMAL);
    b.data.set(piece.subarray(0, n), offset);
    b.dirty = true;
    putBlock(b);
    done += n;
    if (at + n > ip.size) ip.size = at + n;
  }
  if (done > 0) touch(ip);
  return { bytes: done, size: ip.size };
}

/** TRUNC {ino, size}: set the file's size, freeing the blocks past a smaller one; a larger one leaves a hole. */
export async function doTrunc(m: Message): Promise<Reply> {
  const ip = heldFile(m);
  const size = intField(m, "size", 0, Number.MAX_SAFE_INTEGER);
  if (size > vol.sb.maxFileSize) throw new FsError(EFBIG);
  await truncate(ip, size);
  touch(ip);
  return {};
}
