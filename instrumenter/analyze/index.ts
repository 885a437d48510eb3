/**
 * The state analysis of the instrumenter: for a program of the OS, the type metadata of
 * all its state (metadata.json, see ../metadata/schema.ts) and the diagnostics about
 * state it cannot describe.
 *
 *   analyzeProgram(osRoot, "servers/pm/main.ts", "pm")   one program
 *   analyzeOs(osRoot)                                    every program of boot/programs.ts, one ts.Program
 *
 * With `allocationSites`, also the type of every allocation site of the program's
 * modules (./allocations.ts), added to the type table: what the instrumenter tags.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";
import {
  METADATA_SCHEMA_VERSION, type Metadata, type ModuleMetadata, type TypeId, type UpdatePoint,
} from "../metadata/schema.js";
import { type AllocationSite, collectAllocationSites } from "./allocations.js";
import { readAnnotations } from "./annotations.js";
import { closureStateDiagnostics } from "./closures.js";
import { compareDiagnostics, type Diagnostic, diagnosticAt } from "./diagnostics.js";
import { collectFunctionIdentities, type LocatedFunctionIdentity } from "./functions.js";
import {
  type AnalysisContext, analysisContext, collectModuleSet, createProgram, modulePathOf, readProgramTable,
} from "./program.js";
import { reportUndescribableState, type StateRoot } from "./reach.js";
import { lineOf, skipWrappers } from "./syntax.js";
import { createTypeDescriber } from "./types.js";
import { findEventLoops, findUpdatePoints, type LocatedUpdatePoint } from "./update-points.js";
import { collectModuleVariables } from "./variables.js";

export type { Diagnostic } from "./diagnostics.js";
export { formatDiagnostic } from "./diagnostics.js";
export { createProgram } from "./program.js";
export interface ProgramAnalysis {
  metadata: Metadata;
  /** Sorted by file, line and column; empty when all the state is described. */
  diagnostics: Diagnostic[];
  /**
   * With `allocationSites`: each tagged allocation site of the program's modules (object
   * and array literals, `new` Array, Map, Set) and the id of its type, which is in the
   * type table. Empty otherwise.
   */
  allocationSites: Map<ts.Node, TypeId>;
}

export interface AnalyzeOptions {
  /** A ts.Program that already holds the entry modules (e.g. shared by many analyses); else one is made. */
  program?: ts.Program;
  /** Also describe the type of every allocation site (see `ProgramAnalysis.allocationSites`). */
  allocationSites?: boolean;
}

/** What is found in each file once per analysis run, whichever programs share the file. */
interface PerFile {
  identitiesOf(sf: ts.SourceFile): LocatedFunctionIdentity[];
  updatePointsOf(sf: ts.SourceFile): UpdatePoint[];
  eventLoopsOf(sf: ts.SourceFile): LocatedUpdatePoint[];
  allocationSitesOf(sf: ts.SourceFile): AllocationSite[];
}

function perFileCache(ctx: AnalysisContext): PerFile {
  const cached = <T>(compute: (sf: ts.SourceFile) => T) => {
    const cache = new Map<ts.SourceFile, T>();
    return (sf: ts.SourceFile): T => {
      if (!cache.has(sf)) cache.set(sf, compute(sf));
      return cache.get(sf)!;
    };
  };
  const identitiesOf = cached((sf) => collectFunctionIdentities(sf, modulePathOf(ctx, sf)));
  /** Each update point with the identity of the function holding it (a field function's is its initializer). */
  const eventLoopsOf = cached((sf) => findEventLoops(ctx, sf));
  const updatePointsOf = cached((sf) => findUpdatePoints(ctx, sf, eventLoopsOf(sf)).map(({ call, holder }): UpdatePoint => {
    const { line, character } = sf.getLineAndCharacterOfPosition(call.getStart(sf));
    const identity = identitiesOf(sf).find(({ node }) => node === holder
      || (ts.isPropertyDeclaration(node) && node.initializer !== undefined && skipWrappers(node.initializer) === holder));
    return { function: identity?.identity.qualifiedName ?? null, line: line + 1, column: character + 1 };
  }));
  return {
    identitiesOf, updatePointsOf, eventLoopsOf,
    allocationSitesOf: cached((sf) => collectAllocationSites(ctx, sf)),
  };
}

