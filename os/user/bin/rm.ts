/** rm [-r] path...: remove files (and with -r, directories and what they hold). */
import { readdir, rmdir, stat, unlink } from "../../lib/fs.js";
import { isDir } from "../../include/fsproto.js";
import { eprintln } from "../../lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  const recursive = argv[0] === "-r";
  const paths = recursive ? argv.slice(1) : argv;
  if (paths.length === 0) {
    await eprintln("usage: rm [-r] path...");
    return 2;
  }
  let status = 0;
  for (const path of paths) {
    try {
      await remove(path, recursive);
    } catch (e) {
      await eprintln(`rm: ${path}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}

/** Remove `path`; a directory tree is walked with an explicit stack, deepest first. */
async function remove(path: string, recursive: boolean): Promise<void> {
  if (!recursive || !isDir((await stat(path)).mode)) return unlink(path);
  const dirs: string[] = [];
  const todo = [path];
  while (todo.length > 0) {
    const dir = todo.pop()!;
    dirs.push(dir);
    for (const name of await readdir(dir)) {
      if (name === "." || name === "..") continue;
      const full = `${dir}/${name}`;
      if (isDir((await stat(full)).mode)) todo.push(full);
      else await unlink(full);
    }
  }
  for (const dir of dirs.reverse()) await rmdir(dir);
}
