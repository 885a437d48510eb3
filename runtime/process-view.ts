/**
 * How the live-update runtime sees one loaded copy of a program: the realm's
 * `proteos:rt` (what instrumented code registered), the realm's own built-ins (to
 * build values that belong to it) and the program's metadata. Everything the runtime
 * reads or writes in a process goes through a ProcessView; it never touches the kernel.
 */
import type { Metadata } from "../instrumenter/metadata/schema.js";
import type { Realm } from "../os/kernel/realm.js";

/** A module's variables, by name (what instrumented code registers). */
export interface StateAccessors {
  get: Record<string, () => unknown>;
  set: Record<string, (value: unknown) => void>;
}

/** The questions `proteos:rt` answers (instrumenter/rt/rt.ts). */
export interface Rt {
  readonly TYPE: symbol;
  modules(): string[];
  accessors(module: string): StateAccessors | undefined;
  typeOf(value: unknown): string | undefined;
  functionId(fn: unknown): string | undefined;
  functionById(id: string): ((...args: never[]) => unknown) | undefined;
  atUpdatePoint(): boolean;
  inFlight(): number;
}

/** The realm's constructors and prototypes: values built with them belong to the realm. */
export interface Intrinsics {
  global: Record<string, unknown>;
  Object: ObjectConstructor;
  Array: ArrayConstructor;
  Map: MapConstructor;
  Set: SetConstructor;
  Date: DateConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  RegExp: RegExpConstructor;
  Error: ErrorConstructor;
  Function: FunctionConstructor;
  /** Typed array constructors by name ("Uint8Array", …). */
  typedArrays: Record<string, new (length: number) => ArrayLike<number | bigint>>;
}

export interface ProcessView {
  /** "vfs", "mfs", … */
  readonly program: string;
  readonly realm: Realm;
  readonly rt: Rt;
  readonly intrinsics: Intrinsics;
  readonly metadata: Metadata;
  /** The exports of the program's entry module (a server's live-update callbacks live there). */
  readonly entryExports: Record<string, unknown>;
}

export const RT_MODULE = "proteos:rt";

const TYPED_ARRAY_NAMES = [
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
  "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
];

/** The realm's built-ins, read once from its global object. */
export function intrinsicsOf(realm: Realm): Intrinsics {
  const g = realm.global() as Record<string, unknown>;
  const typedArrays: Intrinsics["typedArrays"] = {};
  for (const name of TYPED_ARRAY_NAMES) typedArrays[name] = g[name] as Intrinsics["typedArrays"][string];
  return {
    global: g,
    Object: g.Object as ObjectConstructor,
    Array: g.Array as ArrayConstructor,
    Map: g.Map as MapConstructor,
    Set: g.Set as SetConstructor,
    Date: g.Date as DateConstructor,
    ArrayBuffer: g.ArrayBuffer as ArrayBufferConstructor,
    RegExp: g.RegExp as RegExpConstructor,
    Error: g.Error as ErrorConstructor,
    Function: g.Function as FunctionConstructor,
    typedArrays,
  };
}

/**
 * The view of a realm whose program was loaded from an instrumented build. Throws if
 * the program was not instrumented (its realm never loaded the runtime).
 */
export function viewOf(program: string, realm: Realm, metadata: Metadata, entryModule: string): ProcessView {
  if (!realm.loaded(RT_MODULE)) {
    throw new Error(`${program} was not built with instrumentation: live update needs an instrumented build (proteos build)`);
  }
  const rt = realm.require(RT_MODULE) as Rt;
  return {
    program, realm, rt, intrinsics: intrinsicsOf(realm), metadata,
    entryExports: realm.require(entryModule) as Record<string, unknown>,
  };
}
