/**
 * State transfer (runtime/transfer) on the fixture trees fixtures/transfer/v1 and v2:
 * one program per kind of change, planned from the two builds' metadata, then
 * transferred from a realm of v1 into a realm of v2 (or of v1 again, for identity).
 */
import * as vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildImage } from "../../../instrumenter/build/image.js";
import { loadProgram } from "../../../runtime/load.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import {
  describePlan, planTransfer, TransferError, TransferPlanError, type Transformers, transferState,
} from "../../../runtime/transfer/index.js";
import type { Conv } from "../../../runtime/transfer/conv.js";
import { keysFiller } from "../../../runtime/transfer/fillers.js";
import { Shapes } from "../../../runtime/transfer/shapes.js";
import { builder, differences, host, snapshot, stateOf, variable } from "./support.js";

const builds = builder("proteos-transfer-");
let v1: BuildImage;
let v2: BuildImage;

beforeAll(() => {
  v1 = builds.build("fixtures/transfer/v1");
  v2 = builds.build("fixtures/transfer/v2");
}, 60_000);
afterAll(() => builds.cleanup());

/** A fresh realm of `program` in each version; `setup` runs on the old one before anything else. */
function realms(program: string, to: "v1" | "v2" = "v2", setup?: (from: ProcessView) => void) {
  const from = loadProgram(v1, program);
  setup?.(from);
  return { from, to: loadProgram(to === "v1" ? v1 : v2, program) };
}

function transfer(program: string, opts: { to?: "v1" | "v2"; transformers?: Transformers; setup?: (from: ProcessView) => void } = {}) {
  const { from, to } = realms(program, opts.to, opts.setup);
  const plan = planTransfer(from.metadata, to.metadata, opts.transformers);
  const result = transferState(from, to, plan);
  const get = <T = unknown>(name: string) => variable<T>(to, `${program}/main.ts#${name}`);
  return { from, to, plan, result, get };
}

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

/** A function of the old realm that has no identity: a closure made there. */
const closureIn = (view: ProcessView) => vm.runInContext("(() => { const x = 1; return () => x; })()", view.realm.context) as () => number;

const classOf = (view: ProcessView, id: string) => view.rt.functionById(id) as unknown as { prototype: object };

