/** mkdir dir...: make directories. */
import { mkdir } from "../../lib/fs.js";
import { eprintln } from "../../lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    await eprintln("usage: mkdir dir...");
    return 2;
  }
  let status = 0;
  for (const dir of argv) {
    try {
      await mkdir(dir);
    } catch (e) {
      await eprintln(`mkdir: ${dir}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}
