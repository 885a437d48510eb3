/**
 * The heap walk: rebuilds old values in the new realm, iteratively. Meeting an object
 * for the first time makes its new counterpart at once (empty: a class instance with the
 * new class's prototype, an array, a Map, …), records old → new, and queues the pair on
 * an explicit work stack; the stack fills it later. So a reference is always resolved
 * by one lookup, sharing and cycles come out right, and no heap is too deep.
 *
 * It reads the old realm through own data properties and the host's built-in methods
 * (Map.prototype.forEach, …), never through the old realm's own code; the one thing it
 * writes there is a copy in place of an object's tag, which it puts back (identity.ts).
 */
import type { ProcessView } from "../process-view.js";
import type { Binder, Conv, KeyOrder } from "./conv.js";
import { TransferError } from "./errors.js";
import { Helpers } from "./helpers.js";
import { Copies } from "./identity.js";
import type { TypePair } from "./pair.js";
import { elementStep, entryStep, fieldStep, setStep } from "./paths.js";
import { errorMessage } from "../error-message.js";

/** Estimated bytes (see README): an object's header, one slot (field, element), a string's header. */
const OBJECT_BYTES = 16;
const SLOT_BYTES = 8;
const STRING_BYTES = 16;

type Obj = Record<string | symbol, unknown>;

const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.hasOwn;
const objectKeys = Object.keys;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const dateGetTime = Date.prototype.getTime;

/** Arrays up to this length are made with their length (see Walker.newArray). */
const PREALLOCATED_ELEMENTS = 1024;

/**
 * How deep transformers may run inside one another. Only a transformer of a type whose
 * values are not objects (a union, a primitive) runs at once; one of an object type is
 * stood for by an empty object and run from the work stack, so it never nests.
 */
const MAX_NESTING = 256;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A host view of the bytes of an ArrayBuffer or a typed array (of any realm). */
function bytesOf(o: object): Uint8Array {
  return ArrayBuffer.isView(o) ? new Uint8Array(o.buffer, o.byteOffset, o.byteLength) : new Uint8Array(o as ArrayBuffer);
}

export class Walker {
  /** Old object (or function) -> its counterpart in the new realm. */
  readonly copies: Copies;
  objects = 0;
  bytes = 0;
  /** The work stack, four slots a task: old object, new object, the Conv filling it, a plain object's key order (else null). */
  private readonly stack: Array<Obj | Conv | KeyOrder | null> = [];
  /** `const` objects of the new version being filled in place: their added fields keep their values. */
  private readonly inPlace = new Set<object>();
  private readonly TYPE: symbol;
  private readonly objectCreate: (proto: object | null) => Obj;
  private readonly RArray: ArrayConstructor;
  private readonly RMap: MapConstructor;
  private readonly RSet: SetConstructor;
  private readonly RDate: DateConstructor;
  /** The Map or Set being filled, and the entry being read (for the forEach callbacks and error paths). */
  private target: Map<unknown, unknown> | Set<unknown> | null = null;
  private keyConv: Conv | null = null;
  private valueConv: Conv | null = null;
  private entry = 0;
  private entryKey: unknown = undefined;
  private inKey = false;
  /** Transformers running inside one another (only those run at once, for non-object types, can nest). */
  private nesting = 0;

  constructor(
    readonly from: ProcessView,
    readonly to: ProcessView,
    readonly binder: Binder,
    /** The path of an old object, for errors. */
    private readonly locate: (old: object) => string,
    private readonly deadline: number,
  ) {
    this.TYPE = from.rt.TYPE;
    this.copies = new Copies(this.TYPE);
    const intrinsics = to.intrinsics;
    this.objectCreate = intrinsics.Object.create as (proto: object | null) => Obj;
    this.RArray = intrinsics.Array;
    this.RMap = intrinsics.Map;
    this.RSet = intrinsics.Set;
    this.RDate = intrinsics.Date;
  }

