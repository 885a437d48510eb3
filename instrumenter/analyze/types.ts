/**
 * TypeScript types -> type descriptors, through the type checker.
 *
 * `use(type)` returns a type's stable id at once and queues the type; `finish()` drains
 * the queue, describing each type once (memoized by id) and queuing what it refers to.
 * A type that refers to itself (a linked-list node) is just an id already queued, so
 * recursion in the types never becomes recursion here. Computing an id recurses only
 * through anonymous structure (`Map<number, X[]>`), which is as deep as it is written;
 * declared types stop it with their name.
 *
 * Some types are legal in the table but not in transferred state (any, WeakMap, a class
 * from node_modules): their descriptors carry problems, which reach.ts turns into
 * diagnostics where transferred state reaches them.
 */
import { createHash } from "node:crypto";
import ts from "../../os/boot/typescript.js";
import {
  type ClassField, type ObjectField, TYPED_ARRAYS, type TypeDescriptor, type TypeId,
} from "../metadata/schema.js";
import { NO_ANNOTATIONS, readAnnotations } from "./annotations.js";
import { hiddenAccessorState } from "./closures.js";
import { type Diagnostic, type DiagnosticCode, relativeToRoot } from "./diagnostics.js";
import { type AnalysisContext, isInOsTree } from "./program.js";
import { hasModifier, memberNameText } from "./syntax.js";

/** Why values of a type cannot be transferred. */
export interface TypeProblem {
  code: DiagnosticCode;
  /**
   * Its own declaration (a symbol-keyed field, an accessor, an `extends` clause): reported
   * there, once. null: reported at each variable or field whose type reaches it.
   */
  node: ts.Node | null;
  /** With a node, the whole message; without, what follows the variable or field's name. */
  detail: string;
  hint: string;
  /** Annotations on a variable or field above it that make it legal. */
  waivedBy: ReadonlyArray<"transient" | "opaque">;
}

export interface TypeTable {
  /** Sorted by id. */
  types: Record<TypeId, TypeDescriptor>;
  problems: Map<TypeId, TypeProblem[]>;
  /** Where each field of an object or class type is declared, for diagnostics. */
  fieldDeclarations: Map<TypeId, Map<string, ts.Node>>;
  /** Malformed annotations on fields. */
  diagnostics: Diagnostic[];
}

export interface TypeDescriber {
  /** The id of `type`; `writtenAs`: the type as written there, which keeps aliases of declared types. */
  use(type: ts.Type, writtenAs?: ts.TypeNode): TypeId;
  /** Describe every type used so far and everything they reach. */
  finish(): TypeTable;
}

/** How a type is named and described; `describe` runs once, from the worklist. */
interface Classified {
  id: TypeId;
  describe: (id: TypeId) => TypeDescriptor;
}

const ERROR_CLASSES = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError",
  "URIError", "AggregateError"]);
const TYPED_ARRAY_NAMES: ReadonlySet<string> = new Set(TYPED_ARRAYS);
/** Structural ids longer than this are shortened to a hash. */
const MAX_STRUCTURAL_ID = 160;
/** TypeScript's CheckFlags.Readonly, set on properties of `as const` objects and Readonly<…> (no public API). */
const CHECK_FLAG_READONLY = 1 << 3;

const UNTYPED_HINT = "give it a precise type, or mark it @opaque (copied as it is) or @transient (re-initialised)";
const TRANSIENT_HINT = "mark it @transient (the new version re-creates it) or keep such values out of the state";

function shorten(id: string, prefix: string): string {
  return id.length <= MAX_STRUCTURAL_ID ? id : `${prefix}#${createHash("sha256").update(id).digest("hex").slice(0, 12)}`;
}

/** Parenthesise an id that would read ambiguously inside a union or before `[]`: one with a top-level `|`, `&` or `=>`. */
function grouped(id: TypeId): string {
  let depth = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id[i]!;
    if ("([{<".includes(c)) depth++;
    else if (")]}".includes(c) || (c === ">" && id[i - 1] !== "=")) depth--;
    else if (depth === 0 && (id.startsWith(" | ", i) || id.startsWith(" & ", i) || id.startsWith("=>", i))) return `(${id})`;
  }
  return id;
}

function isReadonlyProperty(prop: ts.Symbol, decl: ts.Declaration | undefined): boolean {
  const checkFlags = (prop as unknown as { links?: { checkFlags?: number } }).links?.checkFlags ?? 0;
  if (checkFlags & CHECK_FLAG_READONLY) return true;
  if (decl && hasModifier(decl, ts.SyntaxKind.ReadonlyKeyword)) return true;
  const accessors = prop.declarations?.filter(ts.isAccessor) ?? [];
  return accessors.length > 0 && !accessors.some(ts.isSetAccessorDeclaration);
}

