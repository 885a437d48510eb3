/**
 * The state analysis: golden metadata per construct (fixtures/instrumenter/<construct>),
 * the errors it reports, the metadata schema, and every program of the real OS.
 *
 * UPDATE_GOLDEN=1 npx vitest run test/instrumenter   rewrites the goldens (review the diff).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Diagnostic, type ProgramAnalysis, analyzeOs, analyzeProgram, createProgram, formatDiagnostic,
} from "../../instrumenter/analyze/index.js";
import { readProgramTable } from "../../instrumenter/analyze/program.js";
import { MetadataError, type TypeDescriptor, type Variable, parseMetadata } from "../../instrumenter/metadata/schema.js";
import { PROGRAMS } from "../../os/boot/programs.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = path.join(REPO, "fixtures", "instrumenter");
const GOLDEN = path.join(REPO, "test", "instrumenter", "golden");
const OS_ROOT = path.join(REPO, "os");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const CONSTRUCTS = fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, "main.ts"))).sort();

/** One ts.Program over every fixture (each its own OS tree), so the file runs fast. */
let fixtureProgram: ts.Program | undefined;
const analyses = new Map<string, ProgramAnalysis>();

function analyzed(construct: string): ProgramAnalysis {
  let found = analyses.get(construct);
  if (!found) {
    fixtureProgram ??= createProgram(CONSTRUCTS.map((c) => path.join(FIXTURES, c, "main.ts")));
    found = analyzeProgram(path.join(FIXTURES, construct), "main.ts", construct, { program: fixtureProgram });
    analyses.set(construct, found);
  }
  return found;
}

function variable(a: ProgramAnalysis, qualifiedName: string): Variable {
  const v = a.metadata.modules.flatMap((m) => m.variables).find((x) => x.qualifiedName === qualifiedName);
  if (!v) throw new Error(`no variable ${qualifiedName}`);
  return v;
}

function descriptor(a: ProgramAnalysis, id: string): TypeDescriptor {
  const d = a.metadata.types[id];
  if (!d) throw new Error(`no type ${id}`);
  return d;
}

/** The descriptor of a variable's type, through aliases. */
function typeOf(a: ProgramAnalysis, qualifiedName: string): TypeDescriptor {
  let d = descriptor(a, variable(a, qualifiedName).type);
  while (d.kind === "alias") d = descriptor(a, d.target);
  return d;
}

function fieldsOf(d: TypeDescriptor): Record<string, string> {
  if (d.kind !== "object" && d.kind !== "class") throw new Error(`${d.kind} has no fields`);
  return Object.fromEntries(d.fields.map((f) => [f.name, f.type]));
}

/** [file:line, code, message] of each diagnostic, for exact assertions. */
function where(a: ProgramAnalysis): Array<[string, Diagnostic["code"], string]> {
  return a.diagnostics.map((d) => [`${d.file}:${d.line}`, d.code, d.message]);
}

describe("golden metadata, one fixture per construct", () => {
  it.each(CONSTRUCTS)("%s", (construct) => {
    const result = analyzed(construct);
    expect(() => parseMetadata(JSON.parse(JSON.stringify(result.metadata)))).not.toThrow();
    const file = path.join(GOLDEN, `${construct}.json`);
    const actual = { metadata: result.metadata, diagnostics: result.diagnostics };
    if (UPDATE) fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
  });

  it("is the same with a ts.Program of its own", () => {
    const alone = analyzeProgram(path.join(FIXTURES, "generics"), "main.ts", "generics");
    expect(alone).toEqual(analyzed("generics"));
  });
});

