/**
 * The passes over the real OS: every program instrumented without diagnostics, every
 * module compiling, every tag resolving in the metadata, shared modules emitted the
 * same whichever program they are built for, and the instrumented OS running the
 * `mixed` workload with exactly the plain build's event trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import ts from "../../../os/boot/typescript.js";
import { beforeAll, describe, expect, it } from "vitest";
import { parseMetadata } from "../../../instrumenter/metadata/schema.js";
import {
  type InstrumentResult, instrumentOs, instrumentSource, isPlainCopy, plainModulePath, sourceModulePath,
} from "../../../instrumenter/transform/index.js";
import { RT } from "../../../instrumenter/transform/runtime-binding.js";
import { OS_ROOT, PlainImage } from "../../../os/boot/plain-image.js";
import { PROGRAMS } from "../../../os/boot/programs.js";
import { System } from "../../../os/boot/system.js";
import { MemoryImage } from "./memory-image.js";

let result: InstrumentResult;

beforeAll(() => {
  result = instrumentOs(OS_ROOT);
});

/** The type ids an emitted module tags with: `__rt.tag(x, "id")`. */
function tagIds(code: string): string[] {
  const ids: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText() === `${RT}.tag`) ids.push((node.arguments[1] as ts.StringLiteral).text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("m.js", code, ts.ScriptTarget.ES2022, true));
  return ids;
}

describe("the instrumented OS", () => {
  it("has every program, with no diagnostics and valid metadata", () => {
    expect([...result.programs.keys()]).toEqual(Object.keys(PROGRAMS));
    for (const program of result.programs.values()) {
      expect(program.diagnostics, program.name).toEqual([]);
      expect(sourceModulePath(program.modules[0]!)).toBe(PROGRAMS[program.name]);
      expect(program.modules.map(sourceModulePath).sort()).toEqual(program.metadata.modules.map((m) => m.path));
      expect(() => parseMetadata(JSON.parse(JSON.stringify(program.metadata)))).not.toThrow();
      for (const m of program.modules) expect(result.modules.has(m), m).toBe(true);
    }
  });

  it("instruments the programs with an update point, and builds the others plain", () => {
    const instrumented = [...result.programs.values()].filter((p) => !isPlainCopy(p.entry)).map((p) => p.name);
    expect(instrumented).toEqual(["pm", "vfs", "mfs", "ds", "rs", "blk", "tty"]);
    const plain = new PlainImage();
    for (const program of result.programs.values()) {
      const updatePoints = program.metadata.modules.flatMap((m) => m.updatePoints);
      expect(program.modules.every(isPlainCopy), program.name).toBe(updatePoints.length === 0);
      expect(program.modules.some(isPlainCopy), program.name).toBe(updatePoints.length === 0);
    }
    // A plain copy is the plain build's code: nothing of the runtime in it.
    let copies = 0;
    for (const mod of result.modules.values()) {
      if (!isPlainCopy(mod.path)) continue;
      copies++;
      expect(mod.code, mod.path).not.toContain(RT);
      expect(mod.code.trim(), mod.path).toBe(plain.load(sourceModulePath(mod.path)).code.replace(/\/\/# sourceMappingURL=\S*\s*$/, "").trim());
    }
    // A module both kinds of program load exists in both forms.
    expect(result.modules.has("lib/ipc.ts") && result.modules.has(plainModulePath("lib/ipc.ts"))).toBe(true);
    expect(copies).toBeGreaterThan(20);
  });

  it("emits modules that compile as the realm runs them, with source maps and source hashes", () => {
    const sha256 = new Map([...result.programs.values()].flatMap((p) => p.metadata.modules.map((m) => [m.path, m.sha256])));
    for (const mod of result.modules.values()) expect(mod.sourceHash, mod.path).toBe(sha256.get(sourceModulePath(mod.path)));
    for (const mod of [result.runtime, ...result.modules.values()]) {
      expect(() => new vm.Script(`(function (exports, require, module) {${mod.code}\n})`, { filename: mod.path }), mod.path)
        .not.toThrow();
      const map = JSON.parse(mod.map) as { version: number; mappings: string };
      expect(map.version).toBe(3);
      expect(map.mappings.length).toBeGreaterThan(0);
    }
    expect(result.runtime.path).toBe("proteos:rt");
  });

  it("tags only with type ids in the metadata of every program that loads the module", () => {
    let tags = 0;
    for (const program of result.programs.values()) {
      for (const m of program.modules) {
        for (const id of tagIds(result.modules.get(m)!.code)) {
          tags++;
          expect(Object.hasOwn(program.metadata.types, id), `${program.name}: ${m} tags "${id}"`).toBe(true);
        }
      }
    }
    expect(tags).toBeGreaterThan(400);
  });

  it("emits a shared module the same for any program (instrumentSource agrees with instrumentOs)", () => {
    for (const m of ["lib/ipc.ts", "servers/mfs/state.ts", "servers/vfs/filp.ts"]) {
      const file = path.join(OS_ROOT, m);
      expect(instrumentSource(file, fs.readFileSync(file, "utf8"), OS_ROOT)).toEqual(result.modules.get(m));
    }
  });

  it("records the update point of every server and driver: the loop of its main, not a wait loop its handlers call", () => {
    const holders = new Set([...result.programs.values()].flatMap((p) =>
      p.metadata.modules.flatMap((m) => m.updatePoints.map((u) => u.function))));
    expect([...holders].sort()).toEqual([
      "drivers/blk/main.ts#main", "drivers/tty/main.ts#main",
      "servers/ds/main.ts#main", "servers/mfs/main.ts#main", "servers/pm/main.ts#main", "servers/rs/main.ts#main",
      "servers/vfs/main.ts#main",
    ]);
  });

  it("runs `mixed` with the plain build's event trace and output", async () => {
    const image = new MemoryImage(result, OS_ROOT);
    const instrumented = new System({ seed: 5, initArgv: ["mixed"], image });
    const plain = new System({ seed: 5, initArgv: ["mixed"] });
    expect(await instrumented.runToEnd()).toBe("halted");
    expect(await plain.runToEnd()).toBe("halted");
    expect(instrumented.consoleOutput).toContain("workload mixed: ops=");
    expect(instrumented.kernel.trace.events).toBe(plain.kernel.trace.events);
    expect(instrumented.kernel.trace.hash).toBe(plain.kernel.trace.hash);
    expect(instrumented.consoleOutput).toBe(plain.consoleOutput);
  });
});