  /** The new value of an old one under a Conv: primitives converted, objects made (and queued). */
  convert(v: unknown, c: Conv): unknown {
    if (typeof v === "object") {
      if (v !== null) return this.reference(v as Obj, c);
    } else if (typeof v === "string") {
      this.bytes += STRING_BYTES + v.length;
    } else if (typeof v === "function") {
      return this.relocate(v);
    }
    return c.asIs ? v : this.primitive(v, c);
  }

  /** Fill every queued object. */
  run(): void {
    let steps = 0;
    const stack = this.stack;
    while (stack.length > 0) {
      const order = stack.pop() as KeyOrder | null;
      const c = stack.pop() as Conv;
      const copy = stack.pop() as Obj;
      const old = stack.pop() as Obj;
      switch (c.kind) {
        case "object": this.fillObject(old, copy, c, order); break;
        case "array": this.fillArray(old, copy as unknown as unknown[], c); break;
        case "tuple": this.fillTuple(old, copy as unknown as unknown[], c); break;
        case "map": this.fillMap(old, copy as unknown as Map<unknown, unknown>, c); break;
        case "set": this.fillSet(old, copy as unknown as Set<unknown>, c); break;
        case "error": this.fillError(old, copy); break;
        case "transform": this.fillTransformed(old, copy, c); break;
        default: break;
      }
      if ((++steps & 4095) === 0 && performance.now() > this.deadline) {
        throw new TransferError("deadline", "", `the transfer passed its deadline after ${this.objects} objects`);
      }
    }
  }

  /**
   * Fill the new version's `existing` object (a `const`'s value) in place of making one:
   * emptied, then filled from `old` like a new object, except that fields the old type
   * lacks keep the values the new version gave them.
   */
  adopt(old: object, existing: object, c: Conv): void {
    const proto = getPrototypeOf(old) as object | null;
    const t = proto === c.expect ? c.target : this.binder.dispatch(old, proto, c);
    if (t.kind !== "transform" && !this.sameKind(existing, t)) {
      throw new TransferError("const", "", `the new version's value is not ${this.expected(t)}: it cannot be filled in place (give a transformer or mark it @transient)`);
    }
    if (t.kind === "date") {
      (existing as Date).setTime(dateGetTime.call(old));
    } else if (t.kind === "typedArray" || t.kind === "arrayBuffer") {
      // Bytes are copied into a buffer of the same size: neither can be resized.
      const from = bytesOf(old);
      const into = bytesOf(existing);
      if (into.length !== from.length) {
        throw new TransferError("const", "", `${from.length} bytes cannot be copied into the new version's ${into.length}`);
      }
      into.set(from);
    } else {
      this.empty(existing as Obj);
      this.inPlace.add(existing);
      this.stack.push(old as Obj, existing as Obj, t, this.plainOrder(old as Obj, t));
    }
    this.copies.remember(old, existing);
    t.count++;
    this.objects++;
  }

  /** Run a transformer for `old` (a variable's, or a type's), checking that its result is of the new realm. */
  transformed(old: unknown, transformer: (old: unknown, h: Helpers) => unknown, name: string, pair: TypePair | null): unknown {
    if (this.nesting >= MAX_NESTING) {
      throw new TransferError("transformer", "", `transformers of ${name} nest ${MAX_NESTING} deep through h.transfer: key the transformer by the object type (class or interface), whose values it then makes one at a time`);
    }
    const h = new Helpers(this, name, pair);
    let result: unknown;
    this.nesting++;
    try {
      result = transformer(old, h);
    } catch (e) {
      if (e instanceof TransferError) throw e;
      throw new TransferError("transformer", "", `the transformer of ${name} threw: ${errorMessage(e)}`, { cause: e });
    } finally {
      this.nesting--;
    }
    this.checkNew(result, `the transformer of ${name} returned`);
    return result;
  }

  /** A `const` object of the new version, given a variable transformer's result as its contents. */
  replaceContents(existing: object, result: unknown, name: string): void {
    this.empty(existing as Obj);
    this.moveInto(existing, result, name);
    this.objects++;
  }

