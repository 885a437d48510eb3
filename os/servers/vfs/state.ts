/**
 * All of VFS's state, in one place: the mounted root, the vnode table, the open-file
 * (filp) table and the per-process table. Live update transfers exactly this.
 */
import { MFS_PROC_NR } from "../../include/com.js";
import { OPEN_MAX } from "../../include/vfs.js";
import { Mutex } from "./lock.js";

/**
 * An inode of the mounted file system that VFS is using. There is at most one per
 * inode; VFS holds exactly one file-system reference for it, given back (PUTNODE)
 * when the last user lets go.
 */
export class Vnode {
  /** Users: open files, working directories, the mount, requests in progress. */
  refCount = 1;
  /** Held across a change: of the entries of a directory, of the size of a file. */
  readonly lock = new Mutex();

  constructor(
    readonly ino: number,
    readonly mode: number,
    /** The file size: VFS sees every change (writes, truncations), so it stays exact. */
    public size: number,
    /** Device number of a device special file. */
    readonly rdev: number,
  ) {}
}

/** An open file: what open() made, shared by dup(), dup2() and fork(). */
export class Filp {
  /** Descriptors (in any process) and requests in progress that use it. */
  refCount = 1;
  /** Byte offset (entry index in a directory). */
  pos = 0;
  /** Serializes reads, writes and seeks, so a shared offset moves consistently. */
  readonly lock = new Mutex();

  constructor(readonly vnode: Vnode, readonly flags: number) {}
}

/** What VFS knows of one process (MINIX's fproc). */
export class FProc {
  /** Descriptor table: fds[fd] is the open file, or null. */
  readonly fds: Array<Filp | null> = new Array<Filp | null>(OPEN_MAX).fill(null);
  /** Set when PM reports the exit: requests still in progress must not install anything. */
  exited = false;
  /** Device reads in progress (a console read may wait a long time): request id -> driver endpoint. */
  readonly deviceReads = new Map<number, number>();

  constructor(
    readonly endpoint: number,
    public cwd: Vnode,
    /** Absolute path of the working directory, with no "." or ".." (there are no symbolic links). */
    public cwdPath: string,
  ) {}
}

export class VfsState {
  /** The server of the root file system. */
  readonly fsEndpoint = MFS_PROC_NR;
  /** The root directory: null before the mount, after a failed one and after shutdown. */
  root: Vnode | null = null;
  /** Vnode table, by inode number. */
  readonly vnodes = new Map<number, Vnode>();
  /** Open-file table. */
  readonly filps = new Set<Filp>();
  /** Process table, by endpoint. */
  readonly procs = new Map<number, FProc>();
  /** Id of the next device read, for cancelling it. */
  nextDeviceRequest = 1;
}

export const vfs = new VfsState();
