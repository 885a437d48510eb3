/**
 * Type invariants: every value of a process's state conforms to the type its metadata
 * declares, and nothing in it refers into another realm. Run on a new version's state
 * after transfer (with `foreign` the old version's realm, whose objects it must no
 * longer reach) and before that version may run.
 *
 * The walk is type-directed and iterative (an explicit stack of value, declared type and
 * where it was found: heaps reach a million objects in depth). Each object is checked once
 * per type it is reached as (a union's value as the member it is), so sharing and cycles
 * cost nothing extra. Values are read as ../state/values.ts reads them: no getter, trap or
 * method of the program runs.
 *
 * It runs in an update's downtime, over heaps of a million objects: each type is compiled
 * once into a plan (its descriptor resolved, its fields, members and elements as plans),
 * the stack is a set of parallel arrays (nothing is allocated per value), an object's kind
 * is found once (kept with the types it was checked as), and a path is a node per object
 * walked into (an element's index kept as a number), written out only when a violation
 * is reported.
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
import { classFunctionId, resolveType } from "../state/metadata.js";
import { fieldStepOf, formatPath, type Path, type Step } from "../state/path.js";
import { readVariable, stateRoots } from "../state/roots.js";
import {
  chainEnd, describeValue, forEachOfMap, inheritsFrom, isNumericKey, isObjectLike, kindOf, mapEntriesOf, ownSlot,
  runtimeTypeOf, setValuesOf, typedArrayNameOf, type ValueKind,
} from "../state/values.js";
import { types } from "node:util";

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

type ClassDescriptor = Extract<TypeDescriptor, { kind: "class" }>;
type ObjectDescriptor = Extract<TypeDescriptor, { kind: "object" }>;
type TupleDescriptor = Extract<TypeDescriptor, { kind: "tuple" }>;

/** A field to check, compiled once: its step, and its type's plan once asked for. */
interface FieldPlan {
  readonly field: ObjectField;
  readonly name: string;
  readonly step: Step;
  plan: Plan | undefined;
  /** Absent is fine: optional, or its type allows undefined (null: not asked yet). */
  absentOk: boolean | null;
}

/**
 * A type, compiled once per walk: its descriptor with aliases followed (`id` is the
 * target's), and what checking a value of it needs, resolved. Plans of the types it
 * refers to are made when first needed (types are recursive).
 */
interface Plan {
  /** Numbers the plan in `plans`: the seen table keeps types by this index. */
  readonly index: number;
  readonly id: TypeId;
  readonly d: TypeDescriptor;
  /** A value of it holds nothing to walk into (so an array of it is checked in place). */
  leaf: boolean | null;
  /** Union and intersection members. */
  members?: Plan[];
  /** An intersection's primitive members (a branded primitive), or its members when it has none. */
  required?: Plan[];
  primitive?: boolean;
  /** Fields checked, last first in declaration order: a class's (not #private) or an object type's, @transient left out. */
  fields?: FieldPlan[];
  /** An object type's declared field names (index signatures cover the others). */
  fieldNames?: Set<string>;
  /** Of a class: the prototype of the class of this realm (null: not registered), undefined until asked. */
  proto?: object | null;
  /** Of a tuple: its minimum length, and whether it has a rest element. */
  minLength?: number;
  hasRest?: boolean;
  /** Of a union: its members' fields by name (for the discriminant and required fields). */
  memberFields?: Map<string, ObjectField>[];
}

// An object's kind, kept as a small number with the types it has been checked as.
const KINDS: ValueKind[] = [
  "undefined", "null", "boolean", "number", "string", "bigint", "symbol", "function", "array", "map", "set", "weakMap",
  "weakSet", "date", "typedArray", "arrayBuffer", "regexp", "error", "promise", "proxy", "object",
];
const KIND_CODE = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<ValueKind, number>;
/** seen: the object belongs to another realm (reported, not walked into). */
const FOREIGN = -1;
/**
 * seen = kind + KIND_SPAN * (first plan index + 1) + KIND_SPAN * PLAN_SPAN * (second plan index + 1):
 * the one or two types it has been checked as (0: none yet), in a number (no object per object).
 */
