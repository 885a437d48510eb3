/**
 * Reading a process's values from the host without running any of its code.
 *
 * The walkers of state (type checks, likely invariants, the state hash) see values of
 * another realm. They must not call anything the program could have defined: a getter,
 * a Proxy trap, a patched `Map.prototype.entries`. So kinds are told by V8's brand
 * checks (node:util types, which work across realms), properties are read through their
 * descriptors (an accessor is reported, never invoked), and built-in state (Map and Set
 * entries, a Date's time, a typed array's bytes) through the host's own built-in methods
 * applied to the realm's object, which read the internal slots directly.
 */
import { types } from "node:util";
import type { Rt } from "../process-view.js";
import { fieldStepOf, type Step } from "./path.js";

export type ValueKind =
  | "undefined" | "null" | "boolean" | "number" | "string" | "bigint" | "symbol" | "function"
  | "array" | "map" | "set" | "weakMap" | "weakSet" | "date" | "typedArray" | "arrayBuffer" | "regexp"
  | "error" | "promise" | "proxy" | "object";

/** What a value is, by brand (prototypes can lie, brands cannot). */
export function kindOf(value: unknown): ValueKind {
  if (value === null) return "null";
  switch (typeof value) {
    case "undefined": case "boolean": case "number": case "string": case "bigint": case "symbol":
      return typeof value;
    case "function":
      return types.isProxy(value) ? "proxy" : "function";
  }
  if (types.isProxy(value)) return "proxy";
  if (Array.isArray(value)) return "array";
  if (types.isMap(value)) return "map";
  if (types.isSet(value)) return "set";
  if (types.isWeakMap(value)) return "weakMap";
  if (types.isWeakSet(value)) return "weakSet";
  if (types.isDate(value)) return "date";
  if (types.isTypedArray(value)) return "typedArray";
  if (types.isAnyArrayBuffer(value)) return "arrayBuffer";
  if (types.isRegExp(value)) return "regexp";
  if (types.isNativeError(value)) return "error";
  if (types.isPromise(value)) return "promise";
  return "object";
}

export const isObjectLike = (value: unknown): value is object =>
  (typeof value === "object" && value !== null) || typeof value === "function";

/** "12" is the key of element 12 (of an array, a number-keyed record); "012" and "x" are not. */
export function isNumericKey(name: string): boolean {
  return String(Number(name)) === name;
}

/** An own property as it is stored: a value, or an accessor pair that is not called. */
export type Slot =
  | { kind: "value"; value: unknown }
  | { kind: "accessor"; get: unknown; set: unknown };

function slotOf(descriptor: PropertyDescriptor): Slot {
  return "value" in descriptor
    ? { kind: "value", value: descriptor.value }
    : { kind: "accessor", get: descriptor.get, set: descriptor.set };
}

/** An own property of a non-proxy object, or undefined if it has none by that key. */
export function ownSlot(obj: object, key: PropertyKey): Slot | undefined {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d && slotOf(d);
}

/**
 * A property as `obj[key]` would find it, own or inherited, without calling an accessor:
 * how a field declared by an interface is found on a class instance whose getter or
 * prototype provides it.
 */
export function propertySlot(obj: object, key: PropertyKey): Slot | undefined {
  for (let o: object | null = obj; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (types.isProxy(o)) return undefined;
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return slotOf(d);
  }
  return undefined;
}

/**
 * `rt.typeOf` for the many objects one walk meets: the runtime names an instance of a
 * registered class by its class, anything else by its own allocation tag, so the class
 * is asked for once per prototype and the tag read from the object (asking the realm
 * per object costs more than everything else a walk does). Never asks about a Proxy.
 */