function writtenTypeOf(decl: ts.Declaration | undefined): ts.TypeNode | undefined {
  return decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl) || ts.isParameter(decl)) ? decl.type : undefined;
}

export function createTypeDescriber(ctx: AnalysisContext, methodsOf: (cls: ts.ClassLikeDeclaration) => string[]): TypeDescriber {
  const { checker, program, osRoot } = ctx;
  const classified = new Map<ts.Type, Classified>();
  /** Types whose id is being computed: a re-entry is an anonymous type containing itself. */
  const computing = new Set<ts.Type>();
  const queued = new Set<TypeId>();
  const pending: Array<{ id: TypeId; describe: () => TypeDescriptor }> = [];
  const types = new Map<TypeId, TypeDescriptor>();
  const problems = new Map<TypeId, TypeProblem[]>();
  const fieldDeclarations = new Map<TypeId, Map<string, ts.Node>>();
  const diagnostics: Diagnostic[] = [];

  const enqueue = (id: TypeId, describe: () => TypeDescriptor): TypeId => {
    if (!queued.has(id)) {
      queued.add(id);
      pending.push({ id, describe });
    }
    return id;
  };
  const addProblem = (id: TypeId, problem: TypeProblem) => problems.set(id, [...(problems.get(id) ?? []), problem]);
  const display = (type: ts.Type) => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);

  // ---- names of declarations

  const isStandardLibrary = (decl: ts.Node) => program.isSourceFileDefaultLibrary(decl.getSourceFile());
  /** A declaration's name within its module: `Name`, `Outer.Name` in a namespace, the variable of a class expression. */
  const localName = (symbol: ts.Symbol): string => {
    const decl = symbol.declarations?.[0];
    let name = symbol.name;
    if (name.startsWith("__") && decl) {
      const holder = ts.findAncestor(decl, ts.isVariableDeclaration);
      name = holder && ts.isIdentifier(holder.name) ? holder.name.text : "(anonymous)";
    }
    for (let n = decl?.parent; n; n = n.parent) if (ts.isModuleDeclaration(n)) name = `${n.name.getText()}.${name}`;
    return name;
  };
  /** "module#Name" for a declaration of the OS or outside it; the bare name for the standard library. */
  const declaredName = (symbol: ts.Symbol): string => {
    const decl = symbol.declarations?.[0];
    if (!decl || isStandardLibrary(decl)) return symbol.name;
    return `${relativeToRoot(osRoot, decl.getSourceFile().fileName)}#${localName(symbol)}`;
  };
  const declaredInOs = (symbol: ts.Symbol | undefined) => {
    const decl = symbol?.declarations?.[0];
    return decl !== undefined && isInOsTree(ctx, decl.getSourceFile().fileName);
  };
  const argumentsText = (args: readonly ts.Type[]) => (args.length ? `<${args.map(idOf).join(", ")}>` : "");

  // ---- ids

  /** A type alias of the OS the checker kept on the type (an enum is not an alias of itself). */
  const osAliasOf = (type: ts.Type) => {
    const alias = type.aliasSymbol;
    return alias && alias.flags & ts.SymbolFlags.TypeAlias && declaredInOs(alias) ? alias : undefined;
  };

  function idOf(type: ts.Type): TypeId {
    const alias = osAliasOf(type);
    if (alias) return `${declaredName(alias)}${argumentsText(type.aliasTypeArguments ?? [])}`;
    if (computing.has(type)) return "~"; // an anonymous type inside itself
    return classify(type).id;
  }

  function classify(type: ts.Type): Classified {
    const known = classified.get(type);
    if (known) return known;
    computing.add(type);
    try {
      const c = classifyType(type);
      classified.set(type, c);
      return c;
    } finally {
      computing.delete(type);
    }
  }

  function use(type: ts.Type, writtenAs?: ts.TypeNode): TypeId {
    const writtenAlias = writtenAs && aliasAsWritten(type, writtenAs);
    if (writtenAlias) return writtenAlias;
    const alias = osAliasOf(type);
    if (alias) {
      const args = type.aliasTypeArguments ?? [];
      return enqueue(idOf(type), () => ({
        kind: "alias", name: localName(alias), typeArguments: args.map((a) => use(a)), target: usePlain(type),
      }));
    }
    return usePlain(type);
  }

  function usePlain(type: ts.Type): TypeId {
    const c = classify(type);
    return enqueue(c.id, () => c.describe(c.id));
  }

  /** `x: InodeRef` where `type InodeRef = Inode`: the checker forgets the alias of a declared type; the source keeps it. */
  function aliasAsWritten(type: ts.Type, written: ts.TypeNode): TypeId | undefined {
    if (!ts.isTypeReferenceNode(written)) return undefined;
    let symbol = checker.getSymbolAtLocation(written.typeName);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.TypeAlias) || !declaredInOs(symbol) || type.aliasSymbol === symbol
      || checker.getTypeFromTypeNode(written) !== type) return undefined;
    const args = (written.typeArguments ?? []).map((a) => checker.getTypeFromTypeNode(a));
    const alias = symbol;
    return enqueue(`${declaredName(alias)}${argumentsText(args)}`, () => ({
      kind: "alias", name: localName(alias), typeArguments: args.map((a) => use(a)), target: usePlain(type),
    }));
  }

  // ---- classification

  function classifyType(type: ts.Type): Classified {
    const f = type.flags;
    const fixed = (id: TypeId, descriptor: TypeDescriptor): Classified => ({ id, describe: () => descriptor });
    if (f & ts.TypeFlags.Any) {
      const unresolved = (type as { intrinsicName?: string }).intrinsicName === "error";
      return untyped(unresolved ? "unresolved" : "any", unresolved ? "unresolved" : "any", display(type));
    }
    if (f & ts.TypeFlags.Unknown) return untyped("unknown", "unknown", "unknown");
    if (f & ts.TypeFlags.NonPrimitive) return untyped("object", "object", "object");
    if (f & ts.TypeFlags.Boolean) return fixed("boolean", { kind: "primitive", name: "boolean" });
    if (f & ts.TypeFlags.EnumLiteral && !(f & ts.TypeFlags.Union) && type.symbol?.flags & ts.SymbolFlags.EnumMember) {
      return enumMember(type);
    }
    if (f & (ts.TypeFlags.Enum | ts.TypeFlags.EnumLiteral) && type.symbol?.flags & ts.SymbolFlags.Enum) return enumType(type.symbol);
    const primitive = primitiveName(f);
    if (primitive) return fixed(primitive, { kind: "primitive", name: primitive });
    if (f & ts.TypeFlags.StringLiteral) {
      const value = (type as ts.StringLiteralType).value;
      return fixed(JSON.stringify(value), { kind: "literal", type: "string", value });
    }
    if (f & ts.TypeFlags.NumberLiteral) {
      const value = (type as ts.NumberLiteralType).value;
      return fixed(String(value), { kind: "literal", type: "number", value });
    }
    if (f & ts.TypeFlags.BigIntLiteral) {
      const { negative, base10Value } = (type as ts.BigIntLiteralType).value;
      const value = `${negative ? "-" : ""}${base10Value}`;
      return fixed(`${value}n`, { kind: "literal", type: "bigint", value });
    }
    if (f & ts.TypeFlags.BooleanLiteral) {
      const value = (type as { intrinsicName?: string }).intrinsicName === "true";
      return fixed(String(value), { kind: "literal", type: "boolean", value });
    }
    if (f & ts.TypeFlags.TypeParameter) {
      const constraint = (type as { isThisType?: boolean }).isThisType ? type.getConstraint() : undefined;
      if (constraint) return classify(constraint); // `this` in a class: the class
      return untyped(`typeParameter:${display(type)}`, "typeParameter", display(type));
    }
    if (f & ts.TypeFlags.Union) return unionType(type as ts.UnionType);
    if (f & ts.TypeFlags.Intersection) return intersectionType(type as ts.IntersectionType);
    if (f & ts.TypeFlags.Object) return objectType(type as ts.ObjectType);
    // Deferred generic types (T[K], conditional types) left unresolved.
    return untyped(`typeParameter:${display(type)}`, "typeParameter", display(type));
  }

  function primitiveName(f: ts.TypeFlags): Extract<TypeDescriptor, { kind: "primitive" }>["name"] | undefined {
    if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) return "string";
    if (f & ts.TypeFlags.Number) return "number";
    if (f & ts.TypeFlags.BigInt) return "bigint";
    if (f & ts.TypeFlags.Undefined) return "undefined";
    if (f & ts.TypeFlags.Null) return "null";
    if (f & ts.TypeFlags.ESSymbolLike) return "symbol";
    if (f & ts.TypeFlags.Void) return "void";
    if (f & ts.TypeFlags.Never) return "never";
    return undefined;
  }

  function untyped(id: TypeId, name: Extract<TypeDescriptor, { kind: "untyped" }>["name"], text: string): Classified {
    return {
      id,
      describe: () => {
        addProblem(id, {
          code: "untyped-state", node: null, waivedBy: ["opaque", "transient"], hint: UNTYPED_HINT,
          detail: name === "unresolved" ? "has a type that does not resolve (is an import or a declaration missing?)"
            : `holds a value of type \`${text}\`: the analysis cannot describe it`,
        });
        return { kind: "untyped", name, text };
      },
    };
  }

  function enumType(symbol: ts.Symbol): Classified {
    const declarations = symbol.declarations?.filter(ts.isEnumDeclaration) ?? [];
    return {
      id: declaredName(symbol),
      describe: () => ({
        kind: "enum", name: localName(symbol),
        const: declarations.some((d) => hasModifier(d, ts.SyntaxKind.ConstKeyword)),
        members: declarations.flatMap((d) => d.members.map((m) => ({ name: memberNameText(m.name), value: checker.getConstantValue(m) ?? null }))),
      }),
    };
  }

  /** The enum type a member literal type belongs to. */
  function enumOf(member: ts.Type): ts.Type | undefined {
    const decl = member.symbol?.valueDeclaration;
    if (!decl || !ts.isEnumMember(decl)) return undefined;
    const symbol = checker.getSymbolAtLocation(decl.parent.name);
    return symbol && checker.getDeclaredTypeOfSymbol(symbol);
  }

  function enumMember(type: ts.Type): Classified {
    const decl = type.symbol.valueDeclaration as ts.EnumMember;
    const parent = enumOf(type);
    const enumId = parent ? idOf(parent) : declaredName(type.symbol);
    const name = memberNameText(decl.name);
    return {
      id: `${enumId}.${name}`,
      describe: () => ({ kind: "enumMember", enum: parent ? use(parent) : enumId, name, value: checker.getConstantValue(decl) ?? null }),
    };
  }

  /** A union's members as they read best: `true | false` as boolean, all members of an enum as the enum. */
  function unionMembers(type: ts.UnionType): ts.Type[] {
    let members = [...type.types];
    const isBool = (t: ts.Type) => (t.flags & ts.TypeFlags.BooleanLiteral) !== 0;
    if (members.filter(isBool).length === 2) members = [...members.filter((t) => !isBool(t)), checker.getBooleanType()];
    const byEnum = new Map<ts.Type, ts.Type[]>();
    for (const m of members) {
      const parent = m.flags & ts.TypeFlags.EnumLiteral ? enumOf(m) : undefined;
      if (parent) byEnum.set(parent, [...(byEnum.get(parent) ?? []), m]);
    }
    for (const [parent, found] of byEnum) {
      const all = parent.flags & ts.TypeFlags.Union ? (parent as ts.UnionType).types.length : 1;
      if (found.length === all) members = [...members.filter((t) => !found.includes(t)), parent];
    }
    return members;
  }

  function unionType(type: ts.UnionType): Classified {
    const members = unionMembers(type);
    if (members.length === 1) return classify(members[0]!);
    const ids = members.map(idOf).sort();
    return {
      id: ids.map(grouped).join(" | "),
      describe: () => ({ kind: "union", members: members.map((m) => use(m)).sort(), discriminant: discriminantOf(members) }),
    };
  }

  /** A property every object member has, with a distinct literal type in each. */
  function discriminantOf(members: readonly ts.Type[]): string | null {
    const objects = members.filter((m) => m.flags & ts.TypeFlags.Object);
    if (objects.length < 2) return null;
    const unit = ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.BigIntLiteral
      | ts.TypeFlags.EnumLiteral;
    for (const candidate of checker.getPropertiesOfType(objects[0]!)) {
      const values = objects.map((o) => {
        const prop = checker.getPropertyOfType(o, candidate.name);
        const t = prop && checker.getTypeOfSymbol(prop);
        return t && t.flags & unit && !(t.flags & ts.TypeFlags.Union) ? idOf(t) : undefined;
      });
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length) return candidate.name;
    }
    return null;
  }

  function intersectionType(type: ts.IntersectionType): Classified {
    const members = type.types;
    const id = members.map((m) => grouped(idOf(m))).join(" & ");
    if (members.every((m) => m.flags & ts.TypeFlags.Object && !checker.isArrayLikeType(m))) {
      return {
        id,
        describe: (self) => ({ ...objectDescriptor(self, type, null), flattenedFrom: members.map((m) => use(m)) }),
      };
    }
    return { id, describe: () => ({ kind: "intersection", members: members.map((m) => use(m)) }) };
  }

  // ---- objects

  function objectType(type: ts.ObjectType): Classified {
    if (checker.isTupleType(type)) return tupleType(type as ts.TupleTypeReference);
    if (checker.isArrayType(type)) {
      const readonly = type.symbol?.name === "ReadonlyArray";
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      const elementId = element ? idOf(element) : "unknown";
      return {
        id: `${readonly ? "readonly " : ""}${grouped(elementId)}[]`,
        describe: () => ({ kind: "array", element: element ? use(element) : usePlain(checker.getUnknownType()), readonly }),
      };
    }
    const target = type.objectFlags & ts.ObjectFlags.Reference ? (type as ts.TypeReference).target : type;
    const symbol = target.symbol as ts.Symbol | undefined;
    const isClassOrInterface = (target.objectFlags & ts.ObjectFlags.ClassOrInterface) !== 0;
    const decl = symbol?.declarations?.[0];
    const calls = type.getCallSignatures();
    const constructs = type.getConstructSignatures();
    const signatures = [...calls, ...constructs];
    if (isClassOrInterface && symbol && decl && !isInOsTree(ctx, decl.getSourceFile().fileName) && symbol.name !== "Function") {
      // An interface of a package is plain data, described below; a class of one hides its state.
      if (isStandardLibrary(decl)) return standardClass(type, symbol.name);
      if (symbol.flags & ts.SymbolFlags.Class) return foreign(type, symbol, decl);
    }
    if (signatures.length > 0 && (!isClassOrInterface || checker.getPropertiesOfType(type).length === 0)
      || symbol?.name === "Function" && decl && isStandardLibrary(decl)) return functionType(calls, constructs);
    const typeArguments = isClassOrInterface && type.objectFlags & ts.ObjectFlags.Reference
      ? checker.getTypeArguments(type as ts.TypeReference).slice(0, (target as ts.InterfaceType).typeParameters?.length ?? 0) : [];
    if (isClassOrInterface && symbol && symbol.flags & ts.SymbolFlags.Class) {
      return { id: `${declaredName(symbol)}${argumentsText(typeArguments)}`, describe: (id) => classDescriptor(id, type, target as ts.InterfaceType, symbol, typeArguments) };
    }
    if (isClassOrInterface && symbol) {
      return {
        id: `${declaredName(symbol)}${argumentsText(typeArguments)}`,
        describe: (id) => ({
          ...objectDescriptor(id, type, localName(symbol)),
          generic: typeArguments.length ? declaredName(symbol) : null, typeArguments: typeArguments.map((a) => use(a)),
        }),
      };
    }
    return anonymousObject(type);
  }

  function tupleType(type: ts.TupleTypeReference): Classified {
    const target = type.target;
    const args = checker.getTypeArguments(type);
    const elements = args.map((arg, i) => {
      const flags = target.elementFlags[i] ?? ts.ElementFlags.Required;
      const label = target.labeledElementDeclarations?.[i];
      return {
        arg, optional: (flags & ts.ElementFlags.Optional) !== 0, rest: (flags & ts.ElementFlags.Variable) !== 0,
        name: label && ts.isNamedTupleMember(label) ? label.name.text : null,
      };
    });
    const text = elements.map((e) => (e.rest ? `...${grouped(idOf(e.arg))}[]` : e.optional ? `${grouped(idOf(e.arg))}?` : idOf(e.arg)));
    return {
      id: `${target.readonly ? "readonly " : ""}[${text.join(", ")}]`,
      describe: () => ({
        kind: "tuple", readonly: target.readonly,
        elements: elements.map((e) => ({ type: use(e.arg), optional: e.optional, rest: e.rest, name: e.name })),
      }),
    };
  }

  /** Map, Set, Date, typed arrays and the like, Error: described by kind; any other standard class is foreign. */
  function standardClass(type: ts.ObjectType, name: string): Classified {
    const args = type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : [];
    const [a, b] = args.map((t) => ({ type: t, id: idOf(t) }));
    const fixed = (id: TypeId, descriptor: TypeDescriptor): Classified => ({ id, describe: () => descriptor });
    if (TYPED_ARRAY_NAMES.has(name)) return fixed(name, { kind: "typedArray", name: name as (typeof TYPED_ARRAYS)[number] });
    if (ERROR_CLASSES.has(name)) return fixed(name, { kind: "error", name });
    switch (name) {
      case "Date": return fixed(name, { kind: "date" });
      case "RegExp": return fixed(name, { kind: "regexp" });
      case "ArrayBuffer": case "SharedArrayBuffer": return fixed(name, { kind: "arrayBuffer", shared: name === "SharedArrayBuffer" });
    }
    if (a && b && (name === "Map" || name === "ReadonlyMap")) {
      return {
        id: `${name}<${a.id}, ${b.id}>`,
        describe: (id) => {
          if (a.type.flags & ts.TypeFlags.ESSymbolLike) symbolKeyedCollection(id, name);
          return { kind: "map", key: use(a.type), value: use(b.type), readonly: name === "ReadonlyMap" };
        },
      };
    }
    if (a && (name === "Set" || name === "ReadonlySet")) {
      return {
        id: `${name}<${a.id}>`,
        describe: (id) => {
          if (a.type.flags & ts.TypeFlags.ESSymbolLike) symbolKeyedCollection(id, name);
          return { kind: "set", element: use(a.type), readonly: name === "ReadonlySet" };
        },
      };
    }
    if (a && (name === "WeakMap" || name === "WeakSet")) {
      const id = `${name}<${args.map((t) => idOf(t)).join(", ")}>`;
      return {
        id,
        describe: () => {
          addProblem(id, {
            code: "weak-collection", node: null, waivedBy: ["transient"],
            detail: `holds a \`${display(type)}\`, which cannot be enumerated, so it cannot be transferred`,
            hint: "mark it @transient (the new version's initializer re-creates it, empty), or use a Map or Set",
          });
          return name === "WeakMap" && b
            ? { kind: "weakMap", key: use(a.type), value: use(b.type), transferable: false }
            : { kind: "weakSet", element: use(a.type), transferable: false };
        },
      };
    }
    return foreign(type, type.symbol, undefined);
  }

  function symbolKeyedCollection(id: TypeId, name: string): void {
    addProblem(id, {
      code: "symbol-key", node: null, waivedBy: ["transient"], hint: "key it by a string or number",
      detail: `holds a ${name} keyed by symbols, which have no identity across versions`,
    });
  }

  /** A class or interface from outside the OS tree (`decl` undefined: the standard library). */
  function foreign(type: ts.ObjectType, symbol: ts.Symbol, decl: ts.Declaration | undefined): Classified {
    const declaredIn = decl ? relativeToRoot(osRoot, decl.getSourceFile().fileName) : "lib";
    const args = type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : [];
    const id = `${declaredName(symbol)}${argumentsText(args)}`;
    return {
      id,
      describe: () => {
        addProblem(id, {
          code: "foreign-class", node: null, waivedBy: ["transient"], hint: TRANSIENT_HINT,
          detail: `holds a \`${display(type)}\`, declared outside the OS tree (${decl ? declaredIn : "TypeScript's standard library"}): `
            + "its internal state is unknown",
        });
        return { kind: "foreign", name: display(type), declaredIn, transferable: false };
      },
    };
  }

  /** Signatures written with ids, so that they read the same in every program (unions sorted). */
  function functionType(calls: readonly ts.Signature[], constructs: readonly ts.Signature[]): Classified {
    const signatureText = (s: ts.Signature, prefix: string) => {
      const params = s.getParameters().map((p) => {
        const decl = p.valueDeclaration;
        const rest = decl && ts.isParameter(decl) && decl.dotDotDotToken ? "..." : "";
        const optional = decl && ts.isParameter(decl) && (decl.questionToken || decl.initializer) ? "?" : "";
        return `${rest}${p.name}${optional}: ${idOf(checker.getTypeOfSymbol(p))}`;
      });
      return `${prefix}(${params.join(", ")}) => ${idOf(s.getReturnType())}`;
    };
    const texts = [...calls.map((s) => signatureText(s, "")), ...constructs.map((s) => signatureText(s, "new "))];
    const id = texts.length === 0 ? "Function" : texts.length === 1 ? texts[0]! : `{ ${texts.join("; ")} }`;
    return {
      id: shorten(id, "(…) => …"),
      describe: () => ({ kind: "function", signatures: texts, transfer: "functionReference" }),
    };
  }

  function anonymousObject(type: ts.ObjectType): Classified {
    const props = checker.getPropertiesOfType(type);
    const indexes = checker.getIndexInfosOfType(type);
    const [only] = indexes;
    if (props.length === 0 && indexes.length === 1 && only && only.keyType.flags & (ts.TypeFlags.String | ts.TypeFlags.Number)) {
      const key = only.keyType.flags & ts.TypeFlags.String ? "string" : "number";
      const record = `Record<${key}, ${idOf(only.type)}>`;
      return {
        id: only.isReadonly ? `Readonly<${record}>` : record,
        describe: () => ({ kind: "record", key, value: use(only.type), readonly: only.isReadonly }),
      };
    }
    const parts = [
      ...props.map((p) => {
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        return `${isReadonlyProperty(p, decl) ? "readonly " : ""}${/^[A-Za-z_$#][\w$]*$/.test(p.name) ? p.name : JSON.stringify(p.name)}`
          + `${p.flags & ts.SymbolFlags.Optional ? "?" : ""}: ${idOf(checker.getTypeOfSymbol(p))}`;
      }),
      ...indexes.map((i) => `${i.isReadonly ? "readonly " : ""}[key: ${idOf(i.keyType)}]: ${idOf(i.type)}`),
    ];
    return {
      id: shorten(parts.length ? `{ ${parts.join("; ")} }` : "{}", "{…}"),
      describe: (id) => objectDescriptor(id, type, null),
    };
  }

  // ---- fields

  function recordFieldDeclaration(owner: TypeId, name: string, decl: ts.Node | undefined): void {
    if (!decl) return;
    const byName = fieldDeclarations.get(owner) ?? new Map<string, ts.Node>();
    byName.set(name, decl);
    fieldDeclarations.set(owner, byName);
  }

  function fieldAnnotations(decl: ts.Node | undefined, subject: string) {
    if (!decl) return NO_ANNOTATIONS;
    const read = readAnnotations(osRoot, decl, subject);
    diagnostics.push(...read.diagnostics);
    return read.annotations;
  }

  /** "`Class.member`", or "`member` of an object literal type". */
  const memberLabel = (ownerName: string | null, member: string) =>
    (ownerName ? `\`${ownerName}.${member}\`` : `\`${member}\` of an object literal type`);

  function symbolKeyedField(owner: TypeId, label: string, decl: ts.Node | undefined): void {
    addProblem(owner, {
      code: "symbol-key", node: decl ?? null, waivedBy: ["transient"], hint: "use a string-named field",
      detail: `field ${label} is keyed by a symbol, which has no identity across versions`,
    });
  }

  function hiddenAccessor(owner: TypeId, label: string, accessor: ts.AccessorDeclaration): void {
    const captured = hiddenAccessorState(checker, accessor);
    if (captured.length === 0) return;
    addProblem(owner, {
      code: "hidden-accessor-state", node: accessor, waivedBy: ["transient"],
      detail: `accessor ${label} keeps its value in ${captured.map((c) => `\`${c}\``).join(", ")}, captured from an enclosing `
        + "function: state no field describes",
      hint: "store the value in a field of the object (a #private field is fine) and have the accessor use it",
    });
  }

  function objectDescriptor(id: TypeId, type: ts.Type, name: string | null): Extract<TypeDescriptor, { kind: "object" }> {
    const fields: ObjectField[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (prop.escapedName.toString().startsWith("__@")) { // TypeScript's name for a symbol-keyed property
        symbolKeyedField(id, memberLabel(name, (decl && ts.getNameOfDeclaration(decl)?.getText()) ?? prop.name), decl);
        continue;
      }
      for (const accessor of prop.declarations?.filter(ts.isAccessor) ?? []) hiddenAccessor(id, memberLabel(name, prop.name), accessor);
      recordFieldDeclaration(id, prop.name, decl);
      fields.push({
        name: prop.name,
        type: use(checker.getTypeOfSymbol(prop), writtenTypeOf(decl)),
        optional: (prop.flags & ts.SymbolFlags.Optional) !== 0,
        readonly: isReadonlyProperty(prop, decl),
        annotations: fieldAnnotations(decl, `field ${memberLabel(name, prop.name)}`),
      });
    }
    const indexSignatures = checker.getIndexInfosOfType(type).map((info) => {
      const k = info.keyType.flags;
      const key = k & ts.TypeFlags.String ? "string" : k & ts.TypeFlags.Number ? "number" : k & ts.TypeFlags.ESSymbolLike ? "symbol" : "template";
      if (key === "symbol") symbolKeyedField(id, memberLabel(name, "[key: symbol]"), info.declaration);
      return { key, type: use(info.type), readonly: info.isReadonly } as const;
    });
    return { kind: "object", name, generic: null, typeArguments: [], fields, indexSignatures, flattenedFrom: null };
  }

  /** Base classes of the OS first, up to `decl`; and the first base that is not of the OS. */
  function classChain(target: ts.InterfaceType, decl: ts.ClassLikeDeclaration) {
    const chain = [decl];
    let superclass: string | null = null;
    let outside: { symbol: ts.Symbol; heritage: ts.Node } | undefined;
    for (let cur = target; ;) {
      const [base] = checker.getBaseTypes(cur);
      const baseTarget = base && base.flags & ts.TypeFlags.Object && (base as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
        ? (base as ts.TypeReference).target : base as ts.InterfaceType | undefined;
      const symbol = baseTarget?.symbol;
      if (!baseTarget || !symbol) break;
      superclass ??= declaredName(symbol);
      const baseDecl = symbol.valueDeclaration;
      if (!baseDecl || !ts.isClassLike(baseDecl) || !declaredInOs(symbol)) {
        const heritage = chain[0]!.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0] ?? chain[0]!;
        outside = { symbol, heritage };
        break;
      }
      chain.unshift(baseDecl);
      cur = baseTarget;
    }
    return { chain, superclass, outside };
  }

  function classDescriptor(id: TypeId, type: ts.ObjectType, target: ts.InterfaceType, symbol: ts.Symbol,
    typeArguments: readonly ts.Type[]): TypeDescriptor {
    const decl = symbol.valueDeclaration as ts.ClassLikeDeclaration;
    const { chain, superclass, outside } = classChain(target, decl);
    if (outside && !(outside.symbol.declarations?.some(isStandardLibrary) && ERROR_CLASSES.has(outside.symbol.name))) {
      addProblem(id, {
        code: "foreign-class", node: outside.heritage, waivedBy: ["transient"], hint: TRANSIENT_HINT,
        detail: `class \`${localName(symbol)}\` extends \`${outside.symbol.name}\`, declared outside the OS tree: the state it inherits is unknown`,
      });
    }
    const propsByDeclaration = new Map<ts.Node, ts.Symbol>();
    for (const prop of checker.getPropertiesOfType(type)) for (const d of prop.declarations ?? []) propsByDeclaration.set(d, prop);
    const fields: ClassField[] = [];
    const accessors = new Map<string, { name: string; get: boolean; set: boolean }>();
    for (const cls of chain) {
      const className = cls.name?.text ?? "default";
      const declaredBy = declaredName(checker.getSymbolAtLocation(cls.name ?? cls) ?? symbol);
      const ctor = cls.members.find(ts.isConstructorDeclaration);
      const parameterProperties = ctor?.parameters.filter((p) => ts.isParameterPropertyDeclaration(p, ctor)) ?? [];
      const members = [...parameterProperties, ...cls.members.filter((m) => !hasModifier(m, ts.SyntaxKind.StaticKeyword))];
      for (const member of members) {
        if (ts.isAccessor(member)) {
          const name = memberNameText(member.name);
          const entry = accessors.get(name) ?? { name, get: false, set: false };
          entry[ts.isGetAccessorDeclaration(member) ? "get" : "set"] = true;
          accessors.set(name, entry);
          hiddenAccessor(id, memberLabel(className, name), member);
          continue;
        }
        if (!ts.isPropertyDeclaration(member) && !(ts.isParameter(member) && ts.isIdentifier(member.name))) continue;
        const name = memberNameText(member.name);
        const prop = propsByDeclaration.get(member);
        if (ts.isComputedPropertyName(member.name) && checker.getTypeAtLocation(member.name.expression).flags & ts.TypeFlags.ESSymbolLike) {
          symbolKeyedField(id, memberLabel(className, name), member);
          continue;
        }
        recordFieldDeclaration(id, name, member);
        const visibility = ts.isPrivateIdentifier(member.name) ? "#private"
          : hasModifier(member, ts.SyntaxKind.PrivateKeyword) ? "private"
            : hasModifier(member, ts.SyntaxKind.ProtectedKeyword) ? "protected" : "public";
        fields.push({
          name,
          type: use(prop ? checker.getTypeOfSymbol(prop) : checker.getTypeAtLocation(member), member.type),
          optional: member.questionToken !== undefined,
          readonly: hasModifier(member, ts.SyntaxKind.ReadonlyKeyword),
          annotations: fieldAnnotations(member, `field \`${className}.${name}\``),
          visibility,
          initializer: member.initializer?.getText() ?? null,
          parameterProperty: ts.isParameter(member),
          declaredBy,
        });
      }
    }
    return {
      kind: "class", name: localName(symbol), generic: typeArguments.length ? declaredName(symbol) : null,
      typeArguments: typeArguments.map((a) => use(a)), superclass, abstract: hasModifier(decl, ts.SyntaxKind.AbstractKeyword),
      fields, accessors: [...accessors.values()], methods: methodsOf(decl),
    };
  }

  function finish(): TypeTable {
    for (let item = pending.pop(); item; item = pending.pop()) types.set(item.id, item.describe());
    const sorted = [...types.keys()].sort();
    return { types: Object.fromEntries(sorted.map((id) => [id, types.get(id)!])), problems, fieldDeclarations, diagnostics };
  }

  return { use, finish };
}
