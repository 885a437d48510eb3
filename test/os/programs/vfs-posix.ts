/**
 * POSIX semantics of the file calls, checked from a user process through VFS and
 * MFS. Each check works in a directory of its own.
 */
import {
  EBADF, EBUSY, EEXIST, EINVAL, EISDIR, EMFILE, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, ESPIPE,
} from "../../../os/include/errno.js";
import {
  O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, SEEK_CUR, SEEK_END, SEEK_SET,
} from "../../../os/include/fcntl.js";
import { NAME_MAX, S_IFCHR, S_IFDIR, S_IFMT, S_IFREG } from "../../../os/include/fsproto.js";
import { MAJOR_TTY, OPEN_MAX, PATH_MAX, major } from "../../../os/include/vfs.js";
import {
  chdir, close, dup, dup2, fstat, ftruncate, getcwd, lseek, mkdir, open, read, readFile, readdir, rename, rmdir,
  stat, sync, truncate, unlink, write, writeFile,
} from "../../../os/lib/fs.js";
import { decodeUtf8, encodeUtf8 } from "../../../os/lib/utf8.js";
import { type Checks, assert, assertEq, assertErrno, runChecks } from "./checks.js";

async function readText(path: string): Promise<string> {
  return decodeUtf8(await readFile(path));
}

/** Read up to `n` bytes at the current position of `fd`, as text. */
async function readN(fd: number, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  const got = await read(fd, buf);
  return decodeUtf8(buf.subarray(0, got));
}

function sorted(names: string[]): string {
  return [...names].sort().join(",");
}

