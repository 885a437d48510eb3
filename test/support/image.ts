import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PlainImage } from "../../os/boot/plain-image.js";
import { PROGRAMS } from "../../os/boot/programs.js";

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * An image rooted at the repository, so test programs under test/ can run as
 * processes beside the real ones. `extra` maps program names to repo-relative
 * entry modules (e.g. "test/os/programs/echo-server.ts").
 */
export function testImage(extra: Record<string, string> = {}): PlainImage {
  const table: Record<string, string> = {};
  for (const [name, p] of Object.entries(PROGRAMS)) table[name] = `os/${p}`;
  Object.assign(table, extra);
  return new PlainImage(REPO, table, ["os/kernel/", "os/boot/", "os/tools/", "hw/", "node_modules/", "scripts/", "cli/"]);
}
