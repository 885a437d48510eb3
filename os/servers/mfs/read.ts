/**
 * READ: file bytes from the buffer cache into VFS's grant, block by block. A hole
 * (a block with no zone) reads as zeros.
 */
import { VFS_PROC_NR } from "../../include/com.js";
import { EINVAL, EISDIR } from "../../include/errno.js";
import { isDir, isReg } from "../../include/fsproto.js";
import { GRANT_WRITE, type Message } from "../../include/ipc.js";
import { safecopy } from "../../lib/ipc.js";
import { FsError } from "./error.js";
import { BLOCK_SIZE, NO_ZONE } from "./format.js";
import { readMap } from "./bmap.js";
import { getBlock, putBlock } from "./buf.js";
import { now } from "./inode.js";
import { heldInode, intField, type Reply } from "./request.js";
import type { Inode } from "./state.js";

/** What a hole reads as. */
const ZEROS = new Uint8Array(BLOCK_SIZE);

/** The regular file a READ, WRITE or TRUNC names: EISDIR for a directory, EINVAL for anything else. */
export function heldFile(m: Message): Inode {
  const ip = heldInode(m, "ino");
  if (isDir(ip.mode)) throw new FsError(EISDIR);
  if (!isReg(ip.mode)) throw new FsError(EINVAL, `inode ${ip.ino} is not a regular file`);
  return ip;
}

/** READ {ino, pos, count, grant} -> {bytes}: 0 bytes at or past the end of the file. */
export async function doRead(m: Message): Promise<Reply> {
  const ip = heldFile(m);
  const pos = intField(m, "pos", 0, Number.MAX_SAFE_INTEGER);
  const count = intField(m, "count", 0, Number.MAX_SAFE_INTEGER);
  const grant = intField(m, "grant", 0, Number.MAX_SAFE_INTEGER);
  const total = Math.max(0, Math.min(count, ip.size - pos));
  let done = 0;
  while (done < total) {
    const at = pos + done;
    const offset = at % BLOCK_SIZE;
    const n = Math.min(BLOCK_SIZE - offset, total - done);
    const zone = await readMap(ip, Math.floor(at / BLOCK_SIZE));
    const b = zone === NO_ZONE ? null : await getBlock(zone);
    const r = safecopy(VFS_PROC_NR, grant, done, b ? b.data : ZEROS, offset, n, GRANT_WRITE);
    if (b) putBlock(b);
    if (r < 0) throw new FsError(-r, "cannot copy to the grant");
    done += n;
  }
  ip.atime = now();
  ip.dirty = true;
  return { bytes: done };
}