describe("the plan", () => {
  const changesOf = (program: string, transformers?: Transformers) =>
    planTransfer(v1.metadata(program), v2.metadata(program), transformers).changes.map((c) => `${c.verdict} ${c.kind} ${c.location}`);

  it("classifies fields added, removed, reordered and renamed", () => {
    expect(changesOf("fields")).toEqual([
      "auto fields-reordered fields/main.ts#Point",
      "auto field-added fields/main.ts#Point.z",
      "auto fields-reordered fields/main.ts#Proc",
      "auto field-added fields/main.ts#Proc.hint",
      "auto field-removed fields/main.ts#Proc.legacy",
      "auto field-added fields/main.ts#Proc.limit",
      "auto field-renamed fields/main.ts#Proc.note",
      "auto field-added fields/main.ts#Proc.priority",
      "auto field-added fields/main.ts#Proc.queue",
      "auto field-added fields/main.ts#Proc.ticks",
    ]);
  });

  it("classifies widened types, grown unions and literal sets, renumbered enums, resized tuples", () => {
    expect(changesOf("widened")).toEqual([
      "auto widened widened/main.ts#byName<value>",
      "auto enum-renumbered widened/main.ts#Color",
      "auto widened widened/main.ts#Counter.hits",
      "auto widened widened/main.ts#Counter.level",
      "auto widened widened/main.ts#Counter.level",
      "auto widened widened/main.ts#Counter.maybe",
      "auto literals-grew widened/main.ts#Counter.mode",
      "auto widened widened/main.ts#sizes[]",
      "auto widened widened/main.ts#total",
    ]);
    expect(changesOf("unions")).toEqual([
      "auto field-added unions/main.ts#Circle.color",
      "auto union-grew unions/main.ts#current",
      "auto union-grew unions/main.ts#Shape",
      "auto literals-grew unions/main.ts#status",
    ]);
    expect(changesOf("arrays")).toEqual([
      "auto widened arrays/main.ts#grid[][]",
      "auto tuple-resized arrays/main.ts#pair[2]",
      "auto widened arrays/main.ts#rest[…]",
      "auto widened arrays/main.ts#spread",
      "auto tuple-resized arrays/main.ts#triple",
    ]);
  });

  it("refuses, before any realm is touched, every change that needs a transformer and has none", () => {
    const e = thrown(() => planTransfer(v1.metadata("needs-transformer"), v2.metadata("needs-transformer")));
    expect(e).toBeInstanceOf(TransferPlanError);
    const uncovered = (e as TransferPlanError).uncovered.map((c) => `${c.kind} ${c.location} → ${c.fix}`);
    expect(uncovered).toEqual([
      'field-required needs-transformer/main.ts#Entry.created → types["needs-transformer/main.ts#Entry"]',
      'literals-shrank needs-transformer/main.ts#Entry.kind → types["needs-transformer/main.ts#Entry"]',
      'retyped needs-transformer/main.ts#Entry.size → types["needs-transformer/main.ts#Entry"]',
      'union-shrank needs-transformer/main.ts#level → variables["needs-transformer/main.ts#level"]',
    ]);
    expect((e as Error).message).toContain("needs-transformer/main.ts#Entry.size: string → number");
    expect((e as Error).message).toContain("needs-transformer/main.ts#level: string no longer allowed");
  });

  it("lists only what the transformers given leave uncovered, and refuses transformers keyed by nothing", () => {
    const e = thrown(() => planTransfer(v1.metadata("needs-transformer"), v2.metadata("needs-transformer"), {
      types: { "needs-transformer/main.ts#Entry": () => null, "needs-transformer/main.ts#Entyr": () => null },
      variables: { "needs-transformer/main.ts#nope": () => 0 },
    })) as TransferPlanError;
    expect(e.uncovered.map((c) => c.location)).toEqual(["needs-transformer/main.ts#level"]);
    expect(e.problems).toEqual([
      'types["needs-transformer/main.ts#Entyr"]: no such type in the new version',
      'variables["needs-transformer/main.ts#nope"]: no such variable in the new version',
    ]);
  });

  it("refuses state it cannot transfer at all: instances of a class with #private fields", () => {
    const e = thrown(() => planTransfer(v1.metadata("private"), v2.metadata("private"))) as TransferPlanError;
    expect(e.uncovered.map((c) => `${c.verdict} ${c.location}`)).toEqual([
      "unsupported private/main.ts#Counter.#count", "unsupported private/main.ts#Counter.#scratch",
    ]);
    expect(e.message).toContain("cannot be transferred");
  });

  it("pairs variables by name and @rename, and tells what becomes of each", () => {
    const plan = planTransfer(v1.metadata("variables"), v2.metadata("variables"));
    expect(plan.variables.map((v) => `${v.action} ${v.oldName} → ${v.name}`)).toEqual([
      "transfer kept → kept", "new null → added", "transfer oldCounter → counter", "dropped removed → removed",
    ]);
    const consts = planTransfer(v1.metadata("const-in-place"), v2.metadata("const-in-place")).variables;
    expect(consts.filter((v) => v.action === "code").map((v) => v.name)).toEqual(["limits", "PROTOCOL", "VERSION", "PATTERN"]);
    expect(describePlan(plan)).toContain("transfer  variables/main.ts#counter (renamed from oldCounter)");
  });
});

