/**
 * Making new inodes with a name: regular files (CREATE), directories (MKDIR) and
 * device special files (MKNOD). Either the new inode ends up named in its directory
 * or nothing is left of it.
 */
import { EEXIST, EINVAL, EMLINK, ENOENT } from "../../include/errno.js";
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFMT, S_IFREG, isDir } from "../../include/fsproto.js";
import type { Message } from "../../include/ipc.js";
import { FsError } from "./error.js";
import { LINK_MAX } from "./format.js";
import { enterDir, makeDotEntries, nodeReply, searchDir } from "./dir.js";
import { allocInode, putInode } from "./inode.js";
import { heldDir, intField, nameField, optionalField, type Reply } from "./request.js";
import type { Inode } from "./state.js";

const PERMISSIONS = 0o7777;

/** CREATE {dirIno, name, mode, uid?, gid?} -> {ino, mode, size, nlink, rdev}: a new regular file, with a reference for VFS. */
export async function doCreate(m: Message): Promise<Reply> {
  const ip = await newNode(m, modeField(m, [S_IFREG], S_IFREG), 0);
  return nodeReply(ip);
}

/** MKDIR {dirIno, name, mode, uid?, gid?} -> {ino}. */
export async function doMkdir(m: Message): Promise<Reply> {
  const ip = await newNode(m, modeField(m, [S_IFDIR], S_IFDIR), 0);
  await putInode(ip);
  return { ino: ip.ino };
}

/** MKNOD {dirIno, name, mode, rdev, uid?, gid?} -> {ino}: a character or block special file, with a reference for VFS. */
export async function doMknod(m: Message): Promise<Reply> {
  const mode = modeField(m, [S_IFCHR, S_IFBLK], undefined);
  const ip = await newNode(m, mode, intField(m, "rdev", 0, 0xffffffff));
  return { ino: ip.ino };
}

/**
 * The `mode` field with a type from `types`; a mode with no type bits gets
 * `implied` (when there is one).
 */
function modeField(m: Message, types: number[], implied: number | undefined): number {
  const mode = intField(m, "mode", 0, S_IFMT | PERMISSIONS);
  let type = mode & S_IFMT;
  if (type === 0 && implied !== undefined) type = implied;
  if (!types.includes(type)) throw new FsError(EINVAL, `mode ${mode.toString(8)} has the wrong file type`);
  return type | (mode & PERMISSIONS);
}

/** A new inode named `name` in directory `dirIno`, held. */
async function newNode(m: Message, mode: number, rdev: number): Promise<Inode> {
  const dir = heldDir(m, "dirIno");
  const name = nameField(m, "name");
  const uid = optionalField(m, "uid", 0xffff, 0);
  const gid = optionalField(m, "gid", 0xffff, 0);
  if (dir.nlinks === 0) throw new FsError(ENOENT, "the directory has been removed");
  if ((await searchDir(dir, name)) !== 0) throw new FsError(EEXIST);
  const makingDir = isDir(mode);
  if (makingDir && dir.nlinks >= LINK_MAX) throw new FsError(EMLINK);
  const ip = await allocInode(mode, uid, gid);
  ip.rdev = rdev;
  try {
    if (makingDir) await makeDotEntries(ip, dir.ino);
    await enterDir(dir, name, ip.ino);
  } catch (e) {
    await putInode(ip); // no links: freed again, with any block it got
    throw e;
  }
  ip.nlinks = makingDir ? 2 : 1;
  if (makingDir) dir.nlinks++;
  return ip;
}
