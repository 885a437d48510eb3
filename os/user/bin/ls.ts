/** ls [-l] [path...]: list directory contents (or name a file). */
import { readdir, stat } from "../../lib/fs.js";
import { isDir, isChr } from "../../include/fsproto.js";
import { eprintln, println } from "../../lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  const long = argv[0] === "-l";
  const paths = (long ? argv.slice(1) : argv);
  if (paths.length === 0) paths.push(".");
  let status = 0;
  for (const path of paths) {
    try {
      const st = await stat(path);
      const names = isDir(st.mode) ? (await readdir(path)).filter((n) => n !== "." && n !== "..").sort() : [path];
      if (paths.length > 1 && isDir(st.mode)) await println(`${path}:`);
      for (const name of names) {
        if (!long) {
          await println(name);
          continue;
        }
        const full = isDir(st.mode) ? `${path.replace(/\/$/, "")}/${name}` : path;
        const s = await stat(full);
        const kind = isDir(s.mode) ? "d" : isChr(s.mode) ? "c" : "-";
        await println(`${kind}${perms(s.mode)} ${String(s.nlink).padStart(3)} ${String(s.size).padStart(8)} ${name}`);
      }
    } catch (e) {
      await eprintln(`ls: ${path}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}

function perms(mode: number): string {
  const bits = "rwxrwxrwx";
  let s = "";
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : "-";
  return s;
}
