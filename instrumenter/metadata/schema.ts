/**
 * metadata.json: what the build records about the state of one program, for state
 * transfer to walk the old heap and rebuild it in the new version.
 *
 * Layout (schemaVersion 1):
 *   program, entryModule
 *   modules[]   one per module loaded into the process (the entry and everything it imports at run
 *               time): path relative to the OS root, sha256 of its source, the modules it imports,
 *               its module-level variables, its function identities and its update points
 *   types{}     the type table: every type the variables reach (and, for an instrumented build,
 *               every type its allocation sites are tagged with), by stable type id
 *
 * Every reference to a type is a type id (a string) keyed into `types`; `parseMetadata` checks that
 * each one resolves, so consumers can index the table without checking.
 *
 * Type ids:
 *   - declared types (classes, interfaces, enums, type aliases of the OS): "module#Name", e.g.
 *     "servers/mfs/state.ts#Inode"; a generic instantiation appends its type arguments:
 *     "lib/list.ts#LinkedList<servers/mfs/state.ts#Buf>"
 *   - everything else by its structure, written like TypeScript with declared types by id:
 *     "number", "\"sleep\"", "servers/pm/state.ts#MProc | null", "Map<number, servers/mfs/state.ts#Inode>",
 *     "{ armedAt: number }"; long structural ids are shortened to "{…}#<hash>"
 * Qualified names of variables and functions: "module#name", "module#Class.method" (see README).
 */
import { z } from "zod";

export const METADATA_SCHEMA_VERSION = 1;

/** A key into the type table. */
export const TypeIdSchema = z.string().min(1);
export type TypeId = z.infer<typeof TypeIdSchema>;

/** The annotations of a variable or field (JSDoc tags, see instrumenter/README.md). */
export const AnnotationsSchema = z.strictObject({
  /** `@rename <old>`: the name it had in the previous version. */
  renamedFrom: z.string().min(1).nullable(),
  /** `@transient`: not transferred; the new version's initializer sets it. */
  transient: z.boolean(),
  /** `@opaque`: transferred as it is, never transformed by type. */
  opaque: z.boolean(),
});
export type Annotations = z.infer<typeof AnnotationsSchema>;

/** A field of an object type or interface (own properties, methods of object types included). */
export const ObjectFieldSchema = z.strictObject({
  name: z.string().min(1),
  type: TypeIdSchema,
  optional: z.boolean(),
  readonly: z.boolean(),
  annotations: AnnotationsSchema,
});
export type ObjectField = z.infer<typeof ObjectFieldSchema>;

/** A data field of a class instance (methods and accessors live on the prototype, not here). */
export const ClassFieldSchema = ObjectFieldSchema.extend({
  visibility: z.enum(["public", "protected", "private", "#private"]),
  /** Source text of the initializer (or of a parameter property's default), null if none. */
  initializer: z.string().nullable(),
  /** Declared as a constructor parameter property (`constructor(readonly pid: number)`). */
  parameterProperty: z.boolean(),
  /** The declared name ("module#Class") of the class that declares it: this one or an ancestor. */
  declaredBy: z.string().min(1),
});
export type ClassField = z.infer<typeof ClassFieldSchema>;

export const IndexSignatureSchema = z.strictObject({
  key: z.enum(["string", "number", "symbol", "template"]),
  type: TypeIdSchema,
  readonly: z.boolean(),
});

export const TYPED_ARRAYS = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
] as const;

