/**
 * Emit: a module compiled exactly as the plain build compiles it (os/boot/plain-image.ts:
 * ts.transpileModule to CommonJS ES2022), with the passes as `before` transformers, so
 * that the two builds differ by the instrumentation only. Every node the passes keep
 * has its original position, so TypeScript's source map leads from the code back to
 * the .ts lines; inserted code maps nowhere.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "../../os/boot/typescript.js";
import { allocTags } from "./alloc-tags.js";
import { functionIds } from "./function-ids.js";
import type { ModulePlan } from "./plan.js";
import { quiescence } from "./quiescence.js";
import { RESERVED_PREFIX, RUNTIME_MODULE, runtimeBinding } from "./runtime-binding.js";
import { stateAccessors } from "./state-accessors.js";

export interface InstrumentedModule {
  /** Relative to the OS root ("servers/pm/main.ts"), or "proteos:rt" for the runtime. */
  path: string;
  /** CommonJS body, run inside `(function (exports, require, module) {…})`. */
  code: string;
  /** Source map v3 (JSON) from `code` to the .ts source; `sources` holds its path. */
  map: string;
  /** sha256 (hex) of the .ts source. */
  sourceHash: string;
}

/** One concern's rewriting of a module, by its plan. */
export type Pass = (plan: ModulePlan) => ts.TransformerFactory<ts.SourceFile>;

/** Every pass, in the order they run. */
export const PASSES: readonly Pass[] = [stateAccessors, functionIds, allocTags, quiescence];

/** The plain build's compiler options, with the source map apart from the code. */
const COMPILER_OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true };

/** The runtime's source, relative to the repository (it is not part of any OS tree). */
const RUNTIME_SOURCE = "instrumenter/rt/rt.ts";
const RUNTIME_FILE = fileURLToPath(new URL("../rt/rt.ts", import.meta.url));

/** The module of `plan`, rewritten by `passes` (all by default; tests run one at a time). */
export function emitModule(plan: ModulePlan, passes: readonly Pass[] = PASSES): InstrumentedModule {
  return compile(plan.path, plan.path, plan.source, [...passes.map((pass) => pass(plan)), runtimeBinding]);
}

/**
 * The directory, among module paths, of the plain copies of modules: a user program is
 * never updated live, so it runs the plain build's code (see ./index.ts). Reserved, like
 * every name starting with `__rt`.
 */
export const PLAIN_DIR = `${RESERVED_PREFIX}_plain`;

/** The path of the plain copy of `modulePath`. */
export function plainModulePath(modulePath: string): string {
  return `${PLAIN_DIR}/${modulePath}`;
}

/** Whether `modulePath` names a plain copy. */
export function isPlainCopy(modulePath: string): boolean {
  return modulePath.startsWith(`${PLAIN_DIR}/`);
}

/** The source module a module path was compiled from: itself, or the module a plain copy copies. */
export function sourceModulePath(modulePath: string): string {
  return isPlainCopy(modulePath) ? modulePath.slice(PLAIN_DIR.length + 1) : modulePath;
}

/** The plain copy of a module: compiled as the plain build compiles it. */
export function emitPlain(modulePath: string, source: string): InstrumentedModule {
  return compile(plainModulePath(modulePath), modulePath, source, []);
}

/** The runtime module, "proteos:rt", compiled as it is. */
export function emitRuntime(): InstrumentedModule {
  return compile(RUNTIME_MODULE, RUNTIME_SOURCE, fs.readFileSync(RUNTIME_FILE, "utf8"), []);
}

function compile(modulePath: string, sourcePath: string, source: string,
  before: Array<ts.TransformerFactory<ts.SourceFile>>): InstrumentedModule {
  const out = ts.transpileModule(source, {
    fileName: sourcePath, compilerOptions: COMPILER_OPTIONS, transformers: { before }, reportDiagnostics: false,
  });
  const map = JSON.parse(out.sourceMapText!) as { file: string; sources: string[] };
  map.file = sourcePath.replace(/\.ts$/, ".js");
  map.sources = [sourcePath];
  return {
    path: modulePath,
    code: out.outputText.replace(/\/\/# sourceMappingURL=\S*\s*$/, ""),
    map: JSON.stringify(map),
    sourceHash: createHash("sha256").update(source).digest("hex"),
  };
}
