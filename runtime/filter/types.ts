/**
 * The static types of filter expressions, from the program's metadata: what each part
 * of a filter can evaluate to, so that a misspelt field or a comparison that can never
 * hold is rejected when the filter is requested, not discovered as a filter that never
 * becomes true.
 *
 * A static type is the set of its members once aliases and unions are flattened: a
 * primitive domain (with its literal values when the type says which: enums, literal
 * unions), null, undefined, an object type of the metadata, a function, or "any"
 * (untyped state: not checked).
 */
import type { Metadata, TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";
import { resolveType } from "../state/metadata.js";
import { isNumericKey } from "../state/values.js";

export type Domain = "number" | "string" | "boolean" | "bigint" | "symbol" | "null" | "undefined" | "object" | "function" | "any";

export interface Member {
  domain: Domain;
  /** Of a primitive domain: the only values it can take (literals, enum members); absent: any. */
  values?: ReadonlySet<unknown>;
  /** Of an object: its type in the metadata, aliases followed. */
  id?: TypeId;
  type?: TypeDescriptor;
}

export interface StaticType {
  members: Member[];
  /** How messages name it: the declared type id, or "number" for `.size`, … */
  text: string;
}

export const NUMBER: StaticType = { members: [{ domain: "number" }], text: "number" };
export const BOOLEAN: StaticType = { members: [{ domain: "boolean" }], text: "boolean" };

export function literalType(value: unknown): StaticType {
  const domain: Domain = value === null ? "null" : (typeof value as Domain);
  const values = domain === "null" || domain === "undefined" ? undefined : new Set([value]);
  return { members: [{ domain, values }], text: value === undefined ? "undefined" : JSON.stringify(value) };
}

/** The static type of a type id of the metadata. */
export function typeOfId(metadata: Metadata, id: TypeId): StaticType {
  const members: Member[] = [];
  const pending = [id];
  const seen = new Set<TypeId>();
  while (pending.length > 0) {
    const next = resolveType(metadata, pending.shift()!);
    if (seen.has(next.id)) continue;
    seen.add(next.id);
    const d = next.type;
    switch (d.kind) {
      case "union": pending.push(...d.members); break;
      case "primitive":
        if (d.name === "void") members.push({ domain: "undefined" });
        else if (d.name !== "never") members.push({ domain: d.name });
        break;
      case "untyped": members.push({ domain: "any" }); break;
      case "literal":
        members.push({ domain: d.type, values: new Set([d.type === "bigint" ? BigInt(d.value) : d.value]) });
        break;
      case "enum":
        for (const m of d.members) {
          if (m.value === null) members.push({ domain: "number" });
          else members.push({ domain: typeof m.value as Domain, values: new Set([m.value]) });
        }
        break;
      case "enumMember":
        members.push(d.value === null ? { domain: "number" } : { domain: typeof d.value as Domain, values: new Set([d.value]) });
        break;
      case "intersection": {
        // A branded primitive is its primitive; an intersection of objects is an object.
        const primitive = d.members.find((m) => resolveType(metadata, m).type.kind === "primitive");
        if (primitive !== undefined) pending.push(primitive);
        else members.push({ domain: "object", id: next.id, type: d });
        break;
      }
      case "function": members.push({ domain: "function" }); break;
      default: members.push({ domain: "object", id: next.id, type: d });
    }
  }
  return { members: mergeValues(members), text: id };
}

/** One member per domain where literal values can be merged (`"a" | "b"` is one string member with two values). */
function mergeValues(members: Member[]): Member[] {
  const out: Member[] = [];
  const byDomain = new Map<Domain, Member>();
  for (const m of members) {
    if (m.domain === "object") {
      out.push(m);
      continue;
    }
    const prev = byDomain.get(m.domain);
    if (!prev) {
      const copy = { ...m };
      byDomain.set(m.domain, copy);
      out.push(copy);
    } else if (prev.values && m.values) {
      prev.values = new Set([...prev.values, ...m.values]);
    } else {
      delete prev.values;
    }
  }
  return out;
}

export function union(types: StaticType[], text: string): StaticType {
  return { members: mergeValues(types.flatMap((t) => t.members)), text };
}

function withUndefined(type: StaticType): StaticType {
  return union([type, { members: [{ domain: "undefined" }], text: "undefined" }], `${type.text} | undefined`);
}

export const hasDomain = (type: StaticType, ...domains: Domain[]) => type.members.some((m) => domains.includes(m.domain));

/** What reading `.name` / `[index]` of one object member gives, or why it cannot be read. */
export type Lookup = { ok: true; type: StaticType } | { ok: false; candidates: string[]; reason?: string };

export function lookupMember(metadata: Metadata, member: Member, property: string | number): Lookup {
  const d = member.type!;
  const name = String(property);
  const isIndex = typeof property === "number";
  const field = (id: TypeId, optional: boolean): Lookup => {
    const t = typeOfId(metadata, id);
    return { ok: true, type: optional ? withUndefined(t) : t };
  };
  switch (d.kind) {
    case "class": {
      const f = d.fields.find((x) => x.name === name);
      if (f?.visibility === "#private") return { ok: false, candidates: [], reason: `'${name}' is #private: it cannot be read from outside the class` };
      if (f) return field(f.type, f.optional);
      if (d.accessors.some((a) => a.name === name)) {
        return { ok: false, candidates: [], reason: `'${name}' is an accessor of ${d.name}: a filter reads fields, not code; test the fields it reads` };
      }
      if (d.methods.some((m) => m.endsWith(`.${name}`))) return { ok: false, candidates: [], reason: `'${name}' is a method of ${d.name}: a filter reads fields, not code` };
      return { ok: false, candidates: d.fields.filter((x) => x.visibility !== "#private").map((x) => x.name) };
    }
    case "object": {
      const f = d.fields.find((x) => x.name === name);
      if (f) return field(f.type, f.optional);
      const sig = d.indexSignatures.find((s) => s.key === "string" || (s.key === "number" && isNumericKey(name)));
      if (sig) return field(sig.type, true);
      return { ok: false, candidates: d.fields.map((x) => x.name) };
    }
    case "record":
      if (d.key === "string" || isNumericKey(name)) return field(d.value, true);
      return { ok: false, candidates: [], reason: `a record with number keys has no field '${name}'` };
    case "array":
      if (name === "length") return { ok: true, type: NUMBER };
      if (isIndex) return field(d.element, true);
      return { ok: false, candidates: ["length"] };
    case "tuple": {
      if (name === "length") return { ok: true, type: NUMBER };
      if (!isIndex) return { ok: false, candidates: ["length"] };
      const rest = d.elements.find((e) => e.rest);
      const element = d.elements[property];
      if (element && !element.rest) return field(element.type, element.optional);
      if (rest) return field(rest.type, true);
      return { ok: false, candidates: [], reason: `index ${property} is past the end of ${d.elements.length}-element tuple` };
    }
    case "typedArray":
      if (name === "length") return { ok: true, type: NUMBER };
      if (isIndex) return { ok: true, type: withUndefined(d.name.startsWith("Big") ? { members: [{ domain: "bigint" }], text: "bigint" } : NUMBER) };
      return { ok: false, candidates: ["length"] };
    case "map": case "set":
      if (name === "size") return { ok: true, type: NUMBER };
      return isIndex
        ? { ok: false, candidates: [], reason: `a filter cannot read the entries of a ${d.kind === "map" ? "Map" : "Set"}, only its '.size'` }
        : { ok: false, candidates: ["size"] };
    case "intersection": {
      const found = d.members.map((m) => {
        const r = resolveType(metadata, m);
        return lookupMember(metadata, { domain: "object", id: r.id, type: r.type }, property);
      });
      return found.find((l) => l.ok) ?? { ok: false, candidates: found.flatMap((l) => (l.ok ? [] : l.candidates)) };
    }
    default:
      return { ok: false, candidates: [], reason: `a ${d.kind} has no fields a filter can read` };
  }
}