/** One entry of the type table. */
export const TypeDescriptorSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("primitive"),
    name: z.enum(["number", "string", "boolean", "bigint", "undefined", "null", "symbol", "void", "never"]),
  }),
  /** A type that says nothing about the value: legal only under @opaque or @transient. */
  z.strictObject({
    kind: z.literal("untyped"),
    name: z.enum(["any", "unknown", "object", "unresolved", "typeParameter"]),
    text: z.string(),
  }),
  z.strictObject({
    kind: z.literal("literal"),
    type: z.enum(["string", "number", "boolean", "bigint"]),
    /** A bigint literal's value is its decimal text. */
    value: z.union([z.string(), z.number(), z.boolean()]),
  }),
  z.strictObject({
    kind: z.literal("enum"),
    name: z.string(),
    const: z.boolean(),
    /** A member's value is null when it is computed at run time. */
    members: z.array(z.strictObject({ name: z.string(), value: z.union([z.string(), z.number()]).nullable() })),
  }),
  /** One member of an enum, as a type (`Color.Red`). */
  z.strictObject({
    kind: z.literal("enumMember"),
    enum: TypeIdSchema,
    name: z.string(),
    value: z.union([z.string(), z.number()]).nullable(),
  }),
  z.strictObject({
    kind: z.literal("union"),
    /** Sorted by id; `true | false` is written `boolean`, all members of an enum by the enum. */
    members: z.array(TypeIdSchema).min(2),
    /** Of a discriminated union: the property whose literal value tells the members apart. */
    discriminant: z.string().nullable(),
  }),
  /** An intersection that could not be flattened into one object (e.g. a branded primitive). */
  z.strictObject({ kind: z.literal("intersection"), members: z.array(TypeIdSchema).min(2) }),
  z.strictObject({
    kind: z.literal("object"),
    /** The interface's name; null for an object literal type. */
    name: z.string().nullable(),
    /** Of an instantiated generic interface: the generic's declared name ("module#Name") and the arguments. */
    generic: z.string().nullable(),
    typeArguments: z.array(TypeIdSchema),
    fields: z.array(ObjectFieldSchema),
    indexSignatures: z.array(IndexSignatureSchema),
    /** Set when this object is an intersection of these object types, flattened. */
    flattenedFrom: z.array(TypeIdSchema).nullable(),
  }),
  /** An object that is only an index signature: `Record<string, T>`, `{ [k: number]: T }`. */
  z.strictObject({
    kind: z.literal("record"),
    key: z.enum(["string", "number"]),
    value: TypeIdSchema,
    readonly: z.boolean(),
  }),
  z.strictObject({
    kind: z.literal("class"),
    name: z.string(),
    generic: z.string().nullable(),
    typeArguments: z.array(TypeIdSchema),
    /**
     * The direct base class as declared: "module#Name" for one of the OS (whose fields are
     * included in `fields`), or a standard class such as "Error"; null if none.
     */
    superclass: z.string().nullable(),
    abstract: z.boolean(),
    /** Every data field of an instance, those of OS-declared ancestors first. */
    fields: z.array(ClassFieldSchema),
    /** Getters and setters: they hold no state; what they expose must live in fields. */
    accessors: z.array(z.strictObject({ name: z.string(), get: z.boolean(), set: z.boolean() })),
    /** Qualified names of the methods the class itself declares (see `functions` of modules). */
    methods: z.array(z.string()),
  }),
  z.strictObject({ kind: z.literal("array"), element: TypeIdSchema, readonly: z.boolean() }),
  z.strictObject({
    kind: z.literal("tuple"),
    elements: z.array(z.strictObject({
      type: TypeIdSchema,
      optional: z.boolean(),
      rest: z.boolean(),
      name: z.string().nullable(),
    })),
    readonly: z.boolean(),
  }),
  z.strictObject({ kind: z.literal("map"), key: TypeIdSchema, value: TypeIdSchema, readonly: z.boolean() }),
  z.strictObject({ kind: z.literal("set"), element: TypeIdSchema, readonly: z.boolean() }),
  /** Weak collections cannot be enumerated, so never transferred: legal only under @transient. */
  z.strictObject({ kind: z.literal("weakMap"), key: TypeIdSchema, value: TypeIdSchema, transferable: z.literal(false) }),
  z.strictObject({ kind: z.literal("weakSet"), element: TypeIdSchema, transferable: z.literal(false) }),
  z.strictObject({ kind: z.literal("date") }),
  z.strictObject({ kind: z.literal("typedArray"), name: z.enum(TYPED_ARRAYS) }),
  z.strictObject({ kind: z.literal("arrayBuffer"), shared: z.boolean() }),
  z.strictObject({ kind: z.literal("regexp") }),
  /** Error and its standard subclasses: name, message, stack and cause. */
  z.strictObject({ kind: z.literal("error"), name: z.string() }),
  /**
   * A function value: transferred only as a reference to a function with an identity
   * (see `functions` of modules), relocated to the new version's function of that name.
   */
  z.strictObject({
    kind: z.literal("function"),
    signatures: z.array(z.string()),
    transfer: z.literal("functionReference"),
  }),
  /** A type alias declared in the OS, kept by name. */
  z.strictObject({
    kind: z.literal("alias"),
    name: z.string(),
    typeArguments: z.array(TypeIdSchema),
    target: TypeIdSchema,
  }),
  /** An instance of a class or interface declared outside the OS tree: its layout is unknown. */
  z.strictObject({
    kind: z.literal("foreign"),
    name: z.string(),
    /** Declaring file relative to the OS root, or "lib" for TypeScript's standard library. */
    declaredIn: z.string(),
    transferable: z.literal(false),
  }),
]);
export type TypeDescriptor = z.infer<typeof TypeDescriptorSchema>;