const KIND_SPAN = 32;
const PLAN_SPAN = 2 ** 24;
const SECOND_SPAN = KIND_SPAN * PLAN_SPAN;
/** An object checked as several types. */
interface SeenMany {
  kind: number;
  plans: Set<number>;
}

/** The step from what holds a value to it: a Step, an index (>= 0), or the key of Map entry n (-n - 1). */
type StepRef = Step | number;

function stepOf(ref: StepRef): Step {
  if (typeof ref !== "number") return ref;
  return ref >= 0 ? { kind: "index", index: ref } : { kind: "mapKey", entry: -ref - 1 };
}

/**
 * Where a value is, as the walk keeps it: a Path whose steps may be StepRefs (an element
 * walked into costs no Step); made a Path only when a violation is reported.
 */
interface Where {
  readonly parent: Where | null;
  readonly step: StepRef;
}

function pathOf(where: Where): Path {
  const chain: Where[] = [];
  for (let w: Where | null = where; w !== null; w = w.parent) chain.push(w);
  let path: Path | null = null;
  for (let i = chain.length - 1; i >= 0; i--) path = { parent: path, step: stepOf(chain[i]!.step) };
  return path!;
}

class TypeChecker {
  private readonly metadata: Metadata;
  private readonly typeOf: (obj: object) => string | undefined;
  private readonly limit: number;
  private readonly objectPrototype: object;
  private readonly violations: TypeViolation[] = [];
  /** The stack: value, plan (null: only the realm is checked), the path of what holds it, and the step to it. */
  private readonly values: unknown[] = [];
  private readonly types: (Plan | null)[] = [];
  private readonly parents: (Where | null)[] = [];
  private readonly steps: StepRef[] = [];
  private sp = 0;
  /** Every object met: FOREIGN, a number (see KIND_SPAN) or, for the few reached as several types, a SeenMany. */
  private readonly seen = new Map<object, number | SeenMany>();
  private readonly plansById = new Map<TypeId, Plan>();
  private readonly plans: Plan[] = [];
  /** The last object of each prototype chain, by the object's prototype. */
  private readonly chainEnds = new Map<object, object | null>();

  /** The value being checked: where it is (its path made once something below it needs one). */
  private parent: Where | null = null;
  private step: StepRef = 0;
  private node: Where | null = null;

  constructor(private readonly view: ProcessView, private readonly opts: CheckOptions) {
    this.metadata = view.metadata;
    this.typeOf = runtimeTypeOf(view.rt);
    this.limit = opts.limit ?? 100;
    this.objectPrototype = view.intrinsics.Object.prototype;
  }

