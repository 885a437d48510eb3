/**
 * Type invariants: every value of a process's state conforms to the type its metadata
 * declares, and nothing in it refers into another realm. Run on a new version's state
 * after transfer (with `foreign` the old version's realm, whose objects it must no
 * longer reach) and before that version may run.
 *
 * The walk is type-directed and iterative (an explicit stack of value, declared type and
 * path: heaps reach a million objects in depth). Each object is checked once per type it
 * is reached as, so sharing and cycles cost nothing extra. Values are read as
 * ../state/values.ts reads them: no getter, trap or method of the program runs.
 *
 * What conforms, by descriptor kind:
 *   primitive, literal, enum, enumMember   typeof and value
 *   union         the member the value matches on the surface (its discriminant's value;
 *                 else its kind, class, and which declared fields it has), then that member deeply
 *   intersection  a branded primitive conforms to its primitive members; else every member
 *   class         an instance of the class of this realm (or of a subclass: then the
 *                 subclass's fields); every field but #private ones (unreadable from outside)
 *   object        an object with every required field (own or inherited, an accessor is
 *                 not called), the other own properties conforming to its index signatures
 *   record, array (holes hold undefined), tuple (length and positions), Map, Set, Date,
 *   typed array (of that name), ArrayBuffer, RegExp, Error     by brand, then contents
 *   function      a function with an identity in this realm (a closure cannot be relocated)
 *   foreign, weakMap, weakSet    never: not transferable
 *   untyped (any, unknown, type parameters) and @opaque    no type: only the realm check below
 *   @transient    skipped: the new version's initializer set it
 * Every object and function must belong to this realm: its prototype chain ends at the
 * realm's Object.prototype, or it has none. An object of another realm is reported
 * (named as the old realm's when it is `foreign`'s) and not walked into.
 */