export const VariableSchema = z.strictObject({
  /** The binding's name; a class's static field is "Class.field". */
  name: z.string().min(1),
  qualifiedName: z.string().min(1),
  /** How it is declared: `export default <expression>` makes a variable named "default". */
  declaration: z.enum(["const", "let", "var", "classStatic", "exportDefault"]),
  /** It cannot be reassigned (const, static readonly, export default). */
  isConst: z.boolean(),
  exported: z.boolean(),
  type: TypeIdSchema,
  /** Source text of the initializer (the whole one, for a destructured binding); null if none. */
  initializer: z.string().nullable(),
  /** Where a destructured binding takes its value from in the initializer: property names and indices. */
  bindingPath: z.array(z.union([z.string(), z.number().int().nonnegative()])).nullable(),
  line: z.number().int().positive(),
  annotations: AnnotationsSchema,
});
export type Variable = z.infer<typeof VariableSchema>;

export const FUNCTION_KINDS = [
  "function", "class", "method", "getter", "setter", "expression", "fieldFunction",
] as const;

/** A function that exists once per module instance, so a reference to it can be relocated by name. */
export const FunctionIdentitySchema = z.strictObject({
  name: z.string().min(1),
  qualifiedName: z.string().min(1),
  kind: z.enum(FUNCTION_KINDS),
  static: z.boolean(),
  async: z.boolean(),
  generator: z.boolean(),
  line: z.number().int().positive(),
});
export type FunctionIdentity = z.infer<typeof FunctionIdentitySchema>;

/**
 * An update point: the head of an event loop, the awaited `receive` that starts an
 * iteration (see instrumenter/README.md). There no request is half handled on the
 * loop's own stack, so the process may be updated when nothing else is in flight.
 */
export const UpdatePointSchema = z.strictObject({
  /** Qualified name of the function whose loop it heads; null for a function with no identity (a closure). */
  function: z.string().min(1).nullable(),
  /** Where the `receive` call starts. */
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});
export type UpdatePoint = z.infer<typeof UpdatePointSchema>;

export const ModuleSchema = z.strictObject({
  /** Relative to the OS root, "/"-separated, e.g. "servers/pm/state.ts". */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Modules it loads at run time (imports TypeScript does not elide), sorted. */
  imports: z.array(z.string()),
  variables: z.array(VariableSchema),
  functions: z.array(FunctionIdentitySchema),
  /** Its event loops' update points, in source order. */
  updatePoints: z.array(UpdatePointSchema),
});
export type ModuleMetadata = z.infer<typeof ModuleSchema>;

