/**
 * fsstress: random file-system operations checked against an in-memory model.
 *
 *   fsstress [ops-per-worker=300] [workers=2]
 *
 * Each worker owns a directory tree under /tmp/fsstress.<pid> and keeps a model of
 * what every file must contain. It creates, writes (appends and overwrites at random
 * offsets, sizes reaching the indirect blocks), reads back and compares, renames
 * (also over existing files and across directories), truncates, unlinks, makes and
 * removes directories and lists them; every result is checked against the model.
 * At the end it verifies every file, removes the tree, and reports.
 */
import {
  close, lseek, mkdir, open, read, readdir, rename, rmdir, stat, ftruncate, unlink, write,
} from "../../lib/fs.js";
import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_WRONLY, SEEK_SET } from "../../include/fcntl.js";
import { exit, fork, getpid, waitpid } from "../../lib/unistd.js";
import { WEXITSTATUS, WIFEXITED } from "../../include/wait.js";
import { Workload, collectResult, describe } from "../../lib/workload.js";
import { SysError } from "../../lib/errors.js";

const MAX_FILE = 48 * 1024;

export async function main(argv: string[]): Promise<number> {
  const opsPerWorker = positive(argv[0], 300);
  const workers = positive(argv[1], 2);
  const w = new Workload("fsstress");
  const pids: number[] = [];
  for (let i = 0; i < workers; i++) {
    const pid = await w.get("fork worker", () => fork("worker", [String(opsPerWorker)]));
    if (pid !== undefined) pids.push(pid);
  }
  for (const pid of pids) {
    const r = await w.get(`wait for worker ${pid}`, () => waitpid(pid));
    if (!r) continue;
    const result = await collectResult("fsstress-worker", pid);
    if (!result) {
      const how = WIFEXITED(r.status) ? `status ${WEXITSTATUS(r.status)}` : `status word ${r.status}`;
      await w.fail(`worker ${pid} left no result (${how})`);
      continue;
    }
    w.ops += result.ops;
    w.errors += result.errors;
  }
  return w.finish();
}

/** One worker: a private tree and a model of it. */
export async function worker(argv: string[]): Promise<never> {
  const w = new Workload("fsstress-worker");
  const root = `/tmp/fsstress.${await getpid()}`;
  const model = new Model();
  const ok = await w.run(`mkdir ${root}`, () => mkdir(root));
  if (ok) {
    model.dirs.add("");
    const n = positive(argv[0], 300);
    for (let i = 0; i < n; i++) await step(w, root, model);
    await verifyAll(w, root, model);
    await removeAll(w, root, model);
  }
  return exit(await w.finish());
}

/** What the tree must look like: file contents by relative path, and directories. */
class Model {
  files = new Map<string, Uint8Array>();
  dirs = new Set<string>();
  private serial = 0;

  newName(): string {
    return `f${this.serial++}`;
  }
  newDirName(): string {
    return `d${this.serial++}`;
  }
  anyFile(): string | undefined {
    return pick([...this.files.keys()]);
  }
  anyDir(): string {
    return pick([...this.dirs]) ?? "";
  }
  childrenOf(dir: string): string[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    const names: string[] = [];
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== "" && p.startsWith(prefix) && !p.slice(prefix.length).includes("/")) names.push(p.slice(prefix.length));
    }
    return names.sort();
  }
}

async function step(w: Workload, root: string, m: Model): Promise<void> {
  const abs = (rel: string) => (rel === "" ? root : `${root}/${rel}`);
  const join = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);
  const roll = Math.random();
  if (roll < 0.2 || m.files.size === 0) {
    // create a new file with random contents
    const rel = join(m.anyDir(), m.newName());
    const data = randomBytes(randomSize());
    const done = await w.run(`create ${rel}`, async () => {
      const fd = await open(abs(rel), O_CREAT | O_EXCL | O_WRONLY, 0o644);
      await writeAll(fd, data);
      await close(fd);
    });
    if (done) m.files.set(rel, data);
  } else if (roll < 0.35) {
    await readAndCompare(w, abs, m, m.anyFile()!);
  } else if (roll < 0.5) {
    // overwrite a region at a random offset (possibly extending the file, leaving a hole)
    const rel = m.anyFile()!;
    const old = m.files.get(rel)!;
    const offset = Math.floor(Math.random() * Math.min(MAX_FILE - 1, old.length + 4096));
    const data = randomBytes(1 + Math.floor(Math.random() * Math.min(8192, MAX_FILE - offset)));
    const done = await w.run(`overwrite ${rel}@${offset}`, async () => {
      const fd = await open(abs(rel), O_RDWR);
      await lseek(fd, offset, SEEK_SET);
      await writeAll(fd, data);
      await close(fd);
    });
    if (done) m.files.set(rel, splice(old, offset, data));
  } else if (roll < 0.58) {
    // append
    const rel = m.anyFile()!;
    const old = m.files.get(rel)!;
    const data = randomBytes(1 + Math.floor(Math.random() * Math.max(1, Math.min(4096, MAX_FILE - old.length))));
    const done = await w.run(`append ${rel}`, async () => {
      const fd = await open(abs(rel), O_WRONLY | O_APPEND);
      await writeAll(fd, data);
      await close(fd);
    });
    if (done) m.files.set(rel, splice(old, old.length, data));
  } else if (roll < 0.64) {
    // truncate, shorter or longer
    const rel = m.anyFile()!;
    const old = m.files.get(rel)!;
    const size = Math.floor(Math.random() * (old.length + 2048));
    const done = await w.run(`truncate ${rel} to ${size}`, async () => {
      const fd = await open(abs(rel), O_WRONLY);
      await ftruncate(fd, size);
      await close(fd);
    });
    if (done) {
      const next = new Uint8Array(size);
      next.set(old.subarray(0, Math.min(size, old.length)));
      m.files.set(rel, next);
    }
  } else if (roll < 0.72) {
    // rename: to a new name, or over another file, possibly into another directory
    const from = m.anyFile()!;
    const over = Math.random() < 0.3 ? m.anyFile() : undefined;
    const to = over && over !== from ? over : join(m.anyDir(), m.newName());
    const done = await w.run(`rename ${from} -> ${to}`, () => rename(abs(from), abs(to)));
    if (done) {
      m.files.set(to, m.files.get(from)!);
      m.files.delete(from);
    }
  } else if (roll < 0.8) {
    const rel = m.anyFile()!;
    const done = await w.run(`unlink ${rel}`, () => unlink(abs(rel)));
    if (done) m.files.delete(rel);
    await expectErrno(w, `open of unlinked ${rel}`, () => open(abs(rel), O_RDONLY), 2);
  } else if (roll < 0.86) {
    if (m.dirs.size < 12) {
      const rel = join(m.anyDir(), m.newDirName());
      const done = await w.run(`mkdir ${rel}`, () => mkdir(abs(rel)));
      if (done) m.dirs.add(rel);
    }
  } else if (roll < 0.9) {
    // rmdir: succeeds only on an empty directory
    const rel = m.anyDir();
    if (rel !== "") {
      if (m.childrenOf(rel).length === 0) {
        const done = await w.run(`rmdir ${rel}`, () => rmdir(abs(rel)));
        if (done) m.dirs.delete(rel);
      } else {
        await expectErrno(w, `rmdir of non-empty ${rel}`, () => rmdir(abs(rel)), 39);
      }
    }
  } else if (roll < 0.95) {
    const rel = m.anyDir();
    const names = await w.get(`readdir ${rel}`, () => readdir(abs(rel)));
    if (names) {
      const got = names.filter((n) => n !== "." && n !== "..").sort().join(",");
      await w.check(got === m.childrenOf(rel).join(","), `readdir ${rel}: got [${got}] expected [${m.childrenOf(rel)}]`);
    }
  } else {
    const rel = m.anyFile()!;
    const st = await w.get(`stat ${rel}`, () => stat(abs(rel)));
    if (st) await w.check(st.size === m.files.get(rel)!.length, `stat ${rel}: size ${st.size} expected ${m.files.get(rel)!.length}`);
  }
}