describe("transfer", () => {
  it("adds fields by their initializers in the new realm, drops, reorders and renames fields", () => {
    const { to, get } = transfer("fields");
    const Proc = classOf(to, "fields/main.ts#Proc");
    const procs = get<Map<number, Record<string, unknown>>>("procs");
    expect([...procs.keys()]).toEqual([1, 2, 3]);
    const p = procs.get(2)!;
    expect(Object.getPrototypeOf(p)).toBe(Proc.prototype);
    expect(Object.keys(p)).toEqual(["name", "pid", "ticks", "queue", "limit", "priority", "note", "hint"]);
    expect(p).toMatchObject({ name: "p2", pid: 2, ticks: 0, limit: 20, priority: 7, note: "note 2", hint: undefined });
    expect(p.queue).toBeInstanceOf(to.intrinsics.Map);
    expect(p.queue).not.toBe(procs.get(1)!.queue);
    // A plain object keeps its own key order (the allocation site's), whatever the type declares.
    const origin = get<Record<string | symbol, unknown>>("origin");
    expect(Object.keys(origin)).toEqual(["x", "y"]);
    expect(host(origin)).toEqual({ x: 1, y: 2 });
    expect(origin[to.rt.TYPE]).toBe("fields/main.ts#Point");
  });

  it("widens numbers to bigints, renumbers enums, and keeps values of grown unions", () => {
    const { result, get } = transfer("widened");
    expect(get("counter")).toMatchObject({ hits: 5n, mode: "off", level: 2, color: 2, maybe: 3 });
    expect(get("total")).toBe(42n);
    expect(host(get("sizes"))).toEqual([1n, 2n, 3n]);
    expect([...get<Map<string, bigint>>("byName")]).toEqual([["a", 1n]]);
    expect(result.typesTransformed).toEqual(["widened/main.ts#Color", "widened/main.ts#Counter"]);
    expect(result.changes).toMatchObject({ "enum-renumbered": 1, "literals-grew": 1 });
  });

  it("refuses a number that is no integer where a bigint is now declared", () => {
    const e = thrown(() => transfer("widened", { setup: (from) => from.rt.accessors("widened/main.ts")!.set.total!(1.5) }));
    expect(e).toMatchObject({ kind: "conversion", path: "widened/main.ts#total" });
  });

  it("keeps the members of grown unions and tags the new objects with the new type", () => {
    const { to, get } = transfer("unions");
    const shapes = get<Array<Record<string | symbol, unknown>>>("shapes");
    expect(host(shapes)).toEqual([{ kind: "circle", r: 1 }, { kind: "square", side: 2 }]);
    expect(shapes.map((s) => s[to.rt.TYPE])).toEqual(["unions/main.ts#Circle", "unions/main.ts#Square"]);
    expect(get("status")).toBe("busy");
    expect(host(get("current"))).toEqual({ kind: "circle", r: 5 });
  });

  it("resizes tuples, converts elements, and keeps holes and lengths", () => {
    const { get } = transfer("arrays");
    expect(host(get("pair"))).toEqual([1, "a"]);
    expect(host(get("triple"))).toEqual([1, 2]);
    expect(host(get("rest"))).toEqual(["x", 1n, 2n]);
    expect(host(get("spread"))).toEqual([4, 5]);
    const holes = get<number[]>("holes");
    expect(holes.length).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => i in holes)).toEqual([true, false, true, false, false]);
    expect(host(get("grid"))).toEqual([[1n, 2n], [3n]]);
  });

  describe("by transformers", () => {
    const entry = "needs-transformer/main.ts#Entry";
    const transformers = (make: Transformers["types"] = {}): Transformers => ({
      types: {
        [entry]: (old: { size: string; kind: string }, h) =>
          h.object(entry, { ...h.fields(old), size: Number(old.size), kind: old.kind === "c" ? "b" : old.kind, created: 0 }),
        ...make,
      },
      variables: { "needs-transformer/main.ts#level": (old: number | string) => Number(old) },
    });

    it("makes the changes they cover", () => {
      const { to, get, plan, result } = transfer("needs-transformer", { transformers: transformers() });
      const entries = get<object[]>("entries");
      expect(entries.map((e) => Object.getPrototypeOf(e) === classOf(to, entry).prototype)).toEqual([true, true]);
      expect(host(entries)).toEqual([
        expect.objectContaining({ key: "x", size: 12, kind: "a", created: 0 }),
        expect.objectContaining({ key: "y", size: 7, kind: "b", created: 0 }),
      ]);
      expect(get("level")).toBe(3);
      expect(plan.changes.every((c) => c.verdict === "auto" || c.coveredBy !== null)).toBe(true);
      expect(result.typesTransformed).toContain(entry);
    });

    it("gives a constant's new object the contents its variable transformer returns", () => {
      const { from, to } = realms("const-in-place");
      const own = variable(to, "const-in-place/main.ts#table");
      const plan = planTransfer(from.metadata, to.metadata, {
        variables: { "const-in-place/main.ts#table": (old: Map<string, number>, h) => h.map([["entries", old.size]]) },
      });
      transferState(from, to, plan);
      expect(variable(to, "const-in-place/main.ts#table")).toBe(own);
      expect([...(own as Map<string, number>)]).toEqual([["entries", 1]]);
      expect(variable(to, "const-in-place/main.ts#sameTable")).toBe(own);
    });

    it("fails when a default transfer inside a transformer meets a change no transformer covers", () => {
      const e = thrown(() => transfer("needs-transformer", {
        transformers: {
          variables: {
            "needs-transformer/main.ts#entries": (old: unknown[], h) => h.array([h.transfer(old[0])]),
            "needs-transformer/main.ts#level": () => 0,
          },
        },
      }));
      expect(e).toMatchObject({ kind: "needs-transformer", path: "needs-transformer/main.ts#entries" });
      expect((e as Error).message).toMatch(/\.created: required field added.*types\["needs-transformer\/main\.ts#Entry"\]/);
    });

    it("reports a transformer that throws, naming it and where", () => {
      const e = thrown(() => transfer("needs-transformer", { transformers: transformers({ [entry]: () => { throw new Error("no size"); } }) }));
      expect(e).toBeInstanceOf(TransferError);
      expect(e).toMatchObject({ kind: "transformer", path: expect.stringMatching(/^needs-transformer\/main\.ts#entries\[[01]\]$/) });
      expect((e as Error).message).toContain(`the transformer of type ${entry} threw: no size`);
    });

    it("refuses a result of the host's realm or the old version's", () => {
      const host = thrown(() => transfer("needs-transformer", { transformers: transformers({ [entry]: (old) => ({ ...old }) }) }));
      expect(host).toMatchObject({ kind: "transformer-result", reason: expect.stringContaining("not of the new version's realm") });
      const old = thrown(() => transfer("needs-transformer", { transformers: transformers({ [entry]: (o) => o }) }));
      expect(old).toMatchObject({ kind: "transformer-result", reason: expect.stringContaining("an object of the old version") });
      const inside = thrown(() => transfer("needs-transformer", {
        transformers: transformers({ [entry]: (o, h) => h.object(entry, { ...h.fields(o), size: [], kind: "a", created: 0 }) }),
      }));
      expect(inside).toMatchObject({ kind: "transformer-result", reason: expect.stringContaining("field size is an object that is not of the new") });
    });

    it("runs iteratively: a transformer's h.transfer of another transformed value does not recurse", () => {
      const node = "cycles/main.ts#Node";
      const { get } = transfer("cycles", {
        to: "v1",
        setup: (from) => (from.entryExports.grow as (n: number) => void)(200_000),
        transformers: { types: { [node]: (old: { id: number; next: unknown }, h) => h.object(node, { id: old.id * 2, next: h.transfer(old.next) }) } },
      });
      let n = 0;
      for (let at = get<{ id: number; next: unknown } | null>("head"); at !== null; at = at.next as typeof at) {
        if (at.id !== (199_999 - n) * 2) throw new Error(`node ${n} has id ${at.id}`);
        n++;
      }
      expect(n).toBe(200_000);
    });
  });

  it("copies every object once: sharing and cycles are kept, and a 200k-deep list does not overflow", () => {
    const { to, result, get } = transfer("cycles", { setup: (from) => (from.entryExports.grow as (n: number) => void)(200_000) });
    const graph = get<{ nodes: Map<number, { next: unknown }>; members: Set<unknown>; self: unknown }>("graph");
    expect(graph.self).toBe(graph);
    expect(graph.nodes.get(9)!.next).toBe(graph.nodes.get(0));
    expect([...graph.members]).toEqual([...graph.nodes.values()]);
    expect([...graph.members].every((m, i) => m === graph.nodes.get(i))).toBe(true);
    expect(get("shared")).toBe(graph.nodes.get(3));
    expect(get<unknown[]>("twice")[1]).toBe(get("shared"));
    let depth = 0;
    for (let at = get<{ next: unknown } | null>("head"); at !== null; at = at.next as typeof at) depth++;
    expect(depth).toBe(200_000);
    // Plain objects, found again through their tags (identity.ts), and a frozen one, through the Map.
    const ring = get<Array<{ name: string; next: unknown }>>("ring");
    expect(ring.map((l) => l.name)).toEqual(["a", "b", "a"]);
    expect(ring[2]).toBe(ring[0]);
    expect(ring[0]!.next).toBe(ring[1]);
    expect(ring[1]!.next).toBe(ring[0]);
    const pinned = get<unknown[]>("pinned");
    expect(pinned[1]).toBe(pinned[0]);
    expect(pinned[0]).toMatchObject({ name: "fixed", next: null });
    // graph, its Map and Set, 10 nodes, `twice`, the list, the ring and its 2 links, `pinned` and its link: nothing twice.
    expect(result.objects).toBe(1 + 2 + 10 + 1 + 200_000 + 3 + 2);
    expect(Object.getPrototypeOf(graph)).toBe(classOf(to, "cycles/main.ts#Graph").prototype);
  });

  it("fills constants holding objects in place and keeps constants that are code", () => {
    const { to, get, result } = transfer("const-in-place", {
      setup: (from) => (from.entryExports.record as (k: string, v: number) => void)("x", 7),
    });
    const table = get<Map<string, number>>("table");
    expect([...table]).toEqual([["boot", 1], ["x", 7]]);
    expect(get("sameTable")).toBe(table);
    expect(host(get("list"))).toEqual([1, 7]);
    expect(host(get("counts"))).toEqual({ boot: 1, x: 7 });
    expect(host(get("stats"))).toEqual({ count: 1, seen: ["x"], extra: "v2" });
    expect(host(get("limits"))).toEqual({ max: 6 });
    expect(host(get("PROTOCOL"))).toEqual({ OPEN: 10, CLOSE: 20 });
    expect(get("VERSION")).toBe(2);
    expect(String(get("PATTERN"))).toBe("/^v2$/");
    expect(result.variables.code).toEqual(expect.arrayContaining(["const-in-place/main.ts#PROTOCOL", "const-in-place/main.ts#VERSION"]));
    expect(Object.getPrototypeOf(get("stats"))).toBe(classOf(to, "const-in-place/main.ts#Stats").prototype);
  });

  it("fills the new version's own objects: the constant's identity is the new version's", () => {
    const { from, to } = realms("const-in-place");
    const own = variable(to, "const-in-place/main.ts#table");
    transferState(from, to, planTransfer(from.metadata, to.metadata));
    expect(variable(to, "const-in-place/main.ts#table")).toBe(own);
    expect(variable(to, "const-in-place/main.ts#stats")).toBeInstanceOf(classOf(to, "const-in-place/main.ts#Stats") as unknown as Function);
  });

  it("relocates function references to the new version's functions of the same name", () => {
    const { to, get } = transfer("functions");
    const fn = (name: string) => to.rt.functionById(`functions/main.ts#${name}`);
    expect(get("current")).toBe(fn("onRead"));
    expect(get<() => number>("current")()).toBe(10);
    expect([...get<Map<number, unknown>>("handlers")]).toEqual([[1, fn("onRead")], [2, fn("onWrite")]]);
    expect(get("method")).toBe(fn("Handler.run"));
    expect(get("make")).toBe(fn("Handler"));
  });

  it("fails on a function without identity, or one gone from the new version, naming where it is", () => {
    const closure = thrown(() => transfer("errors", {
      setup: (from) => {
        const install = from.entryExports.install as (id: number, cb: unknown) => void;
        for (let id = 10; id < 15; id++) install(id, null);
        install(12, closureIn(from));
      },
    }));
    expect(closure).toMatchObject({ kind: "function", path: "errors/main.ts#registry.items[12].callback" });
    expect((closure as Error).message).toMatch(/without identity/);
    const gone = thrown(() => transfer("errors", { setup: (from) => (from.entryExports.hookLegacy as () => void)() }));
    expect(gone).toMatchObject({ kind: "function", path: "errors/main.ts#hook", reason: expect.stringContaining("errors/main.ts#legacy is gone") });
  });

  it("copies only what the variables reach: a leak of the old version is left behind", () => {
    const { from, result, get } = transfer("leak");
    expect((from.intrinsics.global.leaked as unknown[]).length).toBe(1000);
    expect(host(get("live"))).toEqual([[1], [2]]);
    expect(result.objects).toBe(3);
  });

  it("copies @opaque state as it is, class instances with the new class", () => {
    const { to, get } = transfer("opaque");
    const payload = get<{ list: unknown[]; when: Date; table: Map<number, unknown> }>("payload");
    expect(host(payload)).toEqual({ a: 1, list: [1, 2, { deep: true }], when: new Date(0), table: new Map([[1, { x: 2 }]]) });
    expect(payload.when).toBeInstanceOf(to.intrinsics.Date);
    expect(payload.table).toBeInstanceOf(to.intrinsics.Map);
    const box = get<{ n: number; data: { inner: unknown; note: string } }>("box");
    expect(box.n).toBe(1);
    expect(Object.getPrototypeOf(box.data.inner)).toBe(classOf(to, "opaque/main.ts#Box").prototype);
    expect(host(box.data)).toEqual({ inner: { n: 2, data: null }, note: "as it is" });
  });

  it("leaves @transient variables and fields to the new version's initializers", () => {
    const { to, get, result } = transfer("transient");
    expect([...get<Map<string, number>>("cache")]).toEqual([["fresh", 1]]);
    const conns = get<Array<{ peer: string; scratch: number[] }>>("conns");
    expect(host(conns)).toEqual([{ peer: "a", scratch: [9] }]);
    expect(conns[0]!.scratch).toBeInstanceOf(to.intrinsics.Array);
    expect(result.variables.transient).toEqual(["transient/main.ts#cache"]);
  });

  it("keeps, renames, adds and drops variables", () => {
    const { get, result } = transfer("variables");
    expect([get("kept"), get("added"), get("counter")]).toEqual([1, 42, 5]);
    expect(result.variables).toMatchObject({
      transferred: ["variables/main.ts#kept", "variables/main.ts#counter"],
      initializedNew: ["variables/main.ts#added"],
      dropped: ["variables/main.ts#removed"],
    });
  });

  it("copies every kind of value faithfully into the new realm (identity transfer)", () => {
    const { from, to, get, result } = transfer("kinds", { to: "v1" });
    const old = variable(from, "kinds/main.ts#values");
    expect(differences(from, to, [["kinds/main.ts#values", old, get("values")]])).toEqual([]);
    const values = get<{ words: Uint16Array; octets: Uint8Array; buffer: ArrayBuffer; failure: Error; error: Error }>("values");
    expect(values.words.buffer).toBe(values.buffer);
    expect(values.octets.buffer).toBe(values.buffer);
    expect(values.failure).toBeInstanceOf(classOf(to, "kinds/main.ts#Failure") as unknown as Function);
    expect(values.failure).toBeInstanceOf(to.intrinsics.Error);
    expect(values.error).toBeInstanceOf(to.intrinsics.global.TypeError as Function);
    expect(result.bytes).toBeGreaterThan(8 + 3);
    const shapes = get<object[]>("shapes");
    expect(shapes.map((s) => Object.getPrototypeOf(s))).toEqual([
      classOf(to, "kinds/main.ts#Square").prototype, classOf(to, "kinds/main.ts#Shape").prototype,
    ]);
    expect(host(shapes)).toEqual([{ n: 1, side: 2 }, { n: 2 }]);
  });

  it("never changes the old realm", () => {
    for (const program of ["fields", "cycles", "const-in-place", "kinds", "opaque", "widened"]) {
      const { from, to } = realms(program);
      const before = snapshot(stateOf(from));
      transferState(from, to, planTransfer(from.metadata, to.metadata));
      expect(snapshot(stateOf(from)), program).toEqual(before);
    }
  });

  it("never changes the old realm when it fails either: every tag it forwarded is given back", () => {
    const throwing = realms("needs-transformer");
    const throws: Transformers = {
      types: { "needs-transformer/main.ts#Entry": () => { throw new Error("no"); } },
      variables: { "needs-transformer/main.ts#level": (old: number | string) => Number(old) },
    };
    const failing = [
      { ...throwing, plan: planTransfer(throwing.from.metadata, throwing.to.metadata, throws), deadline: Infinity },
      { ...realms("cycles", "v1", (f) => (f.entryExports.grow as (n: number) => void)(20_000)), plan: null, deadline: performance.now() - 1 },
    ];
    for (const { from, to, plan, deadline } of failing) {
      const before = snapshot(stateOf(from));
      expect(thrown(() => transferState(from, to, plan ?? planTransfer(from.metadata, to.metadata), { deadline }))).toBeInstanceOf(TransferError);
      expect(snapshot(stateOf(from))).toEqual(before);
    }
  });

  it("makes no object whose prototype chain leads out of the new realm", () => {
    for (const program of ["fields", "unions", "opaque", "kinds", "const-in-place"]) {
      const { from, to } = realms(program, "v1");
      transferState(from, to, planTransfer(from.metadata, to.metadata));
      const pairs = stateOf(from).map(([name, old]) => [name, old, variable(to, name)] as [string, unknown, unknown]);
      expect(differences(from, to, pairs), program).toEqual([]);
    }
  });

  it("stops at its deadline", () => {
    const { from, to } = realms("cycles", "v1", (f) => (f.entryExports.grow as (n: number) => void)(20_000));
    const e = thrown(() => transferState(from, to, planTransfer(from.metadata, to.metadata), { deadline: performance.now() - 1 }));
    expect(e).toMatchObject({ kind: "deadline" });
  });
});

describe("shapes", () => {
  it("make objects of the new realm with their fields preset, only where assigning them makes own data properties", () => {
    const view = loadProgram(v1, "fields");
    const shapes = new Shapes(view);
    const inRealm = (code: string) => vm.runInContext(code, view.realm.context) as object;
    const objectProto = view.intrinsics.Object.prototype;
    const Plain = shapes.of(objectProto, ["b", "a"])!;
    const o = new Plain("t");
    expect(Object.getPrototypeOf(o)).toBe(objectProto);
    expect(Object.keys(o)).toEqual(["b", "a"]);
    expect(o[view.rt.TYPE]).toBe("t");
    expect(Object.hasOwn(new Plain(undefined), view.rt.TYPE)).toBe(false);
    expect(shapes.of(objectProto, ["b", "a"])).toBe(Plain);
    // Where assigning would call a setter, fail, or set the prototype, the walk's own assignments make the object.
    expect(shapes.of(objectProto, ["__proto__"])).toBeNull();
    expect(shapes.of(inRealm("({ set x(v) {} })"), ["a", "x"])).toBeNull();
    expect(shapes.of(inRealm("Object.freeze({ y: 1 })"), ["y"])).toBeNull();
    expect(shapes.of(inRealm("({ y: 1 })"), ["y"])).not.toBeNull();
  });
});

describe("fillers", () => {
  it("copy any key names, and place a failure at the field it happened in", () => {
    const conv = { kind: "value" } as unknown as Conv;
    const w = {
      convert: (v: unknown) => {
        if (v === "bad") throw new Error("no");
        return v;
      },
      filledInPlace: () => false,
      fail: (_e: unknown, _old: object, step: string) => new Error(`at ${step}`),
    };
    const keys = ["a\"b", "back\\slash", "line\nbreak", "0", "plain", "other"];
    const fill = keysFiller(keys, keys.map(() => null), conv);
    const old: Record<string, unknown> = { "a\"b": 1, "back\\slash": 2, "line\nbreak": 3, 0: 4, plain: 5, other: 6 };
    const copy: Record<string, unknown> = {};
    fill(old, copy, w);
    expect(copy).toEqual(old);
    expect(() => fill({ ...old, "line\nbreak": "bad" }, {}, w)).toThrow("at [\"line\\nbreak\"]");
    expect(() => fill({ ...old, plain: "bad" }, {}, w)).toThrow("at .plain");
  });
});
