/** The walk's identity table (runtime/transfer/identity.ts): forwarding through tags, the Map for the rest. */
import { describe, expect, it } from "vitest";
import { Copies } from "../../../runtime/transfer/identity.js";

const TYPE = Symbol.for("proteos.type");
type Obj = Record<string | symbol, unknown>;
const tagged = (fields: Obj, type: string): Obj => ({ ...fields, [TYPE]: type });

describe("Copies", () => {
  it("forwards an object that owns its tag, and gives the tag back on restore", () => {
    const copies = new Copies(TYPE);
    const old = tagged({ n: 1 }, "m#T");
    const copy = { n: 1 };
    expect(copies.of(old)).toBeUndefined();
    copies.remember(old, copy);
    expect(old[TYPE]).toBe(copy);
    expect(copies.of(old)).toBe(copy);
    expect(Reflect.ownKeys(old)).toEqual(["n", TYPE]);
    copies.restore();
    expect(old[TYPE]).toBe("m#T");
    expect(copies.of(old)).toBeUndefined();
  });

  it("keeps in the Map what cannot be forwarded: untagged, inherited tag, frozen, a primitive counterpart", () => {
    const copies = new Copies(TYPE);
    const untagged = { n: 1 };
    const parent = tagged({}, "m#P");
    const child = Object.create(parent) as Obj;
    const frozen = Object.freeze(tagged({ n: 2 }, "m#T"));
    const primitive = tagged({ n: 3 }, "m#T");
    const other = tagged({ n: 4 }, "m#T");
    const made = [{}, {}, {}];
    copies.remember(untagged, made[0]);
    copies.remember(child, made[1]);
    copies.remember(frozen, made[2]);
    copies.remember(primitive, 7);
    expect(Reflect.ownKeys(untagged)).toEqual(["n"]);
    expect(Reflect.ownKeys(child)).toEqual([]);
    expect(primitive[TYPE]).toBe("m#T");
    expect([copies.of(untagged), copies.of(child), copies.of(frozen), copies.of(primitive)]).toEqual([...made, 7]);
    // A tagged object in the Map: a tagged object not forwarded is looked up there too.
    expect(copies.of(other)).toBeUndefined();
    // The parent forwarded: its child, which inherits the forward, is still found in the Map.
    const parentCopy = {};
    copies.remember(parent, parentCopy);
    expect(copies.of(parent)).toBe(parentCopy);
    expect(copies.of(child)).toBe(made[1]);
    copies.restore();
    expect(parent[TYPE]).toBe("m#P");
  });
});
