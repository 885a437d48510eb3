/**
 * Mounting and unmounting (MINIX's super.c and mount.c). READSUPER reads the
 * superblock, refuses a volume that does not make sense (saying exactly why),
 * counts the free inodes and zones, takes the root inode and marks the volume
 * dirty on disk; UNMOUNT writes everything back and marks it clean again.
 */
import { EBUSY, EINVAL } from "../../include/errno.js";
import { isDir } from "../../include/fsproto.js";
import { FsError } from "./error.js";
import {
  BLOCK_SIZE, ROOT_INO, STATE_CLEAN, STATE_DIRTY, SUPER_BLOCK, checkSuper, decodeSuper, encodeSuper,
} from "./format.js";
import { countFree } from "./bitmap.js";
import { emptyCache, getBlock, putBlock, writeBlock } from "./buf.js";
import { deviceBytes, flushDevice } from "./driver.js";
import { emptyInodeTable, getInode, releaseAll } from "./inode.js";
import type { Reply } from "./request.js";
import { syncAll } from "./sync.js";
import { vol } from "./state.js";

/**
 * READSUPER {} -> {rootIno, blockSize, inodes, zones, freeInodes, freeZones,
 * maxFileSize, dirty}: the root comes with a reference for VFS (the mount's).
 */
export async function doReadSuper(): Promise<Reply> {
  if (vol.mounted) throw new FsError(EBUSY, "already mounted");
  try {
    await mount();
  } catch (e) {
    emptyInodeTable();
    emptyCache();
    throw e;
  }
  const sb = vol.sb;
  return {
    rootIno: ROOT_INO, blockSize: sb.blockSize, inodes: sb.inodes, zones: sb.zones, freeInodes: vol.freeInodes,
    freeZones: vol.freeZones, maxFileSize: sb.maxFileSize, dirty: vol.wasDirty,
  };
}

async function mount(): Promise<void> {
  const deviceBlocks = Math.floor((await deviceBytes()) / BLOCK_SIZE);
  if (deviceBlocks <= SUPER_BLOCK) throw new FsError(EINVAL, `device of ${deviceBlocks} blocks has no superblock`);
  const b = await getBlock(SUPER_BLOCK);
  const sb = decodeSuper(b.data);
  putBlock(b);
  const why = checkSuper(sb, deviceBlocks);
  if (why) throw new FsError(EINVAL, `superblock: ${why}`);
  vol.sb = sb;
  const free = await countFree();
  vol.freeInodes = free.inodes;
  vol.freeZones = free.zones;
  vol.inodeSearch = 1;
  vol.zoneSearch = 0;
  const root = await getInode(ROOT_INO);
  if (!isDir(root.mode) || root.nlinks < 2) {
    throw new FsError(EINVAL, `root inode ${ROOT_INO} is not a directory (mode ${root.mode.toString(8)}, ${root.nlinks} links)`);
  }
  vol.wasDirty = sb.state !== STATE_CLEAN;
  await writeState(STATE_DIRTY);
  vol.mounted = true;
}

/** UNMOUNT {}: drop every reference (files unlinked while open are freed), write everything back, mark the volume clean. */
export async function doUnmount(): Promise<Reply> {
  await releaseAll();
  await syncAll();
  await writeState(STATE_CLEAN);
  vol.mounted = false;
  emptyInodeTable();
  emptyCache();
  return {};
}

/** Record the volume's state in the superblock on disk, now. */
async function writeState(state: number): Promise<void> {
  vol.sb.state = state;
  const b = await getBlock(SUPER_BLOCK);
  try {
    encodeSuper(vol.sb, b.data);
    await writeBlock(b);
    await flushDevice();
  } finally {
    putBlock(b);
  }
}
