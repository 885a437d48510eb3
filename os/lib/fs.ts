/**
 * The file system calls of user programs: each sends one request to VFS and waits
 * for the reply (os/include/vfs.ts lists them). Every function throws SysError on
 * failure, with the POSIX errno VFS answered.
 */
import { VFS_PROC_NR } from "../include/com.js";
import { EINVAL, EIO } from "../include/errno.js";
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY } from "../include/fcntl.js";
import { GRANT_READ, GRANT_WRITE, type Message } from "../include/ipc.js";
import { VFS_CALL } from "../include/vfs.js";
import { SysError } from "./errors.js";
import { grant, revoke } from "./ipc.js";
import { syscall } from "./syscall.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

export interface Stat {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  ctime: number;
  rdev: number;
  blocks: number;
}

function vfsCall(m: Message, call: string, detail?: string): Promise<Message> {
  return syscall(VFS_PROC_NR, m, call, detail);
}

/** Run a data call with `buf[0, count)` granted to VFS, revoking the grant afterwards. */
async function withGrant(buf: Uint8Array, count: number, access: number, call: string,
  send: (grantId: number) => Promise<Message>): Promise<number> {
  if (!Number.isInteger(count) || count < 0 || count > buf.length) throw new SysError(EINVAL, call);
  const id = grant(VFS_PROC_NR, buf, 0, count, access);
  if (id < 0) throw new SysError(-id, call);
  try {
    return (await send(id)).bytes as number;
  } finally {
    revoke(id);
  }
}

export async function open(path: string, flags: number, mode = 0o644): Promise<number> {
  return (await vfsCall({ type: VFS_CALL.OPEN, path, flags, mode }, "open", path)).fd as number;
}

export async function close(fd: number): Promise<void> {
  await vfsCall({ type: VFS_CALL.CLOSE, fd }, "close");
}

/** Read up to `count` bytes into the start of `buf`; 0 at end of file. */
export function read(fd: number, buf: Uint8Array, count = buf.length): Promise<number> {
  return withGrant(buf, count, GRANT_WRITE, "read", (g) => vfsCall({ type: VFS_CALL.READ, fd, grant: g, count }, "read"));
}

/** Write `data` (a string is written as UTF-8); returns the bytes written. */
export function write(fd: number, data: Uint8Array | string): Promise<number> {
  const bytes = typeof data === "string" ? encodeUtf8(data) : data;
  return withGrant(bytes, bytes.length, GRANT_READ, "write",
    (g) => vfsCall({ type: VFS_CALL.WRITE, fd, grant: g, count: bytes.length }, "write"));
}

export async function lseek(fd: number, offset: number, whence: number): Promise<number> {
  return (await vfsCall({ type: VFS_CALL.LSEEK, fd, offset, whence }, "lseek")).pos as number;
}

export async function dup(fd: number): Promise<number> {
  return (await vfsCall({ type: VFS_CALL.DUP, fd }, "dup")).fd as number;
}

export async function dup2(fd: number, fd2: number): Promise<number> {
  return (await vfsCall({ type: VFS_CALL.DUP2, fd, fd2 }, "dup2")).fd as number;
}

export async function unlink(path: string): Promise<void> {
  await vfsCall({ type: VFS_CALL.UNLINK, path }, "unlink", path);
}

export async function mkdir(path: string, mode = 0o755): Promise<void> {
  await vfsCall({ type: VFS_CALL.MKDIR, path, mode }, "mkdir", path);
}

export async function rmdir(path: string): Promise<void> {
  await vfsCall({ type: VFS_CALL.RMDIR, path }, "rmdir", path);
}

export async function rename(from: string, to: string): Promise<void> {
  await vfsCall({ type: VFS_CALL.RENAME, from, to }, "rename", `${from} -> ${to}`);
}

function statOf(r: Message): Stat {
  const n = (k: string) => r[k] as number;
  return { ino: n("ino"), mode: n("mode"), nlink: n("nlink"), size: n("size"), uid: n("uid"), gid: n("gid"),
    atime: n("atime"), mtime: n("mtime"), ctime: n("ctime"), rdev: n("rdev"), blocks: n("blocks") };
}

export async function stat(path: string): Promise<Stat> {
  return statOf(await vfsCall({ type: VFS_CALL.STAT, path }, "stat", path));
}

export async function fstat(fd: number): Promise<Stat> {
  return statOf(await vfsCall({ type: VFS_CALL.FSTAT, fd }, "fstat"));
}

/** The names in a directory, "." and ".." included, in directory order. */
export async function readdir(path: string): Promise<string[]> {
  const fd = await open(path, O_RDONLY | O_DIRECTORY);
  const names: string[] = [];
  const buf = new Uint8Array(4096);
  try {
    for (;;) {
      const n = await withGrant(buf, buf.length, GRANT_WRITE, "readdir",
        (g) => vfsCall({ type: VFS_CALL.GETDENTS, fd, grant: g, count: buf.length }, "readdir", path));
      if (n === 0) return names;
      // Each entry: u32 inode number (little-endian), u8 name length, the name in UTF-8.
      for (let at = 0; at + 5 <= n;) {
        const len = buf[at + 4]!;
        names.push(decodeUtf8(buf.subarray(at + 5, at + 5 + len)));
        at += 5 + len;
      }
    }
  } finally {
    await close(fd);
  }
}

export async function chdir(path: string): Promise<void> {
  await vfsCall({ type: VFS_CALL.CHDIR, path }, "chdir", path);
}

export async function getcwd(): Promise<string> {
  return (await vfsCall({ type: VFS_CALL.GETCWD }, "getcwd")).path as string;
}

export async function truncate(path: string, size: number): Promise<void> {
  await vfsCall({ type: VFS_CALL.TRUNCATE, path, size }, "truncate", path);
}

export async function ftruncate(fd: number, size: number): Promise<void> {
  await vfsCall({ type: VFS_CALL.FTRUNCATE, fd, size }, "ftruncate");
}

export async function sync(): Promise<void> {
  await vfsCall({ type: VFS_CALL.SYNC }, "sync");
}

/** The whole contents of a file. */
export async function readFile(path: string): Promise<Uint8Array> {
  const fd = await open(path, O_RDONLY);
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(8192);
      const n = await read(fd, chunk);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } finally {
    await close(fd);
  }
}

/** Write all of `data` to `fd`, however many calls it takes. */
export async function writeAll(fd: number, data: Uint8Array | string): Promise<void> {
  let bytes = typeof data === "string" ? encodeUtf8(data) : data;
  while (bytes.length > 0) {
    const n = await write(fd, bytes);
    if (n <= 0) throw new SysError(EIO, "write", "no progress");
    bytes = bytes.subarray(n);
  }
}

/** Replace a file's contents with `data`, creating the file if needed. */
export async function writeFile(path: string, data: Uint8Array | string): Promise<void> {
  const fd = await open(path, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    await writeAll(fd, data);
  } finally {
    await close(fd);
  }
}
