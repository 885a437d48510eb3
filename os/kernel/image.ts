/**
 * Where process code comes from. The kernel loads programs through this interface
 * and never compiles anything itself; a plain build transpiles the TypeScript
 * sources, an instrumented build reads a build directory.
 */
export interface ModuleCode {
  /** Module path relative to the OS root, e.g. "lib/ipc.ts". */
  path: string;
  /** CommonJS body: runs with `exports`, `require`, `module` in scope. */
  code: string;
  /** File name shown in stack traces. */
  filename: string;
}

export interface ImageSource {
  /** A short name for reports ("plain", "instrumented"). */
  readonly kind: string;
  /** Module path of a program's entry module, or undefined if there is no such program. */
  program(name: string): string | undefined;
  /** Resolve `spec` imported by module `from` to a module path, or undefined if not loadable. */
  resolve(from: string, spec: string): string | undefined;
  /** The code of a module. Throws if it cannot be produced. */
  load(path: string): ModuleCode;
  /** The names of all programs. */
  programs(): string[];
  /** Rewrite a stack trace's locations to the original sources, when the code was generated. */
  mapStack?(stack: string): string;
}
