/**
 * Type pairs bound to the two realms: a Conv says how the walker rebuilds a value of
 * one pair, with everything looked up once per transfer (the old prototype a value must
 * have to take the fast path, the new prototype, the fields with their Convs, the
 * initializers). Every Conv has the same shape, so the walk's loop stays monomorphic.
 *
 * The Binder makes them, through a worklist like the pairing's, and dispatches a value
 * whose prototype is not the one its Conv expects: a class instance goes by its own
 * class, a union's value by the member it belongs to, opaque values by what they are.
 */
import type { TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";
import type { ProcessView } from "../process-view.js";
import { verdictOf } from "./changes.js";
import { TransferError } from "./errors.js";
import { fieldsFiller, type Filler, keysFiller } from "./fillers.js";
import { type Initializer, Initializers } from "./initializers.js";
import type { FieldSource, TypePair, UnionMember } from "./pair.js";
import type { TransferPlan } from "./plan.js";
import { type ObjectKind, RealmKinds } from "./realms.js";
import { type Shape, Shapes } from "./shapes.js";
import type { TypeTransformer } from "./transformers.js";

export type ConvKind =
  /** Primitives and function references as they are; no objects. */
  | "value" | "bigint" | "enum"
  /** A class instance or a plain object, field by field (then index keys). */
  | "object"
  | "array" | "tuple" | "map" | "set"
  /** Leaves: complete when created. */
  | "date" | "regexp" | "arrayBuffer" | "typedArray"
  | "error"
  /** Chooses a member's Conv by the value. */
  | "union"
  /** By what the value is: as it is (opaque), or by its own type when it has one (dynamic: `h.transfer`). */
  | "opaque" | "dynamic"
  | "transform"
  /** Needs a transformer, or cannot be transferred: rebuilding a value with it is a TransferError. */
  | "fail";

export class BoundField {
  conv: Conv | null = null;
  private init: Initializer | null = null;

  constructor(
    readonly name: string,
    /** The old field's name, "" if none. */
    readonly from: string,
    readonly source: FieldSource,
    private readonly initializer: string | null,
    private readonly module: string | null,
    private readonly initializers: Initializers,
  ) {}

  /** The field's initial value in a new instance `self` (undefined without an initializer). */
  initial(self: object): unknown {
    if (this.initializer === null || this.module === null) return undefined;
    this.init ??= this.initializers.get(this.module, this.initializer);
    return this.init(self);
  }
}

/** A union member, as the walker recognizes its values. */
export interface BoundMember {
  old: TypeId;
  conv: Conv;
  /** Whether the member holds a primitive; null for members holding objects. */
  holds: ((v: unknown) => boolean) | null;
  /** The kind of object it holds ("other" for a class, told by `conv.expect`), and its typed array's or error's name. */
  objectKind: ObjectKind | null;
  name: string;
  /** The literal its discriminant field has, in a discriminated union. */
  discriminant: unknown;
  /** Its required fields, to recognize an untagged plain object. */
  required: string[];
}

type Constructor = new (...args: never[]) => object;

/** A plain object's own keys in one order: each key's field (null: an index key, or dropped), what its new objects are made by and filled by. */
export interface KeyOrder {
  readonly keys: readonly string[];
  readonly fields: ReadonlyArray<BoundField | null>;
  readonly shape: Shape | null;
  readonly fill: Filler;
}

const NO_ORDER: KeyOrder = { keys: [], fields: [], shape: null, fill: () => {} };

export class Conv {
  /** Values rebuilt by it. */
  count = 0;
  /** Primitives pass unchanged and uncounted. */
  asIs = true;
  /** The old prototype of the values it takes directly; others go through Binder.dispatch. */
  expect: object | null = null;
  /** What a value with the expected prototype is rebuilt by: itself, or a union's only object member. */
  target: Conv = this;
  /** The new prototype of the objects it makes (a class's, or the realm's Object.prototype). */
  proto: object | null = null;
  /**
   * Classes set every field, in the new class's order (as its constructor would); plain
   * objects keep their own keys' order, and leave absent optional fields absent.
   */
  isClass = false;
  fields: BoundField[] = [];
  /** The fields by their old names. */
  byOldName: ReadonlyMap<string, BoundField> = new Map();
  /** Plain objects: the last key order met (objects of one type mostly share one), and every order met, by its keys joined with NUL. */
  lastOrder: KeyOrder = NO_ORDER;
  orders: Map<string, KeyOrder> | null = null;
  /** Classes: what their new objects are made by (null: made empty), and filled by, once asked. */
  shape: Shape | null | undefined = undefined;
  fill: Filler | null = null;
  /** Index signature values; elements of arrays and sets, a tuple's rest; map keys and values. */
  index: Conv | null = null;
  element: Conv | null = null;
  key: Conv | null = null;
  value: Conv | null = null;
  positions: Array<Conv | null> = [];
  maxLength = -1;
  members: BoundMember[] = [];
  discriminant: string | null = null;
  enumValues: ReadonlyMap<unknown, unknown> | null = null;
  /** A typed array's or error's constructor in the new realm (an error class's, for `errorBase`). */
  ctor: Constructor | null = null;
  /** The standard error a class extends: its instances are made as errors. */
  errorBase: string | null = null;
  /** Allocation-site tags: an old object tagged `tagFrom` is tagged `tagTo` in the new version. */
  tagFrom: TypeId | null = null;
  tagTo: TypeId | null = null;
  /** transform: what stands for the value until its transformer has run, or null: it runs at once. */
  shell: "object" | "array" | "map" | "set" | null = null;
  /** transform: the pair's conversion without the transformer (for `h.fields`). */
  base: Conv | null = null;
  transformer: TypeTransformer | null = null;
  transformerName = "";
  failure: TransferError | null = null;

  constructor(readonly kind: ConvKind, readonly pair: TypePair | null) {}
}

export class Binder {
  readonly oldKinds: RealmKinds;
  readonly newKinds: RealmKinds;
  readonly initializers: Initializers;
  private readonly shapes: Shapes;
  /** Values copied as they are, and values by their own type when they have one. */
  readonly opaque = new Conv("opaque", null);
  readonly dynamic = new Conv("dynamic", null);
  private readonly convs = new Map<TypePair, Conv>();
  private readonly bases = new Map<TypePair, Conv>();
  private readonly queue: Array<{ conv: Conv; pair: TypePair }> = [];
  /** Old class prototype -> the Conv of its instances, by type or as they are. */
  private readonly classes = new Map<object, Conv>();
  private readonly opaqueClasses = new Map<object, Conv>();
  /** Convs of opaque and dynamic values, by mode and kind. */
  private readonly structural = new Map<string, Conv>();

  constructor(readonly from: ProcessView, readonly to: ProcessView, readonly plan: TransferPlan) {
    this.oldKinds = new RealmKinds(from.intrinsics);
    this.newKinds = new RealmKinds(to.intrinsics);
    this.initializers = new Initializers(to);
    this.shapes = new Shapes(to);
  }

  /** The Conv of a pair (its parts bound too). */
  conv(pair: TypePair): Conv {
    const conv = this.convs.get(pair) ?? this.make(pair, false);
    this.drain();
    return conv;
  }

  /** The pair's Conv without its transformer: what `h.fields` converts by. */
  base(pair: TypePair): Conv {
    const conv = this.bases.get(pair) ?? this.make(pair, true);
    this.drain();
    return conv;
  }

  /**
   * A plain object's key order under `c` (an object Conv, not a class's): which field
   * each key is, its Filler, and the Shape of its new objects, whose fields are the keys
   * the filler assigns (a field with a Conv under its new name, an index key as it is).
   */
  order(c: Conv, keys: readonly string[]): KeyOrder {
    const id = keys.join("\u0000");
    c.orders ??= new Map();
    let order = c.orders.get(id);
    if (!order) {
      const fields = keys.map((k) => c.byOldName.get(k) ?? null);
      const names: string[] = [];
      keys.forEach((k, i) => {
        const f = fields[i]!;
        if (f === null ? c.index !== null : f.conv !== null) names.push(f === null ? k : f.name);
      });
      order = { keys, fields, shape: c.proto === null ? null : this.shapes.of(c.proto, names), fill: keysFiller(keys, fields, c.index) };
      c.orders.set(id, order);
    }
    return order;
  }

  /**
   * What a class's new objects are made by: a Shape with the fields its Filler
   * sets, in its order; none if a field has an initializer, which must not find the
   * fields after it already there.
   */
  classShape(c: Conv): Shape | null {
    if (c.shape === undefined) {
      c.shape = c.proto === null || c.fields.some((f) => f.source === "initializer") ? null
        : this.shapes.of(c.proto, c.fields.filter((f) => f.source !== "none").map((f) => f.name));
    }
    return c.shape;
  }

  /** What fills a class's new objects (Walker.fillObject). */
  classFiller(c: Conv): Filler {
    return (c.fill ??= fieldsFiller(c.fields));
  }

  /** Every Conv of a pair made so far (for the result's counts). */
  all(): Iterable<Conv> {
    return this.convs.values();
  }

  /**
   * What rebuilds a value whose prototype is not `c.expect`: a class instance goes by
   * its own class, a union's value by its member, opaque and dynamic values by their
   * kind. Throws a TransferError when the value does not fit the type.
   */
  dispatch(old: object, proto: object | null, c: Conv): Conv {
    const kind = this.oldKinds.kindOf(proto);
    switch (c.kind) {
      case "opaque": case "dynamic": return this.byKind(old, proto, kind, c.kind);
      case "union": c.count++; return this.member(old, proto, kind, c);
      case "fail": return c;
      case "transform": return kind === "other" && c.expect !== null ? this.ownClass(proto!) : c;
      case "object":
        if (kind === "other") return this.ownClass(proto!);
        if (kind === "plain" && !c.isClass) return c;
        break;
      default:
        break;
    }
    throw this.mismatch(kind, proto, c.pair?.new ?? c.kind);
  }

  /** The Conv of a class instance, by the same class in the new version. */
  ownClass(proto: object): Conv {
    let conv = this.classes.get(proto);
    if (!conv) {
      const id = this.classId(proto);
      const pair = id === undefined ? null : this.classPair(id);
      conv = pair !== null ? this.conv(pair) : failed("unsupported", id === undefined
        ? "an instance of a class without identity (declared inside a function, or outside the OS)"
        : `an instance of ${id}, a class the metadata does not describe in both versions`);
      this.classes.set(proto, conv);
    }
    return conv;
  }

  /** A new error of the standard kind `name` with the prototype of `cls`, a class extending it (its constructor does not run). */
  errorShell(name: string, cls: Constructor): object {
    return Reflect.construct(this.to.intrinsics.global[name] as Constructor, [], cls) as object;
  }

  private classId(proto: object): string | undefined {
    const ctor = Object.hasOwn(proto, "constructor") ? (proto as { constructor: unknown }).constructor : undefined;
    return this.from.rt.functionId(ctor);
  }

  /** A class's pair by its constructor's id: the class, or for a generic its first instantiation. */
  private classPair(id: string): TypePair | null {
    const { pairing } = this.plan;
    const direct = pairing.declared(id);
    if (direct !== null) return direct;
    for (const [typeId, d] of Object.entries(pairing.oldTypes.metadata.types)) {
      if (d.kind === "class" && d.generic === id && pairing.newTypes.has(typeId)) return pairing.get(typeId, typeId);
    }
    return null;
  }

  /** The union member an object belongs to. */
  private member(old: object, proto: object | null, kind: ObjectKind, c: Conv): Conv {
    if (kind === "other") {
      return c.members.find((m) => m.objectKind === "other" && m.conv.expect === proto)?.conv ?? this.ownClass(proto!);
    }
    const name = kind === "typedArray" || kind === "error" ? this.oldKinds.nameOf(proto!) : "";
    const candidates = c.members.filter((m) => m.objectKind === kind && (m.name === "" || m.name === name));
    if (candidates.length === 1) return candidates[0]!.conv;
    if (candidates.length === 0) throw this.mismatch(kind, proto, c.pair?.new ?? "a union");
    const value = old as Record<string | symbol, unknown>;
    const tag = value[this.from.rt.TYPE];
    const chosen = (c.discriminant !== null ? candidates.find((m) => m.discriminant === value[c.discriminant!]) : undefined)
      ?? candidates.find((m) => m.old === tag)
      ?? candidates.find((m) => m.required.every((f) => Object.hasOwn(old, f)))
      ?? candidates[0]!;
    return chosen.conv;
  }

  /** An opaque or dynamic value's Conv, by what the value is. */
  private byKind(old: object, proto: object | null, kind: ObjectKind, mode: "opaque" | "dynamic"): Conv {
    if (mode === "dynamic") {
      if (kind === "other") return this.ownClass(proto!);
      const tag = (old as Record<symbol, unknown>)[this.from.rt.TYPE];
      const pair = typeof tag === "string" ? this.plan.pairing.declared(tag) : null;
      if (pair !== null) return this.conv(pair);
    }
    if (kind === "other") return this.opaqueClass(proto!);
    const name = kind === "typedArray" || kind === "error" ? this.oldKinds.nameOf(proto!)! : "";
    const key = `${mode}:${kind}:${name}`;
    let c = this.structural.get(key);
    if (!c) {
      const child = mode === "opaque" ? this.opaque : this.dynamic;
      c = new Conv(kind === "plain" ? "object" : kind, null);
      c.expect = proto;
      c.proto = this.to.intrinsics.Object.prototype;
      c.index = c.element = c.key = c.value = child;
      if (name !== "") c.ctor = this.newCtor(name);
      this.structural.set(key, c);
    }
    return c;
  }

  /** An instance copied as it is, with the prototype of the same class in the new version. */
  private opaqueClass(proto: object): Conv {
    let c = this.opaqueClasses.get(proto);
    if (!c) {
      const id = this.classId(proto);
      const newProto = id === undefined ? null : protoOf(this.to.rt.functionById(id));
      if (newProto === null) {
        c = failed("unsupported", id === undefined ? "an instance of a class without identity" : `an instance of ${id}, gone from the new version`);
      } else {
        c = new Conv("object", null);
        c.expect = proto;
        c.proto = newProto;
        c.isClass = true;
        c.index = this.opaque;
      }
      this.opaqueClasses.set(proto, c);
    }
    return c;
  }

  private newCtor(name: string): Constructor {
    return (this.to.intrinsics.typedArrays[name] ?? this.to.intrinsics.global[name]) as Constructor;
  }

  private mismatch(kind: ObjectKind, proto: object | null, declared: string): TransferError {
    let what = `a value of kind ${kind}`;
    if (kind === "other") {
      const id = proto === null ? undefined : this.classId(proto);
      what = id !== undefined ? `an instance of ${id}` : "an object of an unknown class";
    }
    return new TransferError("type-mismatch", "", `${what} where ${declared} is declared`);
  }

  /**
   * Make a pair's Conv with what the fast path needs; its parts are bound when the
   * worklist reaches it, so that recursive types meet Convs already registered.
   */
  private make(pair: TypePair, asBase: boolean): Conv {
    const conv = this.create(pair, asBase);
    (asBase ? this.bases : this.convs).set(pair, conv);
    this.queue.push({ conv, pair });
    return conv;
  }

  private create(pair: TypePair, asBase: boolean): Conv {
    const conversion = pair.conversion;
    if (!asBase && pair.transformer !== null) return this.transform(pair);
    const blocking = pair.changes.filter((ch) => verdictOf(ch.kind) !== "auto");
    if (!asBase && (blocking.length > 0 || conversion.kind === "none")) {
      const unsupported = blocking.some((ch) => ch.kind === "unsupported");
      const what = blocking.map((ch) => `${ch.at !== "" ? `${ch.at}: ` : ""}${ch.detail}`).join("; ") || "no conversion";
      return failed(unsupported ? "unsupported" : "needs-transformer",
        `${pair.old} → ${pair.new}: ${what}${unsupported ? "" : ` (give a transformer for types["${pair.new}"])`}`, pair);
    }
    if (conversion.kind === "none") return failed("needs-transformer", `${pair.old} → ${pair.new}: no conversion`, pair);
    const c = new Conv(conversion.kind, pair);
    c.expect = this.expectOf(pair);
    c.tagFrom = pair.old;
    c.tagTo = pair.new;
    switch (conversion.kind) {
      case "object":
        c.isClass = conversion.newClass !== null;
        c.proto = c.isClass ? protoOf(this.to.rt.functionById(conversion.newClass!)) : this.to.intrinsics.Object.prototype;
        c.errorBase = conversion.errorBase;
        if (c.proto === null) return failed("unsupported", `class ${conversion.newClass} has no identity in the new version`, pair);
        if (c.errorBase !== null) c.ctor = this.to.rt.functionById(conversion.newClass!) as unknown as Constructor;
        break;
      case "value": case "union":
        c.asIs = pair.changes.length === 0;
        break;
      case "bigint": case "enum":
        c.asIs = false;
        break;
      case "typedArray": case "error":
        c.ctor = this.newCtor(conversion.name);
        break;
      default:
        break;
    }
    return c;
  }

  private transform(pair: TypePair): Conv {
    const { newTypes } = this.plan.pairing;
    const c = new Conv("transform", pair);
    c.transformer = pair.transformer!.fn;
    c.transformerName = `type ${pair.transformer!.key}`;
    c.expect = this.expectOf(pair);
    // An object stands for the value until the transformer has run (a transformer's h.transfer
    // of another transformed value must not recurse); other types are transformed at once.
    const n = newTypes.resolve(pair.new);
    const nd = newTypes.get(n);
    switch (nd.kind) {
      case "class": c.proto = protoOf(this.to.rt.functionById(newTypes.declaredName(n)!)); c.shell = c.proto ? "object" : null; break;
      case "object": case "record": c.proto = this.to.intrinsics.Object.prototype; c.shell = "object"; break;
      case "array": case "tuple": c.shell = "array"; break;
      case "map": case "set": c.shell = nd.kind; break;
      default: break;
    }
    c.asIs = c.shell !== null;
    return c;
  }

  /** The old prototype of the old type's values (null for primitives, unions, untyped). */
  private expectOf(pair: TypePair): object | null {
    const { oldTypes } = this.plan.pairing;
    const o = oldTypes.resolve(pair.old);
    const d = oldTypes.get(o);
    const from = this.from.intrinsics;
    switch (d.kind) {
      case "class": return protoOf(this.from.rt.functionById(oldTypes.declaredName(o)!));
      case "object": case "record": return from.Object.prototype;
      case "array": case "tuple": return from.Array.prototype;
      case "map": return from.Map.prototype;
      case "set": return from.Set.prototype;
      case "date": return from.Date.prototype;
      case "regexp": return from.RegExp.prototype;
      case "arrayBuffer": return from.ArrayBuffer.prototype;
      case "typedArray": return protoOf(from.typedArrays[d.name]);
      case "error": return protoOf(from.global[d.name]);
      default: return null;
    }
  }

  /** Bind the parts of the Convs made so far. */
  private drain(): void {
    while (this.queue.length > 0) {
      const { conv: c, pair } = this.queue.pop()!;
      const conversion = pair.conversion;
      if (c.kind === "transform") {
        c.base = this.bases.get(pair) ?? this.make(pair, true);
        continue;
      }
      switch (conversion.kind) {
        case "object":
          c.fields = conversion.fields.map((f) => {
            const field = new BoundField(f.name, f.from ?? "", f.source, f.initializer, f.module, this.initializers);
            field.conv = f.source === "opaque" ? this.opaque : f.pair !== null ? this.child(f.pair) : null;
            return field;
          });
          c.byOldName = new Map(c.fields.filter((f) => f.from !== "").map((f) => [f.from, f]));
          if (conversion.index !== null) c.index = this.child(conversion.index);
          break;
        case "array": c.element = this.child(conversion.element); break;
        case "tuple":
          c.positions = conversion.positions.map((p) => (p === null ? null : this.child(p)));
          c.element = conversion.rest === null ? null : this.child(conversion.rest);
          c.maxLength = conversion.maxLength ?? -1;
          break;
        case "map": c.key = this.child(conversion.key); c.value = this.child(conversion.value); break;
        case "set": c.element = this.child(conversion.element); break;
        case "enum": c.enumValues = conversion.values; break;
        case "union": this.bindUnion(c, conversion.members, conversion.discriminant); break;
        default: break;
      }
    }
  }

  private child(pair: TypePair): Conv {
    return this.convs.get(pair) ?? this.make(pair, false);
  }

  private bindUnion(c: Conv, members: readonly UnionMember[], discriminant: string | null): void {
    const { oldTypes } = this.plan.pairing;
    c.discriminant = discriminant;
    c.members = members.map((m): BoundMember => {
      const id = oldTypes.resolve(m.old);
      const d = oldTypes.get(id);
      const fields = oldTypes.fields(id)?.fields ?? [];
      const tagType = fields.find((f) => f.name === discriminant)?.type;
      const literal = tagType === undefined ? undefined : oldTypes.get(oldTypes.resolve(tagType));
      return {
        old: m.old, conv: this.child(m.pair), holds: holdsPrimitive(d), objectKind: objectKindOf(d),
        name: d.kind === "typedArray" || d.kind === "error" ? d.name : "",
        discriminant: literal?.kind === "literal" ? literal.value : undefined,
        required: fields.filter((f) => !f.optional).map((f) => f.name),
      };
    });
    // Primitives pass as they are only if no member converts them.
    if (c.asIs) c.asIs = c.members.every((m) => m.holds === null || m.conv.asIs);
    // A union with one object member (`Vnode | null`) takes that member's values on the fast path.
    const objects = c.members.filter((m) => m.objectKind !== null);
    if (objects.length === 1 && objects[0]!.conv.expect !== null) {
      c.expect = objects[0]!.conv.expect;
      c.target = objects[0]!.conv;
    }
  }
}

function failed(kind: "unsupported" | "needs-transformer", reason: string, pair: TypePair | null = null): Conv {
  const c = new Conv("fail", pair);
  c.asIs = false;
  c.failure = new TransferError(kind, "", reason);
  return c;
}

function protoOf(ctor: unknown): object | null {
  return (ctor as { prototype?: object } | undefined)?.prototype ?? null;
}

/** Whether a scalar member holds a primitive; null for members holding objects. */
function holdsPrimitive(d: TypeDescriptor): ((v: unknown) => boolean) | null {
  switch (d.kind) {
    case "primitive": {
      const name = d.name === "void" ? "undefined" : d.name;
      return name === "null" ? (v) => v === null : (v) => typeof v === name;
    }
    case "literal": {
      const value = d.type === "bigint" ? BigInt(d.value as string) : d.value;
      return (v) => v === value;
    }
    case "enumMember": return (v) => v === d.value;
    case "enum": {
      const values = new Set<unknown>(d.members.map((m) => m.value));
      return (v) => values.has(v);
    }
    case "function": return (v) => typeof v === "function";
    default: return null;
  }
}

function objectKindOf(d: TypeDescriptor): ObjectKind | null {
  switch (d.kind) {
    case "class": return "other";
    case "object": case "record": return "plain";
    case "array": case "tuple": return "array";
    case "map": case "set": case "date": case "regexp": case "error": case "typedArray": case "arrayBuffer": return d.kind;
    default: return null;
  }
}
