/**
 * The instrumenter's code-rewriting passes over an OS tree: each module of each
 * program compiled to CommonJS with its instrumentation (state accessors, function
 * identities, allocation-site tags, quiescence hooks; see instrumenter/README.md), its
 * source map, and each program's metadata (the analysis, with the types of the tags).
 *
 *   instrumentOs(osRoot)                        every program of boot/programs.ts, one ts.Program
 *   instrumentSource(fileName, source, osRoot)  one module (a build plugin's transform)
 *
 * A module several programs load is planned and emitted once: its code is the same
 * for all of them (tags name types by their stable ids).
 *
 * A program boot/programs.ts lists in USER_PROGRAMS runs only as a user process, which
 * live update never replaces: instrumenting it would cost run time and buy nothing. It
 * runs plain copies of its modules, compiled as the plain build compiles them, under
 * PLAIN_DIR (`__rt_plain/lib/ipc.ts`), so that a module it shares with a server exists
 * in both forms. Its metadata is written all the same (an update package describes every
 * program it changes). One holding an update point is refused: it could be updated.
 */
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";
import { analyzeOs, analyzeProgram, type Diagnostic } from "../analyze/index.js";
import { compareDiagnostics, relativeToRoot } from "../analyze/diagnostics.js";
import { analysisContext, createCompilerHost, createProgram, programsFile, readProgramTable, readUserPrograms } from "../analyze/program.js";
import type { Metadata } from "../metadata/schema.js";
import { emitModule, emitPlain, emitRuntime, type InstrumentedModule, plainModulePath } from "./emit.js";
import { type ModulePlan, planModule } from "./plan.js";

export type { InstrumentedModule } from "./emit.js";
export { isPlainCopy, PLAIN_DIR, plainModulePath, sourceModulePath } from "./emit.js";
export { mapStack } from "./stack.js";

export interface InstrumentedProgram {
  name: string;
  /** Its entry module, relative to the OS root (under PLAIN_DIR for a program built plain). */
  entry: string;
  /** The modules loaded into its process: the entry first, then the others sorted (plain copies for a program built plain). */
  modules: string[];
  metadata: Metadata;
  /** The analysis's and the passes' diagnostics, sorted; the program is usable only when there are none. */
  diagnostics: Diagnostic[];
}

export interface InstrumentResult {
  /** By module path: every module some program loads. */
  modules: Map<string, InstrumentedModule>;
  /** By program name, in the order of the program table. */
  programs: Map<string, InstrumentedProgram>;
  /** The runtime, path "proteos:rt". */
  runtime: InstrumentedModule;
}

/** Instrument the programs `only` names (default: all of boot/programs.ts) of the OS tree at `osRoot`. */
export function instrumentOs(osRoot: string, only?: string[]): InstrumentResult {
  const root = path.resolve(osRoot);
  const table = readProgramTable(root);
  const unknown = (only ?? []).filter((name) => !Object.hasOwn(table, name));
  if (unknown.length > 0) throw new Error(`no program ${unknown.map((n) => `"${n}"`).join(", ")} in ${programsFile(root)}`);
  const chosen = Object.fromEntries(Object.entries(table).filter(([name]) => !only || only.includes(name)));
  const users = readUserPrograms(root, table);
  const program = createProgram(Object.values(chosen).map((entry) => path.join(root, entry)));
  const ctx = analysisContext(root, program);

  const plans = new Map<string, ModulePlan>();
  const modules = new Map<string, InstrumentedModule>();
  const programs = new Map<string, InstrumentedProgram>();
  for (const [name, analysis] of analyzeOs(root, chosen, { program, allocationSites: true })) {
    const diagnostics = [...analysis.diagnostics];
    const plain = users.has(name);
    const held = analysis.metadata.modules.flatMap((m) => m.updatePoints.map((u) => u.function));
    if (plain && held.length > 0) {
      throw new Error(`${programsFile(root)}: USER_PROGRAMS lists "${name}", which holds an update point `
        + `(${held.join(", ")}): live update could replace it, so it must be instrumented`);
    }
    for (const { path: modulePath } of analysis.metadata.modules) {
      const sf = program.getSourceFile(path.join(root, modulePath))!;
      if (plain) {
        if (!modules.has(plainModulePath(modulePath))) modules.set(plainModulePath(modulePath), emitPlain(modulePath, sf.text));
        continue;
      }
      let plan = plans.get(modulePath);
      if (!plan) {
        plan = planModule(ctx, sf, analysis.allocationSites);
        plans.set(modulePath, plan);
        modules.set(modulePath, emitModule(plan));
      }
      diagnostics.push(...plan.diagnostics);
    }
    const copy = plain ? plainModulePath : (m: string) => m;
    const entry = copy(chosen[name]!);
    const others = analysis.metadata.modules.map((m) => copy(m.path)).filter((p) => p !== entry);
    programs.set(name, {
      name, entry, modules: analysis.metadata.modules.length > 0 ? [entry, ...others] : [], metadata: analysis.metadata,
      diagnostics: diagnostics.sort(compareDiagnostics),
    });
  }
  return { modules, programs, runtime: emitRuntime() };
}

/**
 * Instrument one module of the OS tree at `osRoot`: `fileName` (absolute, or relative
 * to the root) with the text `source`, which may differ from the file's. Its program
 * (it and what it imports) is analysed for the types of its tags.
 */
export function instrumentSource(fileName: string, source: string, osRoot: string): InstrumentedModule {
  return emitModule(planSource(fileName, source, osRoot));
}

/** The plan of one module, as instrumentSource makes it (tests run the passes on it one at a time). */
export function planSource(fileName: string, source: string, osRoot: string): ModulePlan {
  const root = path.resolve(osRoot);
  const file = path.resolve(root, fileName);
  const modulePath = relativeToRoot(root, file);
  const program = createProgram([file], hostWithSource(file, source));
  const analysis = analyzeProgram(root, modulePath, modulePath, { program, allocationSites: true });
  return planModule(analysisContext(root, program), program.getSourceFile(file)!, analysis.allocationSites);
}

/** Parsed sources by file name, shared by the programs instrumentSource makes while a file's text stays the same. */
const parsedSources = new Map<string, ts.SourceFile>();

/** The file system, but `file` reads as `source`; unchanged files are parsed once across calls. */
function hostWithSource(file: string, source: string): ts.CompilerHost {
  const base = createCompilerHost();
  const read = (name: string) => (name === file ? source : base.readFile(name));
  return {
    ...base,
    readFile: read,
    fileExists: (name) => name === file || base.fileExists(name),
    getSourceFile(name, languageVersion) {
      const text = read(name);
      if (text === undefined) return undefined;
      const known = parsedSources.get(name);
      if (known?.text === text) return known;
      const sf = ts.createSourceFile(name, text, languageVersion);
      parsedSources.set(name, sf);
      return sf;
    },
  };
}
