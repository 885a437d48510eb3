/**
 * The build plugin under esbuild and Rollup: bundling the fixture server
 * (fixtures/instrumenter/plugin/os) instruments its modules (state registration,
 * allocation-site tags, the update point), bundles the runtime, keeps a source map that
 * leads back to the .ts lines, and the bundle runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import commonjsPlugin from "@rollup/plugin-commonjs";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import { SourceMapConsumer } from "source-map";
import { describe, expect, it } from "vitest";
import { instrumenter } from "../../../instrumenter/plugin.js";
import { REPO } from "../../support/image.js";

// The package's types are read as CommonJS (its default export one level down); its ES build, which runs here, exports the plugin as default.
const commonjs = commonjsPlugin as unknown as typeof commonjsPlugin.default;

const OS_ROOT = path.join(REPO, "fixtures/instrumenter/plugin/os");
const ENTRY = path.join(OS_ROOT, "servers/counter/main.ts");
const OUT = path.join(REPO, "out/plugin/counter.js"); // never written: both bundlers build in memory

interface Bundle {
  code: string;
  map: { sources: string[]; sourcesContent?: Array<string | null> };
  /** Where the bundle's map sources are relative to. */
  dir: string;
}

async function withEsbuild(): Promise<Bundle> {
  const r = await esbuild.build({
    entryPoints: [ENTRY], bundle: true, write: false, format: "cjs", platform: "neutral", sourcemap: "external",
    outfile: OUT, logLevel: "silent", plugins: [instrumenter.esbuild({ osRoot: OS_ROOT })],
  });
  const text = (suffix: string) => r.outputFiles.find((f) => f.path.endsWith(suffix))!.text;
  return { code: text(".js"), map: JSON.parse(text(".js.map")), dir: path.dirname(OUT) };
}

async function withRollup(): Promise<Bundle> {
  const bundle = await rollup({
    input: ENTRY, onwarn: () => {},
    plugins: [instrumenter.rollup({ osRoot: OS_ROOT }), commonjs({ extensions: [".js", ".ts"] })],
  });
  const { output: [chunk] } = await bundle.generate({ format: "cjs", sourcemap: true, file: OUT });
  await bundle.close();
  return { code: chunk.code, map: chunk.map!, dir: path.dirname(OUT) };
}

/** Run the bundle's `main` with a trap that delivers `requests` and then never answers; the replies it made. */
async function serve(code: string, requests: number[]): Promise<Array<{ source: number; value: number }>> {
  const replies: Array<{ source: number; value: number }> = [];
  const pending = [...requests];
  const trap = (op: number, m?: { source: number; value: number }) => {
    if (op === 2) replies.push({ source: m!.source, value: m!.value });
    return op === 1 && pending.length > 0 ? Promise.resolve({ type: 1, source: pending.shift()! }) : new Promise(() => {});
  };
  const module = { exports: {} as { main?: () => Promise<number> } };
  vm.runInNewContext(code, { module, exports: module.exports, __proteos: { trap } });
  void module.exports.main!();
  for (let i = 0; i < 20; i++) await Promise.resolve();
  return replies;
}

for (const [bundler, build] of [["esbuild", withEsbuild], ["Rollup", withRollup]] as const) {
  describe(`the plugin under ${bundler}`, () => {
    let built: Promise<Bundle> | undefined;
    const bundle = () => (built ??= build());

    it("instruments the OS modules, bundles the runtime, and maps back to the .ts", async () => {
      const { code, map, dir } = await bundle();
      expect(code).toContain('registerState("servers/counter/state.ts"');
      expect(code).toMatch(/tag\((?:\/\* @__PURE__ \*\/ )?new Map\(\), "Map<number, servers\/counter\/state\.ts#Counter>"\)/);
      expect(code).toContain('"{ owner: number; hits: number }"');
      // The loop calls a function that makes the update point's call through the runtime.
      expect(code).toMatch(/function [\w$]*updatePoint0\(\) \{\s*return __rt\.updatePoint\(\(0, [\w$]+\.receive\)\(\)\);/);
      expect(code).toMatch(/await [\w$]*updatePoint0\(\)/);
      expect(code).toContain('registerFunctions("servers/counter/main.ts"');
      expect(code).toMatch(/function updatePoint\(received\)/); // the runtime itself

      const mainTs = fs.readFileSync(ENTRY, "utf8");
      const index = map.sources.findIndex((s) => path.resolve(dir, s) === ENTRY);
      expect(index, map.sources.join(", ")).toBeGreaterThanOrEqual(0);
      expect(map.sourcesContent?.[index]).toBe(mainTs);
      const before = code.slice(0, code.search(/[\w$]*updatePoint0\(\)(?! \{)/));
      const generated = { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") - 1 };
      const original = await SourceMapConsumer.with(map as never, null, (c) => c.originalPositionFor(generated));
      expect(path.resolve(dir, original.source!)).toBe(ENTRY);
      expect(original.line).toBe(mainTs.split("\n").findIndex((l) => l.includes("await receive()")) + 1);
    });

    it("makes a bundle that runs", async () => {
      const { code } = await bundle();
      expect(await serve(code, [7, 7, 9])).toEqual([{ source: 7, value: 1 }, { source: 7, value: 2 }, { source: 9, value: 1 }]);
    });
  });
}
