/**
 * `buildOs`: the instrumented build of an OS tree into a build directory (layout and
 * manifest in ./manifest.ts), incremental by program.
 *
 * A program is reused from the previous build, without analysing it again, when the
 * instrumenter version and its entry are unchanged, the sources of its module set and of
 * the modules it imports only for types all have the hashes the manifest recorded, and
 * every output file it needs (its modules' code and maps, its metadata, the runtime)
 * still has the recorded content hash. The others are instrumented together on one
 * ts.Program; when every program is reused, none is created.
 *
 * A build with diagnostics writes nothing: the previous build stays current. Otherwise
 * the old manifest is removed before the first file is written and the new one is
 * written last (atomically), so a build directory with a manifest is always whole.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "../../os/boot/typescript.js";
import { compareDiagnostics, type Diagnostic } from "../analyze/diagnostics.js";
import { readProgramTable, readUserPrograms } from "../analyze/program.js";
import { instrumentOs, type InstrumentResult, plainModulePath, sourceModulePath } from "../transform/index.js";
import { relativeModulePath } from "../../os/boot/plain-image.js";
import {
  MANIFEST_FILE, MANIFEST_SCHEMA_VERSION, type Manifest, type ModuleOutput, type ProgramEntry, mapFile, metadataFile,
  moduleFile, readChecked, readManifest, RUNTIME_MODULE, sha256, validateManifest,
} from "./manifest.js";
import { instrumenterVersion } from "./version.js";

export interface BuildOptions {
  /** Rebuild every program even if the previous build could be reused. */
  force?: boolean;
}

export interface ProgramBuild {
  name: string;
  entry: string;
  /** Modules loaded into its process. */
  modules: number;
  metadataBytes: number;
  reused: boolean;
}

export interface BuildReport {
  /** False when there were diagnostics: nothing was written. */
  ok: boolean;
  osRoot: string;
  outDir: string;
  /** In the order of the program table. */
  programs: ProgramBuild[];
  rebuilt: string[];
  reused: string[];
  /** Module paths whose code or map was (re)written, "proteos:rt" included. */
  modulesWritten: string[];
  /** Sorted by file, line and column. */
  diagnostics: Diagnostic[];
  timings: {
    /** Checking the previous build's sources and outputs. */
    checkMs: number;
    instrumentMs: number;
    writeMs: number;
    totalMs: number;
  };
}

