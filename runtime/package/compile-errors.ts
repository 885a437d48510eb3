/**
 * Source that does not compile, as `proteos diff` reports it: every error on a line of
 * its own, "file:line:column: message", the file as the user named the tree (so it can
 * be opened from the terminal).
 */
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";
import { PackageError } from "./format.js";

/** A tree or transformer that does not compile; `errors` are the formatted lines. */
export class CompileError extends PackageError {
  constructor(what: string, readonly errors: readonly string[]) {
    super(`${what}: ${errors.length} error${errors.length === 1 ? "" : "s"}\n${errors.map((e) => `  ${e.replaceAll("\n", "\n    ")}`).join("\n")}`);
    this.name = "CompileError";
  }
}

/**
 * "fixtures/v2/update/store.ts:9:7: error TS2339: Property 'toFixed' does not exist…":
 * a file under `root` is shown under `shownRoot` (how the user names the tree).
 */
export function formatTsDiagnostic(d: ts.Diagnostic, root: string, shownRoot: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${showPath(d.file.fileName, root, shownRoot)}:${line + 1}:${character + 1}: error TS${d.code}: ${message}`;
}

/** `file` (absolute) as the user would name it: under `shownRoot` when it is inside `root`. */
export function showPath(file: string, root: string, shownRoot: string): string {
  const rel = path.relative(root, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return path.join(shownRoot, rel).split(path.sep).join("/");
}
