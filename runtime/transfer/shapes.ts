/**
 * Shapes: new objects made with their final layout at once. An object made empty
 * (`Object.create`) and given its fields one by one from the host goes through a
 * hidden-class transition per field, by the host's megamorphic keyed stores. One made by
 * a constructor compiled in the new realm, which sets each field to undefined and its
 * allocation-site tag, has its final layout (fields in the object itself) from the
 * start: filling it only overwrites, and V8 may allocate such objects, which all
 * survive, in the old generation at once.
 *
 * A constructor is compiled once per prototype and field list; it is only made where
 * assigning a field creates an own data property (no setter, read-only property or
 * `__proto__` on the prototype chain), so the object filled is the one the walk's
 * assignments would have made.
 */
import type { ProcessView } from "../process-view.js";

/** Makes an object with its fields undefined, tagged with `tag` unless that is undefined. */
export type Shape = new (tag: unknown) => Record<string | symbol, unknown>;

export class Shapes {
  /** By prototype, then by the field names joined with NUL; null: fields cannot be preset. */
  private readonly compiled = new Map<object, Map<string, Shape | null>>();

  constructor(private readonly to: ProcessView) {}

  /** The constructor of objects with prototype `proto` and own fields `names`, in this order; null if they cannot be preset. */
  of(proto: object, names: readonly string[]): Shape | null {
    let byNames = this.compiled.get(proto);
    if (!byNames) {
      byNames = new Map();
      this.compiled.set(proto, byNames);
    }
    const key = names.join("\u0000");
    let shape = byNames.get(key);
    if (shape === undefined) {
      shape = names.every((name) => createsOwn(proto, name)) ? this.compile(proto, names) : null;
      byNames.set(key, shape);
    }
    return shape;
  }

  private compile(proto: object, names: readonly string[]): Shape {
    const body = names.map((name) => `this[${JSON.stringify(name)}] = undefined;`).join(" ");
    // A function (not a class): `prototype` is writable, so its instances get `proto`.
    const factory = new this.to.intrinsics.Function("TYPE",
      `"use strict"; return function Shape(tag) { ${body} if (tag !== undefined) this[TYPE] = tag; };`);
    const shape = factory(this.to.rt.TYPE) as Shape;
    shape.prototype = proto as Shape["prototype"];
    return shape;
  }
}

/** Whether `o[name] = v` on an object with prototype `proto` (without that own property) defines an own data property. */
function createsOwn(proto: object, name: string): boolean {
  if (name === "__proto__") return false;
  for (let p: object | null = proto; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d.writable === true;
  }
  return true;
}