export function buildOs(osRoot: string, outDir: string, opts: BuildOptions = {}): BuildReport {
  const started = performance.now();
  const root = path.resolve(osRoot);
  const out = path.resolve(outDir);
  const table = readProgramTable(root);
  const users = readUserPrograms(root, table);
  const names = Object.keys(table);
  const version = instrumenterVersion();
  const outputs = new OutputCheck(out);
  const sources = new SourceHashes(root);

  const previous = opts.force ? undefined : previousManifest(out, root, version, outputs);
  /** Program name -> its metadata's size. */
  const reused = new Map<string, number>();
  for (const name of names) {
    const entry = users.has(name) ? plainModulePath(table[name]!) : table[name]!;
    const bytes = previous && reusedMetadataBytes(previous, name, entry, sources, outputs);
    if (bytes !== undefined) reused.set(name, bytes);
  }
  const rebuilt = names.filter((n) => !reused.has(n));
  const checked = performance.now();

  const result = rebuilt.length > 0 ? instrumentOs(root, rebuilt) : undefined;
  // A module several programs load has its diagnostics in each: list them once.
  const diagnostics = [...result?.programs.values() ?? []].flatMap((p) => p.diagnostics).sort(compareDiagnostics)
    .filter((d, i, all) => i === 0 || compareDiagnostics(d, all[i - 1]!) !== 0);
  const instrumented = performance.now();

  const report = (ok: boolean, programs: ProgramBuild[], modulesWritten: string[]): BuildReport => ({
    ok, osRoot: root, outDir: out, programs, rebuilt, reused: [...reused.keys()], modulesWritten, diagnostics,
    timings: {
      checkMs: round(checked - started), instrumentMs: round(instrumented - checked),
      writeMs: round(performance.now() - instrumented), totalMs: round(performance.now() - started),
    },
  });
  if (diagnostics.length > 0) return report(false, [], []);

  const next = nextBuild(root, version, table, previous, result, sources);
  // Names the manifest cannot hold (a program "../x", a module "my file.ts") would write outside the build or be refused on load.
  const invalid = validateManifest(next.manifest);
  if ("issues" in invalid) throw new Error(`${root} cannot be built: ${invalid.issues.join("; ")}`);
  const modulesWritten = writeBuild(out, previous, next, outputs);
  const programs = names.map((name): ProgramBuild => ({
    name, entry: table[name]!, modules: next.manifest.programs[name]!.modules.length, reused: reused.has(name),
    metadataBytes: reused.get(name) ?? Buffer.byteLength(next.files.get(metadataFile(name))!),
  }));
  return report(true, programs, modulesWritten);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** sha256 of the current source files of the OS tree (undefined: missing), each read once. */
class SourceHashes {
  private hashes = new Map<string, string | undefined>();
  constructor(private root: string) {}

  of(modulePath: string): string | undefined {
    if (!this.hashes.has(modulePath)) {
      let hash: string | undefined;
      try {
        hash = sha256(fs.readFileSync(path.join(this.root, modulePath)));
      } catch {
        hash = undefined;
      }
      this.hashes.set(modulePath, hash);
    }
    return this.hashes.get(modulePath);
  }
}

/** Whether files of the build directory have the content hash the manifest expects, each checked once. */
class OutputCheck {
  private results = new Map<string, { text: string } | { problem: string }>();
  constructor(private out: string) {}

  /** The file's text if it has hash `expected`. */
  text(rel: string, expected: string): string | undefined {
    const key = `${rel}\0${expected}`;
    let r = this.results.get(key);
    if (!r) this.results.set(key, (r = readChecked(this.out, rel, expected)));
    return "text" in r ? r.text : undefined;
  }

  intact(modulePath: string, o: ModuleOutput): boolean {
    return this.text(moduleFile(modulePath), o.codeHash) !== undefined && this.text(mapFile(modulePath), o.mapHash) !== undefined;
  }
}

/** The previous build's manifest, if its programs may be reused: same instrumenter, same OS tree, runtime intact. */
function previousManifest(out: string, root: string, version: string, outputs: OutputCheck): Manifest | undefined {
  let m: Manifest;
  try {
    m = readManifest(out);
  } catch {
    return undefined; // no build yet, or a broken one: everything is rebuilt
  }
  return m.instrumenterVersion === version && m.osRoot === root && outputs.intact(RUNTIME_MODULE, m.runtime) ? m : undefined;
}

/** The size of a program's metadata if it can be reused from `prev` as it is; undefined if it must be rebuilt. */
function reusedMetadataBytes(prev: Manifest, name: string, entry: string, sources: SourceHashes, outputs: OutputCheck): number | undefined {
  const p = Object.hasOwn(prev.programs, name) ? prev.programs[name] : undefined;
  if (!p || p.entry !== entry) return undefined; // another entry, or built plain where it is not now (or the other way)
  const modulesOk = p.modules.every((m) => {
    const o = prev.modules[m]!;
    return sources.of(sourceModulePath(m)) === o.sourceHash && outputs.intact(m, o);
  });
  if (!modulesOk || !p.typeModules.every((m) => sources.of(m) === prev.typeSources[m])) return undefined;
  const metadata = outputs.text(metadataFile(name), p.metadataHash);
  return metadata === undefined ? undefined : Buffer.byteLength(metadata);
}

interface NextBuild {
  manifest: Manifest;
  /** Output files produced by this run, relative to the build directory -> content. */
  files: Map<string, string>;
}

/** The new manifest: reused programs as they were, rebuilt ones from the instrumenter's result. */
function nextBuild(root: string, version: string, table: Record<string, string>, prev: Manifest | undefined,
  result: InstrumentResult | undefined, sources: SourceHashes): NextBuild {
  const files = new Map<string, string>();
  const modules: Record<string, ModuleOutput> = {};
  const typeSources: Record<string, string> = {};
  const programs = new Map<string, ProgramEntry>();
  const produce = (modulePath: string, code: string, map: string, sourceHash: string): ModuleOutput => {
    files.set(moduleFile(modulePath), code);
    files.set(mapFile(modulePath), map);
    return { sourceHash, codeHash: sha256(code), mapHash: sha256(map) };
  };
  const importsOf = runtimeAndTypeImports(root);
  // Rebuilt programs first: a module they share with a reused one gets this run's output.
  for (const built of result?.programs.values() ?? []) {
    const entry = built.entry;
    const moduleSet = [entry, ...built.modules.filter((m) => m !== entry).sort()];
    for (const m of moduleSet) {
      const im = result!.modules.get(m)!;
      modules[m] ??= produce(m, im.code, im.map, im.sourceHash);
    }
    const typeModules = typeOnlyModules(moduleSet.map(sourceModulePath), importsOf).filter((m) => sources.of(m) !== undefined);
    for (const m of typeModules) typeSources[m] = sources.of(m)!;
    const metadata = `${JSON.stringify(built.metadata)}\n`;
    files.set(metadataFile(built.name), metadata);
    programs.set(built.name, { entry, modules: moduleSet, typeModules, metadataHash: sha256(metadata) });
  }
  for (const name of Object.keys(table).filter((n) => !programs.has(n))) {
    const p = prev!.programs[name]!;
    for (const m of p.modules) modules[m] ??= prev!.modules[m]!;
    for (const m of p.typeModules) typeSources[m] ??= prev!.typeSources[m]!;
    programs.set(name, p);
  }
  const runtime = result ? produce(RUNTIME_MODULE, result.runtime.code, result.runtime.map, result.runtime.sourceHash) : prev!.runtime;
  return {
    manifest: {
      schemaVersion: MANIFEST_SCHEMA_VERSION, instrumenterVersion: version, osRoot: root, runtime,
      modules: sortedRecord(modules), typeSources: sortedRecord(typeSources),
      programs: Object.fromEntries(Object.keys(table).map((n) => [n, programs.get(n)!])),
    },
    files,
  };
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every module a module imports, for values or only for types, read with the parser's pre-pass (no ts.Program). */
function runtimeAndTypeImports(root: string): (modulePath: string) => string[] {
  const cache = new Map<string, string[]>();
  return (modulePath) => {
    let found = cache.get(modulePath);
    if (!found) {
      let text = "";
      try {
        text = fs.readFileSync(path.join(root, modulePath), "utf8");
      } catch {
        // a module that vanished since it was instrumented imports nothing; its hash no longer matches anyway
      }
      found = ts.preProcessFile(text, true, true).importedFiles
        .map((f) => relativeModulePath(modulePath, f.fileName))
        .filter((p): p is string => p !== undefined && fs.existsSync(path.join(root, p)));
      cache.set(modulePath, found);
    }
    return found;
  };
}

/** The modules reachable from `modules` through imports that are not themselves loaded: imported only for types. Sorted. */
function typeOnlyModules(modules: string[], importsOf: (modulePath: string) => string[]): string[] {
  const loaded = new Set(modules);
  const seen = new Set(modules);
  const pending = [...modules];
  const typeOnly: string[] = [];
  for (let m = pending.pop(); m !== undefined; m = pending.pop()) {
    for (const dep of importsOf(m)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      pending.push(dep);
      if (!loaded.has(dep)) typeOnly.push(dep);
    }
  }
  return typeOnly.sort();
}

/**
 * Write the files whose content changed, drop those the new build no longer has, then
 * the manifest. Returns the module paths whose code or map was written.
 */
function writeBuild(out: string, prev: Manifest | undefined, next: NextBuild, outputs: OutputCheck): string[] {
  const manifestText = `${JSON.stringify(next.manifest, null, 2)}\n`;
  const manifestPath = path.join(out, MANIFEST_FILE);
  const changed = [...next.files].filter(([rel, text]) => outputs.text(rel, sha256(text)) === undefined);
  const stale = prev ? staleFiles(prev, next.manifest) : [];
  if (changed.length === 0 && stale.length === 0 && outputs.text(MANIFEST_FILE, sha256(manifestText)) !== undefined) return [];

  fs.rmSync(manifestPath, { force: true });
  for (const [rel, text] of changed) {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  for (const rel of stale) fs.rmSync(path.join(out, rel), { force: true, recursive: true });
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, manifestText);
  fs.renameSync(tmp, manifestPath);

  const written = new Set(changed.map(([rel]) => rel));
  return [RUNTIME_MODULE, ...Object.keys(next.manifest.modules)]
    .filter((m) => written.has(moduleFile(m)) || written.has(mapFile(m)));
}

/** Output files (relative paths) of `prev` that `next` does not have: modules no program loads, programs gone. */
function staleFiles(prev: Manifest, next: Manifest): string[] {
  const modules = Object.keys(prev.modules).filter((m) => !Object.hasOwn(next.modules, m)).flatMap((m) => [moduleFile(m), mapFile(m)]);
  const programs = Object.keys(prev.programs).filter((p) => !Object.hasOwn(next.programs, p)).map((p) => path.dirname(metadataFile(p)));
  return [...modules, ...programs];
}
