/**
 * Questions about a program's metadata (instrumenter/metadata/schema.ts) that every
 * reader of state asks: what a type id stands for once aliases are followed, which
 * fields a class or object type declares, and which of them are @transient.
 */
import type { Metadata, ObjectField, TypeDescriptor, TypeId } from "../../instrumenter/metadata/schema.js";

/** The descriptor a type id stands for, aliases followed (the id returned is the target's). */
export function resolveType(metadata: Metadata, id: TypeId): { id: TypeId; type: TypeDescriptor } {
  let type = metadata.types[id]!;
  // Finite: TypeScript rejects an alias that reaches itself with no structural type in between.
  while (type.kind === "alias") {
    id = type.target;
    type = metadata.types[id]!;
  }
  return { id, type };
}

/** The function identity of a class type: its declaration's, for an instantiation of a generic too. */
export function classFunctionId(id: TypeId, type: Extract<TypeDescriptor, { kind: "class" }>): string {
  return type.generic ?? id;
}

const fieldTables = new WeakMap<Metadata, Map<TypeId, ReadonlyMap<string, ObjectField>>>();

/** The declared fields of a class or object type by name (empty for other kinds). */
export function fieldsOf(metadata: Metadata, id: TypeId): ReadonlyMap<string, ObjectField> {
  let tables = fieldTables.get(metadata);
  if (!tables) fieldTables.set(metadata, tables = new Map());
  let fields = tables.get(id);
  if (!fields) {
    const { type } = resolveType(metadata, id);
    const list = type.kind === "class" || type.kind === "object" ? type.fields : [];
    tables.set(id, fields = new Map(list.map((f) => [f.name, f])));
  }
  return fields;
}

/**
 * Whether field `name` of an object of type `typeId` (as the runtime knows it: its class
 * or allocation tag) is @transient. Unknown types have no transient fields.
 */
export function isTransientField(metadata: Metadata, typeId: TypeId | undefined, name: string): boolean {
  if (typeId === undefined || !Object.hasOwn(metadata.types, typeId)) return false;
  return fieldsOf(metadata, typeId).get(name)?.annotations.transient ?? false;
}