describe("constructs", () => {
  it("primitives", () => {
    const a = analyzed("primitives");
    const types = ["count", "label", "ready", "big", "nothing", "empty", "tag", "KEY", "unit"]
      .map((n) => variable(a, `main.ts#${n}`).type);
    expect(types).toEqual(["number", "string", "boolean", "bigint", "undefined", "null", "symbol", "symbol", "void"]);
    expect(descriptor(a, "void")).toEqual({ kind: "primitive", name: "void" });
    expect(a.diagnostics).toEqual([]);
  });

  it("literal types", () => {
    const a = analyzed("literals");
    expect(descriptor(a, variable(a, "main.ts#NAME").type)).toEqual({ kind: "literal", type: "string", value: "init" });
    expect(descriptor(a, variable(a, "main.ts#NEG").type)).toEqual({ kind: "literal", type: "number", value: -1 });
    expect(descriptor(a, variable(a, "main.ts#YES").type)).toEqual({ kind: "literal", type: "boolean", value: true });
    expect(descriptor(a, variable(a, "main.ts#HUGE").type)).toEqual({ kind: "literal", type: "bigint", value: "12345678901234567890" });
    expect(typeOf(a, "main.ts#level")).toEqual({ kind: "union", members: ["1", "2", "3"], discriminant: null });
  });

  it("interfaces and object types", () => {
    const a = analyzed("objects");
    const point = descriptor(a, "main.ts#Point");
    expect(point.kind === "object" && point.fields.map((f) => [f.name, f.optional, f.readonly])).toEqual([
      ["x", false, false], ["y", false, true], ["label", true, false],
    ]);
    const packet = descriptor(a, "main.ts#Packet");
    expect(packet.kind === "object" && packet.indexSignatures).toEqual([{ key: "string", type: "number | string | undefined", readonly: false }]);
    const process = descriptor(a, "main.ts#Process");
    expect(process.kind === "object" && process.fields.find((f) => f.name === "ppid")?.annotations.renamedFrom).toBe("parentId");
    expect(fieldsOf(process)).toMatchObject({ name: "string", at: "main.ts#Point", describe: "() => string" });
    expect(fieldsOf(typeOf(a, "main.ts#stats"))).toEqual({ sent: "number", received: "number", nested: "{ depth: number }" });
  });

  it("classes", () => {
    const a = analyzed("classes");
    const account = descriptor(a, "main.ts#Account");
    if (account.kind !== "class") throw new Error("not a class");
    expect(account.superclass).toBe("main.ts#Base");
    expect(account.fields.map((f) => [f.name, f.visibility, f.initializer, f.parameterProperty, f.declaredBy])).toEqual([
      ["baseCount", "protected", "0", false, "main.ts#Base"],
      ["#secret", "#private", '"s"', false, "main.ts#Base"],
      ["owner", "public", null, true, "main.ts#Account"],
      ["limit", "private", null, true, "main.ts#Account"],
      ["currency", "public", '"EUR"', true, "main.ts#Account"],
      ["balance", "private", "0", false, "main.ts#Account"],
      ["#pin", "#private", "1234", false, "main.ts#Account"],
      ["history", "public", "[]", false, "main.ts#Account"],
      ["note", "public", null, false, "main.ts#Account"],
    ]);
    expect(account.accessors).toEqual([{ name: "total", get: true, set: true }]);
    expect(account.methods).toEqual(["main.ts#Account.deposit", "main.ts#Account.get.total", "main.ts#Account.set.total",
      "main.ts#Account.static.reset", "main.ts#Account.#audit"]);
    expect(variable(a, "main.ts#Account.opened")).toMatchObject({ declaration: "classStatic", isConst: false, type: "number" });
    expect(descriptor(a, "main.ts#Square")).toMatchObject({ superclass: "main.ts#Shape" });
    expect(descriptor(a, "main.ts#BadRequest")).toMatchObject({ superclass: "Error" });
    expect(descriptor(a, "TypeError")).toEqual({ kind: "error", name: "TypeError" });
    expect(a.diagnostics).toEqual([]);
  });

  it("enums", () => {
    const a = analyzed("enums");
    expect(typeOf(a, "main.ts#color")).toEqual({
      kind: "enum", name: "Color", const: false,
      members: [{ name: "Red", value: 0 }, { name: "Green", value: 5 }, { name: "Blue", value: 6 }],
    });
    expect(typeOf(a, "main.ts#access")).toEqual({ kind: "union", members: ["main.ts#Access", "null"], discriminant: null });
    expect(typeOf(a, "main.ts#red")).toEqual({ kind: "enumMember", enum: "main.ts#Color", name: "Red", value: 0 });
    expect(typeOf(a, "main.ts#flag")).toMatchObject({ kind: "enum", const: true });
  });

  it("unions, discriminated or not", () => {
    const a = analyzed("unions");
    expect(typeOf(a, "main.ts#current")).toMatchObject({ kind: "union", discriminant: "kind" });
    expect(typeOf(a, "main.ts#worker")).toEqual({
      kind: "union", members: ["main.ts#Busy", "main.ts#Idle", "undefined"], discriminant: "state",
    });
    expect(typeOf(a, "main.ts#maybe")).toEqual({ kind: "union", members: ["null", "number", "string"], discriminant: null });
    expect(variable(a, "main.ts#flagOrNull").type).toBe("boolean | null");
  });

  it("intersections: flattened objects, branded primitives kept", () => {
    const a = analyzed("intersections");
    expect(typeOf(a, "main.ts#both")).toMatchObject({
      kind: "object", flattenedFrom: ["main.ts#HasId", "main.ts#HasName"],
    });
    expect(fieldsOf(typeOf(a, "main.ts#both"))).toEqual({ id: "number", name: "string" });
    expect(typeOf(a, "main.ts#pid")).toEqual({ kind: "intersection", members: ["number", '{ readonly __brand: "pid" }'] });
  });

  it("arrays and readonly arrays", () => {
    const a = analyzed("arrays");
    expect(typeOf(a, "main.ts#names")).toEqual({ kind: "array", element: "string", readonly: false });
    expect(typeOf(a, "main.ts#constant")).toEqual({ kind: "array", element: "string", readonly: true });
    expect(variable(a, "main.ts#slots").type).toBe("(main.ts#Slot | null)[]");
  });

  it("tuples", () => {
    const a = analyzed("tuples");
    expect(typeOf(a, "main.ts#range")).toEqual({
      kind: "tuple", readonly: false, elements: [
        { type: "number", optional: false, rest: false, name: "start" },
        { type: "number | undefined", optional: true, rest: false, name: "end" },
      ],
    });
    expect(typeOf(a, "main.ts#rest")).toMatchObject({ elements: [{ type: "string", rest: false }, { type: "number", rest: true }] });
    expect(typeOf(a, "main.ts#fixed")).toMatchObject({ readonly: true });
  });

  it("Map, Set, Date, typed arrays, ArrayBuffer, RegExp", () => {
    const a = analyzed("collections");
    expect(typeOf(a, "main.ts#byPid")).toEqual({ kind: "map", key: "number", value: "main.ts#Proc", readonly: false });
    expect(typeOf(a, "main.ts#names")).toEqual({ kind: "set", element: "string", readonly: false });
    expect(typeOf(a, "main.ts#lookup")).toMatchObject({ kind: "map", readonly: true });
    expect(typeOf(a, "main.ts#bootedAt")).toEqual({ kind: "date" });
    expect(typeOf(a, "main.ts#buffer")).toEqual({ kind: "typedArray", name: "Uint8Array" });
    expect(typeOf(a, "main.ts#words")).toEqual({ kind: "typedArray", name: "Int32Array" });
    expect(typeOf(a, "main.ts#raw")).toEqual({ kind: "arrayBuffer", shared: false });
    expect(typeOf(a, "main.ts#pattern")).toEqual({ kind: "regexp" });
  });

  it("function types and function identities", () => {
    const a = analyzed("functions");
    expect(descriptor(a, "main.ts#Handler")).toEqual({ kind: "alias", name: "Handler", typeArguments: [], target: "(m: number) => number" });
    expect(descriptor(a, "(m: number) => number")).toEqual({
      kind: "function", signatures: ["(m: number) => number"], transfer: "functionReference",
    });
    expect(variable(a, "main.ts#factory").type).toBe("new () => main.ts#Server");
    const main = a.metadata.modules.find((m) => m.path === "main.ts")!;
    expect(main.functions.map((f) => [f.name, f.kind])).toEqual([
      ["double", "function"], ["serve", "function"], ["ids", "function"], ["handlers(0)[1][1]", "expression"],
      ["table.inc", "expression"], ["table.twice", "method"], ["Server", "class"], ["Server.onTick", "fieldFunction"],
      ["Server.handle", "method"], ["Server.static.make", "method"], ["Server.get.busy", "getter"],
      ["Server.set.busy", "setter"], ["make", "expression"], ["default", "function"],
    ]);
    expect(main.functions.find((f) => f.name === "serve")).toMatchObject({ async: true, generator: false });
    expect(main.functions.find((f) => f.name === "ids")).toMatchObject({ async: false, generator: true });
    expect(a.metadata.modules.find((m) => m.path === "lib/util.ts")!.functions[0]!.qualifiedName).toBe("lib/util.ts#helper");
  });

  it("type aliases keep their names", () => {
    const a = analyzed("aliases");
    expect(variable(a, "main.ts#root").type).toBe("main.ts#InodeRef");
    expect(descriptor(a, "main.ts#InodeRef")).toMatchObject({ kind: "alias", target: "main.ts#Inode" });
    expect(descriptor(a, "main.ts#Kind")).toMatchObject({ kind: "alias", target: '"dir" | "file"' });
    expect(variable(a, "main.ts#onDone").type).toBe("main.ts#Callback | null");
    expect(descriptor(a, "main.ts#Pair<number>")).toEqual({
      kind: "alias", name: "Pair", typeArguments: ["number"], target: "{ first: number; second: number }",
    });
    expect(descriptor(a, "main.ts#Table<main.ts#Inode>")).toMatchObject({ target: "Map<number, main.ts#Inode>" });
  });

  it("generic instantiations, with recursion through them", () => {
    const a = analyzed("generics");
    const list = typeOf(a, "main.ts#free");
    expect(list).toMatchObject({ kind: "class", generic: "lib/list.ts#LinkedList", typeArguments: ["main.ts#Buf"] });
    expect(fieldsOf(list)).toEqual({ head: "lib/list.ts#ListNode<main.ts#Buf> | null", length: "number" });
    expect(fieldsOf(descriptor(a, "lib/list.ts#ListNode<main.ts#Buf>"))).toEqual({
      value: "main.ts#Buf", next: "lib/list.ts#ListNode<main.ts#Buf> | null", prev: "lib/list.ts#ListNode<main.ts#Buf> | null",
    });
    expect(fieldsOf(descriptor(a, "lib/list.ts#ListNode<string>"))).toMatchObject({ value: "string" });
    expect(typeOf(a, "main.ts#box")).toMatchObject({ kind: "object", name: "Box", generic: "main.ts#Box", typeArguments: ["number"] });
  });

  it("index-signature records", () => {
    const a = analyzed("records");
    expect(typeOf(a, "main.ts#counts")).toEqual({ kind: "record", key: "string", value: "number", readonly: false });
    expect(typeOf(a, "main.ts#byNr")).toEqual({ kind: "record", key: "number", value: "string", readonly: false });
    expect(typeOf(a, "main.ts#flags")).toEqual({ kind: "record", key: "string", value: "boolean", readonly: true });
    expect(variable(a, "main.ts#dict").type).toBe("Record<string, main.ts#Entry>");
    expect(typeOf(a, "main.ts#fixedKeys")).toMatchObject({ kind: "object" });
  });

  it("recursive types", () => {
    const a = analyzed("recursion");
    expect(fieldsOf(descriptor(a, "main.ts#Node"))).toEqual({ value: "number", next: "main.ts#Node | null", prev: "main.ts#Node | null" });
    expect(fieldsOf(descriptor(a, "main.ts#Tree"))).toEqual({ children: "main.ts#Tree[]", parent: "main.ts#Tree | undefined" });
    expect(fieldsOf(descriptor(a, "main.ts#B"))).toEqual({ a: "main.ts#A | null" });
    expect(descriptor(a, "{ op: \"add\"; left: main.ts#Expr; right: main.ts#Expr }")).toMatchObject({ kind: "object" });
  });

  it("every kind of module-level variable", () => {
    const a = analyzed("variables");
    const vars = a.metadata.modules[0]!.variables;
    expect(vars.map((v) => [v.name, v.declaration, v.exported, v.bindingPath])).toEqual([
      ["counter", "let", true, null], ["LIMIT", "const", false, null], ["legacy", "var", false, null],
      ["x", "const", true, ["x"]], ["why", "const", true, ["y"]], ["others", "const", true, ["..."]],
      ["first", "const", true, [0]], ["third", "const", true, [2]], ["tail", "const", true, ["...3"]],
      ["inner", "const", false, ["deep", "inner"]], ["hoisted", "var", false, null], ["i", "var", false, null],
      ["a", "let", false, null], ["b", "let", false, null], ["Registry.instances", "classStatic", true, null],
      ["Registry.MAX", "classStatic", true, null], ["default", "exportDefault", true, null],
    ]);
    expect(variable(a, "main.ts#Registry.MAX")).toMatchObject({ isConst: true, type: "4", line: 19 });
    expect(variable(a, "main.ts#default")).toMatchObject({ type: "{ version: number }", initializer: "{ version: 1 }" });
    expect(variable(a, "main.ts#why")).toMatchObject({ initializer: "{ x: 1, y: 2, z: 3 }", line: 5 });
  });

  it("the module set: runtime imports only, transitively", () => {
    const a = analyzed("module-set");
    expect(a.metadata.modules.map((m) => [m.path, m.imports])).toEqual([
      ["later.ts", []], ["lib/clock.ts", ["lib/time.ts"]], ["lib/time.ts", []],
      ["main.ts", ["later.ts", "lib/clock.ts", "reexported.ts"]], ["reexported.ts", []],
    ]);
    expect(a.metadata.modules.find((m) => m.path === "lib/clock.ts")!.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Types of modules that are not loaded are still described.
    expect(descriptor(a, "shapes.ts#Shape")).toMatchObject({ kind: "class" });
    expect(a.diagnostics).toEqual([]);
  });

  it("annotations", () => {
    const a = analyzed("annotations");
    expect(variable(a, "main.ts#counter").annotations).toEqual({ renamedFrom: "oldCounter", transient: false, opaque: false });
    expect(variable(a, "main.ts#scratch").annotations).toEqual({ renamedFrom: null, transient: true, opaque: false });
    expect(variable(a, "main.ts#payload").annotations).toEqual({ renamedFrom: null, transient: false, opaque: true });
    const conn = descriptor(a, "main.ts#Conn");
    expect(conn.kind === "class" && conn.fields.map((f) => [f.name, f.annotations])).toEqual([
      ["peer", { renamedFrom: "host", transient: false, opaque: false }],
      ["socket", { renamedFrom: "sock", transient: false, opaque: false }],
      ["retries", { renamedFrom: null, transient: true, opaque: false }],
      ["extra", { renamedFrom: null, transient: false, opaque: true }],
    ]);
    // unknown under @transient and @opaque, a WeakSet under @transient: all legal.
    expect(a.diagnostics).toEqual([]);
  });
});

describe("errors: file, line and a message naming the state", () => {
  it("bad annotations", () => {
    expect(where(analyzed("bad-annotations"))).toEqual([
      ["main.ts:3", "bad-annotation", 'variable `main.ts#noName`: @rename needs the previous name, got ""'],
      ["main.ts:6", "bad-annotation", "variable `main.ts#both`: @transient and @opaque contradict each other"],
      ["main.ts:9", "bad-annotation", "variable `main.ts#c1`: @rename on a declaration of several names is ambiguous"],
      ["main.ts:9", "bad-annotation", "variable `main.ts#c2`: @rename on a declaration of several names is ambiguous"],
      ["main.ts:12", "bad-annotation", 'variable `main.ts#withArgument`: @transient takes no argument, got "always"'],
      ["main.ts:16", "bad-annotation", 'field `Conn.lives`: @rename needs the previous name, got "9lives"'],
    ]);
  });

  it("closures made by an IIFE, a factory, bind", () => {
    const a = analyzed("closure-iife");
    expect(where(a)).toEqual([
      ["main.ts:2", "closure-state", "variable `main.ts#nextId` holds a closure made at line 4 by the anonymous function at line 2, "
        + "capturing `n`: state no variable or field describes"],
      ["main.ts:19", "closure-state", "variable `main.ts#store` holds a closure made at line 15 by `makeStore`, capturing `value`: "
        + "state no variable or field describes"],
      ["main.ts:26", "closure-state", "variable `main.ts#bound` holds a function bound at line 26 (`.bind`), capturing its `this` "
        + "and arguments: state no variable or field describes"],
    ]);
    expect(a.diagnostics[0]!.hint).toContain("@transient");
    expect(a.diagnostics[0]!.column).toBe(14);
  });

  it("a let assigned closures inside functions (and not one set at the top level)", () => {
    expect(where(analyzed("closure-let"))).toEqual([
      ["main.ts:18", "closure-state", "variable `main.ts#onTick` is assigned a function created inside `arm`, capturing `step`: "
        + "it has no identity the new version could map it to"],
      ["main.ts:30", "closure-state", "variable `main.ts#handler` is assigned a closure made at line 26 by `adder`, capturing `k`: "
        + "state no variable or field describes"],
    ]);
  });

  it("any and unknown without @opaque or @transient", () => {
    expect(where(analyzed("untyped"))).toEqual([
      ["main.ts:2", "untyped-state", "variable `main.ts#anything` holds a value of type `any`: the analysis cannot describe it"],
      ["main.ts:3", "untyped-state", "variable `main.ts#mystery` holds a value of type `unknown`: the analysis cannot describe it"],
      ["main.ts:9", "untyped-state", "field `Holder.data` (reached from `main.ts#holder`) holds a value of type `any`: "
        + "the analysis cannot describe it"],
      ["main.ts:19", "untyped-state", "variable `main.ts#bag` holds a value of type `unknown`: the analysis cannot describe it"],
      ["main.ts:20", "untyped-state", "variable `main.ts#missing` has a type that does not resolve (is an import or a declaration missing?)"],
    ]);
  });

  it("symbols as keys", () => {
    expect(where(analyzed("symbol-keys"))).toEqual([
      ["main.ts:5", "symbol-key", "field `Tagged.[TAG]` is keyed by a symbol, which has no identity across versions "
        + "(in state reached from `main.ts#tagged`)"],
      ["main.ts:10", "symbol-key", "variable `main.ts#bySymbol` holds a Map keyed by symbols, which have no identity across versions"],
      ["main.ts:11", "symbol-key", "field `[key: symbol]` of an object literal type is keyed by a symbol, which has no identity "
        + "across versions (in state reached from `main.ts#table`)"],
    ]);
  });

  it("WeakMap and WeakSet without @transient", () => {
    expect(where(analyzed("weak-collections"))).toEqual([
      ["main.ts:6", "weak-collection", "variable `main.ts#meta` holds a `WeakMap<Node, number>`, which cannot be enumerated, "
        + "so it cannot be transferred"],
      ["main.ts:12", "weak-collection", "field `Cache.refs` (reached from `main.ts#cache`) holds a `WeakSet<Node>`, which cannot "
        + "be enumerated, so it cannot be transferred"],
    ]);
  });

  it("instances of classes declared outside the OS tree", () => {
    const a = analyzed("foreign-class");
    expect(where(a)).toEqual([
      ["main.ts:7", "foreign-class", "variable `main.ts#ring` holds a `Ring<number>`, declared outside the OS tree "
        + "(node_modules/fakepkg/index.d.ts): its internal state is unknown"],
      ["main.ts:13", "foreign-class", "variable `main.ts#pending` holds a `Promise<void>`, declared outside the OS tree "
        + "(TypeScript's standard library): its internal state is unknown"],
      ["main.ts:15", "foreign-class", "class `Registry` extends `Map`, declared outside the OS tree: the state it inherits is "
        + "unknown (in state reached from `main.ts#registry`)"],
    ]);
    // An interface of a package is plain data: described, not an error.
    expect(typeOf(a, "main.ts#options")).toMatchObject({ kind: "object", name: "RingOptions" });
  });

  it("getters and setters whose value lives in a closure", () => {
    const a = analyzed("accessors");
    const message = "accessor `hits` of an object literal type keeps its value in `hits`, captured from an enclosing function: "
      + "state no field describes (in state reached from `main.ts#counter`)";
    expect(where(a)).toEqual([["main.ts:5", "hidden-accessor-state", message], ["main.ts:8", "hidden-accessor-state", message]]);
    // Accessors over a #private field, or derived from one, are fine.
    expect(descriptor(a, "main.ts#Gauge")).toMatchObject({ accessors: [{ name: "level", get: true, set: true }, { name: "doubled", get: true, set: false }] });
  });

  it("imports a process cannot load", () => {
    expect(where(analyzed("unresolved-import"))).toEqual([
      ["main.ts:2", "unresolved-import", 'import "./missing.js" does not name a module of the OS tree'],
      ["main.ts:3", "unresolved-import", 'import "some-package" does not name a module of the OS tree'],
    ]);
  });

  it("an entry module that does not exist", () => {
    fixtureProgram ??= createProgram(CONSTRUCTS.map((c) => path.join(FIXTURES, c, "main.ts")));
    const result = analyzeProgram(path.join(FIXTURES, "primitives"), "nope.ts", "nope", { program: fixtureProgram });
    expect(where(result)).toEqual([["nope.ts:1", "unresolved-import", 'entry module "nope.ts" does not exist']]);
    expect(result.metadata.modules).toEqual([]);
  });

  it("formats a diagnostic as file:line:column, code, message and hint", () => {
    const [d] = analyzed("weak-collections").diagnostics;
    expect(formatDiagnostic(d!)).toBe(`main.ts:6:14: error weak-collection: ${d!.message}\n  hint: ${d!.hint}`);
  });
});

describe("parseMetadata", () => {
  const valid = () => structuredClone(analyzed("recursion").metadata);

  it("accepts metadata as JSON text or as a value", () => {
    expect(parseMetadata(JSON.stringify(valid()))).toEqual(valid());
    expect(parseMetadata(valid())).toEqual(valid());
  });

  it("names the path of a bad value", () => {
    const bad = { ...valid(), schemaVersion: 2 };
    expect(() => parseMetadata(bad)).toThrow(MetadataError);
    expect(() => parseMetadata(bad)).toThrow(/schemaVersion: /);
    const noKind = valid();
    (noKind.types["main.ts#Node"] as { kind: string }).kind = "struct";
    expect(() => parseMetadata(noKind)).toThrow(/types\["main.ts#Node"\]\.kind/);
  });

  it("rejects a type id that is not in the table", () => {
    const dangling = valid();
    dangling.modules[0]!.variables[0]!.type = "main.ts#Gone";
    const node = dangling.types["main.ts#Node"];
    if (node?.kind !== "class") throw new Error("fixture changed");
    node.fields[1]!.type = "main.ts#Missing";
    expect(() => parseMetadata(dangling)).toThrow(
      'invalid metadata.json:\n  modules[0].variables[0].type: unknown type id "main.ts#Gone"\n'
      + '  types["main.ts#Node"].fields[1].type: unknown type id "main.ts#Missing"');
  });
});

/**
 * State of the real OS the analysis cannot describe, reported to its owners instead of
 * being edited here. Each entry: the variable and the error.
 */
const KNOWN_OS_FINDINGS: ReadonlyArray<{ program: string; code: Diagnostic["code"]; variable: string }> = [];

describe("every program of the real OS", () => {
  let results: Map<string, ProgramAnalysis>;
  beforeAll(() => {
    results = analyzeOs(OS_ROOT);
  });

  it("reads the program table of boot/programs.ts", () => {
    expect(readProgramTable(OS_ROOT)).toEqual(PROGRAMS);
  });

  // Programs are being written concurrently: one whose entry does not exist yet is skipped.
  it.each(Object.entries(PROGRAMS).map(([name, entry]) => ({ name, entry, exists: fs.existsSync(path.join(OS_ROOT, entry)) })))(
    "$name", ({ name, entry, exists }) => {
      if (!exists) return;
      const result = results.get(name)!;
      const metadata = parseMetadata(JSON.parse(JSON.stringify(result.metadata)));
      expect(metadata.entryModule).toBe(entry);
      expect(metadata.modules.map((m) => m.path)).toContain(entry);
      const unexpected = result.diagnostics.filter((d) => !KNOWN_OS_FINDINGS.some((k) =>
        k.program === name && k.code === d.code && d.message.includes(`\`${k.variable}\``)));
      expect(unexpected.map(formatDiagnostic)).toEqual([]);
    });

  it("gives the same metadata when a program is analysed on its own", () => {
    expect(analyzeProgram(OS_ROOT, PROGRAMS.pm!, "pm")).toEqual(results.get("pm"));
  });
});
