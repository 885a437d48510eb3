/**
 * Type invariants (runtime/check/types.ts): every kind of descriptor on the fixture
 * program fixtures/checks/kinds (state of every kind, broken one value at a time),
 * objects of another realm, deep heaps, and the real servers at rest and while running.
 */
import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { checkTypes, formatViolation, type TypeViolation } from "../../../runtime/check/types.js";
import { loadProgram } from "../../../runtime/load.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import { inFlight } from "../../../runtime/update/in-flight.js";
import { inRealm, liveView, useBuilds } from "../state/builds.js";

const builds = useBuilds();

const STATE = "kinds/state.ts";

/** A fresh copy of the fixture program, and its variables. */
function kinds() {
  const view = loadProgram(builds.checks, "kinds");
  const { get, set } = view.rt.accessors(STATE)!;
  /** Run code in the realm with the state module's exports as `s`. */
  const run = <T = unknown>(body: string): T => inRealm<T>(view, ["s"], body, view.realm.require(STATE));
  return { view, get: (name: string) => get[name]!() as any, set: (name: string, v: unknown) => set[name]!(v), run };
}

const violations = (view: ProcessView, opts = {}): TypeViolation[] => checkTypes(view, opts).violations;
const only = (view: ProcessView) => {
  const v = violations(view);
  expect(v.map(formatViolation)).toHaveLength(1);
  return v[0]!;
};

