/**
 * A package's transformers run in a realm of their own that reaches nothing of the host:
 * not through its global object, not through the helpers it is handed, not through the
 * errors the helpers throw. They still work: helpers forward to the host's, results come
 * back, a helper's own error is what the transfer sees.
 */
import { describe, expect, it } from "vitest";
import { PackageError } from "../../../runtime/package/format.js";
import { loadTransformers } from "../../../runtime/package/transformers.js";
import type { TransformHelpers } from "../../../runtime/transfer/transformers.js";

/** Host helpers standing in for the transfer's: they record what they were asked. */
function fakeHelpers(calls: unknown[][]): TransformHelpers {
  const record = (name: string) => (...args: unknown[]) => {
    calls.push([name, ...args]);
    if (name === "object" && args[0] === "nope") throw new RangeError("h.object: nope is no class or object type");
    if (name === "fields") return { a: 1, b: "two" };
    return args[0];
  };
  return {
    transformer: "type m#T", oldType: "m#T", newType: "m#T",
    transfer: record("transfer"), fields: record("fields"), object: record("object"), array: record("array"),
    map: record("map"), set: record("set"), date: record("date"), bigint: record("bigint"), typedArray: record("typedArray"),
  } as unknown as TransformHelpers;
}

const ESCAPES = [
  "globalThis.constructor.constructor('return process')()",
  "this.constructor.constructor('return process')()",
  "h.object.constructor('return process')()",
  "Object.getPrototypeOf(h.map).constructor('return process')()",
  "(() => { try { h.object('nope', {}); } catch (e) { return e.constructor.constructor('return process')(); } })()",
  "eval('1')",
];

describe("loadTransformers", () => {
  it("forwards helpers to the host and returns their results", () => {
    const t = loadTransformers(`exports.default = { types: { "m#T": (old, h) => h.object("m#T", { ...h.fields(old), n: old.n + 1 }) } };`, "t.ts");
    const calls: unknown[][] = [];
    const result = t.types!["m#T"]!({ n: 41 }, fakeHelpers(calls));
    expect(calls.map((c) => c[0])).toEqual(["fields", "object"]);
    expect(result).toBe("m#T");
    expect({ ...(calls[1]![2] as object) }).toEqual({ a: 1, b: "two", n: 42 });
  });

  it("gives a helper's own error to the transfer, not its message", () => {
    const t = loadTransformers(`exports.default = { variables: { "m#v": (old, h) => h.object("nope", {}) } };`, "t.ts");
    expect(() => t.variables!["m#v"]!(1, fakeHelpers([]))).toThrow(RangeError);
  });

  it.each(ESCAPES)("reaches nothing of the host: %s", (expr) => {
    const t = loadTransformers(`exports.default = { types: { "m#T": (old, h) => { const p = ${expr}; return typeof p === "object" && p !== null && typeof p.pid === "number" ? "ESCAPED" : p; } } };`, "t.ts");
    let result: unknown;
    try {
      result = t.types!["m#T"]!(0, fakeHelpers([]));
    } catch (err) {
      result = err;
    }
    expect(result).not.toBe("ESCAPED");
    expect(String((result as Error)?.message ?? result)).toMatch(/Code generation from strings disallowed|process is not defined|nope is no class/);
  });

  it("refuses a module that imports values, does not load, or exports something else", () => {
    expect(() => loadTransformers(`require("fs");`, "t.ts")).toThrow(/t\.ts: the transformers do not load: transformers may import only types/);
    expect(() => loadTransformers(`throw new Error("boom")`, "t.ts")).toThrow(PackageError);
    expect(() => loadTransformers(`exports.default = { types: { x: 1 } };`, "t.ts")).toThrow(/types\["x"\] is not a function/);
    expect(() => loadTransformers(`exports.default = { other: {} };`, "t.ts")).toThrow(/unknown key "other"/);
  });
});