export function runtimeTypeOf(rt: Rt): (obj: object) => string | undefined {
  /** Prototype -> the class id its instances are named by, or null if it is no registered class's. */
  const classOf = new Map<object | null, string | null>();
  return (obj) => {
    if (types.isProxy(obj)) return undefined;
    const proto = Object.getPrototypeOf(obj) as object | null;
    let cls = classOf.get(proto);
    if (cls === undefined) {
      const ctor = proto && !types.isProxy(proto) ? ownSlot(proto, "constructor") : undefined;
      const ctorId = ctor?.kind === "value" ? rt.functionId(ctor.value) : undefined;
      cls = ctorId !== undefined && rt.typeOf(obj) === ctorId ? ctorId : null;
      classOf.set(proto, cls);
    }
    if (cls !== null) return cls;
    const tag = ownSlot(obj, rt.TYPE);
    return tag?.kind === "value" && typeof tag.value === "string" ? tag.value : undefined;
  };
}

/**
 * The last object on the prototype chain (where a realm's `Object.prototype` sits), or null
 * for a null-prototype object. A Proxy on the chain ends it (it is returned, not asked for
 * its own prototype: that would run its trap).
 */
export function chainEnd(obj: object): object | null {
  let last: object | null = null;
  for (let o = Object.getPrototypeOf(obj) as object | null; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    last = o;
    if (types.isProxy(o)) break;
  }
  return last;
}

/** Whether `proto` is on a non-proxy object's prototype chain (instanceof, without asking the constructor). */
export function inheritsFrom(obj: object, proto: object): boolean {
  for (let o = Object.getPrototypeOf(obj) as object | null; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (o === proto) return true;
    if (types.isProxy(o)) return false;
  }
  return false;
}

// The host's built-ins, applied to the realm's objects: they read internal slots only.
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const hostGetter = (proto: object, key: PropertyKey) =>
  Object.getOwnPropertyDescriptor(proto, key)!.get! as (this: unknown) => unknown;
const typedArrayName = hostGetter(TypedArrayPrototype, Symbol.toStringTag);
const typedArrayLength = hostGetter(TypedArrayPrototype, "length");
const typedArrayBuffer = hostGetter(TypedArrayPrototype, "buffer");
const typedArrayOffset = hostGetter(TypedArrayPrototype, "byteOffset");
const typedArrayByteLength = hostGetter(TypedArrayPrototype, "byteLength");
const mapSize = hostGetter(Map.prototype, "size");
const setSize = hostGetter(Set.prototype, "size");
const regexpSource = hostGetter(RegExp.prototype, "source");
/** `flags` reads each flag through the object (so through the realm's getters): read each flag's own getter instead. */
const regexpFlags = ([
  ["d", "hasIndices"], ["g", "global"], ["i", "ignoreCase"], ["m", "multiline"], ["s", "dotAll"], ["u", "unicode"],
  ["v", "unicodeSets"], ["y", "sticky"],
] as const).filter(([, name]) => Object.hasOwn(RegExp.prototype, name))
  .map(([letter, name]) => ({ letter, get: hostGetter(RegExp.prototype, name) }));
const dateTime = Date.prototype.getTime;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;

/** "Uint8Array", …, of a typed array of any realm. */
export const typedArrayNameOf = (ta: object): string => typedArrayName.call(ta) as string;
export const typedArrayLengthOf = (ta: object): number => typedArrayLength.call(ta) as number;

/** The bytes a typed array views, or an ArrayBuffer's, as a host Buffer over the same memory. */
export function bytesOf(value: object, kind: "typedArray" | "arrayBuffer"): Buffer {
  if (kind === "arrayBuffer") return Buffer.from(value as ArrayBuffer);
  const buffer = typedArrayBuffer.call(value) as ArrayBuffer;
  return Buffer.from(buffer, typedArrayOffset.call(value) as number, typedArrayByteLength.call(value) as number);
}

export const sizeOf = (collection: object, kind: "map" | "set"): number =>
  (kind === "map" ? mapSize : setSize).call(collection) as number;
export const timeOf = (date: object): number => dateTime.call(date);
export const regexpText = (re: object): string =>
  `/${String(regexpSource.call(re))}/${regexpFlags.filter((f) => f.get.call(re)).map((f) => f.letter).join("")}`;
