/**
 * The state analysis of the instrumenter: for a program of the OS, the type metadata of
 * all its state (metadata.json, see ../metadata/schema.ts) and the diagnostics about
 * state it cannot describe.
 *
 *   analyzeProgram(osRoot, "servers/pm/main.ts", "pm")   one program
 *   analyzeOs(osRoot)                                    every program of boot/programs.ts, one ts.Program
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type ts from "typescript";
import { METADATA_SCHEMA_VERSION, type Metadata, type ModuleMetadata } from "../metadata/schema.js";
import { readAnnotations } from "./annotations.js";
import { closureStateDiagnostics } from "./closures.js";
import { compareDiagnostics, type Diagnostic } from "./diagnostics.js";
import { collectFunctionIdentities, type LocatedFunctionIdentity } from "./functions.js";
import {
  type AnalysisContext, analysisContext, collectModuleSet, createProgram, modulePathOf, readProgramTable,
} from "./program.js";
import { reportUndescribableState, type StateRoot } from "./reach.js";
import { lineOf } from "./syntax.js";
import { createTypeDescriber } from "./types.js";
import { collectModuleVariables } from "./variables.js";

export type { Diagnostic } from "./diagnostics.js";
export { formatDiagnostic } from "./diagnostics.js";
export { createProgram } from "./program.js";
export interface ProgramAnalysis {
  metadata: Metadata;
  /** Sorted by file, line and column; empty when all the state is described. */
  diagnostics: Diagnostic[];
}

export interface AnalyzeOptions {
  /** A ts.Program that already holds the entry module (e.g. shared by many analyses); else one is made. */
  program?: ts.Program;
}

/** Function identities of a file, computed once per analysis run. */
type IdentitiesOf = (sf: ts.SourceFile) => LocatedFunctionIdentity[];

function identitiesCache(ctx: AnalysisContext): IdentitiesOf {
  const cache = new Map<ts.SourceFile, LocatedFunctionIdentity[]>();
  return (sf) => {
    let found = cache.get(sf);
    if (!found) cache.set(sf, found = collectFunctionIdentities(sf, modulePathOf(ctx, sf)));
    return found;
  };
}

function uniqueSorted(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort(compareDiagnostics);
  return sorted.filter((d, i) => i === 0 || compareDiagnostics(d, sorted[i - 1]!) !== 0);
}

function analyzeInContext(ctx: AnalysisContext, entryModule: string, programName: string, identitiesOf: IdentitiesOf): ProgramAnalysis {
  const moduleSet = collectModuleSet(ctx, entryModule);
  const diagnostics = [...moduleSet.diagnostics];
  const methodsOf = (cls: ts.ClassLikeDeclaration) =>
    identitiesOf(cls.getSourceFile()).filter((f) => f.node.parent === cls).map((f) => f.identity.qualifiedName);
  const describer = createTypeDescriber(ctx, methodsOf);
  const roots: StateRoot[] = [];

  const modules = moduleSet.modules.map((sf): ModuleMetadata => {
    const modulePath = modulePathOf(ctx, sf);
    const variables = collectModuleVariables(sf).map((v) => {
      const qualifiedName = `${modulePath}#${v.name}`;
      const { annotations, diagnostics: bad } = readAnnotations(ctx.osRoot, v.annotationHost, `variable \`${qualifiedName}\``, v.bindsSeveral);
      diagnostics.push(...bad);
      const type = describer.use(ctx.checker.getTypeAtLocation(v.typedNode), v.typeNode);
      roots.push({ qualifiedName, nameNode: v.nameNode, type, annotations });
      if (!annotations.transient) diagnostics.push(...closureStateDiagnostics(ctx, v, qualifiedName));
      return {
        name: v.name, qualifiedName, declaration: v.declaration, isConst: v.isConst, exported: v.exported, type,
        initializer: v.initializer?.getText() ?? null, bindingPath: v.bindingPath, line: lineOf(v.nameNode), annotations,
      };
    });
    return {
      path: modulePath,
      sha256: createHash("sha256").update(sf.text).digest("hex"),
      imports: moduleSet.imports.get(modulePath) ?? [],
      variables,
      functions: identitiesOf(sf).map((f) => f.identity),
    };
  });

  const table = describer.finish();
  diagnostics.push(...table.diagnostics, ...reportUndescribableState(ctx.osRoot, roots, table));
  return {
    metadata: {
      schemaVersion: METADATA_SCHEMA_VERSION,
      program: programName,
      entryModule,
      modules: modules.sort((a, b) => (a.path < b.path ? -1 : 1)),
      types: table.types,
    },
    diagnostics: uniqueSorted(diagnostics),
  };
}

/** Analyse one program: `entryModule` relative to `osRoot`, e.g. "servers/pm/main.ts". */
export function analyzeProgram(osRoot: string, entryModule: string, programName: string, options: AnalyzeOptions = {}): ProgramAnalysis {
  const ctx = analysisContext(osRoot, options.program ?? createProgram([path.join(path.resolve(osRoot), entryModule)]));
  return analyzeInContext(ctx, entryModule, programName, identitiesCache(ctx));
}

/** Analyse every program of an OS tree (by default those of its boot/programs.ts) on one ts.Program. */
export function analyzeOs(osRoot: string, programs: Record<string, string> = readProgramTable(osRoot)): Map<string, ProgramAnalysis> {
  const root = path.resolve(osRoot);
  const ctx = analysisContext(root, createProgram(Object.values(programs).map((entry) => path.join(root, entry))));
  const identitiesOf = identitiesCache(ctx);
  return new Map(Object.entries(programs).map(([name, entry]) => [name, analyzeInContext(ctx, entry, name, identitiesOf)]));
}

