/**
 * The instrumenter as a bundler plugin (unplugin): a project's esbuild, Rollup or Vite
 * build instruments the OS modules it bundles (the .ts files under `osRoot`) as
 * `proteos build` does, each with its source map to the .ts, and bundles the runtime
 * they require ("proteos:rt").
 *
 *   esbuild.build({ plugins: [instrumenter.esbuild({ osRoot: "os" })], bundle: true, … })
 *   rollup({ plugins: [instrumenter.rollup({ osRoot: "os" }), commonjs({ extensions: [".js", ".ts"] })], … })
 *
 * Instrumented modules are CommonJS, as the kernel's loader runs them: esbuild bundles
 * CommonJS itself; Rollup and Vite need @rollup/plugin-commonjs after this plugin, with
 * ".ts" among its extensions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "../os/boot/typescript.js";
import { createUnplugin, type SourceMapCompact } from "unplugin";
import { instrumentSource } from "./transform/index.js";
import { RUNTIME_MODULE } from "./transform/runtime-binding.js";

export interface InstrumenterPluginOptions {
  /** The OS tree: every .ts module under it (outside node_modules) is instrumented. */
  osRoot: string;
}

/** The runtime's id in the bundle: "\0" marks a virtual module that no other plugin loads. */
const RUNTIME_ID = `\0${RUNTIME_MODULE}`;
const RUNTIME_SOURCE = fileURLToPath(new URL("./rt/rt.ts", import.meta.url));

export const instrumenter = createUnplugin((options: InstrumenterPluginOptions) => {
  const root = path.resolve(options.osRoot);
  const inTree = (file: string) => {
    const rel = path.relative(root, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) && !rel.split(path.sep).includes("node_modules");
  };
  /** The OS module `source` (imported from `importer`, or an entry point) names, if it is one: "./x.js" names "./x.ts". */
  const osModule = (source: string, importer: string | undefined): string | undefined => {
    if (!path.isAbsolute(source) && !/^\.\.?\//.test(source)) return undefined;
    const file = path.resolve(importer ? path.dirname(importer) : process.cwd(), source).replace(/\.js$/, ".ts");
    return file.endsWith(".ts") && inTree(file) && fs.existsSync(file) ? file : undefined;
  };
  return {
    name: "proteos-instrumenter",
    enforce: "pre",
    // OS modules are resolved and loaded here, not by the bundler: under a package.json of
    // "type": "module" a bundler would take their CommonJS for an ES module.
    resolveId(source, importer) {
      return source === RUNTIME_MODULE ? RUNTIME_ID : osModule(source, importer) ?? null;
    },
    load(id) {
      if (id === RUNTIME_ID) return runtimeModule();
      if (!id.endsWith(".ts") || !inTree(id)) return null;
      const source = fs.readFileSync(id, "utf8");
      const mod = instrumentSource(id, source, root);
      return { code: mod.code, map: withSource(mod.map, id, source) };
    },
    esbuild: { loader: "js" }, // what this plugin hands esbuild is JavaScript, whatever the file's extension
  };
});

/** The runtime as an ES module, which every bundler links without help (the OS modules require it). */
function runtimeModule(): { code: string; map: SourceMapCompact } {
  const source = fs.readFileSync(RUNTIME_SOURCE, "utf8");
  const out = ts.transpileModule(source, {
    fileName: RUNTIME_SOURCE,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true },
  });
  return { code: out.outputText.replace(/\/\/# sourceMappingURL=\S*\s*$/, ""), map: withSource(out.sourceMapText!, RUNTIME_SOURCE, source) };
}

/**
 * A module's source map as bundlers read it: its one source named by absolute path (the
 * instrumenter names it relative to the OS root, which a bundler would take as relative
 * to the module), with the original text, so the bundle's map leads to the .ts.
 */
function withSource(mapJson: string, file: string, source: string): SourceMapCompact {
  return { ...(JSON.parse(mapJson) as SourceMapCompact), sources: [file], sourcesContent: [source] };
}