/** A Map's entries and a Set's elements, by the host's methods (never the realm's). */
export const mapEntriesOf = (map: object): IterableIterator<[unknown, unknown]> =>
  mapEntries.call(map as Map<unknown, unknown>);
export const setValuesOf = (set: object): IterableIterator<unknown> => setValues.call(set as Set<unknown>);
const mapForEach = Map.prototype.forEach;
/** Each entry of a Map, in order, with no entry array made per entry. */
export const forEachOfMap = (map: object, f: (value: unknown, key: unknown) => void): void =>
  mapForEach.call(map as Map<unknown, unknown>, f);

/** A value one step below another. */
export interface Edge {
  step: Step;
  slot: Slot;
}

/**
 * The values an object holds, in a deterministic order: own enumerable string-keyed
 * properties in property order (an array's elements by index, holes left out), a Map's
 * keys and values entry by entry, a Set's elements. Other built-ins hold no values a
 * walker follows (a typed array's bytes, a Date's time are read by their kind).
 * Symbol-keyed properties (allocation tags) are not values of the program.
 */
export function edgesOf(value: object, kind: ValueKind): Edge[] {
  const edges: Edge[] = [];
  switch (kind) {
    case "array": {
      const length = (value as unknown[]).length;
      for (let index = 0; index < length; index++) {
        const slot = ownSlot(value, index);
        if (slot) edges.push({ step: { kind: "index", index }, slot });
      }
      return edges;
    }
    case "map": {
      let entry = 0;
      for (const [key, v] of mapEntriesOf(value)) {
        edges.push({ step: { kind: "mapKey", entry }, slot: { kind: "value", value: key } });
        edges.push({ step: { kind: "mapValue", entry, key }, slot: { kind: "value", value: v } });
        entry++;
      }
      return edges;
    }
    case "set": {
      let entry = 0;
      for (const v of setValuesOf(value)) edges.push({ step: { kind: "setElement", entry: entry++ }, slot: { kind: "value", value: v } });
      return edges;
    }
    case "object": case "error":
      for (const name of Object.keys(value)) {
        const slot = ownSlot(value, name);
        if (slot) edges.push({ step: fieldStepOf(name), slot });
      }
      return edges;
    default:
      return edges;
  }
}

/** A short description of a value for a report: `3`, `"abc"`, `null`, `Map(2)`, `servers/vfs/state.ts#Vnode`, … */
export function describeValue(value: unknown, typeOf: (obj: object) => string | undefined): string {
  const kind = kindOf(value);
  switch (kind) {
    case "string": {
      const s = value as string;
      return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
    }
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${String(value)}n`;
    case "boolean": case "undefined": case "null": return String(value);
    case "symbol": return String(value);
    case "proxy": return "a Proxy";
    case "function": {
      const name = ownSlot(value as object, "name");
      return `function ${name?.kind === "value" && name.value ? String(name.value) : "(anonymous)"}`;
    }
    case "array": return `${typeOf(value as object) ?? "array"} (length ${(value as unknown[]).length})`;
    case "map": case "set": return `${kind === "map" ? "Map" : "Set"}(${sizeOf(value as object, kind)})`;
    case "typedArray": return `${typedArrayNameOf(value as object)}(${typedArrayLengthOf(value as object)})`;
    case "object": {
      const type = typeOf(value as object);
      if (type) return type;
      const keys = Object.keys(value as object);
      return `{ ${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", …" : ""} }`;
    }
    default: return typeOf(value as object) ?? BUILT_IN_NAMES[kind] ?? kind;
  }
}

const BUILT_IN_NAMES: Partial<Record<ValueKind, string>> = {
  date: "Date", regexp: "RegExp", error: "Error", arrayBuffer: "ArrayBuffer", promise: "Promise", weakMap: "WeakMap",
  weakSet: "WeakSet",
};
