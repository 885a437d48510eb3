/**
 * manifest.json: the table of contents of an instrumented build, written last by
 * `buildOs` and validated (with the content hash of every file it names) by `BuildImage`
 * before anything of the build runs.
 *
 * Layout of a build directory:
 *   manifest.json                        this file
 *   modules/<path without .ts>.js        a module's instrumented code (CommonJS body), shared by programs
 *   modules/__rt_plain/<path…>.js        a module's plain code, for the user programs (USER_PROGRAMS in
 *                                        boot/programs.ts; ../transform/index.ts): module path "__rt_plain/<path>"
 *   modules/<path without .ts>.js.map    its source map (v3) back to the .ts source
 *   modules/proteos%3Art.js(.map)        the instrumentation runtime, module "proteos:rt"
 *   programs/<name>/metadata.json        a program's state metadata (../metadata/schema.ts)
 *
 * Manifest (schemaVersion 1):
 *   instrumenterVersion   fingerprint of the instrumenter that wrote the build (./version.ts)
 *   osRoot                absolute path of the OS tree built; module paths are relative to it
 *   runtime               { sourceHash, codeHash, mapHash } of "proteos:rt"
 *   modules{path}         { sourceHash, codeHash, mapHash } of every module some program loads
 *   typeSources{path}     sourceHash of modules a program's code depends on only for their types
 *                         (`import type`): they never run, but their types shape tags and metadata
 *   programs{name}        { entry, modules (the module set, entry first), typeModules, metadataHash }
 * Every hash is the sha256 (hex) of a file's bytes: sources for sourceHash, outputs for the rest.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { formatPath } from "../metadata/schema.js";
import { RUNTIME_MODULE } from "../transform/runtime-binding.js";

export const MANIFEST_SCHEMA_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
export { RUNTIME_MODULE };

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 digest (64 hex digits)");

/**
 * A module path relative to the OS root: "/"-separated names of safe characters, none
 * "." or "..", ending in ".ts". A manifest can name no file outside its build directory,
 * and no module file can collide with the runtime's.
 */
const ModulePathSchema = z.string().regex(/^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.ts$/,
  "expected a module path relative to the OS root, e.g. \"servers/pm/main.ts\"");

const ProgramNameSchema = z.string().regex(/^[\w-]+$/, "expected a program name of letters, digits, '_' and '-'");

const OutputSchema = z.strictObject({
  /** The .ts source it was built from. */
  sourceHash: Sha256Schema,
  /** The .js file. */
  codeHash: Sha256Schema,
  /** The .js.map file. */
  mapHash: Sha256Schema,
});
export type ModuleOutput = z.infer<typeof OutputSchema>;

const ProgramSchema = z.strictObject({
  entry: ModulePathSchema,
  /** The modules loaded into the program's process: the entry first, then the others sorted. */
  modules: z.array(ModulePathSchema).min(1),
  /** Modules imported only for their types, sorted. */
  typeModules: z.array(ModulePathSchema),
  /** Of programs/<name>/metadata.json. */
  metadataHash: Sha256Schema,
});
export type ProgramEntry = z.infer<typeof ProgramSchema>;

export const ManifestSchema = z.strictObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  instrumenterVersion: Sha256Schema,
  osRoot: z.string().refine((p) => path.isAbsolute(p), "expected an absolute path"),
  runtime: OutputSchema,
  modules: z.record(ModulePathSchema, OutputSchema),
  typeSources: z.record(ModulePathSchema, Sha256Schema),
  programs: z.record(ProgramNameSchema, ProgramSchema),
}).superRefine((m, ctx) => {
  for (const [name, p] of Object.entries(m.programs)) {
    if (p.modules[0] !== p.entry) {
      ctx.addIssue({ code: "custom", path: ["programs", name, "modules", 0], message: `the entry "${p.entry}" must come first` });
    }
    p.modules.forEach((mod, i) => {
      if (!Object.hasOwn(m.modules, mod)) ctx.addIssue({ code: "custom", path: ["programs", name, "modules", i], message: `module "${mod}" is not in modules` });
    });
    p.typeModules.forEach((mod, i) => {
      if (!Object.hasOwn(m.typeSources, mod)) ctx.addIssue({ code: "custom", path: ["programs", name, "typeModules", i], message: `module "${mod}" is not in typeSources` });
    });
  }
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** "servers/pm/main.ts" -> "modules/servers/pm/main.js"; "proteos:rt" -> "modules/proteos%3Art.js" (":" is no file name everywhere). */
export function moduleFile(modulePath: string): string {
  return `modules/${modulePath.replace(/\.ts$/, "").split("/").map(encodeURIComponent).join("/")}.js`;
}

export function mapFile(modulePath: string): string {
  return `${moduleFile(modulePath)}.map`;
}

export function metadataFile(program: string): string {
  return `programs/${program}/metadata.json`;
}

/** A build directory that cannot be used: missing, corrupt or modified after it was written. The message names the file. */
export class CorruptBuildError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}; rebuild it with \`proteos build\``);
    this.name = "CorruptBuildError";
  }
}

/** Read and validate the manifest of the build in `outDir`. */
export function readManifest(outDir: string): Manifest {
  const file = path.join(outDir, MANIFEST_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new CorruptBuildError(file, "no build manifest (not a build directory, or its build never finished)");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CorruptBuildError(file, `not valid JSON (${(e as Error).message})`);
  }
  const result = validateManifest(json);
  if ("issues" in result) throw new CorruptBuildError(file, `not a valid build manifest: ${result.issues.join("; ")}`);
  return result.manifest;
}

/** The manifest if `json` is one, else its first problems ("path: message"). */
export function validateManifest(json: unknown): { manifest: Manifest } | { issues: string[] } {
  const result = ManifestSchema.safeParse(json);
  if (result.success) return { manifest: result.data };
  return { issues: result.error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`) };
}

/** The text of the build file `rel` if it exists and has content hash `expected`, else what is wrong with it. */
export function readChecked(outDir: string, rel: string, expected: string): { text: string } | { problem: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(outDir, rel));
  } catch {
    return { problem: "missing" };
  }
  const actual = sha256(bytes);
  if (actual !== expected) {
    return { problem: `content hash mismatch (manifest says ${expected.slice(0, 12)}…, file has ${actual.slice(0, 12)}…)` };
  }
  return { text: bytes.toString("utf8") };
}

/**
 * What identifies a program's version: the code of every module it loads (the runtime
 * included) and its state metadata. Independent of where the tree was built (outputs do
 * not depend on the OS root), so the same source gives the same fingerprint anywhere.
 */
export function programFingerprint(p: { modules: readonly string[]; codeHash: (module: string) => string;
  runtimeCodeHash: string; metadataHash: string }): string {
  const lines = p.modules.map((m) => `${m} ${p.codeHash(m)}`);
  return sha256([`${RUNTIME_MODULE} ${p.runtimeCodeHash}`, ...lines, `metadata ${p.metadataHash}`].join("\n"));
}
