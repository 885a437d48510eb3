import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "./typescript.js";
import type { ImageSource, ModuleCode } from "../kernel/image.js";
import { PROGRAMS } from "./programs.js";

/** The OS source root (the `os/` directory). */
export const OS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Folders (relative to the OS root) whose code runs on the host and may never be loaded into a process. */
const HOST_ONLY = ["kernel/", "boot/", "tools/"];

const transpiled = new Map<string, ModuleCode>();

/**
 * The module path a relative import `spec` in module `from` names ("./x.js" names
 * "./x.ts"), or undefined if it is not relative or leaves the root. Shared by every image.
 */
export function relativeModulePath(from: string, spec: string): string | undefined {
  if (!spec.startsWith("./") && !spec.startsWith("../")) return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, ".ts");
  return joined.startsWith("../") || path.posix.isAbsolute(joined) ? undefined : joined;
}

/**
 * The plain build: process code transpiled from the TypeScript sources on demand,
 * with no instrumentation. Modules resolve only within the OS tree.
 */
export class PlainImage implements ImageSource {
  readonly kind = "plain";

  /**
   * @param root directory module paths are relative to
   * @param table program name -> entry module path
   * @param hostOnly path prefixes that may not be loaded into a process
   */
  constructor(readonly root: string = OS_ROOT, private table: Record<string, string> = PROGRAMS,
    private hostOnly: string[] = HOST_ONLY) {}

  private exists = new Map<string, boolean>();

  program(name: string): string | undefined {
    return Object.hasOwn(this.table, name) ? this.table[name] : undefined;
  }

  programs(): string[] {
    return Object.keys(this.table);
  }

  resolve(from: string, spec: string): string | undefined {
    const joined = relativeModulePath(from, spec);
    if (joined === undefined || this.hostOnly.some((dir) => joined.startsWith(dir))) return undefined;
    // Every process start resolves the same imports again: ask the file system once per module.
    let exists = this.exists.get(joined);
    if (exists === undefined) this.exists.set(joined, (exists = fs.existsSync(path.join(this.root, joined))));
    return exists ? joined : undefined;
  }

  load(modPath: string): ModuleCode {
    const file = path.join(this.root, modPath);
    const key = file;
    const hit = transpiled.get(key);
    if (hit) return hit;
    const source = fs.readFileSync(file, "utf8");
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, inlineSourceMap: true,
        inlineSources: false },
      reportDiagnostics: false,
    });
    const mod = { path: modPath, code: out.outputText, filename: file };
    transpiled.set(key, mod);
    return mod;
  }
}