  /** Move a transformer's result into the object standing for its value (its own contents, checked). */
  moveInto(target: object, result: unknown, name: string): void {
    if (typeof result !== "object" || result === null || getPrototypeOf(result) !== getPrototypeOf(target)) {
      throw new TransferError("transformer-result", "", `the transformer of ${name} must return ${this.describe(target)}`);
    }
    if (result === target) return;
    const what = `the transformer of ${name} returned an object holding`;
    if (target instanceof this.RMap) {
      mapForEach.call(result as Map<unknown, unknown>, (v, k) => {
        this.checkNew(k, what);
        this.checkNew(v, what);
        (target as Map<unknown, unknown>).set(k, v);
      });
    } else if (target instanceof this.RSet) {
      setForEach.call(result as Set<unknown>, (v) => {
        this.checkNew(v, what);
        (target as Set<unknown>).add(v);
      });
    } else {
      const from = result as Obj;
      const into = target as Obj;
      for (const key of objectKeys(from)) {
        this.checkNew(from[key], what);
        into[key] = from[key];
      }
      if (hasOwn(from, this.TYPE)) into[this.TYPE] = from[this.TYPE];
      if (Array.isArray(from)) (into as unknown as unknown[]).length = from.length;
    }
  }

  /** Whether `copy` is a `const`'s object filled in place (see adopt). */
  filledInPlace(copy: object): boolean {
    return this.inPlace.has(copy);
  }

  /** Refuse an object that is not of the new realm (a host object, an old one). */
  checkNew(value: unknown, what: string): void {
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return;
    if (this.binder.newKinds.owns(value)) return;
    const whose = this.binder.oldKinds.owns(value)
      ? "an object of the old version (pass old values through h.transfer)"
      : "an object that is not of the new version's realm (build values with h.object, h.array, h.map, …)";
    throw new TransferError("transformer-result", "", `${what} ${whose}`);
  }

  /** A TransferError for a failure while filling `old` at `step`, placed at its path. */
  fail(e: unknown, old: object, step: string): TransferError {
    if (e instanceof TransferError) return e.path !== "" ? e : e.at(this.locate(old) + step);
    return new TransferError("unsupported", this.locate(old) + step, errorMessage(e), { cause: e });
  }

  private primitive(v: unknown, c: Conv): unknown {
    switch (c.kind) {
      case "bigint":
        c.count++;
        if (typeof v !== "number") return v;
        if (!Number.isInteger(v)) throw new TransferError("conversion", "", `${v} is not an integer: it cannot become a bigint`);
        return BigInt(v);
      case "enum": {
        c.count++;
        const moved = c.enumValues!.get(v);
        return moved === undefined ? v : moved;
      }
      case "union": {
        c.count++;
        const m = c.members.find((x) => x.holds !== null && x.holds(v));
        return m === undefined || m.conv.asIs ? v : this.primitive(v, m.conv);
      }
      case "transform":
        c.count++;
        return this.transformed(v, c.transformer!, c.transformerName, c.pair);
      case "fail": throw c.failure!;
      default:
        c.count++;
        return v;
    }
  }