export const MetadataSchema = z.strictObject({
  schemaVersion: z.literal(METADATA_SCHEMA_VERSION),
  program: z.string().min(1),
  entryModule: z.string().min(1),
  /** Sorted by path. */
  modules: z.array(ModuleSchema),
  /** Sorted by id. */
  types: z.record(TypeIdSchema, TypeDescriptorSchema),
}).superRefine((metadata, ctx) => {
  const known = (id: string) => Object.hasOwn(metadata.types, id);
  metadata.modules.forEach((mod, m) => {
    mod.variables.forEach((v, i) => {
      if (!known(v.type)) ctx.addIssue({ code: "custom", path: ["modules", m, "variables", i, "type"], message: `unknown type id "${v.type}"` });
    });
  });
  for (const [id, descriptor] of Object.entries(metadata.types)) {
    for (const ref of typeRefsOf(descriptor)) {
      if (!known(ref.id)) ctx.addIssue({ code: "custom", path: ["types", id, ...ref.path], message: `unknown type id "${ref.id}"` });
    }
  }
});
export type Metadata = z.infer<typeof MetadataSchema>;

/** A type id held by a descriptor, where it sits, and whether it is the type of a field. */
export interface TypeRef {
  id: TypeId;
  path: Array<string | number>;
  /** The type of a field of an object or class (as opposed to a part of a structural type). */
  field: ObjectField | null;
}

/**
 * The type ids a descriptor refers to. Generics' arguments, enum members' enums and
 * flattened intersections' members describe where a type comes from, not what its
 * values hold; only the rest is the value's structure (`structural`).
 */
export function typeRefsOf(d: TypeDescriptor): Array<TypeRef & { structural: boolean }> {
  const part = (id: TypeId, ...path: Array<string | number>) => ({ id, path, field: null, structural: true });
  const info = (id: TypeId, ...path: Array<string | number>) => ({ id, path, field: null, structural: false });
  const fields = (fs: readonly ObjectField[]) =>
    fs.map((f, i) => ({ id: f.type, path: ["fields", i, "type"], field: f, structural: true }));
  switch (d.kind) {
    case "enumMember": return [info(d.enum, "enum")];
    case "union": case "intersection": return d.members.map((id, i) => part(id, "members", i));
    case "object": return [
      ...fields(d.fields),
      ...d.indexSignatures.map((s, i) => part(s.type, "indexSignatures", i, "type")),
      ...d.typeArguments.map((id, i) => info(id, "typeArguments", i)),
      ...(d.flattenedFrom ?? []).map((id, i) => info(id, "flattenedFrom", i)),
    ];
    case "record": return [part(d.value, "value")];
    case "class": return [
      ...fields(d.fields),
      ...d.typeArguments.map((id, i) => info(id, "typeArguments", i)),
    ];
    case "array": case "set": case "weakSet": return [part(d.element, "element")];
    case "tuple": return d.elements.map((e, i) => part(e.type, "elements", i, "type"));
    case "map": case "weakMap": return [part(d.key, "key"), part(d.value, "value")];
    case "alias": return [part(d.target, "target"), ...d.typeArguments.map((id, i) => info(id, "typeArguments", i))];
    default: return [];
  }
}

/** metadata.json failed validation; the message names the first bad paths. */
export class MetadataError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid metadata.json:\n  ${issues.join("\n  ")}`);
    this.name = "MetadataError";
  }
}

/** `types["servers/pm/state.ts#MProc"].fields[2].type` (also names bad paths of the build manifest) */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else if (typeof step === "string" && /^[A-Za-z_$][\w$]*$/.test(step)) out += out ? `.${step}` : step;
    else out += `[${JSON.stringify(String(step))}]`;
  }
  return out || "(root)";
}

/** Validate metadata.json (text or parsed) on load. Throws MetadataError naming every bad path. */
export function parseMetadata(json: unknown): Metadata {
  const value = typeof json === "string" ? JSON.parse(json) as unknown : json;
  const result = MetadataSchema.safeParse(value);
  if (result.success) return result.data;
  throw new MetadataError(result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
}
