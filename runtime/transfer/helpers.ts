/**
 * The helpers a transformer builds new values with (TransformHelpers, transformers.ts):
 * everything they make is made with the new realm's built-ins, and everything given to
 * them is checked to be a primitive or a value of the new realm.
 */
import type { TypeId } from "../../instrumenter/metadata/schema.js";
import { TransferError } from "./errors.js";
import type { TypePair } from "./pair.js";
import type { TransformHelpers } from "./transformers.js";
import type { Walker } from "./walk.js";

export class Helpers implements TransformHelpers {
  readonly oldType: TypeId | null;
  readonly newType: TypeId;

  constructor(private readonly walker: Walker, readonly transformer: string, private readonly pair: TypePair | null) {
    this.oldType = pair?.old ?? null;
    this.newType = pair?.new ?? "";
  }

  transfer<T = unknown>(old: unknown, types?: { old: TypeId; new: TypeId }): T {
    const { binder } = this.walker;
    if (types === undefined) return this.walker.convert(old, binder.dynamic) as T;
    const { pairing } = binder.plan;
    if (!pairing.oldTypes.has(types.old) || !pairing.newTypes.has(types.new)) {
      throw this.error(`h.transfer: no type ${pairing.oldTypes.has(types.old) ? types.new : types.old} in the ${pairing.oldTypes.has(types.old) ? "new" : "old"} version`);
    }
    return this.walker.convert(old, binder.conv(pairing.get(types.old, types.new))) as T;
  }

  fields(old: object): Record<string, unknown> {
    const base = this.pair === null ? null : this.walker.binder.base(this.pair);
    if (base === null || base.kind !== "object") throw this.error("h.fields: the transformer's type is no class or object type");
    const out: Record<string, unknown> = {};
    const from = old as Record<string, unknown>;
    for (const f of base.fields) {
      if ((f.source === "old" || f.source === "opaque") && f.conv!.kind !== "fail" && Object.hasOwn(from, f.from)) {
        out[f.name] = this.walker.convert(from[f.from], f.conv!);
      }
    }
    if (base.index !== null) {
      for (const key of Object.keys(from)) {
        if (!base.byOldName.has(key)) out[key] = this.walker.convert(from[key], base.index);
      }
    }
    return out;
  }

  object<T extends object = Record<string, unknown>>(type: TypeId, fields: Record<string, unknown>): T {
    const { binder } = this.walker;
    const types = binder.plan.pairing.newTypes;
    const id = types.has(type) ? types.resolve(type) : null;
    const d = id === null ? null : types.get(id);
    const layout = id === null ? null : types.fields(id);
    if (d === null || layout === null) throw this.error(`h.object: ${type} is no class or object type of the new version`);
    const isClass = d.kind === "class";
    const ctor = isClass ? this.walker.to.rt.functionById(types.declaredName(id!)!) : undefined;
    const proto = isClass ? (ctor as { prototype?: object } | undefined)?.prototype : this.walker.to.intrinsics.Object.prototype;
    if (!proto) throw this.error(`h.object: class ${type} has no identity in the new version`);
    const declared = new Set(layout.fields.map((f) => f.name));
    const extra = Object.keys(fields).filter((k) => !declared.has(k));
    if (extra.length > 0 && layout.index === null) throw this.error(`h.object: ${type} has no field ${extra.join(", ")}`);
    const obj = this.walker.to.intrinsics.Object.create(proto) as Record<string | symbol, unknown>;
    for (const f of layout.fields) {
      if (f.privateName) throw this.error(`h.object: ${type} has the #private field ${f.name}: only its class can make its instances`);
      if (Object.hasOwn(fields, f.name)) obj[f.name] = this.checked(fields[f.name], `field ${f.name}`);
      else if (isClass) {
        obj[f.name] = f.initializer === null || f.module === null ? undefined : binder.initializers.get(f.module, f.initializer)(obj);
      }
    }
    for (const key of extra) obj[key] = this.checked(fields[key], `field ${key}`);
    if (!isClass) obj[this.walker.from.rt.TYPE] = type;
    this.walker.objects++;
    return obj as T;
  }

  array<T = unknown>(items: Iterable<T> = [], type?: TypeId): T[] {
    const a = new this.walker.to.intrinsics.Array<T>();
    let i = 0;
    for (const item of items) a.push(this.checked(item, `element ${i++}`));
    return this.made(a, type);
  }

  map<K = unknown, V = unknown>(entries: Iterable<readonly [K, V]> = [], type?: TypeId): Map<K, V> {
    const m = new this.walker.to.intrinsics.Map<K, V>();
    for (const [k, v] of entries) m.set(this.checked(k, "a key"), this.checked(v, "a value"));
    return this.made(m, type);
  }

  set<T = unknown>(values: Iterable<T> = [], type?: TypeId): Set<T> {
    const s = new this.walker.to.intrinsics.Set<T>();
    for (const v of values) s.add(this.checked(v, "an element"));
    return this.made(s, type);
  }

  date(time: number): Date {
    this.walker.objects++;
    return new this.walker.to.intrinsics.Date(time);
  }

  bigint(value: number | string | bigint): bigint {
    if (typeof value === "number" && !Number.isInteger(value)) throw this.error(`h.bigint: ${value} is not an integer`);
    return BigInt(value);
  }

  typedArray(name: string, values: ArrayLike<number | bigint> | number): ArrayLike<number | bigint> {
    const Ctor = this.walker.to.intrinsics.typedArrays[name];
    if (!Ctor) throw this.error(`h.typedArray: no typed array ${name}`);
    const length = typeof values === "number" ? values : values.length;
    const a = new Ctor(length) as unknown as Array<number | bigint>;
    if (typeof values !== "number") for (let i = 0; i < length; i++) a[i] = values[i]!;
    this.walker.objects++;
    return a;
  }

  private made<T extends object>(value: T, type: TypeId | undefined): T {
    if (type !== undefined) (value as Record<symbol, unknown>)[this.walker.from.rt.TYPE] = type;
    this.walker.objects++;
    return value;
  }

  private checked<T>(value: T, what: string): T {
    this.walker.checkNew(value, `${this.transformer}: ${what} is`);
    return value;
  }

  private error(message: string): TransferError {
    return new TransferError("transformer-result", "", `${this.transformer}: ${message}`);
  }
}
