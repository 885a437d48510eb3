/**
 * checksum FILE...: print each file's size and FNV-1a hash as read through VFS, so a
 * test can compare what the OS reads with what the host wrote, byte for byte.
 */
import { readFile } from "../../../os/lib/fs.js";
import { eprintln, println } from "../../../os/lib/stdio.js";

export async function main(argv: string[]): Promise<number> {
  let status = 0;
  for (const file of argv) {
    try {
      const bytes = await readFile(file);
      await println(`${file} ${bytes.length} ${fnv1a(bytes)}`);
    } catch (e) {
      await eprintln(`checksum: ${file}: ${(e as Error).message}`);
      status = 1;
    }
  }
  return status;
}

/** 32-bit FNV-1a, as 8 hex digits (test/os/tools/put.test.ts computes the same on the host). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
