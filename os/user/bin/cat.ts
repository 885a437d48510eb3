/** cat [file...]: copy files (or standard input) to standard output. */
import { close, open, read, write } from "../../lib/fs.js";
import { O_RDONLY } from "../../include/fcntl.js";
import { eprintln } from "../../lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  let status = 0;
  const files = argv.length === 0 ? ["-"] : argv;
  const buf = new Uint8Array(4096);
  for (const file of files) {
    try {
      const fd = file === "-" ? 0 : await open(file, O_RDONLY);
      for (;;) {
        const n = await read(fd, buf);
        if (n === 0) break;
        await write(1, buf.subarray(0, n));
      }
      if (fd !== 0) await close(fd);
    } catch (e) {
      await eprintln(`cat: ${file}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}
