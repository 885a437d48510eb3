/**
 * Pairing the old version's types with the new version's, and what it takes to turn a
 * value of one into a value of the other. Declared types pair by name ("module#Name");
 * structural ones by where they sit (the type of a paired variable, field, element, …).
 *
 * A pair is compared once, whatever reaches it, and its children are paired through a
 * worklist, so recursive types and deep type graphs need no recursion.
 */
import type { TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";
import type { ChangeKind, LocalChange } from "./changes.js";
import type { TypeTransformer } from "./transformers.js";
import { type FieldLike, TypeTable } from "./type-table.js";

/** Where the value of a field of the new type comes from. */
export type FieldSource =
  /** The old value of field `from`, converted by `pair`. */
  | "old"
  /** The new class's initializer (`undefined` without one): added or @transient fields. */
  | "initializer"
  /** An optional field the old type lacks: absent (plain objects) or undefined (classes). */
  | "absent"
  /** @opaque: the old value copied as it is. */
  | "opaque"
  /** Nothing: a transformer must give it. */
  | "none";

export interface FieldPlan {
  name: string;
  /** The old field's name (renamed fields differ), null if the old type has none. */
  from: string | null;
  source: FieldSource;
  pair: TypePair | null;
  optional: boolean;
  initializer: string | null;
  /** The module whose scope the initializer is evaluated in. */
  module: string | null;
}

/** How a value of the old type becomes one of the new type. */
export type Conversion =
  /** Primitives, literals, enums and function references: the value itself (functions relocated by identity). */
  | { kind: "value" }
  | { kind: "bigint" }
  /** An enum whose members changed values: old value → new value, by member name. */
  | { kind: "enum"; values: ReadonlyMap<string | number, string | number> }
  /** A class instance (`newClass` names its constructor) or a plain object (`newClass` null). */
  | { kind: "object"; oldClass: string | null; newClass: string | null; fields: FieldPlan[]; index: TypePair | null;
      errorBase: string | null }
  | { kind: "array"; element: TypePair }
  /** Old element i converts by positions[i] (null: dropped), the rest by `rest`; at most `maxLength` kept. */
  | { kind: "tuple"; positions: Array<TypePair | null>; rest: TypePair | null; maxLength: number | null }
  | { kind: "map"; key: TypePair; value: TypePair }
  | { kind: "set"; element: TypePair }
  | { kind: "date" }
  | { kind: "regexp" }
  | { kind: "arrayBuffer" }
  | { kind: "typedArray"; name: string }
  | { kind: "error"; name: string }
  /** A value of one of the old union's members converts by that member's pair. */
  | { kind: "union"; members: UnionMember[]; discriminant: string | null }
  /** Copied as it is, by walking it (untyped state under @opaque). */
  | { kind: "opaque" }
  /** No conversion: a transformer must make the new value. */
  | { kind: "none" };

export interface UnionMember {
  /** The old member type (as written in the union). */
  old: TypeId;
  pair: TypePair;
}

export interface TypePair {
  readonly old: TypeId;
  readonly new: TypeId;
  conversion: Conversion;
  /** What changed at this pair's own level (fields, members, the scalar type). */
  readonly changes: LocalChange[];
  /** The pairs of its parts, where they sit relative to it. */
  readonly children: Array<{ at: string; pair: TypePair }>;
  /** Given for the new type: it makes every value of the pair. */
  transformer: { fn: TypeTransformer; key: TypeId } | null;
  /** The new type is declared (class, interface, enum, alias): changes below it are placed relative to it. */
  readonly declared: boolean;
}

type Scalar = Extract<TypeDescriptor, { kind: "primitive" | "literal" | "enum" | "enumMember" }>;
type ScalarMatch = { conversion: Conversion; change: ChangeKind | null; detail: string };

const SCALARS = new Set(["primitive", "literal", "enum", "enumMember"]);
const isScalar = (d: TypeDescriptor): d is Scalar => SCALARS.has(d.kind);

/** The primitive type a scalar's values have ("number", …; "mixed" for an enum of both). */
function baseOf(d: Scalar): string {
  switch (d.kind) {
    case "primitive": return d.name === "void" ? "undefined" : d.name;
    case "literal": return d.type;
    case "enumMember": return typeof d.value === "string" ? "string" : "number";
    case "enum": {
      const kinds = new Set(d.members.map((m) => (typeof m.value === "string" ? "string" : "number")));
      return kinds.size === 1 ? [...kinds][0]! : "mixed";
    }
  }
}

function valueOf(d: Scalar): unknown {
  return d.kind === "literal" ? d.value : d.kind === "enumMember" ? d.value : undefined;
}

export class Pairing {
  private readonly pairs = new Map<string, TypePair>();
  private readonly queue: TypePair[] = [];
  private readonly reshaped = new Map<TypePair, boolean>();

  constructor(
    readonly oldTypes: TypeTable,
    readonly newTypes: TypeTable,
    private readonly transformers: Readonly<Record<TypeId, TypeTransformer>>,
  ) {}

  /** The pair of two types, compared along with everything it reaches. */
  get(oldId: TypeId, newId: TypeId): TypePair {
    const pair = this.pair(oldId, newId);
    while (this.queue.length > 0) this.compare(this.queue.pop()!);
    return pair;
  }

  /** The pair a value allocated as `oldId` (a class, a tag) moves by: its type of the same id in the new version. */
  declared(oldId: TypeId): TypePair | null {
    return this.oldTypes.has(oldId) && this.newTypes.has(oldId) ? this.get(oldId, oldId) : null;
  }

  /** Every pair made so far. */
  all(): Iterable<TypePair> {
    return this.pairs.values();
  }

  /**
   * Whether the values of a pair change shape: a change at its level or in its
   * structural parts (`Counter` when a field's type widened; declared types below count
   * for themselves).
   */
  reshapes(pair: TypePair): boolean {
    let known = this.reshaped.get(pair);
    if (known === undefined) {
      known = false;
      const seen = new Set<TypePair>([pair]);
      const stack = [pair];
      while (!known && stack.length > 0) {
        const p = stack.pop()!;
        known = p.changes.length > 0;
        for (const { pair: child } of p.children) {
          if (!child.declared && !seen.has(child)) {
            seen.add(child);
            stack.push(child);
          }
        }
      }
      this.reshaped.set(pair, known);
    }
    return known;
  }

  /** The transformer for a new type: by its id, the id its alias names, or its generic's name. */
  transformerFor(newId: TypeId): { fn: TypeTransformer; key: TypeId } | null {
    const resolved = this.newTypes.resolve(newId);
    for (const key of [newId, resolved, this.newTypes.declaredName(resolved)]) {
      if (key !== null && Object.hasOwn(this.transformers, key)) return { fn: this.transformers[key]!, key };
    }
    return null;
  }

  /** Find or make a pair; new ones are compared when the worklist drains. */
  private pair(oldId: TypeId, newId: TypeId): TypePair {
    const key = `${oldId}\u0000${newId}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      const written = this.newTypes.get(newId);
      pair = {
        old: oldId, new: newId, conversion: { kind: "none" }, changes: [], children: [],
        transformer: this.transformerFor(newId),
        declared: written.kind === "alias" || this.newTypes.declaredName(newId) !== null,
      };
      this.pairs.set(key, pair);
      this.queue.push(pair);
    }
    return pair;
  }

  private child(parent: TypePair, at: string, oldId: TypeId, newId: TypeId): TypePair {
    const pair = this.pair(oldId, newId);
    parent.children.push({ at, pair });
    return pair;
  }

  private change(p: TypePair, at: string, kind: ChangeKind, detail: string): void {
    p.changes.push({ at, kind, detail });
  }

  /** The pair's own types changed beyond what can be converted. */
  private retyped(p: TypePair): void {
    p.conversion = { kind: "none" };
    this.change(p, "", "retyped", `${p.old} → ${p.new}`);
  }

  private compare(p: TypePair): void {
    const o = this.oldTypes.resolve(p.old);
    const n = this.newTypes.resolve(p.new);
    const od = this.oldTypes.get(o);
    const nd = this.newTypes.get(n);
    const unsupported = this.unsupported(od, o) ?? this.unsupported(nd, n);
    if (unsupported !== null) {
      this.change(p, "", "unsupported", unsupported);
      return;
    }
    if (od.kind === "union" || nd.kind === "union") return this.unions(p, o, od, n, nd);
    if (isScalar(od) && isScalar(nd)) {
      const m = this.scalarMatch(od, nd);
      if (m.change !== null) this.change(p, "", m.change, m.detail);
      p.conversion = m.conversion;
      return;
    }
    if (nd.kind === od.kind || (nd.kind === "array" && od.kind === "tuple") || (isObjectLike(nd) && isObjectLike(od))) {
      switch (nd.kind) {
        case "class": case "object": case "record": return this.objects(p, o, n);
        case "array": return this.array(p, od, nd.element);
        case "tuple": return this.tuple(p, od as Extract<TypeDescriptor, { kind: "tuple" }>, nd);
        case "map": {
          const old = od as Extract<TypeDescriptor, { kind: "map" }>;
          p.conversion = { kind: "map", key: this.child(p, "<key>", old.key, nd.key), value: this.child(p, "<value>", old.value, nd.value) };
          return;
        }
        case "set":
          p.conversion = { kind: "set", element: this.child(p, "<element>", (od as typeof nd).element, nd.element) };
          return;
        case "date": case "regexp": case "arrayBuffer": p.conversion = { kind: nd.kind }; return;
        case "function": p.conversion = { kind: "value" }; return;
        case "untyped": p.conversion = { kind: "opaque" }; return;
        case "typedArray": case "error":
          if ((od as typeof nd).name === nd.name) p.conversion = { kind: nd.kind, name: nd.name };
          else this.retyped(p);
          return;
      }
    }
    this.retyped(p);
  }

  /** Why values of a type cannot be transferred at all, or null. */
  private unsupported(d: TypeDescriptor, id: TypeId): string | null {
    switch (d.kind) {
      case "foreign": return `${id} is declared outside the OS: its layout is unknown`;
      case "weakMap": case "weakSet": return `${id} cannot be enumerated`;
      default: return null;
    }
  }

  // ---- scalars: primitives, literals, enums

  private scalarMatch(od: Scalar, nd: Scalar): ScalarMatch {
    const same: ScalarMatch = { conversion: { kind: "value" }, change: null, detail: "" };
    const widened = (conversion: Conversion = { kind: "value" }): ScalarMatch =>
      ({ conversion, change: "widened", detail: `${describe(od)} → ${describe(nd)}` });
    const fail = (change: ChangeKind): ScalarMatch =>
      ({ conversion: { kind: "none" }, change, detail: `${describe(od)} → ${describe(nd)}` });
    const ob = baseOf(od);
    const nb = baseOf(nd);
    if (od.kind === "enum" && nd.kind === "enum") return this.enums(od, nd);
    if (nd.kind === "primitive") {
      if (od.kind === "primitive" && ob === nb) return same;
      if (ob === nb) return widened();
      if (ob === "number" && nb === "bigint" && (od.kind === "primitive" || od.kind === "literal")) {
        return widened({ kind: "bigint" });
      }
      return fail(ob === "bigint" && nb === "number" ? "narrowed" : "retyped");
    }
    if (nd.kind === "enum") {
      const member = od.kind === "enumMember" ? nd.members.find((m) => m.name === od.name)
        : nd.members.find((m) => m.value === valueOf(od));
      if (od.kind === "primitive") return fail(ob === nb || nb === "mixed" ? "narrowed" : "retyped");
      if (!member) return fail("retyped");
      if (member.value === valueOf(od) || member.value === null) return widened();
      return { conversion: { kind: "enum", values: new Map([[valueOf(od) as string | number, member.value]]) },
        change: "enum-renumbered", detail: `${describe(od)} → ${describe(nd)} = ${JSON.stringify(member.value)}` };
    }
    // The new type is one literal value (a literal or an enum member).
    const nv = valueOf(nd);
    if (od.kind === "literal" || od.kind === "enumMember") {
      if (valueOf(od) === nv) return same;
      if (od.kind === "enumMember" && nd.kind === "enumMember" && od.name === nd.name) {
        return { conversion: { kind: "enum", values: new Map([[od.value as string | number, nv as string | number]]) },
          change: "enum-renumbered", detail: `${describe(od)} → ${describe(nd)}` };
      }
      return fail("retyped");
    }
    return fail(ob === nb ? "narrowed" : "retyped");
  }

  /** Enum members pair by name: values that moved are renumbered. */
  private enums(od: Extract<Scalar, { kind: "enum" }>, nd: Extract<Scalar, { kind: "enum" }>): ScalarMatch {
    const byName = new Map(nd.members.map((m) => [m.name, m.value]));
    const missing = od.members.filter((m) => !byName.has(m.name)).map((m) => m.name);
    if (missing.length > 0) {
      return { conversion: { kind: "none" }, change: "enum-shrank", detail: `members ${missing.join(", ")} removed` };
    }
    const values = new Map<string | number, string | number>();
    for (const m of od.members) {
      const nv = byName.get(m.name)!;
      if (m.value !== null && nv !== null && nv !== m.value) values.set(m.value, nv);
    }
    const added = nd.members.filter((m) => !od.members.some((o) => o.name === m.name)).map((m) => m.name);
    const grew = added.length > 0 ? `members ${added.join(", ")} added` : "";
    if (values.size > 0) {
      const moved = [...values].map(([a, b]) => `${JSON.stringify(a)} → ${JSON.stringify(b)}`).join(", ");
      return { conversion: { kind: "enum", values }, change: "enum-renumbered", detail: [`values ${moved}`, grew].filter(Boolean).join("; ") };
    }
    return { conversion: { kind: "value" }, change: grew !== "" ? "enum-grew" : null, detail: grew };
  }

  // ---- unions

  private unions(p: TypePair, o: TypeId, od: TypeDescriptor, n: TypeId, nd: TypeDescriptor): void {
    const oldMembers = od.kind === "union" ? od.members : [o];
    const newMembers = nd.kind === "union" ? nd.members : [n];
    const members: UnionMember[] = [];
    const matched = new Set<TypeId>();
    const lost: TypeId[] = [];
    for (const om of oldMembers) {
      const nm = this.matchMember(om, newMembers, od, nd);
      if (nm === null) {
        lost.push(om);
      } else {
        matched.add(nm);
        members.push({ old: om, pair: this.child(p, "", om, nm) });
      }
    }
    const literals = (ids: TypeId[], t: TypeTable) => ids.every((id) => t.get(t.resolve(id)).kind === "literal");
    const gained = newMembers.filter((m) => !matched.has(m));
    p.conversion = { kind: "union", members, discriminant: od.kind === "union" ? od.discriminant : null };
    if (lost.length > 0) {
      this.change(p, "", literals(lost, this.oldTypes) ? "literals-shrank" : "union-shrank", `${lost.join(", ")} no longer allowed`);
    }
    if (gained.length > 0) {
      const kind = od.kind !== "union" ? "widened" : literals(gained, this.newTypes) ? "literals-grew" : "union-grew";
      this.change(p, "", kind, od.kind !== "union" ? `${p.old} → ${p.new}` : `${gained.join(", ")} added`);
    }
  }

  /** The new member an old union member's values belong to, or null. */
  private matchMember(om: TypeId, newMembers: readonly TypeId[], oldUnion: TypeDescriptor, newUnion: TypeDescriptor): TypeId | null {
    if (newMembers.includes(om)) return om;
    const o = this.oldTypes.resolve(om);
    const od = this.oldTypes.get(o);
    const resolved = newMembers.map((m) => ({ id: m, n: this.newTypes.resolve(m) }));
    const exact = resolved.find((m) => m.n === o);
    if (exact) return exact.id;
    const name = this.oldTypes.declaredName(o);
    if (name !== null) {
      const same = resolved.find((m) => this.newTypes.declaredName(m.n) === name);
      return same ? same.id : null;
    }
    if (isScalar(od)) {
      // Prefer a member holding the value unchanged, then one it converts into.
      let best: TypeId | null = null;
      for (const m of resolved) {
        const nd = this.newTypes.get(m.n);
        if (!isScalar(nd)) continue;
        const match = this.scalarMatch(od, nd);
        if (match.conversion.kind === "none") continue;
        if (match.change === null) return m.id;
        best ??= m.id;
      }
      return best;
    }
    const disc = oldUnion.kind === "union" && newUnion.kind === "union" && oldUnion.discriminant !== null
      && oldUnion.discriminant === newUnion.discriminant ? oldUnion.discriminant : null;
    if (disc !== null) {
      const tagOf = (t: TypeTable, id: TypeId) => t.fields(id)?.fields.find((f) => f.name === disc)?.type;
      const tag = tagOf(this.oldTypes, o);
      const same = tag === undefined ? undefined : resolved.find((m) => tagOf(this.newTypes, m.n) === tag);
      if (same) return same.id;
    }
    const kind = shapeOf(od);
    const candidates = resolved.filter((m) => this.newTypes.declaredName(m.n) === null && shapeOf(this.newTypes.get(m.n)) === kind);
    return candidates.length === 1 ? candidates[0]!.id : null;
  }

  // ---- objects: classes, interfaces, object literal types, records

  private objects(p: TypePair, o: TypeId, n: TypeId): void {
    const od = this.oldTypes.get(o);
    const nd = this.newTypes.get(n);
    const oldName = this.oldTypes.declaredName(o);
    const newName = this.newTypes.declaredName(n);
    const isClass = nd.kind === "class";
    if ((od.kind === "class") !== isClass || (oldName !== null && newName !== null && oldName !== newName)) {
      return this.retyped(p);
    }
    const olds = this.oldTypes.fields(o)!;
    const news = this.newTypes.fields(n)!;
    const fields = this.fields(p, olds.fields, news.fields, isClass);
    let index: TypePair | null = null;
    if (olds.index !== null && news.index !== null) index = this.child(p, "[key]", olds.index, news.index);
    else if (olds.index !== null) this.change(p, "", "narrowed", "index signature removed: keys other than the fields would be lost");
    p.conversion = {
      kind: "object", oldClass: od.kind === "class" ? oldName : null, newClass: isClass ? newName : null,
      fields, index, errorBase: this.newTypes.errorBase(n),
    };
  }

  private fields(p: TypePair, olds: FieldLike[], news: FieldLike[], isClass: boolean): FieldPlan[] {
    const byName = new Map(olds.map((f) => [f.name, f]));
    const used = new Set<string>();
    const order: number[] = [];
    const plans: FieldPlan[] = [];
    for (const nf of news) {
      const of = (nf.renamedFrom !== null ? byName.get(nf.renamedFrom) : undefined) ?? byName.get(nf.name);
      if (of) used.add(of.name);
      const at = `.${nf.name}`;
      const plan: FieldPlan = {
        name: nf.name, from: of?.name ?? null, source: "old", pair: null, optional: nf.optional,
        initializer: nf.initializer, module: nf.module,
      };
      plans.push(plan);
      if (nf.privateName || of?.privateName) {
        // Not even its initializer can be run from outside the class: its instances cannot be rebuilt.
        plan.source = "none";
        this.change(p, at, "unsupported", "a #private field cannot be read or set from outside its class: keep instances of this class out of state, or @transient");
        continue;
      }
      if (nf.transient) {
        plan.source = "initializer";
        continue;
      }
      if (!of) {
        if (nf.optional) {
          plan.source = "absent";
          this.change(p, at, "field-added", "optional field added, left undefined");
        } else if (isClass && nf.initializer !== null) {
          plan.source = "initializer";
          this.change(p, at, "field-added", `field added, set by its initializer \`${nf.initializer}\``);
        } else {
          plan.source = "none";
          this.change(p, at, "field-required", `required field added without an initializer (${nf.type})`);
        }
        continue;
      }
      order.push(olds.indexOf(of));
      if (of.name !== nf.name) this.change(p, at, "field-renamed", `renamed from ${of.name}`);
      if (nf.opaque) plan.source = "opaque";
      else plan.pair = this.child(p, at, of.type, nf.type);
    }
    for (const of of olds) {
      if (!used.has(of.name)) this.change(p, `.${of.name}`, "field-removed", "field removed: its value is dropped");
    }
    if (order.some((i, k) => k > 0 && i < order[k - 1]!)) {
      this.change(p, "", "fields-reordered", `fields now in the order ${plans.map((f) => f.name).join(", ")}`);
    }
    return plans;
  }

  // ---- arrays and tuples

  private array(p: TypePair, od: TypeDescriptor, element: TypeId): void {
    if (od.kind === "array") {
      p.conversion = { kind: "array", element: this.child(p, "[]", od.element, element) };
      return;
    }
    const old = od as Extract<TypeDescriptor, { kind: "tuple" }>;
    const fixed = old.elements.filter((e) => !e.rest);
    const rest = old.elements.find((e) => e.rest);
    p.conversion = {
      kind: "tuple",
      positions: fixed.map((e, i) => this.child(p, `[${i}]`, e.type, element)),
      rest: rest ? this.child(p, "[…]", rest.type, element) : null,
      maxLength: null,
    };
    this.change(p, "", "widened", `${p.old} → ${p.new}`);
  }

  private tuple(p: TypePair, od: Extract<TypeDescriptor, { kind: "tuple" }>, nd: Extract<TypeDescriptor, { kind: "tuple" }>): void {
    const oldFixed = od.elements.filter((e) => !e.rest);
    const newFixed = nd.elements.filter((e) => !e.rest);
    const oldRest = od.elements.find((e) => e.rest)?.type ?? null;
    const newRest = nd.elements.find((e) => e.rest)?.type ?? null;
    const positions: Array<TypePair | null> = oldFixed.map((e, i) => {
      const to = newFixed[i]?.type ?? newRest;
      return to === null ? null : this.child(p, `[${i}]`, e.type, to);
    });
    const dropped = positions.filter((x) => x === null).length;
    if (dropped > 0) this.change(p, "", "tuple-resized", `last ${dropped} element(s) dropped`);
    for (let i = oldFixed.length; i < newFixed.length; i++) {
      if (oldRest !== null) positions.push(this.child(p, `[${i}]`, oldRest, newFixed[i]!.type));
      else if (newFixed[i]!.optional) this.change(p, `[${i}]`, "tuple-resized", "optional element added, left undefined");
      else this.change(p, `[${i}]`, "field-required", `required element added without a value (${newFixed[i]!.type})`);
    }
    let rest: TypePair | null = null;
    if (oldRest !== null && newRest !== null) rest = this.child(p, "[…]", oldRest, newRest);
    else if (oldRest !== null) this.change(p, "", "narrowed", "rest elements no longer allowed");
    p.conversion = { kind: "tuple", positions, rest, maxLength: newRest === null ? newFixed.length : null };
  }
}

function isObjectLike(d: TypeDescriptor): boolean {
  return d.kind === "object" || d.kind === "record" || d.kind === "class";
}

/** The kind of value a type holds, to pair anonymous union members whose ids differ. */
function shapeOf(d: TypeDescriptor): string {
  switch (d.kind) {
    case "object": case "record": return "object";
    case "array": case "tuple": return "array";
    case "typedArray": case "error": return `${d.kind}:${d.name}`;
    default: return d.kind;
  }
}

function describe(d: Scalar): string {
  switch (d.kind) {
    case "primitive": return d.name;
    case "literal": return JSON.stringify(d.value);
    case "enum": return d.name;
    case "enumMember": return `${d.enum.slice(d.enum.indexOf("#") + 1)}.${d.name}`;
  }
}