  private reference(old: Obj, c: Conv): unknown {
    const tag = old[this.TYPE];
    const own = this.copies.owns(old, tag);
    const done = this.copies.get(old, tag, own);
    if (done !== undefined) return done;
    const proto = getPrototypeOf(old) as object | null;
    let t: Conv;
    if (proto === c.expect) {
      t = c.target;
      if (t !== c) c.count++;
    } else {
      t = this.binder.dispatch(old, proto, c);
    }
    /** The tag the copy gets is made from the old object's own one (an inherited one may be a forward). */
    const ownTag = own ? tag : undefined;
    let copy: Obj;
    let order: KeyOrder | null = null;
    switch (t.kind) {
      case "object":
        order = this.plainOrder(old, t);
        copy = this.newObject(ownTag, proto, t, order);
        break;
      case "array": case "tuple": copy = this.tagged(ownTag, t, this.newArray((old as unknown as unknown[]).length)); break;
      case "map": copy = this.tagged(ownTag, t, new this.RMap()); break;
      case "set": copy = this.tagged(ownTag, t, new this.RSet()); break;
      case "error": copy = this.tagged(ownTag, t, Reflect.construct(t.ctor!, [])); break;
      case "date": return this.leaf(old, t, new this.RDate(dateGetTime.call(old)), tag, own);
      case "regexp": return this.leaf(old, t, this.regexp(old as unknown as RegExp), tag, own);
      case "arrayBuffer": return this.leaf(old, t, this.buffer(old as unknown as ArrayBuffer), tag, own);
      case "typedArray": return this.leaf(old, t, this.typedArray(old as unknown as Uint8Array, t), tag, own);
      case "transform": return this.transform(old, t, tag, own);
      case "fail": throw t.failure!;
      default: throw new TransferError("type-mismatch", "", `an object where ${t.pair?.new ?? t.kind} is declared`);
    }
    this.copies.set(old, copy, tag, own);
    t.count++;
    this.objects++;
    this.bytes += OBJECT_BYTES;
    this.stack.push(old, copy, t, order);
    return copy;
  }

  /** The new object of a class instance or plain object, empty or with its fields undefined (a Shape's), tagged. */
  private newObject(tag: unknown, proto: object | null, t: Conv, order: KeyOrder | null): Obj {
    if (t.errorBase !== null) return this.tagged(tag, t, this.binder.errorShell(t.errorBase, t.ctor!));
    if (proto === null) return this.tagged(tag, t, this.objectCreate(null));
    const shape = order !== null ? order.shape : this.binder.classShape(t);
    if (shape === null) return this.tagged(tag, t, this.objectCreate(t.proto));
    return new shape(this.newTag(tag, t));
  }

  /**
   * An array for `n` elements, with room for them when they are few: an empty array
   * given its first element gets room for 16 more, and V8 makes an array created with a
   * large length a (slow) dictionary.
   */
  private newArray(n: number): Obj {
    return (n <= PREALLOCATED_ELEMENTS ? new this.RArray(n) : new this.RArray()) as unknown as Obj;
  }

  /** A plain object's key order under `t` (null if `t` makes no plain objects). */
  private plainOrder(old: Obj, t: Conv): KeyOrder | null {
    if (t.kind !== "object" || t.isClass) return null;
    const keys = objectKeys(old);
    let order = t.lastOrder;
    if (!sameKeys(keys, order.keys)) {
      order = this.binder.order(t, keys);
      t.lastOrder = order;
    }
    return order;
  }

  /** `copy`, given the new tag for an old object's own tag `tag` if it has one. */
  private tagged(tag: unknown, t: Conv, copy: object): Obj {
    const to = this.newTag(tag, t);
    if (to !== undefined) (copy as Obj)[this.TYPE] = to;
    return copy as Obj;
  }

  /** The new allocation-site tag for an old object's own tag (undefined: it has none). */
  private newTag(tag: unknown, t: Conv): unknown {
    if (tag === undefined) return undefined;
    return tag === t.tagFrom ? t.tagTo : this.retag(tag, t);
  }

  /**
   * The new tag of an object tagged with another type than its Conv's (a member of a
   * union, an opaque value): the same id if the new version has it, else the Conv's type.
   */
  private retag(tag: unknown, c: Conv): unknown {
    if (typeof tag === "string" && this.binder.plan.pairing.newTypes.has(tag)) return tag;
    return c.tagTo ?? tag;
  }

  private leaf(old: object, c: Conv, copy: object, tag: unknown, own: boolean): object {
    this.copies.set(old, copy, tag, own);
    c.count++;
    this.objects++;
    this.bytes += OBJECT_BYTES;
    return copy;
  }

  private regexp(old: RegExp): RegExp {
    const copy = new this.to.intrinsics.RegExp(old.source, old.flags);
    copy.lastIndex = old.lastIndex;
    return copy;
  }

  private buffer(old: ArrayBuffer): ArrayBuffer {
    const copy = new this.to.intrinsics.ArrayBuffer(old.byteLength);
    bytesOf(copy).set(bytesOf(old));
    this.bytes += old.byteLength;
    return copy;
  }

