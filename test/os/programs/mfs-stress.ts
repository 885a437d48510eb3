/**
 * A random workload against a model, in VFS's slot: files are created, written
 * (sometimes far out, through the double-indirect block), truncated, read back,
 * linked, renamed, unlinked (sometimes while held), and directories made, moved
 * and removed. Every answer is checked against the model; on a volume that fills
 * up, anything that allocates may also fail with ENOSPC and change nothing. At the
 * end the whole tree is compared with the model and SYNCed (the host then runs
 * fsck). Math.random is seeded by the kernel, so a run is the same every time.
 */
import { EEXIST, EINVAL, EISDIR, ENOSPC, ENOTDIR, ENOTEMPTY } from "../../../os/include/errno.js";
import { REQ } from "../../../os/include/fsproto.js";
import { diag } from "../../../os/lib/diag.js";
import { assert, assertEq, type Checks } from "./checks.js";
import { FsClient, errnoOf, firstDifference, pattern, runLogged } from "./mfs-lib.js";

const fs = new FsClient();
const TOP = "/stress";
const OPS = 1000;

/** A file's content in the model; hard links share one. */
class Node {
  data = new Uint8Array(0);
  size = 0;

  write(pos: number, bytes: Uint8Array): void {
    this.fit(pos + bytes.length);
    this.data.set(bytes, pos);
    this.size = Math.max(this.size, pos + bytes.length);
  }

  truncate(size: number): void {
    this.fit(size);
    this.data.fill(0, size);
    this.size = size;
  }

  content(): Uint8Array {
    return this.data.subarray(0, this.size);
  }

  private fit(size: number): void {
    if (size <= this.data.length) return;
    const bigger = new Uint8Array(Math.max(size, this.data.length * 2));
    bigger.set(this.data);
    this.data = bigger;
  }
}

const files = new Map<string, Node>();
const dirs = new Set<string>([TOP]);
let seed = 100;
/** Requests refused with ENOSPC. */
let refused = 0;

/** Check `errno` is what the model expects, or ENOSPC where the request needed space; true if it succeeded. */
function expectErrno(errno: number, expected: number, what: string): boolean {
  if (errno === ENOSPC && expected === 0) {
    refused++;
    return false;
  }
  assertEq(errno, expected, what);
  return errno === 0;
}

const rnd = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(items: Iterable<T>): T | undefined => {
  const all = [...items];
  return all.length === 0 ? undefined : all[rnd(all.length)];
};
const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/"));
const baseOf = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const exists = (path: string) => files.has(path) || dirs.has(path);
const children = (dir: string) => [...files.keys(), ...dirs].filter((p) => parentOf(p) === dir);

/** Run `fn` with the inode of `path` held. */
async function withInode<T>(path: string, fn: (ino: number) => Promise<T>): Promise<T> {
  const ino = await fs.walk(path);
  try {
    return await fn(ino);
  } finally {
    await fs.put(ino);
  }
}

async function checkFile(path: string): Promise<void> {
  const node = files.get(path)!;
  await withInode(path, async (ino) => {
    const at = firstDifference(await fs.readAll(ino), node.content());
    assert(at < 0, `${path} differs from the model at byte ${at}`);
  });
}

/** How often each operation is picked, relative to the others (1 if not listed). */
const WEIGHTS: Record<string, number> = { create: 4, write: 6, read: 3 };