  run(): CheckReport {
    for (const root of stateRoots(this.view)) {
      if (this.full()) break;
      const { annotations } = root.variable;
      if (annotations.transient) continue;
      const read = readVariable(this.view, root.module, root.variable);
      if (!read.ok) {
        // A module not loaded yet has no state; one that failed to initialise has broken state.
        if (read.loaded) this.reportAt(root.path.parent, root.path.step, root.variable.type, read.problem);
        continue;
      }
      this.push(root.path.parent, root.path.step, read.value, annotations.opaque ? null : this.planOf(root.variable.type));
      while (this.sp > 0 && !this.full()) {
        const i = --this.sp;
        const value = this.values[i];
        this.values[i] = undefined;
        this.check(value, this.types[i]!, this.parents[i]!, this.steps[i]!);
      }
    }
    this.values.length = this.types.length = this.parents.length = this.steps.length = 0;
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

  // ---- plans ----

  private planOf(typeId: TypeId): Plan {
    let plan = this.plansById.get(typeId);
    if (plan) return plan;
    const { id, type: d } = resolveType(this.metadata, typeId);
    plan = this.plansById.get(id);
    if (!plan) {
      if (this.plans.length >= PLAN_SPAN - 1) throw new Error(`checkTypes: more than ${PLAN_SPAN - 2} types`);
      plan = { index: this.plans.length, id, d, leaf: null };
      this.plans.push(plan);
      this.plansById.set(id, plan);
      this.compile(plan);
    }
    this.plansById.set(typeId, plan);
    return plan;
  }

  private compile(plan: Plan): void {
    const { d } = plan;
    switch (d.kind) {
      case "union":
        plan.members = d.members.map((m) => this.planOf(m));
        plan.memberFields = plan.members.map((m) => fieldTable(m.d));
        return;
      case "intersection": {
        const members = plan.members = d.members.map((m) => this.planOf(m));
        const primitives = members.filter((m) => m.d.kind === "primitive");
        plan.primitive = primitives.length > 0;
        plan.required = plan.primitive ? primitives : members;
        return;
      }
      case "object":
        plan.fields = fieldPlans(d.fields.filter((f) => !f.annotations.transient));
        plan.fieldNames = new Set(d.fields.map((f) => f.name));
        return;
      case "class":
        plan.fields = fieldPlans(d.fields.filter((f) => !f.annotations.transient && f.visibility !== "#private"));
        return;
      case "tuple":
        plan.minLength = d.elements.filter((e) => !e.optional && !e.rest).length;
        plan.hasRest = d.elements.some((e) => e.rest);
        return;
    }
  }

  /** Whether checking a value of the plan never pushes anything (whatever the value). */
  private isLeaf(plan: Plan): boolean {
    if (plan.leaf !== null) return plan.leaf;
    plan.leaf = false; // while being decided (a type reaching itself is not a leaf)
    const { d } = plan;
    let leaf: boolean;
    switch (d.kind) {
      case "primitive": case "literal": case "enum": case "enumMember": case "date": case "typedArray": case "arrayBuffer":
      case "regexp": case "error": case "function": case "foreign": case "weakMap": case "weakSet":
        leaf = true;
        break;
      case "union": leaf = plan.members!.every((m) => this.isLeaf(m)); break;
      case "intersection": leaf = plan.primitive! || plan.members!.every((m) => this.isLeaf(m)); break;
      default: leaf = false;
    }
    return plan.leaf = leaf;
  }

  private fieldPlan(f: FieldPlan): Plan {
    return f.plan ??= this.planOf(f.field.type);
  }

  // ---- the stack and paths ----

  private push(parent: Where | null, step: StepRef, value: unknown, plan: Plan | null): void {
    const i = this.sp++;
    this.values[i] = value;
    this.types[i] = plan;
    this.parents[i] = parent;
    this.steps[i] = step;
  }

  /** Push a value found below the current one. */
  private pushChild(step: StepRef, value: unknown, plan: Plan): void {
    const i = this.sp++;
    this.values[i] = value;
    this.types[i] = plan;
    this.parents[i] = this.node ??= { parent: this.parent, step: this.step };
    this.steps[i] = step;
  }

  /** The path of the value being checked. */
  private here(): Where {
    return this.node ??= { parent: this.parent, step: this.step };
  }

  private reportAt(parent: Where | null, step: StepRef, expected: string, found: string): void {
    if (!this.full()) this.violations.push({ path: formatPath(pathOf({ parent, step })), expected, found });
  }

  /** Report at the value being checked. */
  private report(expected: string, found: string): void {
    this.reportAt(this.parent, this.step, expected, found);
  }

  /** Report at a value below the one being checked. */
  private reportBelow(step: StepRef, expected: string, found: string): void {
    this.reportAt(this.here(), step, expected, found);
  }

  private mismatch(plan: Plan, value: unknown): void {
    this.report(plan.id, describeValue(value, this.typeOf));
  }

  // ---- checking ----

  private check(value: unknown, plan: Plan | null, parent: Where | null, step: StepRef): void {
    this.parent = parent;
    this.step = step;
    this.node = null;
    if (!isObjectLike(value)) {
      if (plan !== null) this.checkAs(value, kindOf(value), plan);
      return;
    }
    const seen = this.seen.get(value);
    if (seen === undefined) {
      // Met for the first time: its kind and realm, and the type it is checked as, recorded at once.
      const kind = kindOf(value);
      if (!this.belongs(value, kind)) {
        this.seen.set(value, FOREIGN);
        return;
      }
      if (plan === null) {
        this.seen.set(value, KIND_CODE[kind]);
        return this.checkRealmOnly(value, kind);
      }
      const as = this.memberOf(value, kind, plan);
      this.seen.set(value, KIND_CODE[kind] + KIND_SPAN * (as.index + 1));
      return this.checkAs(value, kind, as);
    }
    if (seen === FOREIGN) return;
    const kind = KINDS[typeof seen === "number" ? seen % KIND_SPAN : seen.kind]!;
    if (plan === null) return this.checkRealmOnly(value, kind);
    plan = this.memberOf(value, kind, plan);
    // Checked as this type already (through another reference, or around a cycle)?
    if (typeof seen === "number") {
      const first = Math.floor(seen / KIND_SPAN) % PLAN_SPAN;
      const second = Math.floor(seen / SECOND_SPAN);
      const p = plan.index + 1;
      if (first === p || second === p) return;
      if (first === 0) this.seen.set(value, seen + KIND_SPAN * p);
      else if (second === 0) this.seen.set(value, seen + SECOND_SPAN * p);
      else this.seen.set(value, { kind: seen % KIND_SPAN, plans: new Set([first - 1, second - 1, plan.index]) });
    } else {
      if (seen.plans.has(plan.index)) return;
      seen.plans.add(plan.index);
    }
    this.checkAs(value, kind, plan);
  }

  /**
   * The type an object is checked as: a union's member it is (on the surface), so that
   * an object reached as both the union and the member is walked once; a union none of
   * whose members it is stays (checking it reports the mismatch).
   */
  private memberOf(value: object, kind: ValueKind, plan: Plan): Plan {
    let as = plan;
    while (as.d.kind === "union") {
      const member = this.chooseMember(value, kind, as);
      if (member === undefined) break;
      as = member;
    }
    return as;
  }

  private checkAs(value: unknown, kind: ValueKind, plan: Plan): void {
    const d = plan.d;
    switch (d.kind) {
      case "union": {
        const member = this.chooseMember(value, kind, plan);
        if (member) this.checkAs(value, kind, member);
        else this.mismatch(plan, value);
        return;
      }
      case "intersection": {
        // A branded primitive (`number & { __brand: "pid" }`): the object members exist only for the checker.
        for (const m of plan.required!) if (!this.matches(value, kind, m)) return this.mismatch(plan, value);
        if (!plan.primitive) for (const m of plan.members!) this.checkAs(value, kind, m);
        return;
      }
      case "untyped":
        if (d.name === "object" && !isObjectLike(value)) return this.mismatch(plan, value);
        if (isObjectLike(value)) this.checkRealmOnly(value, kind);
        return;
      case "function":
        if (kind !== "function") return this.mismatch(plan, value);
        if (this.view.rt.functionId(value) === undefined) {
          this.report(`${plan.id} (a function with an identity)`, `${describeValue(value, this.typeOf)} (a closure or built-in: no identity)`);
        }
        return;
      case "foreign":
        return this.report(`${plan.id} (nothing: ${d.name} of ${d.declaredIn} cannot be transferred)`, describeValue(value, this.typeOf));
      case "weakMap": case "weakSet":
        return this.report(`${plan.id} (nothing: weak collections cannot be transferred)`, describeValue(value, this.typeOf));
    }
    if (!this.matches(value, kind, plan)) return this.mismatch(plan, value);
    const obj = value as object;
    switch (d.kind) {
      case "class": return this.checkClass(obj, plan, d);
      case "object": return this.checkObject(obj, plan, d);
      case "record": {
        const names = Object.keys(obj);
        const valuePlan = this.planOf(d.value);
        for (let i = names.length - 1; i >= 0; i--) {
          const name = names[i]!;
          if (d.key === "number" && !isNumericKey(name)) this.reportBelow(fieldStepOf(name), "a number key", `key ${JSON.stringify(name)}`);
          else this.checkOwn(obj, name, fieldStepOf(name), valuePlan, d.value);
        }
        return;
      }
      case "array": return this.checkElements(obj as unknown[], d.element, null);
      case "tuple": return this.checkElements(obj as unknown[], null, d);
      case "map": {
        const keys: unknown[] = [];
        const vals: unknown[] = [];
        forEachOfMap(obj, (v, k) => {
          keys.push(k);
          vals.push(v);
        });
        const keyPlan = this.planOf(d.key);
        const valuePlan = this.planOf(d.value);
        for (let entry = keys.length - 1; entry >= 0; entry--) {
          const key = keys[entry];
          this.pushChild({ kind: "mapValue", entry, key }, vals[entry], valuePlan);
          this.pushChild(-entry - 1, key, keyPlan);
        }
        return;
      }
      case "set": {
        const elements = [...setValuesOf(obj)];
        const elementPlan = this.planOf(d.element);
        for (let entry = elements.length - 1; entry >= 0; entry--) {
          this.pushChild({ kind: "setElement", entry }, elements[entry], elementPlan);
        }
        return;
      }
      default:
        // Primitives, literals and enums were matched; Date, typed arrays, ArrayBuffer, RegExp and Error hold no state of the program.
        return;
    }
  }

  /**
   * The elements of an array (of `element`) or a tuple; a hole reads as undefined. Elements
   * of a leaf type are checked in place, in order (as popping them one by one would).
   */
  private checkElements(arr: unknown[], elementType: TypeId | null, tuple: TupleDescriptor | null): void {
    const length = arr.length;
    const element = elementType === null ? null : this.planOf(elementType);
    if (element !== null && this.isLeaf(element)) {
      const { parent: atParent, step: atStep } = this;
      const parent = this.here();
      for (let index = 0; index < length && !this.full(); index++) {
        const d = Object.getOwnPropertyDescriptor(arr, index);
        if (d === undefined) {
          if (!this.matches(undefined, "undefined", element)) this.reportAt(parent, index, elementType!, "a hole");
          else this.check(undefined, element, parent, index);
        } else if ("value" in d) {
          this.check(d.value, element, parent, index);
        } else {
          this.reportAt(parent, index, elementType!, "an accessor property");
        }
      }
      this.parent = atParent;
      this.step = atStep;
      this.node = parent;
      return;
    }
    for (let index = length - 1; index >= 0; index--) {
      const type = elementType ?? tupleElement(tuple!, index, length)!;
      const plan = element ?? this.planOf(type);
      const d = Object.getOwnPropertyDescriptor(arr, index);
      if (d === undefined) {
        if (!this.matches(undefined, "undefined", plan)) this.reportBelow(index, type, "a hole");
        else this.pushChild(index, undefined, plan);
      } else if ("value" in d) {
        this.pushChild(index, d.value, plan);
      } else {
        this.reportBelow(index, type, "an accessor property");
      }
    }
  }

  /** An own property, by the current value's path and `step`; `type` is the plan's id as declared (reported). */
  private checkOwn(obj: object, key: string, step: StepRef, plan: Plan, type: TypeId): void {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (d !== undefined && "value" in d) this.pushChild(step, d.value, plan);
    else this.reportBelow(step, type, d ? "an accessor property" : "nothing");
  }

  private checkClass(obj: object, plan: Plan, d: ClassDescriptor): void {
    // An instance of a subclass has the subclass's fields: check those when the metadata knows it.
    const actual = this.typeOf(obj);
    const own = actual !== undefined && actual !== classFunctionId(plan.id, d) && this.metadata.types[actual]?.kind === "class"
      ? this.planOf(actual) : plan;
    const fields = own.fields!;
    for (let i = fields.length - 1; i >= 0; i--) {
      const f = fields[i]!;
      const desc = Object.getOwnPropertyDescriptor(obj, f.name);
      this.checkField(f, desc);
    }
  }

  private checkObject(obj: object, plan: Plan, d: ObjectDescriptor): void {
    const fields = plan.fields!;
    for (let i = fields.length - 1; i >= 0; i--) {
      const f = fields[i]!;
      const desc = propertyDescriptor(obj, f.name);
      // Provided by a getter (a class instance satisfying an interface): nothing stored to check.
      if (desc !== undefined && !("value" in desc)) continue;
      this.checkField(f, desc);
    }
    if (d.indexSignatures.length === 0) return;
    const names = Object.keys(obj);
    for (let i = names.length - 1; i >= 0; i--) {
      const name = names[i]!;
      if (plan.fieldNames!.has(name)) continue;
      for (const sig of d.indexSignatures) {
        if (sig.key === "string" || (sig.key === "number" && isNumericKey(name))) {
          this.checkOwn(obj, name, fieldStepOf(name), this.planOf(sig.type), sig.type);
        }
      }
    }
  }

  private checkField(f: FieldPlan, desc: PropertyDescriptor | undefined): void {
    if (desc === undefined) {
      // Absent reads as undefined: fine for an optional field, or one whose type allows undefined.
      f.absentOk ??= f.field.optional || this.matches(undefined, "undefined", this.fieldPlan(f));
      if (!f.absentOk) this.reportBelow(f.step, f.field.type, "nothing (the field is missing)");
      return;
    }
    if (!("value" in desc)) return this.reportBelow(f.step, f.field.type, "an accessor property");
    const value = desc.value as unknown;
    if (f.field.annotations.opaque) {
      this.push(this.here(), f.step, value, null);
      return;
    }
    this.pushChild(f.step, value, this.fieldPlan(f));
  }

  /** Walk a value with no type (@opaque, any, unknown): only its objects' realm is checked. */
  private checkRealmOnly(obj: object, kind: ValueKind): void {
    switch (kind) {
      case "array": {
        const length = (obj as unknown[]).length;
        for (let index = length - 1; index >= 0; index--) {
          const d = Object.getOwnPropertyDescriptor(obj, index);
          if (d !== undefined && "value" in d) this.pushRealmOnly(index, d.value);
        }
        return;
      }
      case "map": {
        const entries = [...mapEntriesOf(obj)];
        for (let entry = entries.length - 1; entry >= 0; entry--) {
          const [key, value] = entries[entry]!;
          this.pushRealmOnly({ kind: "mapValue", entry, key }, value);
          this.pushRealmOnly(-entry - 1, key);
        }
        return;
      }
      case "set": {
        const elements = [...setValuesOf(obj)];
        for (let entry = elements.length - 1; entry >= 0; entry--) this.pushRealmOnly({ kind: "setElement", entry }, elements[entry]);
        return;
      }
      case "object": case "error": {
        const names = Object.keys(obj);
        for (let i = names.length - 1; i >= 0; i--) {
          const d = Object.getOwnPropertyDescriptor(obj, names[i]!);
          if (d !== undefined && "value" in d) this.pushRealmOnly(fieldStepOf(names[i]!), d.value);
        }
        return;
      }
    }
  }

  private pushRealmOnly(step: StepRef, value: unknown): void {
    if (isObjectLike(value) && !this.seen.has(value)) this.push(this.here(), step, value, null);
  }

  /** Whether an object or function belongs to this realm; reported if not (asked once per object). */
  private belongs(obj: object, kind: ValueKind): boolean {
    if (kind === "proxy") {
      this.report("an object of this realm", "a Proxy (it cannot be inspected or transferred)");
      return false;
    }
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === null || proto === this.objectPrototype) return true;
    let end = this.chainEnds.get(proto);
    if (end === undefined) {
      // The chain of `proto` itself: `proto` when it has none further (or is a Proxy).
      end = types.isProxy(proto) ? proto : chainEnd(proto) ?? proto;
      this.chainEnds.set(proto, end);
    }
    if (end === this.objectPrototype) return true;
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
    this.report("an object of this realm", found);
    return false;
  }