import type { Metadata, ObjectField, TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";
import type { ProcessView } from "../process-view.js";
import { classFunctionId, fieldsOf, resolveType } from "../state/metadata.js";
import { childPath, fieldStepOf, formatPath, type Path, type Step } from "../state/path.js";
import { readVariable, stateRoots } from "../state/roots.js";
import {
  chainEnd, describeValue, edgesOf, inheritsFrom, isNumericKey, isObjectLike, kindOf, ownSlot, propertySlot,
  runtimeTypeOf, type Slot, typedArrayNameOf, type ValueKind,
} from "../state/values.js";

export interface CheckOptions {
  /** The realm the state was transferred from: objects of it are named as the old realm's. */
  foreign?: ProcessView;
  /** Stop after this many violations (default 100). */
  limit?: number;
}

export interface TypeViolation {
  /** e.g. "servers/vfs/state.ts#vfs.vnodes[3].size" */
  path: string;
  expected: string;
  found: string;
}

export interface CheckReport {
  ok: boolean;
  violations: TypeViolation[];
  /** The walk stopped at the limit: there may be more. */
  truncated: boolean;
  /** Distinct objects and functions checked. */
  objectsChecked: number;
}

export function formatViolation(v: TypeViolation): string {
  return `${v.path}: expected ${v.expected}, found ${v.found}`;
}

export function checkTypes(view: ProcessView, opts: CheckOptions = {}): CheckReport {
  return new TypeChecker(view, opts).run();
}

type Resolved = { id: TypeId; type: TypeDescriptor };
type ClassDescriptor = Extract<TypeDescriptor, { kind: "class" }>;
type ObjectDescriptor = Extract<TypeDescriptor, { kind: "object" }>;
type UnionDescriptor = Extract<TypeDescriptor, { kind: "union" }>;

/**
 * A value to check against a type, or (type null) only for belonging to this realm.
 * It is also the path to the value: a frame's parent is the frame of what holds it.
 */
interface Frame extends Path {
  value: unknown;
  type: TypeId | null;
}

class TypeChecker {
  private readonly metadata: Metadata;
  private readonly typeOf: (obj: object) => string | undefined;
  private readonly limit: number;
  private readonly violations: TypeViolation[] = [];
  private readonly stack: Frame[] = [];
  /**
   * Every object met: false if it belongs to another realm (reported, not walked into);
   * else the type ids it has been checked as (none yet, one, or a set for the few
   * reached as several types).
   */
  private readonly seen = new Map<object, false | null | TypeId | Set<TypeId>>();
  /** Union members, resolved, by union id. */
  private readonly unionMembers = new Map<TypeId, Resolved[]>();
  /** The prototype of each class of this realm, by class id (null: not registered). */
  private readonly prototypes = new Map<string, object | null>();

  constructor(private readonly view: ProcessView, private readonly opts: CheckOptions) {
    this.metadata = view.metadata;
    this.typeOf = runtimeTypeOf(view.rt);
    this.limit = opts.limit ?? 100;
  }

  run(): CheckReport {
    for (const root of stateRoots(this.view)) {
      if (this.full()) break;
      const { annotations } = root.variable;
      if (annotations.transient) continue;
      const read = readVariable(this.view, root.module, root.variable);
      if (!read.ok) {
        // A module not loaded yet has no state; one that failed to initialise has broken state.
        if (read.loaded) this.report(root.path, root.variable.type, read.problem);
        continue;
      }
      this.stack.push({ ...root.path, value: read.value, type: annotations.opaque ? null : root.variable.type });
      while (this.stack.length > 0 && !this.full()) this.check(this.stack.pop()!);
    }
    return {
      ok: this.violations.length === 0,
      violations: this.violations,
      truncated: this.full(),
      objectsChecked: this.seen.size,
    };
  }

  private full(): boolean {
    return this.violations.length >= this.limit;
  }

  private report(path: Path, expected: string, found: string): void {
    if (!this.full()) this.violations.push({ path: formatPath(path), expected, found });
  }

  private mismatch(path: Path, id: TypeId, value: unknown): void {
    this.report(path, id, describeValue(value, this.typeOf));
  }

  private push(parent: Path, step: Step, value: unknown, type: TypeId | null): void {
    this.stack.push({ parent, step, value, type });
  }

  private check(frame: Frame): void {
    const { value, type } = frame;
    const kind = kindOf(value);
    if (!isObjectLike(value)) {
      if (type !== null) this.checkAs(value, kind, resolveType(this.metadata, type), frame);
      return;
    }
    let seen = this.seen.get(value);
    if (seen === undefined) {
      seen = this.belongs(value, kind, frame) ? null : false;
      this.seen.set(value, seen);
    }
    if (seen === false) return;
    if (type === null) return this.checkRealmOnly(value, kind, frame);
    const resolved = resolveType(this.metadata, type);
    // Checked as this type already (through another reference, or around a cycle)?
    if (seen === resolved.id || (seen instanceof Set && seen.has(resolved.id))) return;
    if (seen === null) this.seen.set(value, resolved.id);
    else if (seen instanceof Set) seen.add(resolved.id);
    else this.seen.set(value, new Set([seen, resolved.id]));
    this.checkAs(value, kind, resolved, frame);
  }


  private checkAs(value: unknown, kind: ValueKind, { id, type: d }: Resolved, path: Path): void {
    switch (d.kind) {
      case "union": {
        const member = this.chooseMember(value, kind, id, d);
        if (member) this.checkAs(value, kind, member, path);
        else this.mismatch(path, id, value);
        return;
      }
      case "intersection": {
        const members = d.members.map((m) => resolveType(this.metadata, m));
        const primitives = members.filter((m) => m.type.kind === "primitive");
        // A branded primitive (`number & { __brand: "pid" }`): the object members exist only for the checker.
        const required = primitives.length > 0 ? primitives : members;
        if (!required.every((m) => this.matches(value, kind, m))) return this.mismatch(path, id, value);
        if (primitives.length === 0) for (const m of members) this.checkAs(value, kind, m, path);
        return;
      }
      case "untyped":
        if (d.name === "object" && !isObjectLike(value)) return this.mismatch(path, id, value);
        if (isObjectLike(value)) this.checkRealmOnly(value, kind, path);
        return;
      case "function":
        if (kind !== "function") return this.mismatch(path, id, value);
        if (this.view.rt.functionId(value) === undefined) {
          this.report(path, `${id} (a function with an identity)`, `${describeValue(value, this.typeOf)} (a closure or built-in: no identity)`);
        }
        return;
      case "foreign":
        return this.report(path, `${id} (nothing: ${d.name} of ${d.declaredIn} cannot be transferred)`, describeValue(value, this.typeOf));
      case "weakMap": case "weakSet":
        return this.report(path, `${id} (nothing: weak collections cannot be transferred)`, describeValue(value, this.typeOf));
    }
    if (!this.matches(value, kind, { id, type: d })) return this.mismatch(path, id, value);
    const obj = value as object;
    switch (d.kind) {
      case "class": return this.checkClass(obj, id, d, path);
      case "object": return this.checkObject(obj, d, path);
      case "record": {
        const names = Object.keys(obj);
        for (let i = names.length - 1; i >= 0; i--) {
          const name = names[i]!;
          if (d.key === "number" && !isNumericKey(name)) this.report(childPath(path, fieldStepOf(name)), "a number key", `key ${JSON.stringify(name)}`);
          else this.checkSlot(ownSlot(obj, name), d.value, path, fieldStepOf(name));
        }
        return;
      }
      case "array": {
        const length = (obj as unknown[]).length;
        for (let index = length - 1; index >= 0; index--) this.checkElement(obj, index, d.element, path);
        return;
      }
      case "tuple": {
        const length = (obj as unknown[]).length;
        for (let index = length - 1; index >= 0; index--) this.checkElement(obj, index, tupleElement(d, index, length)!, path);
        return;
      }
      case "map": case "set": {
        const edges = edgesOf(obj, d.kind);
        for (let i = edges.length - 1; i >= 0; i--) {
          const { step, slot } = edges[i]!;
          this.checkSlot(slot, d.kind === "set" ? d.element : step.kind === "mapKey" ? d.key : d.value, path, step);
        }
        return;
      }
      default:
        // Primitives, literals and enums were matched; Date, typed arrays, ArrayBuffer, RegExp and Error hold no state of the program.
        return;
    }
  }

  /** An element of an array or tuple; a hole reads as undefined. */
  private checkElement(arr: object, index: number, type: TypeId, path: Path): void {
    const step: Step = { kind: "index", index };
    const slot = ownSlot(arr, index);
    if (!slot && !this.matches(undefined, "undefined", resolveType(this.metadata, type))) {
      return this.report(childPath(path, step), type, "a hole");
    }
    this.checkSlot(slot ?? { kind: "value", value: undefined }, type, path, step);
  }

  private checkSlot(slot: Slot | undefined, type: TypeId, path: Path, step: Step): void {
    if (slot?.kind === "value") this.push(path, step, slot.value, type);
    else this.report(childPath(path, step), type, slot ? "an accessor property" : "nothing");
  }

  private checkClass(obj: object, id: TypeId, d: ClassDescriptor, path: Path): void {
    // An instance of a subclass has the subclass's fields: check those when the metadata knows it.
    const actual = this.typeOf(obj);
    const own = actual !== undefined && actual !== classFunctionId(id, d) && this.metadata.types[actual]?.kind === "class"
      ? this.metadata.types[actual] as ClassDescriptor : d;
    for (let i = own.fields.length - 1; i >= 0; i--) {
      const field = own.fields[i]!;
      if (field.annotations.transient || field.visibility === "#private") continue;
      this.checkField(ownSlot(obj, field.name), field, path);
    }
  }

  private checkObject(obj: object, d: ObjectDescriptor, path: Path): void {
    for (let i = d.fields.length - 1; i >= 0; i--) {
      const field = d.fields[i]!;
      if (field.annotations.transient) continue;
      const slot = propertySlot(obj, field.name);
      // Provided by a getter (a class instance satisfying an interface): nothing stored to check.
      if (slot?.kind === "accessor") continue;
      this.checkField(slot, field, path);
    }
    if (d.indexSignatures.length === 0) return;
    const names = Object.keys(obj);
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i]!;
      if (d.fields.some((f) => f.name === name)) continue;
      for (const sig of d.indexSignatures) {
        if (sig.key === "string" || (sig.key === "number" && isNumericKey(name))) {
          this.checkSlot(ownSlot(obj, name), sig.type, path, fieldStepOf(name));
        }
      }
    }
  }

  private checkField(slot: Slot | undefined, field: ObjectField, path: Path): void {
    const step = fieldStepOf(field.name);
    if (slot === undefined) {
      // Absent reads as undefined: fine for an optional field, or one whose type allows undefined.
      if (field.optional || this.matches(undefined, "undefined", resolveType(this.metadata, field.type))) return;
      return this.report(childPath(path, step), field.type, "nothing (the field is missing)");
    }
    if (slot.kind === "accessor") return this.report(childPath(path, step), field.type, "an accessor property");
    this.push(path, step, slot.value, field.annotations.opaque ? null : field.type);
  }

  /** Walk a value with no type (@opaque, any, unknown): only its objects' realm is checked. */
  private checkRealmOnly(obj: object, kind: ValueKind, path: Path): void {
    const edges = edgesOf(obj, kind);
    for (let i = edges.length - 1; i >= 0; i--) {
      const { step, slot } = edges[i]!;
      if (slot.kind === "value" && isObjectLike(slot.value) && !this.seen.has(slot.value)) this.push(path, step, slot.value, null);
    }
  }

  /** Whether an object or function belongs to this realm; reported if not (asked once per object). */
  private belongs(obj: object, kind: ValueKind, path: Path): boolean {
    if (kind === "proxy") {
      this.report(path, "an object of this realm", "a Proxy (it cannot be inspected or transferred)");
      return false;
    }
    const end = chainEnd(obj);
    if (end === null || end === this.view.intrinsics.Object.prototype) return true;
    const foreign = this.opts.foreign;
    let found = `${describeValue(obj, () => undefined)} of another realm`;
    if (foreign && end === foreign.intrinsics.Object.prototype) {
      const what = kind === "function"
        ? `function ${foreign.rt.functionId(obj) ?? "(a closure)"}`
        : describeValue(obj, runtimeTypeOf(foreign.rt));
      found = `${what} of the old realm (${foreign.program})`;
    } else if (end === Object.prototype) {
      found = `${describeValue(obj, () => undefined)} of the host`;
    }
    this.report(path, "an object of this realm", found);
    return false;
  }

  /** The union member a value is, on the surface; the discriminant decides when there is one. */
  private chooseMember(value: unknown, kind: ValueKind, id: TypeId, d: UnionDescriptor): Resolved | undefined {
    let members = this.unionMembers.get(id);
    if (!members) this.unionMembers.set(id, members = d.members.map((m) => resolveType(this.metadata, m)));
    let first: Resolved | undefined;
    let count = 0;
    for (const m of members) {
      if (this.isCandidate(value, kind, d, m)) {
        first ??= m;
        count++;
      }
    }
    if (count <= 1 || !isObjectLike(value)) return first;
    // Structural members of one kind: prefer one whose required fields are all there.
    for (const m of members) {
      if (this.isCandidate(value, kind, d, m) && this.hasRequiredFields(value, m)) return m;
    }
    return first;
  }

  private isCandidate(value: unknown, kind: ValueKind, d: UnionDescriptor, member: Resolved): boolean {
    if (!this.matches(value, kind, member)) return false;
    if (d.discriminant === null || kind !== "object") return true;
    const field = fieldsOf(this.metadata, member.id).get(d.discriminant);
    if (!field) return true;
    const tag = propertySlot(value as object, d.discriminant);
    const tagValue = tag?.kind === "value" ? tag.value : undefined;
    return this.matches(tagValue, kindOf(tagValue), resolveType(this.metadata, field.type));
  }

  private hasRequiredFields(obj: object, member: Resolved): boolean {
    for (const f of fieldsOf(this.metadata, member.id).values()) {
      if (!f.optional && propertySlot(obj, f.name) === undefined) return false;
    }
    return true;
  }

  /**
   * Whether a value is of a type on the surface: its kind, brand, class or literal value,
   * not what it holds (that is checked by walking it). Follows unions, aliases and
   * intersections only, which the type table cannot nest without bound.
   */
  private matches(value: unknown, kind: ValueKind, { id, type: d }: Resolved): boolean {
    switch (d.kind) {
      case "primitive":
        switch (d.name) {
          case "void": return kind === "undefined";
          case "never": return false;
          default: return kind === d.name;
        }
      case "untyped": return d.name !== "object" || isObjectLike(value);
      case "literal":
        return d.type === "bigint" ? kind === "bigint" && String(value) === d.value : value === d.value;
      case "enum":
        return d.members.some((m) => (m.value === null ? kind === "number" : m.value === value));
      case "enumMember": return d.value === null ? kind === "number" : value === d.value;
      case "union": return d.members.some((m) => this.matches(value, kind, resolveType(this.metadata, m)));
      case "intersection": {
        const members = d.members.map((m) => resolveType(this.metadata, m));
        const primitives = members.filter((m) => m.type.kind === "primitive");
        return (primitives.length > 0 ? primitives : members).every((m) => this.matches(value, kind, m));
      }
      case "alias": return this.matches(value, kind, resolveType(this.metadata, d.target));
      case "object": case "record": return kind === "object" || kind === "error";
      case "class": return (kind === "object" || kind === "error") && this.isInstance(value as object, id, d);
      case "array": return kind === "array";
      case "tuple": {
        if (kind !== "array") return false;
        const length = (value as unknown[]).length;
        const min = d.elements.filter((e) => !e.optional && !e.rest).length;
        return length >= min && (d.elements.some((e) => e.rest) || length <= d.elements.length);
      }
      case "map": case "set": case "weakMap": case "weakSet": case "date": case "regexp": case "error":
        return kind === d.kind;
      case "typedArray": return kind === "typedArray" && typedArrayNameOf(value as object) === d.name;
      case "arrayBuffer": return kind === "arrayBuffer";
      case "function": return kind === "function";
      case "foreign": return isObjectLike(value);
    }
  }

  /** An instance of the class (its prototype, of this realm, on the value's chain). */
  private isInstance(obj: object, id: TypeId, d: ClassDescriptor): boolean {
    const classId = classFunctionId(id, d);
    let proto = this.prototypes.get(classId);
    if (proto === undefined) {
      const cls = this.view.rt.functionById(classId);
      const slot = cls && ownSlot(cls, "prototype");
      this.prototypes.set(classId, proto = slot?.kind === "value" && isObjectLike(slot.value) ? slot.value : null);
    }
    // A class the realm did not register (its module is not loaded): the runtime's name for the value decides.
    return proto === null ? this.typeOf(obj) === classId : inheritsFrom(obj, proto);
  }
}

/** The type of position `index` of a tuple of `length` elements (elements after a rest element count from the end). */
function tupleElement(d: Extract<TypeDescriptor, { kind: "tuple" }>, index: number, length: number): TypeId | undefined {
  const rest = d.elements.findIndex((e) => e.rest);
  if (rest < 0 || index < rest) return d.elements[index]?.type;
  const after = d.elements.length - rest - 1;
  return index >= length - after ? d.elements[d.elements.length - (length - index)]!.type : d.elements[rest]!.type;
}
