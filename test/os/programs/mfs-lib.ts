/**
 * A client of the file system server speaking raw fsproto requests, for test
 * programs that run in VFS's slot (the one client MFS serves). Also: reporting
 * through the kernel log, and deterministic test data.
 */
import { MFS_PROC_NR } from "../../../os/include/com.js";
import { errnoName } from "../../../os/include/errno.js";
import { REQ } from "../../../os/include/fsproto.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../../../os/include/ipc.js";
import { diag } from "../../../os/lib/diag.js";
import { grant, revoke, sendrec } from "../../../os/lib/ipc.js";
import { decodeUtf8 } from "../../../os/lib/utf8.js";
import { CheckFailure, runChecks, type Checks } from "./checks.js";

/** Run `checks`, reporting through the kernel log (no VFS or TTY needed). */
export async function runLogged(checks: Checks): Promise<number> {
  return runChecks(checks, async (line) => diag(line.trimEnd()));
}

/** A request failed: `errno` is the positive error number. */
export class FsRequestError extends CheckFailure {
  constructor(readonly errno: number, what: string, readonly why?: string) {
    super(`${what}: ${errnoName(errno)}${why ? ` (${why})` : ""}`);
  }
}

export interface Entry {
  ino: number;
  name: string;
}

/** MFS through fsproto. Every method throws FsRequestError on an error reply. */
export class FsClient {
  root = 0;

  /** Send a request as is: the raw reply. */
  call(m: Message): Promise<Message> {
    return sendrec(MFS_PROC_NR, m);
  }

  async ok(m: Message, what = `request ${m.type}`): Promise<Message> {
    const r = await this.call(m);
    if (r.type !== 0) throw new FsRequestError(-r.type, what, typeof r.why === "string" ? r.why : undefined);
    return r;
  }

  async mount(): Promise<Message> {
    const r = await this.ok({ type: REQ.READSUPER }, "readsuper");
    this.root = Number(r.rootIno);
    return r;
  }

  unmount(): Promise<Message> {
    return this.ok({ type: REQ.UNMOUNT }, "unmount");
  }

  /** LOOKUP: the reply; the inode comes with a reference. */
  lookup(dir: number, name: string): Promise<Message> {
    return this.ok({ type: REQ.LOOKUP, dirIno: dir, name }, `lookup ${name}`);
  }

  /** The inode `path` (from the root, "/"-separated) names, with a reference; intermediate ones are put back. */
  async walk(path: string): Promise<number> {
    let cur = this.root;
    let held = false;
    for (const name of path.split("/").filter(Boolean)) {
      const next = Number((await this.lookup(cur, name)).ino);
      if (held) await this.put(cur);
      cur = next;
      held = true;
    }
    if (!held) await this.lookup(cur, "."); // the root: take a reference like any other lookup
    return cur;
  }

  async create(dir: number, name: string, mode = 0o644): Promise<number> {
    return Number((await this.ok({ type: REQ.CREATE, dirIno: dir, name, mode }, `create ${name}`)).ino);
  }

  /** MKDIR, then a LOOKUP so the new directory is held. */
  async mkdir(dir: number, name: string, mode = 0o755): Promise<number> {
    await this.ok({ type: REQ.MKDIR, dirIno: dir, name, mode }, `mkdir ${name}`);
    return Number((await this.lookup(dir, name)).ino);
  }

  put(ino: number, count = 1): Promise<Message> {
    return this.ok({ type: REQ.PUTNODE, ino, count }, `putnode ${ino}`);
  }

  unlink(dir: number, name: string): Promise<Message> {
    return this.ok({ type: REQ.UNLINK, dirIno: dir, name }, `unlink ${name}`);
  }

  rmdir(dir: number, name: string): Promise<Message> {
    return this.ok({ type: REQ.RMDIR, dirIno: dir, name }, `rmdir ${name}`);
  }

  rename(oldDir: number, oldName: string, newDir: number, newName: string): Promise<Message> {
    return this.ok({ type: REQ.RENAME, oldDirIno: oldDir, oldName, newDirIno: newDir, newName },
      `rename ${oldName} ${newName}`);
  }

  stat(ino: number): Promise<Message> {
    return this.ok({ type: REQ.STAT, ino }, `stat ${ino}`);
  }

  trunc(ino: number, size: number): Promise<Message> {
    return this.ok({ type: REQ.TRUNC, ino, size }, `trunc ${ino}`);
  }

  sync(): Promise<Message> {
    return this.ok({ type: REQ.SYNC }, "sync");
  }

  /** WRITE `data` at `pos`: the reply ({bytes, size}). */
  async write(ino: number, pos: number, data: Uint8Array): Promise<Message> {
    const g = grant(MFS_PROC_NR, data, 0, data.length, GRANT_READ);
    try {
      return await this.ok({ type: REQ.WRITE, ino, pos, count: data.length, grant: g }, `write ${ino}`);
    } finally {
      revoke(g);
    }
  }

  /** READ up to `count` bytes at `pos`: the bytes read. */
  async read(ino: number, pos: number, count: number): Promise<Uint8Array> {
    const buf = new Uint8Array(count);
    const g = grant(MFS_PROC_NR, buf, 0, count, GRANT_WRITE);
    try {
      const r = await this.ok({ type: REQ.READ, ino, pos, count, grant: g }, `read ${ino}`);
      return buf.subarray(0, Number(r.bytes));
    } finally {
      revoke(g);
    }
  }

  /** The whole file, read in pieces of `chunk` bytes. */
  async readAll(ino: number, chunk = 65536): Promise<Uint8Array> {
    const size = Number((await this.stat(ino)).size);
    const out = new Uint8Array(size);
    for (let pos = 0; pos < size;) {
      const got = await this.read(ino, pos, Math.min(chunk, size - pos));
      if (got.length === 0) break;
      out.set(got, pos);
      pos += got.length;
    }
    return out;
  }

  /** Every entry of a directory, through GETDENTS with a buffer of `bufSize` bytes. */
  async list(dir: number, bufSize = 1024): Promise<Entry[]> {
    const entries: Entry[] = [];
    const buf = new Uint8Array(bufSize);
    let pos = 0;
    for (;;) {
      const g = grant(MFS_PROC_NR, buf, 0, bufSize, GRANT_WRITE);
      let r: Message;
      try {
        r = await this.ok({ type: REQ.GETDENTS, ino: dir, pos, count: bufSize, grant: g }, "getdents");
      } finally {
        revoke(g);
      }
      const bytes = Number(r.bytes);
      if (bytes === 0) return entries;
      const v = new DataView(buf.buffer);
      for (let at = 0; at < bytes;) {
        const len = buf[at + 4]!;
        entries.push({ ino: v.getUint32(at, true), name: decodeUtf8(buf.subarray(at + 5, at + 5 + len)) });
        at += 5 + len;
      }
      pos = Number(r.pos);
    }
  }

  async names(dir: number, bufSize?: number): Promise<string[]> {
    return (await this.list(dir, bufSize)).map((e) => e.name).sort();
  }
}

/** The errno a request fails with (positive), or 0 if it succeeds. */
export async function errnoOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof FsRequestError) return e.errno;
    throw e;
  }
}

/** `length` bytes of deterministic data; different seeds give different data. */
export function pattern(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Where two byte arrays first differ, or -1 if they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