function uniqueSorted(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort(compareDiagnostics);
  return sorted.filter((d, i) => i === 0 || compareDiagnostics(d, sorted[i - 1]!) !== 0);
}

function analyzeInContext(ctx: AnalysisContext, entryModule: string, programName: string, perFile: PerFile,
  options: AnalyzeOptions): ProgramAnalysis {
  const { identitiesOf } = perFile;
  const moduleSet = collectModuleSet(ctx, entryModule);
  const diagnostics = [...moduleSet.diagnostics];
  const methodsOf = (cls: ts.ClassLikeDeclaration) =>
    identitiesOf(cls.getSourceFile()).filter((f) => f.node.parent === cls).map((f) => f.identity.qualifiedName);
  const describer = createTypeDescriber(ctx, methodsOf);
  const roots: StateRoot[] = [];
  const allocationSites = new Map<ts.Node, TypeId>();

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
    if (options.allocationSites) {
      for (const site of perFile.allocationSitesOf(sf)) {
        const type = describer.use(site.type);
        if (site.kind !== "class") allocationSites.set(site.node, type);
      }
    }
    return {
      path: modulePath,
      sha256: createHash("sha256").update(sf.text).digest("hex"),
      imports: moduleSet.imports.get(modulePath) ?? [],
      variables,
      functions: identitiesOf(sf).map((f) => f.identity),
      updatePoints: perFile.updatePointsOf(sf),
    };
  });

  const table = describer.finish();
  diagnostics.push(...table.diagnostics, ...reportUndescribableState(ctx.osRoot, roots, table));
  if (modules.every((m) => m.updatePoints.length === 0)) {
    const loop = moduleSet.modules.flatMap(perFile.eventLoopsOf)[0];
    if (loop) {
      diagnostics.push(diagnosticAt(ctx.osRoot, loop.call, "no-update-point",
        `${programName} waits for requests in an event loop here, but has no update point: the loop is in a function `
        + "the program calls, a method or a closure, so live update could never find it between requests",
        "write the loop in the exported entry function (main), which only the kernel calls"));
    }
  }
  return {
    metadata: {
      schemaVersion: METADATA_SCHEMA_VERSION,
      program: programName,
      entryModule,
      modules: modules.sort((a, b) => (a.path < b.path ? -1 : 1)),
      types: table.types,
    },
    diagnostics: uniqueSorted(diagnostics),
    allocationSites,
  };
}

/** Analyse one program: `entryModule` relative to `osRoot`, e.g. "servers/pm/main.ts". */
export function analyzeProgram(osRoot: string, entryModule: string, programName: string, options: AnalyzeOptions = {}): ProgramAnalysis {
  const ctx = analysisContext(osRoot, options.program ?? createProgram([path.join(path.resolve(osRoot), entryModule)]));
  return analyzeInContext(ctx, entryModule, programName, perFileCache(ctx), options);
}

/** Analyse every program of an OS tree (by default those of its boot/programs.ts) on one ts.Program. */
export function analyzeOs(osRoot: string, programs: Record<string, string> = readProgramTable(osRoot),
  options: AnalyzeOptions = {}): Map<string, ProgramAnalysis> {
  const root = path.resolve(osRoot);
  const ctx = analysisContext(root, options.program ?? createProgram(Object.values(programs).map((entry) => path.join(root, entry))));
  const perFile = perFileCache(ctx);
  return new Map(Object.entries(programs).map(([name, entry]) => [name, analyzeInContext(ctx, entry, name, perFile, options)]));
}

