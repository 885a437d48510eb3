/**
 * What the transfer needs to know about a realm's built-ins: which kind of object a
 * prototype makes (the old realm's values are told apart by their prototypes: cheap,
 * and right across realms where `instanceof` is not), and whether a value belongs to a
 * realm at all.
 */
import type { Intrinsics } from "../process-view.js";

export type ObjectKind =
  | "plain" | "array" | "map" | "set" | "date" | "regexp" | "error" | "typedArray" | "arrayBuffer"
  /** A class instance, or anything else with a prototype of its own. */
  | "other";

const ERROR_NAMES = [
  "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError",
] as const;

export class RealmKinds {
  private readonly kinds = new Map<object | null, ObjectKind>([[null, "plain"]]);
  /** Typed array and error prototypes -> the constructor's name. */
  private readonly names = new Map<object, string>();

  constructor(readonly intrinsics: Intrinsics) {
    const add = (ctor: unknown, kind: ObjectKind, name?: string) => {
      const proto = (ctor as { prototype: object }).prototype;
      this.kinds.set(proto, kind);
      if (name !== undefined) this.names.set(proto, name);
    };
    add(intrinsics.Object, "plain");
    add(intrinsics.Array, "array");
    add(intrinsics.Map, "map");
    add(intrinsics.Set, "set");
    add(intrinsics.RegExp, "regexp");
    add(intrinsics.ArrayBuffer, "arrayBuffer");
    // A process's Date is the bootstrap's VirtualDate: dates may have its prototype or the original's.
    add(intrinsics.Date, "date");
    this.kinds.set(Object.getPrototypeOf(intrinsics.Date.prototype) as object, "date");
    for (const [name, ctor] of Object.entries(intrinsics.typedArrays)) add(ctor, "typedArray", name);
    for (const name of ERROR_NAMES) add(intrinsics.global[name], "error", name);
  }

  kindOf(proto: object | null): ObjectKind {
    return this.kinds.get(proto) ?? "other";
  }

  /** The constructor name of a typed array's or an error's prototype. */
  nameOf(proto: object): string | undefined {
    return this.names.get(proto);
  }

  /** Whether a value was made in this realm: its prototype chain ends in the realm's Object.prototype. */
  owns(value: object): boolean {
    let end: object = value;
    for (let p = Object.getPrototypeOf(value) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) end = p;
    return end === this.intrinsics.Object.prototype;
  }
}
