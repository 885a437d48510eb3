/**
 * One program's type table, read the way state transfer needs it: aliases followed to
 * what they name, declared names (what two versions' types are paired by), and which
 * types the program cannot mutate.
 */
import type { Metadata, TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";

/** A field of a class, interface or object type, in one shape for all. */
export interface FieldLike {
  name: string;
  type: TypeId;
  optional: boolean;
  renamedFrom: string | null;
  transient: boolean;
  opaque: boolean;
  /** Classes only: the initializer's source text, and the module it is evaluated in. */
  initializer: string | null;
  module: string | null;
  privateName: boolean;
}

export class TypeTable {
  private readonly immutable = new Map<TypeId, boolean>();

  constructor(readonly metadata: Metadata) {}

  has(id: TypeId): boolean {
    return Object.hasOwn(this.metadata.types, id);
  }

  get(id: TypeId): TypeDescriptor {
    const d = this.metadata.types[id];
    if (!d) throw new Error(`type "${id}" is not in the type table of ${this.metadata.program}`);
    return d;
  }

  /** The id an alias finally names (the id itself when it is no alias). */
  resolve(id: TypeId): TypeId {
    let d = this.get(id);
    for (let hops = 0; d.kind === "alias"; hops++) {
      if (hops > 64) throw new Error(`type alias "${id}" does not resolve`);
      id = d.target;
      d = this.get(id);
    }
    return id;
  }

  /**
   * What a declared type is paired by across versions: "module#Name" of a class,
   * interface or enum (the generic's name for an instantiation); null for a type known
   * only by its structure.
   */
  declaredName(id: TypeId): string | null {
    const d = this.get(id);
    switch (d.kind) {
      case "class": return d.generic ?? id;
      case "object": return d.name === null ? null : d.generic ?? id;
      case "enum": return id;
      default: return null;
    }
  }

  /** The fields of a class, interface or record; null for other kinds. */
  fields(id: TypeId): { fields: FieldLike[]; index: TypeId | null } | null {
    const d = this.get(id);
    if (d.kind === "record") return { fields: [], index: d.value };
    if (d.kind !== "object" && d.kind !== "class") return null;
    const fields = d.fields.map((f): FieldLike => ({
      name: f.name, type: f.type, optional: f.optional,
      renamedFrom: f.annotations.renamedFrom, transient: f.annotations.transient, opaque: f.annotations.opaque,
      initializer: "initializer" in f ? f.initializer : null,
      module: "declaredBy" in f ? f.declaredBy.slice(0, f.declaredBy.indexOf("#")) : null,
      privateName: "visibility" in f && f.visibility === "#private",
    }));
    const index = d.kind === "object" ? d.indexSignatures.find((s) => s.key === "string" || s.key === "number") : undefined;
    return { fields, index: index?.type ?? null };
  }

  /**
   * The name of the standard error class a class descends from ("Error", "TypeError"),
   * or null: its instances carry a message and a stack besides their fields.
   */
  errorBase(id: TypeId): string | null {
    let d = this.get(id);
    for (let hops = 0; d.kind === "class" && d.superclass !== null && hops < 64; hops++) {
      if (!d.superclass.includes("#")) return /Error$/.test(d.superclass) ? d.superclass : null;
      if (!this.has(d.superclass)) return null;
      d = this.get(d.superclass);
    }
    return null;
  }

  /**
   * Whether the program cannot change a value of this type without a cast: primitives,
   * functions, regular expressions (a pattern is code), and readonly structures of them
   * (`as const` tables, readonly tuples). A `const` of such a type is code, not state.
   */
  isImmutable(root: TypeId): boolean {
    const known = this.immutable.get(root);
    if (known !== undefined) return known;
    // A type is immutable when everything it reaches is; a cycle assumes so (coinduction).
    const seen = new Set<TypeId>([root]);
    const todo = [root];
    let immutable = true;
    while (immutable && todo.length > 0) {
      const parts = this.immutableParts(todo.pop()!);
      if (parts === null) immutable = false;
      else for (const p of parts) if (!seen.has(p)) { seen.add(p); todo.push(p); }
    }
    this.immutable.set(root, immutable);
    return immutable;
  }

  /** The types a value of `id` holds if it cannot itself be changed, else null. */
  private immutableParts(id: TypeId): TypeId[] | null {
    const d = this.get(id);
    switch (d.kind) {
      case "primitive": case "literal": case "enum": case "enumMember": case "function": case "regexp": return [];
      case "alias": return [d.target];
      case "union": return d.members;
      case "array": case "set": return d.readonly ? [d.element] : null;
      case "map": return d.readonly ? [d.key, d.value] : null;
      case "tuple": return d.readonly ? d.elements.map((e) => e.type) : null;
      case "record": return d.readonly ? [d.value] : null;
      case "object": case "class": {
        const all = [...d.fields, ...(d.kind === "object" ? d.indexSignatures : [])];
        return all.every((f) => f.readonly) ? all.map((f) => f.type) : null;
      }
      default: return null;
    }
  }
}
