/**
 * Golden tests of the code-rewriting passes: each fixture under
 * fixtures/instrumenter/transform/<case>/main.ts, emitted with one pass (or all), against
 * test/instrumenter/transform/golden/<case>.js.
 *
 * UPDATE_GOLDEN=1 npx vitest run test/instrumenter/transform   rewrites the goldens (review the diff).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeProgram } from "../../../instrumenter/analyze/index.js";
import { allocTags } from "../../../instrumenter/transform/alloc-tags.js";
import { emitModule, type Pass, PASSES } from "../../../instrumenter/transform/emit.js";
import { functionIds } from "../../../instrumenter/transform/function-ids.js";
import { instrumentSource, planSource } from "../../../instrumenter/transform/index.js";
import { quiescence } from "../../../instrumenter/transform/quiescence.js";
import { stateAccessors } from "../../../instrumenter/transform/state-accessors.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const FIXTURES = path.join(REPO, "fixtures", "instrumenter", "transform");
const GOLDEN = path.join(REPO, "test", "instrumenter", "transform", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** Golden name -> fixture and the passes it runs. */
const CASES: Record<string, { fixture: string; passes: readonly Pass[] }> = {
  "state-accessors": { fixture: "state-accessors", passes: [stateAccessors] },
  "function-ids": { fixture: "function-ids", passes: [functionIds] },
  "alloc-tags": { fixture: "alloc-tags", passes: [allocTags] },
  "quiescence": { fixture: "quiescence", passes: [quiescence] },
  "all-passes": { fixture: "runtime", passes: PASSES },
};

function source(fixture: string): { file: string; text: string; root: string } {
  const root = path.join(FIXTURES, fixture);
  const file = path.join(root, "main.ts");
  return { file, text: fs.readFileSync(file, "utf8"), root };
}

describe("golden output, one pass at a time", () => {
  it.each(Object.keys(CASES))("%s", (name) => {
    const { fixture, passes } = CASES[name]!;
    const { file, text, root } = source(fixture);
    const plan = planSource(file, text, root);
    expect(plan.diagnostics).toEqual([]);
    const { code } = emitModule(plan, passes);
    expect(() => new vm.Script(`(function (exports, require, module) {${code}\n})`)).not.toThrow();
    const golden = path.join(GOLDEN, `${name}.js`);
    if (UPDATE) fs.writeFileSync(golden, code);
    expect(code).toBe(fs.readFileSync(golden, "utf8"));
  });
});

describe("plans", () => {
  it("record the update points in the metadata: an endless loop of an entry function whose first statement first awaits receive of lib/ipc.ts", () => {
    const { root } = source("quiescence");
    const { metadata } = analyzeProgram(root, "main.ts", "quiescence");
    expect(metadata.modules.find((m) => m.path === "main.ts")!.updatePoints).toEqual([
      { function: "main.ts#main", line: 7, column: 21 },
      { function: "main.ts#driver", line: 13, column: 31 },
      { function: "main.ts#guarded", line: 56, column: 22 },
      { function: "main.ts#viaLocal", line: 82, column: 20 },
    ]);
  });

  it("report a program whose event loops are none of them in an entry function: it has no update point", () => {
    const { root } = source("no-update-point");
    const { metadata, diagnostics } = analyzeProgram(root, "main.ts", "server");
    expect(metadata.modules.flatMap((m) => m.updatePoints)).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.hint])).toEqual([
      ["no-update-point", "main.ts", 8, 32, "write the loop in the exported entry function (main), which only the kernel calls"],
    ]);
    // A program with an update point may have other loops (a wait for an interrupt): no error.
    expect(analyzeProgram(source("quiescence").root, "main.ts", "quiescence").diagnostics).toEqual([]);
  });

  it("count the promises of the program's own, not those of lib/ipc.ts, whose operations the kernel reports", () => {
    const { file, text, root } = source("quiescence");
    expect(planSource(file, text, root).promises.size).toBe(1);
    const ipc = path.join(root, "lib", "ipc.ts");
    expect(planSource(ipc, fs.readFileSync(ipc, "utf8"), root).promises.size).toBe(0);
  });

  it("report names the instrumented code reserves", () => {
    const { file, root } = source("state-accessors");
    const plan = planSource(file, "export let x = 1;\nconst __rt = x;\n", root);
    expect(plan.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["reserved-name", 2, "`__rt` is reserved: instrumented code declares names starting with `__rt` in every module"],
    ]);
  });

  it("report a wait the runtime cannot count: a thenable, a subclass of Promise", () => {
    const { file, root } = source("state-accessors");
    const text = [
      "export class Lock {",
      "  then(resolve: () => void): void { resolve(); }",
      "}",
      "export const later = { then: (r: () => void) => r(), thenable: true };",
      "export class Deferred<T> extends Promise<T> {}",
      "export const fine = new Promise<void>((r) => r());",
      "",
    ].join("\n");
    const plan = planSource(file, text, root);
    expect(plan.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["unseen-wait", 2, 3], ["unseen-wait", 4, 24], ["unseen-wait", 5, 34],
    ]);
    expect(plan.diagnostics[0]!.message).toMatch(/a `then` member makes a thenable/);
    expect(plan.diagnostics[2]!.hint).toBe("make them with `new Promise`");
    expect(plan.promises.size).toBe(1);
  });

  it("follow the text given, not the file", () => {
    const { file, root } = source("state-accessors");
    const mod = instrumentSource(file, "export let edited = { n: 1 };\n", root);
    expect(mod.path).toBe("main.ts");
    expect(mod.code).toContain('edited: () => exports.edited');
    expect(mod.code).toContain('__rt.tag({ n: 1 }, "{ n: number }")');
  });
});
