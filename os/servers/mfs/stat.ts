/** STAT: an inode's attributes. */
import type { Message } from "../../include/ipc.js";
import { SECTORS_PER_BLOCK } from "./format.js";
import { countZones } from "./bmap.js";
import { heldInode, type Reply } from "./request.js";

/** STAT {ino} -> {mode, nlink, size, uid, gid, atime, mtime, ctime, rdev, blocks}; blocks in 512-byte units. */
export async function doStat(m: Message): Promise<Reply> {
  const ip = heldInode(m, "ino");
  return {
    mode: ip.mode, nlink: ip.nlinks, size: ip.size, uid: ip.uid, gid: ip.gid,
    atime: ip.atime, mtime: ip.mtime, ctime: ip.ctime, rdev: ip.rdev,
    blocks: (await countZones(ip)) * SECTORS_PER_BLOCK,
  };
}
