/**
 * Mounting the root file system at start, and taking it down at shutdown.
 */
import { INIT_PROC_NR } from "../../include/com.js";
import { errnoName } from "../../include/errno.js";
import { REQ, isDir } from "../../include/fsproto.js";
import { type Message } from "../../include/ipc.js";
import { diag } from "../../lib/diag.js";
import { IpcError, sendrec } from "../../lib/ipc.js";
import { countField, fsRequest } from "./request.js";
import { FProc, Vnode, vfs } from "./state.js";
import { dupVnode } from "./vnode.js";

/**
 * Ask the file system server to read its superblock, and make its root directory
 * the root of every path. On failure (a corrupt volume, no server) VFS logs why and
 * keeps running with no root: every file request then fails with EIO.
 */
export async function mountRoot(): Promise<void> {
  try {
    const sb = await readSuper();
    const rootIno = countField(sb, "rootIno");
    const st = await fsRequest({ type: REQ.STAT, ino: rootIno });
    const mode = countField(st, "mode");
    if (!isDir(mode)) throw new Error("the root inode is not a directory");
    const root = new Vnode(rootIno, mode, countField(st, "size"), 0);
    vfs.vnodes.set(rootIno, root);
    vfs.root = root;
    // init is the first process; PM tells VFS of every later one as it forks.
    vfs.procs.set(INIT_PROC_NR, new FProc(INIT_PROC_NR, dupVnode(root), "/"));
  } catch (e) {
    diag(`cannot mount root file system: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function readSuper(): Promise<Message> {
  let r: Message;
  try {
    r = await sendrec(vfs.fsEndpoint, { type: REQ.READSUPER });
  } catch (e) {
    throw new Error(`file system server not reachable (${e instanceof IpcError ? e.message : String(e)})`);
  }
  if (r.type < 0) throw new Error(typeof r.why === "string" && r.why ? r.why : errnoName(r.type));
  return r;
}

/** Write everything back and unmount the root (the system is halting): later file requests fail with EIO. */
export async function unmountRoot(): Promise<void> {
  if (!vfs.root) return;
  vfs.root = null;
  await fsRequest({ type: REQ.SYNC });
  await fsRequest({ type: REQ.UNMOUNT });
}