async function readAndCompare(w: Workload, abs: (rel: string) => string, m: Model, rel: string): Promise<void> {
  const want = m.files.get(rel)!;
  const got = await w.get(`read ${rel}`, async () => {
    const fd = await open(abs(rel), O_RDONLY);
    const buf = new Uint8Array(want.length + 100);
    let n = 0;
    for (;;) {
      const r = await read(fd, buf.subarray(n), Math.min(4096 + 123, buf.length - n));
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    await close(fd);
    return buf.subarray(0, n);
  });
  if (got && !(await w.check(sameBytes(got, want), `read ${rel}: contents differ`))) {
    await w.fail(`read ${rel}: ${got.length} bytes, checksum ${checksum(got)}; expected ${want.length} bytes, checksum ${checksum(want)}`);
  }
}

async function verifyAll(w: Workload, root: string, m: Model): Promise<void> {
  for (const rel of [...m.files.keys()].sort()) await readAndCompare(w, (r) => `${root}/${r}`, m, rel);
}

async function removeAll(w: Workload, root: string, m: Model): Promise<void> {
  for (const rel of [...m.files.keys()]) await w.run(`cleanup unlink ${rel}`, () => unlink(`${root}/${rel}`));
  const dirs = [...m.dirs].filter((d) => d !== "").sort((a, b) => b.length - a.length);
  for (const rel of dirs) await w.run(`cleanup rmdir ${rel}`, () => rmdir(`${root}/${rel}`));
  await w.run(`cleanup rmdir ${root}`, () => rmdir(root));
}

async function expectErrno(w: Workload, what: string, fn: () => Promise<unknown>, errno: number): Promise<void> {
  try {
    await fn();
    await w.fail(`${what}: succeeded, expected errno ${errno}`);
  } catch (e) {
    await w.check(e instanceof SysError && e.errno === errno, `${what}: ${describe(e)}, expected errno ${errno}`);
  }
}

async function writeAll(fd: number, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const n = await write(fd, data.subarray(done, Math.min(data.length, done + 6000)));
    if (n <= 0) throw new Error(`short write at ${done}`);
    done += n;
  }
}

function splice(old: Uint8Array, offset: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(old.length, offset + data.length));
  out.set(old);
  out.set(data, offset);
  return out;
}

function randomSize(): number {
  const r = Math.random();
  if (r < 0.5) return Math.floor(Math.random() * 2048);
  if (r < 0.85) return Math.floor(Math.random() * 16384);
  return 28 * 1024 + Math.floor(Math.random() * (MAX_FILE - 28 * 1024)); // past the direct zones
}

/** Random contents: a xorshift stream seeded from the process's (seeded) Math.random. */
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (Math.random() * 0xffffffff) | 1;
  for (let i = 0; i < n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
    if (i + 1 < n) out[i + 1] = x >>> 8;
    if (i + 2 < n) out[i + 2] = x >>> 16;
    if (i + 3 < n) out[i + 3] = x >>> 24;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** FNV-1a over the bytes, to describe a mismatch. */
function checksum(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function pick<T>(xs: T[]): T | undefined {
  return xs.length === 0 ? undefined : xs[Math.floor(Math.random() * xs.length)];
}

function positive(s: string | undefined, dflt: number): number {
  const n = Number(s);
  return Number.isInteger(n) && n > 0 ? n : dflt;
}