  /** The union member a value is, on the surface; the discriminant decides when there is one. */
  private chooseMember(value: unknown, kind: ValueKind, plan: Plan): Plan | undefined {
    const members = plan.members!;
    let first = -1;
    let count = 0;
    for (let i = 0; i < members.length; i++) {
      if (this.isCandidate(value, kind, plan, i)) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first < 0) return undefined;
    if (count <= 1 || !isObjectLike(value)) return members[first];
    // Structural members of one kind: prefer one whose required fields are all there.
    for (let i = 0; i < members.length; i++) {
      if (this.isCandidate(value, kind, plan, i) && this.hasRequiredFields(value, plan.memberFields![i]!)) return members[i];
    }
    return members[first];
  }

  private isCandidate(value: unknown, kind: ValueKind, union: Plan, i: number): boolean {
    if (!this.matches(value, kind, union.members![i]!)) return false;
    const discriminant = (union.d as Extract<TypeDescriptor, { kind: "union" }>).discriminant;
    if (discriminant === null || kind !== "object") return true;
    const field = union.memberFields![i]!.get(discriminant);
    if (!field) return true;
    const tag = propertyDescriptor(value as object, discriminant);
    const tagValue = tag !== undefined && "value" in tag ? tag.value as unknown : undefined;
    return this.matches(tagValue, kindOf(tagValue), this.planOf(field.type));
  }

