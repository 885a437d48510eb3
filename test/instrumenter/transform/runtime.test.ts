/**
 * Instrumented code at run time, in a process realm (os/kernel/realm.ts) loading the
 * fixture server fixtures/instrumenter/transform/runtime from an in-memory image:
 * accessors, function identities, allocation-site tags, quiescence and stack mapping,
 * all through the runtime's query functions (what the live-update runtime will call).
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseMetadata } from "../../../instrumenter/metadata/schema.js";
import { type InstrumentResult, instrumentOs } from "../../../instrumenter/transform/index.js";
import type * as Runtime from "../../../instrumenter/rt/rt.js";
import { TRAP } from "../../../os/include/ipc.js";
import { Realm } from "../../../os/kernel/realm.js";
import { MemoryImage } from "./memory-image.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const ROOT = path.join(REPO, "fixtures", "instrumenter", "transform", "runtime");

type Exports = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

let result: InstrumentResult;
let image: MemoryImage;
let realm: Realm;
let rt: typeof Runtime;
let main: Exports;
let state: Exports;
let ipc: Exports;

/** Let every pending promise reaction of the realm run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function message(type: number, source: number): unknown {
  const m = realm.ops.object();
  Object.assign(m, { type, source });
  return m;
}

beforeAll(() => {
  result = instrumentOs(ROOT);
  image = new MemoryImage(result, ROOT);
  let self: Realm | undefined;
  // The kernel's part of the trap that module loading needs: a require answers exports or an error text.
  const trap = (op: number, spec?: unknown, from?: unknown): unknown => {
    if (op !== TRAP.REQUIRE) return -1;
    const target = self!.resolve(from as string, spec as string);
    return target === undefined ? `cannot load ${String(spec)}` : self!.require(target);
  };
  realm = self = new Realm(image, trap, 7, "server");
  main = realm.require("main.ts") as Exports;
  state = realm.require("state.ts") as Exports;
  ipc = realm.require("lib/ipc.ts") as Exports;
  rt = realm.require("proteos:rt") as typeof Runtime;
});

describe("an instrumented process", () => {
  it("registers every module it loaded", () => {
    expect(result.programs.get("server")!.diagnostics).toEqual([]);
    expect(rt.modules()).toEqual(["lib/ipc.ts", "state.ts", "main.ts"]);
  });

  it("reads and writes module state through the accessors, exported or not", () => {
    const { get, set } = rt.accessors("state.ts")!;
    expect(get.served!()).toBe(0);
    (state.countServed as Fn)();
    expect(get.served!()).toBe(1);
    set.served!(41);
    expect(state.served).toBe(41); // importers read the export
    expect((state.countServed as Fn)()).toBe(42); // the module's own code sees it
    expect(Object.keys(set)).toEqual(["served"]); // constants have no setter
    expect(get.queue!()).toBe(state.queue);
    const mainState = rt.accessors("main.ts")!;
    expect(Object.keys(mainState.get)).toEqual(["open", "gate"]);
    const gate = mainState.get.gate!();
    mainState.set.gate!(gate);
    expect(mainState.get.gate!()).toBe(gate);
  });

  it("knows its functions and classes by qualified name, both ways", () => {
    expect(rt.functionId(main.main)).toBe("main.ts#main");
    expect(rt.functionById("main.ts#hold")).toBe(main.hold);
    const Queue = state.Queue as { prototype: { push: unknown }; of: unknown };
    expect(rt.functionById("state.ts#Queue")).toBe(Queue);
    expect(rt.functionById("state.ts#Queue.push")).toBe(Queue.prototype.push);
    expect(rt.functionId(Queue.of)).toBe("state.ts#Queue.static.of");
    expect(rt.functionId(() => 0)).toBeUndefined();
  });

  it("tags objects, arrays, Maps and Sets with type ids of the metadata; instances by their class", () => {
    const metadata = parseMetadata(JSON.parse(JSON.stringify(result.programs.get("server")!.metadata)));
    const queue = state.queue as { items: unknown[] };
    const tags = {
      queue: rt.typeOf(queue),
      items: rt.typeOf(queue.items),
      request: rt.typeOf(queue.items[0]),
      bySource: rt.typeOf(state.bySource),
      kinds: rt.typeOf(state.kinds),
      last: rt.typeOf(state.last),
    };
    expect(tags).toEqual({
      queue: "state.ts#Queue",
      items: "state.ts#Request[]",
      request: "state.ts#Request",
      bySource: "Map<number, state.ts#Request>",
      kinds: "Set<number>",
      last: "{ message: lib/ipc.ts#Message | null }",
    });
    expect(Object.keys(metadata.types)).toEqual(expect.arrayContaining(Object.values(tags)));
    // A tag copied onto an instance (Object.assign copies symbol keys) does not hide its class.
    const copy = rt.tag(new (state.Queue as new () => object)(), "state.ts#Request");
    expect(rt.typeOf(copy)).toBe("state.ts#Queue");
    // Tags are invisible to the program: not enumerable keys, not serialized.
    expect(Object.keys(queue.items[0] as object)).toEqual(["from", "kind"]);
    expect(JSON.stringify(queue.items[0])).toBe('{"from":0,"kind":0}');
    expect(rt.typeOf(realm.ops.object())).toBeUndefined();
  });

  it("knows when it is parked at its update point, and counts the promises it made while they are pending", async () => {
    void (main.main as Fn)();
    await settle();
    expect([rt.atUpdatePoint(), rt.inFlight()]).toEqual([true, 0]);

    (main.hold as Fn)();
    expect(rt.inFlight()).toBe(1); // the gate: pending, whether or not anyone awaits it yet
    (ipc.deliver as Fn)(message(7, 3));
    await settle();
    // The loop went straight back to receive; the handler waits at the gate.
    expect([rt.atUpdatePoint(), rt.inFlight()]).toEqual([true, 1]);
    (ipc.deliver as Fn)(message(8, 4));
    await settle();
    expect(rt.inFlight()).toBe(1);

    (main.release as Fn)();
    expect(rt.inFlight()).toBe(0); // settled as it is resolved, as the promise itself is
    (main.release as Fn)(); // a second resolve changes nothing
    expect(rt.inFlight()).toBe(0);
    await settle();
    expect((state.bySource as Map<number, unknown>).size).toBe(2);
    expect(rt.typeOf((state.bySource as Map<number, unknown>).get(3))).toBe("state.ts#Request");
    expect(rt.accessors("state.ts")!.get.served!()).toBe(44);
  });

  it("counts a promise of the program down when it is rejected, or its executor throws, and passes the rejection on", async () => {
    const Error = (realm.global() as Record<string, unknown>).Error as ErrorConstructor;
    const rejected = rt.promise((_resolve, reject) => reject(new Error("no")));
    const thrown = rt.promise(() => {
      throw new Error("thrown");
    });
    const outcomes = Promise.allSettled([rejected, thrown]);
    expect(rt.inFlight()).toBe(0);
    expect((await outcomes).map((o) => o.status === "rejected" && (o.reason as Error).message)).toEqual(["no", "thrown"]);
    const open = rt.promise<number>(() => {});
    expect(rt.inFlight()).toBe(1);
    expect(Object.getPrototypeOf(open)).toBe(((realm.global() as Record<string, unknown>).Promise as PromiseConstructor).prototype);
  });

  it("maps a thrown error's stack to the original .ts line", () => {
    let stack = "";
    try {
      (main.fail as Fn)();
    } catch (e) {
      stack = (e as Error).stack!;
    }
    const file = path.join(ROOT, "main.ts");
    const generatedLine = Number(new RegExp(`${file}:(\\d+):`).exec(stack)![1]);
    const mapped = image.mapStack(stack);
    expect(mapped).toContain(`${file}:39:9`); // `throw new Error("boom")`
    expect(generatedLine).not.toBe(39);
  });
});
