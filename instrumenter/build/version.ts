/**
 * The instrumenter's version, as recorded in a build manifest: a fingerprint of every
 * source file of the passes that decide a build's output (analysis, metadata format,
 * transforms, runtime), of the TypeScript compiler's version and of the manifest's
 * schema. Any change to them makes the next build rebuild every program.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "../../os/boot/typescript.js";
import { MANIFEST_SCHEMA_VERSION, sha256 } from "./manifest.js";

const INSTRUMENTER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PASSES = ["analyze", "metadata", "transform", "rt"];

let cached: string | undefined;

export function instrumenterVersion(): string {
  if (cached) return cached;
  const parts = [`typescript ${ts.version}`, `manifest ${MANIFEST_SCHEMA_VERSION}`];
  for (const dir of PASSES) {
    const abs = path.join(INSTRUMENTER_ROOT, dir);
    if (!fs.existsSync(abs)) continue;
    const files = fs.readdirSync(abs, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).sort();
    for (const f of files) parts.push(`${dir}/${f} ${sha256(fs.readFileSync(path.join(abs, f)))}`);
  }
  return (cached = sha256(parts.join("\n")));
}
