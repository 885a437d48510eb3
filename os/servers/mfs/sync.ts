/** Write-back: changed inodes into their blocks, then changed blocks to the disk. */
import { anyDirtyBlock, flushBlocks } from "./buf.js";
import { flushDevice } from "./driver.js";
import { anyDirtyInode, writeInodes } from "./inode.js";
import type { Reply } from "./request.js";

/** Write every change to the disk. */
export async function syncAll(): Promise<void> {
  await writeInodes();
  await flushBlocks();
}

export function anythingDirty(): boolean {
  return anyDirtyInode() || anyDirtyBlock();
}

/** SYNC {}: write everything back and make it durable. */
export async function doSync(): Promise<Reply> {
  await syncAll();
  await flushDevice();
  return {};
}