  /** A view onto the new copy of its buffer, so that views sharing a buffer still share it. */
  private typedArray(old: Uint8Array, c: Conv): object {
    const buffer = this.reference(old.buffer as unknown as Obj, this.binder.dynamic);
    const Ctor = c.ctor as unknown as new (b: unknown, offset: number, length: number) => object;
    return new Ctor(buffer, old.byteOffset, old.length);
  }

  private relocate(fn: unknown): unknown {
    const done = this.copies.of(fn as object);
    if (done !== undefined) return done;
    const id = this.from.rt.functionId(fn);
    if (id === undefined) {
      throw new TransferError("function", "", "a function without identity (a closure or a built-in): store a top-level function or a method, or mark the variable or field @transient");
    }
    const relocated = this.to.rt.functionById(id);
    if (relocated === undefined) throw new TransferError("function", "", `function ${id} is gone from the new version`);
    this.copies.remember(fn as object, relocated);
    return relocated;
  }

  /** A transformed object: what stands for it now, filled by the transformer's result later (or the result, at once). */
  private transform(old: Obj, c: Conv, tag: unknown, own: boolean): unknown {
    c.count++;
    if (c.shell === null) {
      const result = this.transformed(old, c.transformer!, c.transformerName, c.pair);
      this.copies.set(old, result, tag, own);
      return result;
    }
    const shell = c.shell === "object" ? this.objectCreate(c.proto) : c.shell === "array" ? new this.RArray()
      : c.shell === "map" ? new this.RMap() : new this.RSet();
    this.copies.set(old, shell, tag, own);
    this.objects++;
    this.bytes += OBJECT_BYTES;
    this.stack.push(old, shell as Obj, c, null);
    return shell;
  }

  private fillTransformed(old: Obj, copy: Obj, c: Conv): void {
    try {
      this.moveInto(copy, this.transformed(old, c.transformer!, c.transformerName, c.pair), c.transformerName);
    } catch (e) {
      throw this.fail(e, old, "");
    }
  }

  /** A plain object by its key order's Filler; a class instance by its class's, then its index keys. */
  private fillObject(old: Obj, copy: Obj, c: Conv, order: KeyOrder | null): void {
    if (order !== null) {
      order.fill(old, copy, this);
      this.bytes += SLOT_BYTES * order.keys.length;
    } else {
      this.binder.classFiller(c)(old, copy, this);
      this.bytes += SLOT_BYTES * c.fields.length;
      if (c.index !== null) this.fillIndexKeys(old, copy, c.index);
    }
    if (c.errorBase !== null) this.fillError(old, copy);
  }

  /** A class instance's own keys, each converted by its index signature's Conv (an opaque instance's: as it is). */
  private fillIndexKeys(old: Obj, copy: Obj, index: Conv): void {
    const keys = objectKeys(old);
    let i = 0;
    try {
      for (; i < keys.length; i++) copy[keys[i]!] = this.convert(old[keys[i]!], index);
    } catch (e) {
      throw this.fail(e, old, fieldStep(keys[i]!));
    }
    this.bytes += SLOT_BYTES * keys.length;
  }

  private fillArray(old: Obj, copy: unknown[], c: Conv): void {
    const from = old as unknown as unknown[];
    const n = from.length;
    const element = c.element!;
    let i = 0;
    try {
      for (; i < n; i++) {
        const v = from[i];
        if (v === undefined && !(i in from)) continue;
        copy[i] = this.convert(v, element);
      }
    } catch (e) {
      throw this.fail(e, old, elementStep(i));
    }
    copy.length = n;
    this.bytes += SLOT_BYTES * n;
  }

  private fillTuple(old: Obj, copy: unknown[], c: Conv): void {
    const from = old as unknown as unknown[];
    const n = c.maxLength >= 0 ? Math.min(from.length, c.maxLength) : from.length;
    let i = 0;
    try {
      for (; i < n; i++) {
        const conv = i < c.positions.length ? c.positions[i]! : c.element!;
        const v = from[i];
        if (v === undefined && !(i in from)) continue;
        copy[i] = this.convert(v, conv);
      }
    } catch (e) {
      throw this.fail(e, old, elementStep(i));
    }
    copy.length = n;
    this.bytes += SLOT_BYTES * n;
  }