  private hasRequiredFields(obj: object, fields: Map<string, ObjectField>): boolean {
    for (const f of fields.values()) {
      if (!f.optional && propertyDescriptor(obj, f.name) === undefined) return false;
    }
    return true;
  }

  /**
   * Whether a value is of a type on the surface: its kind, brand, class or literal value,
   * not what it holds (that is checked by walking it). Follows unions, aliases and
   * intersections only, which the type table cannot nest without bound.
   */
  private matches(value: unknown, kind: ValueKind, plan: Plan): boolean {
    const d = plan.d;
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
      case "union": {
        for (const m of plan.members!) if (this.matches(value, kind, m)) return true;
        return false;
      }
      case "intersection": {
        for (const m of plan.required!) if (!this.matches(value, kind, m)) return false;
        return true;
      }
      case "alias": return this.matches(value, kind, this.planOf(d.target));
      case "object": case "record": return kind === "object" || kind === "error";
      case "class": return (kind === "object" || kind === "error") && this.isInstance(value as object, plan, d);
      case "array": return kind === "array";
      case "tuple": {
        if (kind !== "array") return false;
        const length = (value as unknown[]).length;
        return length >= plan.minLength! && (plan.hasRest! || length <= d.elements.length);
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
  private isInstance(obj: object, plan: Plan, d: ClassDescriptor): boolean {
    let proto = plan.proto;
    if (proto === undefined) {
      const cls = this.view.rt.functionById(classFunctionId(plan.id, d));
      const slot = cls && ownSlot(cls, "prototype");
      plan.proto = proto = slot?.kind === "value" && isObjectLike(slot.value) ? slot.value : null;
    }
    // A class the realm did not register (its module is not loaded): the runtime's name for the value decides.
    if (proto === null) return this.typeOf(obj) === classFunctionId(plan.id, d);
    return Object.getPrototypeOf(obj) === proto || inheritsFrom(obj, proto);
  }
}

function fieldPlans(fields: readonly ObjectField[]): FieldPlan[] {
  return fields.map((field) => ({ field, name: field.name, step: fieldStepOf(field.name), plan: undefined, absentOk: null }));
}

/** The declared fields of a class or object type by name (empty for other kinds). */
function fieldTable(d: TypeDescriptor): Map<string, ObjectField> {
  const list = d.kind === "class" || d.kind === "object" ? d.fields : [];
  return new Map(list.map((f) => [f.name, f]));
}

/**
 * A property's descriptor as `obj[key]` would find it, own or inherited, without calling
 * an accessor (../state/values.ts propertySlot, without a Slot per property); `obj` is no Proxy.
 */
function propertyDescriptor(obj: object, key: string): PropertyDescriptor | undefined {
  const own = Object.getOwnPropertyDescriptor(obj, key);
  if (own !== undefined) return own;
  for (let o = Object.getPrototypeOf(obj) as object | null; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (types.isProxy(o)) return undefined;
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}

/** The type of position `index` of a tuple of `length` elements (elements after a rest element count from the end). */
function tupleElement(d: TupleDescriptor, index: number, length: number): TypeId | undefined {
  const rest = d.elements.findIndex((e) => e.rest);
  if (rest < 0 || index < rest) return d.elements[index]?.type;
  const after = d.elements.length - rest - 1;
  return index >= length - after ? d.elements[d.elements.length - (length - index)]!.type : d.elements[rest]!.type;
}