describe("type invariants of every kind of state", () => {
  it("accepts the state as the program made it, every object counted once", () => {
    const { view } = kinds();
    const report = checkTypes(view);
    expect(report.violations.map(formatViolation)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.truncated).toBe(false);
    // Table, its 4 inodes with their zones, 3 collections, the list and its 2 nodes, …
    expect(report.objectsChecked).toBeGreaterThan(30);
  });

  it.each<[string, string, Partial<TypeViolation>]>([
    ["primitive", "s.title = 5", { path: `${STATE}#title`, expected: "string", found: "5" }],
    ["boolean", "s.ready = 0", { path: `${STATE}#ready`, expected: "boolean", found: "0" }],
    ["bigint", "s.big = 10", { path: `${STATE}#big`, expected: "bigint", found: "10" }],
    ["literal in a tuple", "s.fixed[0] = 2", { path: `${STATE}#fixed[0]`, expected: "1", found: "2" }],
    ["enum", "s.color = 4", { path: `${STATE}#color`, expected: `${STATE}#Color`, found: "4" }],
    ["enum member", "s.red = 5", { path: `${STATE}#red`, expected: `${STATE}#Color.Red`, found: "5" }],
    ["string enum in a union", "s.access = 'x'", { path: `${STATE}#access`, expected: `${STATE}#Access | null`, found: "\"x\"" }],
    ["union", "s.maybe = true", { path: `${STATE}#maybe`, expected: "null | number | string", found: "true" }],
    ["discriminated union member's field", "s.shape = { kind: 'square', r: 2 }",
      { path: `${STATE}#shape.side`, expected: "number", found: "nothing (the field is missing)" }],
    ["discriminant", "s.shape = { kind: 'oval', r: 2 }", { path: `${STATE}#shape`, expected: `{ kind: "circle"; r: number } | { kind: "square"; side: number }` }],
    ["optional field", "s.origin.label = 3", { path: `${STATE}#origin.label`, expected: "string | undefined", found: "3" }],
    ["missing field", "delete s.origin.y", { path: `${STATE}#origin.y`, expected: "number", found: "nothing (the field is missing)" }],
    ["record", "s.counts.b = 'x'", { path: `${STATE}#counts.b`, expected: "number", found: "\"x\"" }],
    ["class instance", "s.table.slots[1] = { ino: 2, size: 0 }", { path: `${STATE}#table.slots[1]`, expected: `${STATE}#Inode`, found: "{ ino, size }" }],
    ["class field", "s.table.slots[2].zones[1] = '0'", { path: `${STATE}#table.slots[2].zones[1]`, expected: "number", found: "\"0\"" }],
    ["subclass's own field", "s.node.extra = 5", { path: `${STATE}#node.extra`, expected: "string", found: "5" }],
    ["generic instantiation", "s.list.head.value = 5", { path: `${STATE}#list.head.value`, expected: "string", found: "5" }],
    ["array hole", "s.meta.tags.length = 2", { path: `${STATE}#meta.tags[1]`, expected: "string", found: "a hole" }],
    ["tuple length", "s.pair.push(3)", { path: `${STATE}#pair`, expected: "[number, string]", found: "[number, string] (length 3)" }],
    ["rest element", "s.rest.push('x')", { path: `${STATE}#rest[3]`, expected: "number", found: "\"x\"" }],
    ["Map key", "s.table.byIno.set('5', s.table.slots[0])", { path: `${STATE}#table.byIno<key 4>`, expected: "number", found: "\"5\"" }],
    ["Map value", "s.table.byIno.set(9, null)", { path: `${STATE}#table.byIno[9]`, expected: `${STATE}#Inode`, found: "null" }],
    ["Set element", "s.table.open.add(7)", { path: `${STATE}#table.open<1>`, expected: `${STATE}#Inode`, found: "7" }],
    ["Date", "s.when = { time: 0 }", { path: `${STATE}#when`, expected: "Date", found: "{ time }" }],
    ["typed array", "s.words = new Uint8Array(2)", { path: `${STATE}#words`, expected: "Float64Array", found: "Uint8Array(2)" }],
    ["ArrayBuffer", "s.buffer = new Uint8Array(8)", { path: `${STATE}#buffer`, expected: "ArrayBuffer" }],
    ["RegExp", "s.pattern = 'ab+'", { path: `${STATE}#pattern`, expected: "RegExp" }],
    ["Error", "s.failure = { message: 'x' }", { path: `${STATE}#failure`, expected: "Error | null" }],
    ["branded primitive", "s.pid = '1'", { path: `${STATE}#pid`, expected: "number & { readonly __brand: \"pid\" }", found: "\"1\"" }],
    ["class static", "s.Registry.count = 'x'", { path: `${STATE}#Registry.count`, expected: "number", found: "\"x\"" }],
    ["function without identity", "s.handler = (n) => n",
      { path: `${STATE}#handler`, expected: "(n: number) => number (a function with an identity)", found: "function (anonymous) (a closure or built-in: no identity)" }],
  ])("reports a %s that does not conform", (_what, change, expected) => {
    const { view, run } = kinds();
    run(change);
    expect(only(view)).toMatchObject(expected);
  });

  it("accepts what the types allow: optional fields absent, null in unions, a subclass, an identity", () => {
    const { view, run } = kinds();
    run(`s.origin.label = "o"; s.access = null; s.maybe = "m"; s.failure = new TypeError("t"); s.handler = s.double;
      s.shape = { kind: "square", side: 1 }; s.range.push(2); s.pid = 7;`);
    expect(violations(view)).toEqual([]);
  });

  it("skips @transient state and does not look into @opaque state", () => {
    const { view, run } = kinds();
    run(`s.scratch = 5; s.table.slots[0].cached = 5; s.blob = { anything: [1n, () => 1, new Map()] };`);
    expect(violations(view)).toEqual([]);
  });

  it("walks shared objects and cycles once", () => {
    const { view, run } = kinds();
    run("s.list.head.next.next = s.list.head; s.table.slots[3].hashNext = s.table.slots[0]; s.table.slots[0].hashNext = s.table.slots[3];");
    expect(checkTypes(view).ok).toBe(true);
  });

  it("checks an object reached as a union and as the member it is once", () => {
    const { view, run } = kinds();
    // slots[0] is reached as an Inode (the array's element) and as an Inode | null (hashNext).
    run("s.table.slots[0].size = 'big'; s.table.slots[3].hashNext = s.table.slots[0];");
    expect(violations(view).map(formatViolation)).toEqual([`${STATE}#table.slots[0].size: expected number, found "big"`]);
  });

  it("stops at the limit", () => {
    const { view, run } = kinds();
    run("for (const i of s.table.slots) i.zones = ['a', 'b', 'c'];");
    const report = checkTypes(view, { limit: 5 });
    expect(report.violations).toHaveLength(5);
    expect(report.truncated).toBe(true);
    expect(checkTypes(view).violations).toHaveLength(12);
  });

  it("walks a heap a million objects deep without recursion", () => {
    const { view, run } = kinds();
    run("let n = s.list.head; for (let i = 0; i < 1_000_000; i++) { const m = new n.constructor('x'); n.next = m; n = m; }");
    const report = checkTypes(view);
    expect(report.ok).toBe(true);
    expect(report.objectsChecked).toBeGreaterThan(1_000_000);
  });
});

