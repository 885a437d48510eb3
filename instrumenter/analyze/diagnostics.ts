/**
 * Errors about state the analysis cannot describe. Each names the variable or field,
 * points at its declaration (file relative to the OS root, 1-based line and column)
 * and says how to fix it. Analysis goes on after one: all are collected.
 */
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";

export const DIAGNOSTIC_CODES = [
  /** A relative import that does not name a module of the OS tree (or a missing entry module). */
  "unresolved-import",
  /** State held in a closure's captured variables, or a function value with no identity. */
  "closure-state",
  /** any, unknown (or a type that did not resolve) without @opaque or @transient. */
  "untyped-state",
  /** A property or map key that is a symbol: symbols cannot be matched across versions. */
  "symbol-key",
  /** WeakMap or WeakSet without @transient: they cannot be enumerated. */
  "weak-collection",
  /** An instance of a class or interface declared outside the OS tree. */
  "foreign-class",
  /** A getter or setter whose value lives in a closure rather than in a field. */
  "hidden-accessor-state",
  /** A malformed or contradictory annotation. */
  "bad-annotation",
  /** The name the instrumented code declares in every module (`__rt`), used by the source. */
  "reserved-name",
  /** A thenable or a subclass of Promise: code waiting on it waits where the runtime cannot see. */
  "unseen-wait",
  /** Event loops, none of them in an entry function: the program has no update point. */
  "no-update-point",
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export interface Diagnostic {
  code: DiagnosticCode;
  /** Relative to the OS root, "/"-separated. */
  file: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

/** A path relative to the OS root, "/"-separated (outside the tree it starts with ".."). */
export function relativeToRoot(osRoot: string, fileName: string): string {
  return path.relative(osRoot, fileName).split(path.sep).join("/");
}

/** A diagnostic at the start of `node` (its name, for a declaration). */
export function diagnosticAt(osRoot: string, node: ts.Node, code: DiagnosticCode, message: string, hint: string): Diagnostic {
  const at = ts.getNameOfDeclaration(node as ts.Declaration) ?? node;
  const sf = at.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(at.getStart(sf));
  return { code, file: relativeToRoot(osRoot, sf.fileName), line: line + 1, column: character + 1, message, hint };
}

/** A diagnostic about a file as a whole (e.g. a missing module). */
export function diagnosticInFile(file: string, code: DiagnosticCode, message: string, hint: string): Diagnostic {
  return { code, file, line: 1, column: 1, message, hint };
}

/** `servers/pm/state.ts:12:3: error untyped-state: … \n  hint: …` */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: error ${d.code}: ${d.message}\n  hint: ${d.hint}`;
}

/** Stable order: by file, line, column, then code and message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.file, b.file) || a.line - b.line || a.column - b.column || text(a.code, b.code) || text(a.message, b.message);
}