export const checks: Checks = {
  async "open O_CREAT makes an empty regular file with the given permissions"() {
    await mkdir("/creat");
    const fd = await open("/creat/a", O_CREAT | O_WRONLY, 0o640);
    const st = await fstat(fd);
    await close(fd);
    assertEq(st.mode & S_IFMT, S_IFREG, "file type");
    assertEq(st.mode & 0o777, 0o640, "permissions");
    assertEq(st.size, 0, "size");
    assertEq(st.nlink, 1, "links");
    assertEq((await stat("/creat/a")).ino, st.ino, "stat and fstat agree");
  },

  async "open without O_CREAT fails with ENOENT; O_CREAT needs the directory"() {
    await assertErrno(open("/nonexistent", O_RDONLY), ENOENT, "missing file");
    await assertErrno(open("/nonexistent/x", O_CREAT | O_WRONLY), ENOENT, "missing directory");
  },

  async "O_CREAT|O_EXCL refuses an existing name with EEXIST"() {
    await mkdir("/excl");
    await close(await open("/excl/f", O_CREAT | O_EXCL | O_WRONLY));
    await assertErrno(open("/excl/f", O_CREAT | O_EXCL | O_WRONLY), EEXIST, "second exclusive create");
    await assertErrno(open("/excl", O_CREAT | O_EXCL | O_RDONLY), EEXIST, "exclusive create of a directory");
    await close(await open("/excl/f", O_CREAT | O_WRONLY)); // without O_EXCL it just opens
  },

  async "O_TRUNC empties a file; O_RDONLY leaves it alone"() {
    await mkdir("/trunc");
    await writeFile("/trunc/f", "0123456789");
    await close(await open("/trunc/f", O_RDONLY | O_TRUNC));
    assertEq((await stat("/trunc/f")).size, 10, "size after O_RDONLY|O_TRUNC");
    const fd = await open("/trunc/f", O_WRONLY | O_TRUNC);
    assertEq((await fstat(fd)).size, 0, "size after O_TRUNC");
    await write(fd, "ab");
    await close(fd);
    assertEq(await readText("/trunc/f"), "ab", "contents");
  },

  async "O_APPEND writes at the end whatever the offset"() {
    await mkdir("/append");
    await writeFile("/append/f", "start");
    const a = await open("/append/f", O_WRONLY | O_APPEND);
    const b = await open("/append/f", O_WRONLY | O_APPEND);
    await write(a, "-a1");
    await write(b, "-b1");
    await lseek(a, 0, SEEK_SET);
    await write(a, "-a2");
    assertEq(await lseek(a, 0, SEEK_CUR), 14, "offset after an appending write");
    await close(a);
    await close(b);
    assertEq(await readText("/append/f"), "start-a1-b1-a2", "contents");
  },

  async "read, write and lseek move one offset; reads at end of file give 0"() {
    await mkdir("/rw");
    const fd = await open("/rw/f", O_CREAT | O_RDWR);
    assertEq(await write(fd, "hello world"), 11, "bytes written");
    assertEq(await lseek(fd, 0, SEEK_CUR), 11, "offset after write");
    assertEq(await lseek(fd, 6, SEEK_SET), 6, "SEEK_SET");
    assertEq(await readN(fd, 100), "world", "read to end");
    assertEq(await readN(fd, 100), "", "read at end of file");
    assertEq(await lseek(fd, -5, SEEK_END), 6, "SEEK_END");
    assertEq(await lseek(fd, -2, SEEK_CUR), 4, "SEEK_CUR backwards");
    assertEq(await readN(fd, 3), "o w", "read in the middle");
    assertEq(await read(fd, new Uint8Array(4), 0), 0, "zero-byte read");
    await close(fd);
  },

  async "writing past the end leaves a hole that reads as zeros"() {
    await mkdir("/holes");
    const fd = await open("/holes/f", O_CREAT | O_RDWR);
    await write(fd, "ab");
    assertEq(await lseek(fd, 20_000, SEEK_SET), 20_000, "seek past the end");
    assertEq((await fstat(fd)).size, 2, "seeking alone does not grow the file");
    await write(fd, "z");
    assertEq((await fstat(fd)).size, 20_001, "size after writing past the end");
    await lseek(fd, 0, SEEK_SET);
    const buf = new Uint8Array(20_001);
    let got = 0;
    for (let n; (n = await read(fd, buf.subarray(got))) > 0;) got += n;
    assertEq(got, 20_001, "bytes read back");
    assertEq(decodeUtf8(buf.subarray(0, 2)), "ab", "data before the hole");
    assert(buf.subarray(2, 20_000).every((b) => b === 0), "the hole reads as zeros");
    assertEq(buf[20_000], "z".charCodeAt(0), "data after the hole");
    await close(fd);
  },

  async "lseek refuses negative offsets and bad whence, and a terminal with ESPIPE"() {
    await mkdir("/seek");
    const fd = await open("/seek/f", O_CREAT | O_RDWR);
    await write(fd, "12345");
    await assertErrno(lseek(fd, -1, SEEK_SET), EINVAL, "negative SEEK_SET");
    await assertErrno(lseek(fd, -6, SEEK_END), EINVAL, "before the start with SEEK_END");
    await assertErrno(lseek(fd, 0, 3), EINVAL, "bad whence");
    assertEq(await lseek(fd, 0, SEEK_CUR), 5, "offset unchanged by failed seeks");
    await close(fd);
    const tty = await open("/dev/tty", O_WRONLY);
    await assertErrno(lseek(tty, 0, SEEK_SET), ESPIPE, "seek on the console");
    await close(tty);
  },

  async "dup and dup2 share the offset; dup2 closes its target first"() {
    await mkdir("/dup");
    await writeFile("/dup/f", "abcdefgh");
    await writeFile("/dup/g", "other");
    const fd = await open("/dup/f", O_RDONLY);
    const copy = await dup(fd);
    assert(copy !== fd, "dup gives a new descriptor");
    assertEq(await readN(fd, 3), "abc", "read through the original");
    assertEq(await readN(copy, 3), "def", "read through the copy continues");
    assertEq(await lseek(fd, 0, SEEK_CUR), 6, "shared offset");
    const g = await open("/dup/g", O_RDONLY);
    assertEq(await dup2(fd, g), g, "dup2 returns the target");
    assertEq(await readN(g, 10), "gh", "target now reads the first file");
    assertEq(await dup2(fd, fd), fd, "dup2 onto itself");
    await close(fd);
    await lseek(copy, 0, SEEK_SET);
    assertEq(await readN(copy, 2), "ab", "the copy lives on after closing the original");
    await assertErrno(dup2(copy, OPEN_MAX), EBADF, "dup2 target out of range");
    await close(copy);
    await close(g);
  },

  async "bad descriptors and wrong access modes fail with EBADF"() {
    await mkdir("/badf");
    const fd = await open("/badf/f", O_CREAT | O_WRONLY);
    await write(fd, "data");
    await assertErrno(read(fd, new Uint8Array(4)), EBADF, "read from O_WRONLY");
    await close(fd);
    await assertErrno(close(fd), EBADF, "closing twice");
    await assertErrno(read(fd, new Uint8Array(4)), EBADF, "read after close");
    const ro = await open("/badf/f", O_RDONLY);
    await assertErrno(write(ro, "x"), EBADF, "write to O_RDONLY");
    await assertErrno(ftruncate(ro, 0), EBADF, "ftruncate of O_RDONLY");
    await close(ro);
    for (const bad of [-1, OPEN_MAX, 1e9, 1.5]) {
      await assertErrno(write(bad, "x"), EBADF, `write to ${bad}`);
      await assertErrno(fstat(bad), EBADF, `fstat of ${bad}`);
      await assertErrno(lseek(bad, 0, SEEK_SET), EBADF, `lseek of ${bad}`);
      await assertErrno(dup(bad), EBADF, `dup of ${bad}`);
    }
    assertEq((await stat("/badf/f")).size, 4, "nothing written by the failed calls");
  },

  async "name errors: ENOTDIR, EISDIR, ENOTEMPTY, EEXIST, ENOENT"() {
    await mkdir("/names");
    await mkdir("/names/d");
    await writeFile("/names/d/f", "x");
    await assertErrno(open("/names/d/f/x", O_RDONLY), ENOTDIR, "a file used as a directory");
    await assertErrno(stat("/names/d/f/x"), ENOTDIR, "stat through a file");
    await assertErrno(open("/names/d", O_WRONLY), EISDIR, "opening a directory for writing");
    await assertErrno(open("/names/d", O_RDONLY | O_TRUNC), EISDIR, "truncating a directory");
    await assertErrno(rmdir("/names/d"), ENOTEMPTY, "removing a non-empty directory");
    await assertErrno(rmdir("/names/d/f"), ENOTDIR, "rmdir of a file");
    await assertErrno(unlink("/names/d"), EISDIR, "unlink of a directory");
    await assertErrno(mkdir("/names/d"), EEXIST, "mkdir of an existing directory");
    await assertErrno(mkdir("/names/d/f"), EEXIST, "mkdir over a file");
    await assertErrno(unlink("/names/nope"), ENOENT, "unlink of a missing name");
    await assertErrno(rmdir("/names/nope"), ENOENT, "rmdir of a missing name");
    await assertErrno(rmdir("/"), EBUSY, "rmdir of the root");
    await assertErrno(rmdir("/names/d/."), EINVAL, "rmdir of '.'");
    await unlink("/names/d/f");
    await rmdir("/names/d");
    await assertErrno(stat("/names/d"), ENOENT, "the directory is gone");
  },

  async "paths: repeated and trailing slashes, '.', '..', and length limits"() {
    await mkdir("/paths/");
    await mkdir("/paths//sub");
    await writeFile("//paths///sub//f", "x");
    assertEq((await stat("/paths/./sub/../sub/f")).size, 1, "dots resolve");
    assertEq((await stat("/paths/sub/")).mode & S_IFMT, S_IFDIR, "trailing slash on a directory");
    await assertErrno(stat("/paths/sub/f/"), ENOTDIR, "trailing slash on a file");
    await assertErrno(open("/paths/sub/f/", O_RDONLY), ENOTDIR, "open of a file with a trailing slash");
    await assertErrno(open("/paths/sub/new/", O_CREAT | O_WRONLY), EISDIR, "creating a file with a trailing slash");
    await assertErrno(unlink("/paths/sub/f/"), ENOTDIR, "unlink with a trailing slash");
    assertEq((await stat("/..")).ino, (await stat("/")).ino, "'..' of the root is the root");
    await assertErrno(stat(""), ENOENT, "empty path");
    await assertErrno(stat(`/paths/${"n".repeat(NAME_MAX + 1)}`), ENAMETOOLONG, "component too long");
    await assertErrno(stat(`/${"a/".repeat(PATH_MAX / 2 + 1)}`), ENAMETOOLONG, "path too long");
    const longest = "m".repeat(NAME_MAX);
    await writeFile(`/paths/${longest}`, "y");
    assert((await readdir("/paths")).includes(longest), "a name of NAME_MAX bytes fits");
  },

  async "rename moves and replaces files and directories as POSIX says"() {
    await mkdir("/ren");
    await mkdir("/ren/a");
    await mkdir("/ren/b");
    await writeFile("/ren/a/f", "one");
    await rename("/ren/a/f", "/ren/a/g");
    await assertErrno(stat("/ren/a/f"), ENOENT, "old name gone");
    assertEq(await readText("/ren/a/g"), "one", "new name in the same directory");
    await rename("/ren/a/g", "/ren/b/g");
    assertEq(await readText("/ren/b/g"), "one", "moved across directories");
    await writeFile("/ren/b/h", "two");
    await rename("/ren/b/h", "/ren/b/g");
    assertEq(await readText("/ren/b/g"), "two", "an existing file is replaced");
    assertEq(sorted(await readdir("/ren/b")), ".,..,g", "one entry left");
    await rename("/ren/b/g", "/ren/b/g");
    assertEq(await readText("/ren/b/g"), "two", "renaming onto itself changes nothing");
    await mkdir("/ren/a/sub");
    await assertErrno(rename("/ren/a", "/ren/a/sub/x"), EINVAL, "a directory into its own subtree");
    await assertErrno(rename("/ren/a", "/ren/a/x"), EINVAL, "a directory into itself");
    await assertErrno(rename("/ren/b/g", "/ren/a"), EISDIR, "a file onto a directory");
    await assertErrno(rename("/ren/a", "/ren/b/g"), ENOTDIR, "a directory onto a file");
    await assertErrno(rename("/ren/b", "/ren/a"), ENOTEMPTY, "onto a non-empty directory");
    await assertErrno(rename("/ren/nope", "/ren/x"), ENOENT, "a missing name");
    await assertErrno(rename("/ren/b/g/", "/ren/x"), ENOTDIR, "a file with a trailing slash");
    await mkdir("/ren/empty");
    await rename("/ren/a", "/ren/empty");
    assertEq(sorted(await readdir("/ren/empty")), ".,..,sub", "a directory replaces an empty one");
    assertEq((await stat("/ren/empty/sub/..")).ino, (await stat("/ren/empty")).ino, "'..' follows the move");
    assertEq(sorted(await readdir("/ren")), ".,..,b,empty", "entries of the parent");
  },

  async "readdir lists every entry, '.' and '..' included"() {
    await mkdir("/list");
    assertEq(sorted(await readdir("/list")), ".,..", "an empty directory");
    for (let i = 0; i < 100; i++) await writeFile(`/list/file-${i}`, "");
    await mkdir("/list/dir");
    const names = await readdir("/list");
    assertEq(names.length, 103, "entry count");
    for (let i = 0; i < 100; i++) assert(names.includes(`file-${i}`), `file-${i} listed`);
    for (let i = 0; i < 100; i += 2) await unlink(`/list/file-${i}`);
    assertEq((await readdir("/list")).length, 53, "entry count after removals");
    await assertErrno(readdir("/list/file-1"), ENOTDIR, "readdir of a file");
    await assertErrno(open("/list/file-1", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
    await close(await open("/list/dir", O_RDONLY | O_DIRECTORY));
  },

  async "chdir and getcwd track the working directory; relative paths use it"() {
    assertEq(await getcwd(), "/", "initial working directory");
    await mkdir("/cwd");
    await mkdir("/cwd/d1");
    await mkdir("/cwd/d1/d2");
    await chdir("/cwd/d1");
    assertEq(await getcwd(), "/cwd/d1", "after chdir");
    await writeFile("d2/../rel", "relative");
    assertEq(await readText("/cwd/d1/rel"), "relative", "a relative path");
    await chdir("d2//");
    assertEq(await getcwd(), "/cwd/d1/d2", "relative chdir with slashes");
    await chdir("../..");
    assertEq(await getcwd(), "/cwd", "chdir ..");
    await assertErrno(chdir("d1/rel"), ENOTDIR, "chdir to a file");
    await assertErrno(chdir("nope"), ENOENT, "chdir to a missing directory");
    assertEq(await getcwd(), "/cwd", "unchanged after failures");
    await chdir("d1/d2");
    await rename("/cwd/d1", "/cwd/moved");
    assertEq(await getcwd(), "/cwd/moved/d2", "follows a rename of an ancestor");
    assertEq(sorted(await readdir(".")), ".,..", "'.' still works");
    await chdir("/../..");
    assertEq(await getcwd(), "/", "'..' stops at the root");
  },

  async "an unlinked file stays readable through open descriptors until the last close"() {
    await mkdir("/unl");
    await writeFile("/unl/f", "still here");
    const fd = await open("/unl/f", O_RDWR);
    await unlink("/unl/f");
    await assertErrno(stat("/unl/f"), ENOENT, "the name is gone");
    assertEq((await fstat(fd)).nlink, 0, "no links left");
    assertEq(await readN(fd, 100), "still here", "contents readable");
    await write(fd, "!");
    await lseek(fd, 0, SEEK_SET);
    assertEq(await readN(fd, 100), "still here!", "and writable");
    await close(fd);
    await writeFile("/unl/f", "new");
    assertEq(await readText("/unl/f"), "new", "the name can be reused");
  },

  async "stat reports sizes, types, links and device numbers"() {
    await mkdir("/st");
    await writeFile("/st/f", new Uint8Array(5000));
    const f = await stat("/st/f");
    assertEq(f.size, 5000, "file size");
    assertEq(f.mode & S_IFMT, S_IFREG, "file type");
    assert(f.blocks > 0, "blocks counted");
    const d = await stat("/st");
    assertEq(d.mode & S_IFMT, S_IFDIR, "directory type");
    assertEq(d.nlink, 2, "links of an empty directory");
    await mkdir("/st/sub");
    assertEq((await stat("/st")).nlink, 3, "a subdirectory's '..' links its parent");
    const tty = await stat("/dev/tty");
    assertEq(tty.mode & S_IFMT, S_IFCHR, "the console is a character device");
    assertEq(major(tty.rdev), MAJOR_TTY, "console major");
    const fd = await open("/st/f", O_RDONLY);
    const viaFd = await fstat(fd);
    await close(fd);
    assertEq(viaFd.ino, f.ino, "fstat names the same inode");
    assertEq(viaFd.size, f.size, "fstat size");
  },

  async "/dev/null swallows writes and reads as empty"() {
    const fd = await open("/dev/null", O_RDWR);
    assertEq(await write(fd, new Uint8Array(100)), 100, "write");
    assertEq(await read(fd, new Uint8Array(10)), 0, "read");
    await close(fd);
  },

  async "truncate and ftruncate shrink and grow files"() {
    await mkdir("/tr");
    await writeFile("/tr/f", "0123456789");
    await truncate("/tr/f", 4);
    assertEq(await readText("/tr/f"), "0123", "shrunk");
    await truncate("/tr/f", 8);
    const grown = await readFile("/tr/f");
    assertEq(grown.length, 8, "grown");
    assert(grown.subarray(4).every((b) => b === 0), "grown part reads as zeros");
    const fd = await open("/tr/f", O_RDWR);
    await ftruncate(fd, 2);
    assertEq((await fstat(fd)).size, 2, "ftruncate");
    assertEq(await lseek(fd, 0, SEEK_END), 2, "SEEK_END sees the new size");
    await close(fd);
    await assertErrno(truncate("/tr", 0), EISDIR, "truncating a directory");
    await assertErrno(truncate("/tr/f", -1), EINVAL, "negative size");
    await assertErrno(truncate("/tr/nope", 0), ENOENT, "missing file");
  },

  async "a process can hold at most OPEN_MAX descriptors"() {
    await mkdir("/many");
    await writeFile("/many/f", "");
    const fds: number[] = [];
    for (;;) {
      try {
        fds.push(await open("/many/f", O_RDONLY));
      } catch (e) {
        await assertErrno(Promise.reject(e), EMFILE, "open past the limit");
        break;
      }
      assert(fds.length <= OPEN_MAX, "limit enforced");
    }
    await assertErrno(dup(fds[0]!), EMFILE, "dup past the limit");
    for (const fd of fds) await close(fd);
    assertEq(Math.max(...fds), OPEN_MAX - 1, "every descriptor number was usable");
  },

  async "large files and UTF-8 text round-trip"() {
    await mkdir("/big");
    const data = new Uint8Array(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    await writeFile("/big/f", data);
    const back = await readFile("/big/f");
    assertEq(back.length, data.length, "size");
    assert(back.every((b, i) => b === data[i]), "contents");
    const text = "héllo ✓ 😀 done";
    await writeFile("/big/t", text);
    assertEq(await readText("/big/t"), text, "text");
    assertEq((await stat("/big/t")).size, encodeUtf8(text).length, "size in bytes");
    await sync();
  },

  async "concurrent creates of one name all open the same file"() {
    await mkdir("/race");
    const fds = await Promise.all(Array.from({ length: 8 }, () => open("/race/f", O_CREAT | O_WRONLY)));
    const inos = await Promise.all(fds.map(async (fd) => (await fstat(fd)).ino));
    assert(inos.every((ino) => ino === inos[0]), "one inode");
    for (const fd of fds) await close(fd);
    const excl = await Promise.allSettled(
      Array.from({ length: 8 }, () => open("/race/g", O_CREAT | O_EXCL | O_WRONLY)));
    const won = excl.filter((r) => r.status === "fulfilled");
    assertEq(won.length, 1, "exactly one exclusive create wins");
    await close((won[0] as PromiseFulfilledResult<number>).value);
    assertEq(sorted(await readdir("/race")), ".,..,f,g", "entries");
  },

  async "concurrent writes on a shared offset never overlap"() {
    await mkdir("/shared");
    const fd = await open("/shared/f", O_CREAT | O_RDWR);
    const chunks = Array.from({ length: 10 }, (_, i) => String.fromCharCode(65 + i).repeat(1000));
    const counts = await Promise.all(chunks.map((c) => write(fd, c)));
    assert(counts.every((n) => n === 1000), "every write complete");
    assertEq((await fstat(fd)).size, 10_000, "size");
    const content = await readText("/shared/f");
    assertEq(sorted(content.match(/(.)\1{999}/g) ?? []), sorted(chunks), "each write landed whole in its own range");
    await close(fd);
    const app = await Promise.all(Array.from({ length: 4 }, () => open("/shared/f", O_WRONLY | O_APPEND)));
    await Promise.all(app.map((a, i) => write(a, String(i).repeat(500))));
    assertEq((await stat("/shared/f")).size, 12_000, "appends through separate open files add up");
    for (const a of app) await close(a);
  },
};

export async function main(): Promise<number> {
  return runChecks(checks);
}