describe("objects of another realm", () => {
  it("names an object, a function and a class instance of the old realm, and does not walk into them", () => {
    const old = kinds();
    const { view, set, get } = kinds();
    set("origin", old.get("origin"));
    set("handler", old.run("return s.double"));
    set("node", old.get("node"));
    get("table").slots[0].hashNext = old.get("table").slots[1];
    expect(violations(view, { foreign: old.view }).map(formatViolation).sort()).toEqual([
      `${STATE}#handler: expected an object of this realm, found function ${STATE}#double of the old realm (kinds)`,
      `${STATE}#node: expected an object of this realm, found ${STATE}#Derived of the old realm (kinds)`,
      `${STATE}#origin: expected an object of this realm, found ${STATE}#Point of the old realm (kinds)`,
      `${STATE}#table.slots[0].hashNext: expected an object of this realm, found ${STATE}#Inode of the old realm (kinds)`,
    ]);
  });

  it("names host objects, other realms' objects and proxies", () => {
    const other = kinds();
    const { view, set, run } = kinds();
    set("origin", { x: 0, y: 0 });
    set("when", other.run("return new Date(0)"));
    run("s.shape = new Proxy({ kind: 'circle', r: 1 }, {});");
    expect(violations(view).map((v) => `${v.path}: ${v.found}`)).toEqual([
      `${STATE}#shape: a Proxy (it cannot be inspected or transferred)`,
      `${STATE}#origin: { x, y } of the host`,
      `${STATE}#when: Date of another realm`,
    ]);
  });

  it("checks the realm of objects inside @opaque state", () => {
    const { view, set } = kinds();
    set("blob", { from: "the host" });
    expect(only(view)).toMatchObject({ path: `${STATE}#blob`, found: "{ from } of the host" });
  });
});

describe("the real servers", () => {
  it("conform as loaded", () => {
    for (const program of ["pm", "vfs", "mfs", "rs", "ds", "blk", "tty"]) {
      const report = checkTypes(loadProgram(builds.os, program));
      expect(report.violations.map(formatViolation), program).toEqual([]);
      expect(report.objectsChecked, program).toBeGreaterThan(0);
    }
  });

  it("conform while mixed runs, whenever they are request-free", async () => {
    const system = new System({ seed: 3, image: builds.os, initArgv: ["mixed"] });
    system.boot();
    let checked = 0;
    try {
      for (const tick of [200, 500, 800, 1100]) {
        await system.run(tick);
        for (let slot = 0; slot <= 6; slot++) {
          const view = liveView(system, builds.os, slot);
          const inst = system.kernel.procs[slot]!.instance!;
          if (!view.rt.atUpdatePoint() || inFlight(system.kernel, inst, view) > 0) continue;
          expect(checkTypes(view).violations.map(formatViolation), `${view.program} at ${tick}`).toEqual([]);
          checked++;
        }
      }
    } finally {
      system.machine.powerOff();
    }
    expect(checked).toBeGreaterThan(15);
  });
});