/** The operations of the workload. */
const ops: Array<() => Promise<void>> = [
  async function create() {
    const path = `${pick(dirs)!}/f${rnd(12)}`;
    const e = await withInode(parentOf(path), (dir) => errnoOf(fs.create(dir, baseOf(path)).then((ino) => fs.put(ino))));
    if (expectErrno(e, exists(path) ? EEXIST : 0, `create ${path}`)) files.set(path, new Node());
  },
  async function write() {
    const path = pick(files.keys());
    if (!path) return;
    const far = rnd(15) === 0;
    const pos = far ? 4_300_000 + rnd(1_000_000) : rnd(120_000);
    const data = pattern(seed++, 1 + rnd(far ? 3_000 : 25_000));
    const e = await withInode(path, (ino) => errnoOf(fs.write(ino, pos, data).then((w) => {
      files.get(path)!.write(pos, data.subarray(0, Number(w.bytes)));
    })));
    expectErrno(e, 0, `write ${path}`);
  },
  async function read() {
    const path = pick(files.keys());
    if (path) await checkFile(path);
  },
  async function truncate() {
    const path = pick(files.keys());
    if (!path) return;
    const size = rnd(3) === 0 ? 0 : rnd(150_000);
    await withInode(path, (ino) => fs.trunc(ino, size));
    files.get(path)!.truncate(size);
  },
  async function unlink() {
    const path = pick(files.keys());
    if (!path) return;
    await withInode(parentOf(path), (dir) => fs.unlink(dir, baseOf(path)));
    files.delete(path);
  },
  async function unlinkWhileHeld() {
    const path = pick(files.keys());
    if (!path) return;
    const node = files.get(path)!;
    await withInode(path, async (ino) => {
      await withInode(parentOf(path), (dir) => fs.unlink(dir, baseOf(path)));
      files.delete(path);
      assert(firstDifference(await fs.readAll(ino), node.content()) < 0, `${path} readable after unlink`);
    });
  },
  async function link() {
    const src = pick(files.keys());
    if (!src) return;
    const dst = `${pick(dirs)!}/f${rnd(12)}`;
    const e = await withInode(src, (ino) => withInode(parentOf(dst), (dir) =>
      errnoOf(fs.ok({ type: REQ.LINK, dirIno: dir, name: baseOf(dst), ino }))));
    if (expectErrno(e, exists(dst) ? EEXIST : 0, `link ${src} ${dst}`)) files.set(dst, files.get(src)!);
  },
  async function renameFile() {
    const src = pick(files.keys());
    if (!src) return;
    const dst = `${pick(dirs)!}/f${rnd(12)}`;
    const e = await renameRequest(src, dst);
    if (!expectErrno(e, dirs.has(dst) ? EISDIR : 0, `rename ${src} ${dst}`)) return;
    // POSIX: renaming onto another link of the same file does nothing.
    if (files.get(dst) === files.get(src)) return;
    files.set(dst, files.get(src)!);
    files.delete(src);
  },
  async function mkdir() {
    const parent = pick(dirs)!;
    if (parent.split("/").length > 5) return;
    const path = `${parent}/d${rnd(4)}`;
    const e = await withInode(parent, (dir) => errnoOf(fs.ok({ type: REQ.MKDIR, dirIno: dir, name: baseOf(path), mode: 0o755 })));
    if (expectErrno(e, exists(path) ? EEXIST : 0, `mkdir ${path}`)) dirs.add(path);
  },
  async function rmdir() {
    const path = pick([...dirs].filter((d) => d !== TOP));
    if (!path) return;
    const e = await withInode(parentOf(path), (dir) => errnoOf(fs.rmdir(dir, baseOf(path))));
    assertEq(e, children(path).length > 0 ? ENOTEMPTY : 0, `rmdir ${path}`);
    if (e === 0) dirs.delete(path);
  },
  async function renameDir() {
    const src = pick([...dirs].filter((d) => d !== TOP));
    if (!src) return;
    const dst = `${pick(dirs)!}/d${rnd(4)}`;
    const e = await renameRequest(src, dst);
    let expected = 0;
    if (dst === src) expected = 0;
    else if (`${parentOf(dst)}/`.startsWith(`${src}/`)) expected = EINVAL;
    else if (files.has(dst)) expected = ENOTDIR;
    else if (dirs.has(dst) && children(dst).length > 0) expected = ENOTEMPTY;
    if (!expectErrno(e, expected, `rename ${src} ${dst}`) || dst === src) return;
    dirs.delete(dst);
    for (const d of [...dirs]) {
      if (d === src || d.startsWith(`${src}/`)) {
        dirs.delete(d);
        dirs.add(dst + d.slice(src.length));
      }
    }
    for (const [p, node] of [...files]) {
      if (p.startsWith(`${src}/`)) {
        files.delete(p);
        files.set(dst + p.slice(src.length), node);
      }
    }
  },
];

async function renameRequest(src: string, dst: string): Promise<number> {
  return withInode(parentOf(src), (from) => withInode(parentOf(dst), (to) =>
    errnoOf(fs.rename(from, baseOf(src), to, baseOf(dst)))));
}

export const checks: Checks = {
  "random operations agree with the model": async () => {
    await fs.mount();
    await fs.put(await fs.mkdir(fs.root, TOP.slice(1)));
    const weighted = ops.flatMap((op) => new Array<typeof op>(WEIGHTS[op.name] ?? 1).fill(op));
    for (let i = 0; i < OPS; i++) await weighted[rnd(weighted.length)]!();
  },
  "the whole tree agrees with the model": async () => {
    for (const dir of dirs) {
      const expected = children(dir).map(baseOf).concat([".", ".."]).sort();
      await withInode(dir, async (ino) => assertEq((await fs.names(ino)).join(" "), expected.join(" "), `entries of ${dir}`));
    }
    for (const path of files.keys()) {
      await checkFile(path);
      const links = [...files.values()].filter((n) => n === files.get(path)).length;
      await withInode(path, async (ino) => assertEq((await fs.stat(ino)).nlink, links, `links of ${path}`));
    }
    assert(files.size > 0 && dirs.size > 1, "the workload left files and directories");
    await fs.sync();
    diag(`stress: ${refused} requests refused with ENOSPC`);
  },
};

export async function main(): Promise<void> {
  await runLogged(checks);
}
