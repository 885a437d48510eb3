/** PUTNODE: VFS gives back references it holds (LOOKUP, CREATE, MKNOD and READSUPER took them). */
import type { Message } from "../../include/ipc.js";
import { putInode } from "./inode.js";
import { heldInode, intField, type Reply } from "./request.js";

/** PUTNODE {ino, count}: drop `count` references; EINVAL for more than VFS holds. */
export async function doPutnode(m: Message): Promise<Reply> {
  const ip = heldInode(m, "ino");
  const count = intField(m, "count", 1, ip.count);
  ip.count -= count - 1;
  await putInode(ip);
  return {};
}
