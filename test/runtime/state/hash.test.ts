/**
 * The deep state hash and snapshots (runtime/state): equal for two copies of a program
 * in the same state (the fixture program, the real servers, two runs of the OS from the
 * same seed), different after any change, sharing and order included.
 */
import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { loadProgram } from "../../../runtime/load.js";
import type { ProcessView } from "../../../runtime/process-view.js";
import { stateHash } from "../../../runtime/state/hash.js";
import { firstDifference, formatDifference, stateSnapshot } from "../../../runtime/state/snapshot.js";
import { inRealm, liveView, useBuilds } from "./builds.js";

const builds = useBuilds();

/** A fresh copy of the fixture program, after running `change` in it with its state module as `s`. */
function kinds(change = ""): ProcessView {
  const view = loadProgram(builds.checks, "kinds");
  inRealm(view, ["s"], change, view.realm.require("kinds/state.ts"));
  return view;
}

describe("two copies in the same state", () => {
  it("hash alike, and their snapshots have no difference", () => {
    const a = kinds();
    const b = kinds();
    expect(stateHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(stateHash(a)).toBe(stateHash(b));
    expect(firstDifference(stateSnapshot(a), stateSnapshot(b))).toBeUndefined();
  });

  it("hash alike after the same changes, made in the same order", () => {
    const change = "s.table.open.add(s.table.slots[2]); s.origin.label = 'o'; s.list.push('c');";
    expect(stateHash(kinds(change))).toBe(stateHash(kinds(change)));
  });

  it("hash alike for every real server as loaded", () => {
    for (const program of ["pm", "vfs", "mfs", "rs", "ds", "blk", "tty"]) {
      expect(stateHash(loadProgram(builds.os, program)), program).toBe(stateHash(loadProgram(builds.os, program)));
    }
  });

  it("hash alike in two runs of the OS from the same seed, and change as the system runs", async () => {
    const hashes = async (ticks: number[]) => {
      const system = new System({ seed: 4, image: builds.os, initArgv: ["mixed"] });
      system.boot();
      const out: string[][] = [];
      try {
        for (const tick of ticks) {
          await system.run(tick);
          out.push([0, 1, 2, 3, 4, 5, 6].map((slot) => stateHash(liveView(system, builds.os, slot))));
        }
      } finally {
        system.machine.powerOff();
      }
      return out;
    };
    const [first, second] = [await hashes([300, 600]), await hashes([300, 600])];
    expect(first).toEqual(second);
    // VFS and MFS serve fsstress throughout: their state moved on between the two ticks.
    for (const slot of [1, 4]) expect(first[0]![slot]).not.toBe(first[1]![slot]);
  });

  it("hash a heap hundreds of thousands of objects deep without recursion", () => {
    const deep = "let n = s.list.head; for (let i = 0; i < 200_000; i++) { const m = new n.constructor('x'); n.next = m; n = m; }";
    expect(stateHash(kinds(deep))).toBe(stateHash(kinds(deep)));
  });
});

describe("any change", () => {
  const base = () => stateHash(kinds());

  it.each([
    ["a field", "s.origin.x = 1"],
    ["0 to -0", "s.origin.x = -0"],
    ["null to NaN", "s.maybe = NaN"],
    ["a number to a string", "s.meta.version = '1'"],
    ["a number to a bigint", "s.meta.version = 1n"],
    ["the order of an object's properties", "const o = s.origin; const x = o.x; delete o.x; o.x = x;"],
    ["the order of a Map's entries", "const i = s.table.byIno.get(1); s.table.byIno.delete(1); s.table.byIno.set(1, i);"],
    ["the order of a Set's elements", "s.table.open.add(s.table.slots[1]); s.table.open.delete(s.table.slots[0]); s.table.open.add(s.table.slots[0]);"],
    ["a shared object becoming two copies", "const i = s.table.slots[0]; const c = Object.assign(Object.create(Object.getPrototypeOf(i)), i); s.table.byIno.set(1, c);"],
    ["two objects becoming one", "s.table.slots[1].zones = s.table.slots[0].zones;"],
    ["an array hole", "s.meta.tags.length = 2"],
    ["a typed array's bytes", "s.bytes[2] = 1"],
    ["a Date's time", "s.when.setTime(1)"],
    ["a function's identity", "s.handler = (n) => n"],
    ["an allocation tag", "s.meta.tags[Symbol.for('proteos.type')] = 'number[]'"],
    ["a prototype", "Object.setPrototypeOf(s.origin, null)"],
    ["an accessor where a field was", "Object.defineProperty(s.origin, 'y', { get: () => 0, enumerable: true })"],
    ["a class's static field", "s.Registry.count = 1"],
    ["a @transient variable", "s.scratch.set('k', 1)"],
  ])("changes the hash: %s", (_what, change) => {
    expect(stateHash(kinds(change))).not.toBe(base());
  });

  it("tells a hole from undefined", () => {
    expect(stateHash(kinds("s.meta.tags.length = 2"))).not.toBe(stateHash(kinds("s.meta.tags.push(undefined)")));
  });

  it("leaves @transient state out when asked", () => {
    const skip = { skipTransient: true };
    for (const change of ["s.scratch.set('k', 1)", "s.table.slots[0].cached = 'x'"]) {
      expect(stateHash(kinds(change)), change).not.toBe(base());
      expect(stateHash(kinds(change), skip), change).toBe(stateHash(kinds(), skip));
    }
    expect(stateHash(kinds("s.table.slots[0].size = 9"), skip)).not.toBe(stateHash(kinds(), skip));
  });

  it("is located by the snapshots' first difference", () => {
    const d = firstDifference(stateSnapshot(kinds()), stateSnapshot(kinds("s.table.slots[2].size = 5")));
    expect(d).toEqual({ path: "kinds/state.ts#table.slots[2].size", a: "n0", b: "n5" });
    expect(formatDifference(d!)).toBe("kinds/state.ts#table.slots[2].size: n0 != n5");
    const shared = firstDifference(stateSnapshot(kinds()),
      stateSnapshot(kinds("const i = s.table.slots[0]; s.table.byIno.set(1, Object.assign(Object.create(Object.getPrototypeOf(i)), i));")));
    expect(shared?.path).toBe("kinds/state.ts#table.byIno[1]");
    expect(shared?.a).toMatch(/^r\d+$/); // the inode met before, in table.slots[0]
    expect(shared?.b).toMatch(/^oobject\|kinds\/state\.ts#Inode\|/);
  });
});
