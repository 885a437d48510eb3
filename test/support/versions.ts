/**
 * Instrumented builds of the OS for live-update tests: the OS as it is, and other
 * versions made from a copy of its tree with edits (each edit must change the text it
 * is given, so a stale one fails loudly instead of building the same OS again).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildOs } from "../../instrumenter/build/build.js";
import { formatDiagnostic } from "../../instrumenter/analyze/index.js";
import { BuildImage } from "../../instrumenter/build/image.js";
import { REPO } from "./image.js";

export type Edits = Record<string, (text: string) => string>;

/** Build the OS tree (with `edits` applied to a copy under `dir`) into `dir/out`. */
export function buildVersion(dir: string, edits: Edits = {}): BuildImage {
  let root = path.join(REPO, "os");
  if (Object.keys(edits).length > 0) {
    root = path.join(dir, "os");
    fs.cpSync(path.join(REPO, "os"), root, { recursive: true });
    for (const [modulePath, edit] of Object.entries(edits)) {
      const file = path.join(root, modulePath);
      const before = fs.readFileSync(file, "utf8");
      const after = edit(before);
      if (after === before) throw new Error(`edit of ${modulePath} changed nothing`);
      fs.writeFileSync(file, after);
    }
  }
  return buildTree(root, path.join(dir, "out"));
}

/** The instrumented build of the OS tree at `osRoot` into `outDir`; throws with the diagnostics if it fails. */
export function buildTree(osRoot: string, outDir: string): BuildImage {
  const report = buildOs(osRoot, outDir);
  if (!report.ok) throw new Error(`build of ${osRoot} failed:\n${report.diagnostics.map(formatDiagnostic).join("\n")}`);
  return new BuildImage(outDir);
}

/** `text` with `from` replaced by `to`; throws if `from` is not in it. */
export function replace(from: string, to: string): (text: string) => string {
  return (text) => {
    if (!text.includes(from)) throw new Error(`edit: "${from.slice(0, 60)}" not found`);
    return text.replace(from, to);
  };
}