  private fillMap(old: Obj, copy: Map<unknown, unknown>, c: Conv): void {
    this.target = copy;
    this.keyConv = c.key;
    this.valueConv = c.value;
    this.entry = 0;
    try {
      mapForEach.call(old as unknown as Map<unknown, unknown>, this.mapEntry);
    } catch (e) {
      throw this.fail(e, old, entryStep(this.entryKey, this.entry, this.inKey));
    }
    this.bytes += 2 * SLOT_BYTES * this.entry;
  }

  private readonly mapEntry = (value: unknown, key: unknown): void => {
    this.entryKey = key;
    this.inKey = true;
    const k = this.convert(key, this.keyConv!);
    this.inKey = false;
    (this.target as Map<unknown, unknown>).set(k, this.convert(value, this.valueConv!));
    this.entry++;
  };

  private fillSet(old: Obj, copy: Set<unknown>, c: Conv): void {
    this.target = copy;
    this.valueConv = c.element;
    this.entry = 0;
    try {
      setForEach.call(old as unknown as Set<unknown>, this.setElement);
    } catch (e) {
      throw this.fail(e, old, setStep(this.entry));
    }
    this.bytes += SLOT_BYTES * this.entry;
  }

  private readonly setElement = (value: unknown): void => {
    (this.target as Set<unknown>).add(this.convert(value, this.valueConv!));
    this.entry++;
  };

  /** An error's own message, stack and cause (non-enumerable, as the error constructors make them). */
  private fillError(old: Obj, copy: Obj): void {
    for (const key of ["message", "stack", "cause"] as const) {
      if (!hasOwn(old, key)) continue;
      let value: unknown;
      try {
        value = this.convert(old[key], this.binder.dynamic);
      } catch (e) {
        throw this.fail(e, old, fieldStep(key));
      }
      Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
    }
  }

  /** Empty an object of the new version before it is filled in place (a class instance keeps its fields, to be overwritten). */
  private empty(o: Obj): void {
    const proto = getPrototypeOf(o) as object | null;
    if (o instanceof this.RMap || o instanceof this.RSet) (o as unknown as Set<unknown>).clear();
    else if (Array.isArray(o)) o.length = 0;
    else if (proto === null || proto === this.to.intrinsics.Object.prototype) for (const key of objectKeys(o)) delete o[key];
  }

  /** What kind of new object a Conv makes, for messages. */
  private expected(t: Conv): string {
    switch (t.kind) {
      case "object": return t.isClass ? `an instance of ${t.pair?.new ?? "its class"}` : "a plain object";
      case "array": case "tuple": return "an array";
      default: return `a ${t.kind}`;
    }
  }

  private sameKind(existing: object, t: Conv): boolean {
    const proto = getPrototypeOf(existing) as object | null;
    switch (t.kind) {
      case "object": return proto === t.proto;
      case "array": case "tuple": return Array.isArray(existing);
      case "map": return proto === this.RMap.prototype;
      case "set": return proto === this.RSet.prototype;
      case "date": return proto === this.RDate.prototype;
      case "typedArray": return proto === t.ctor!.prototype;
      case "arrayBuffer": return proto === this.to.intrinsics.ArrayBuffer.prototype;
      default: return false;
    }
  }

  private describe(target: object): string {
    if (target instanceof this.RMap) return "a Map";
    if (target instanceof this.RSet) return "a Set";
    if (Array.isArray(target)) return "an array";
    const proto = getPrototypeOf(target) as object | null;
    const id = proto === this.to.intrinsics.Object.prototype ? undefined
      : this.to.rt.functionId((proto as { constructor?: unknown } | null)?.constructor);
    return id !== undefined ? `an instance of ${id} (made with h.object)` : "a plain object (made with h.object)";
  }
}
