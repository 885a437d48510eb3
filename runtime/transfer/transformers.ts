/**
 * Transformers: hand-written conversions for the changes state transfer cannot make
 * alone. A type transformer makes every value transferred as a new type; a variable
 * transformer makes a variable's new value. Both get the old value (read it, never
 * change it: rollback resumes the old version as it is) and helpers that build values
 * of the new version's realm.
 *
 *   planTransfer(oldMeta, newMeta, {
 *     types: {
 *       "servers/vfs/state.ts#Vnode": (old: OldVnode, h) =>
 *         h.object("servers/vfs/state.ts#Vnode", { ...h.fields(old), size: Number(old.size) }),
 *     },
 *     variables: { "servers/vfs/state.ts#mounts": (old: string[], h) => h.map(old.map((p, i) => [i, p])) },
 *   });
 */
import type { TypeId } from "../../instrumenter/metadata/schema.js";

/**
 * Makes the new value of one type (keyed by the new type's id, the id an alias names, or
 * a generic's name). `old` is typed `any` so that a transformer can declare the old
 * version's shape: `(old: { size: string }, h) => …`.
 */
export type TypeTransformer = (old: any, h: TransformHelpers) => unknown;

/** Makes the new value of one variable (keyed by its qualified name in the new version, "module#name"). */
export type VariableTransformer = (old: any, h: TransformHelpers) => unknown;

export interface Transformers {
  types?: Readonly<Record<TypeId, TypeTransformer>>;
  variables?: Readonly<Record<string, VariableTransformer>>;
}

/**
 * What a transformer builds new values with. Everything it returns, and every value it
 * passes to these helpers, must be a primitive or a value of the new version: made by
 * these helpers or by `transfer`. Anything else (an object of the host, or of the old
 * version) is refused with a TransferError of kind "transformer-result".
 */
export interface TransformHelpers {
  /** "type servers/vfs/state.ts#Vnode" or "variable servers/vfs/state.ts#vfs". */
  readonly transformer: string;
  /** The type the old value was transferred as, and the one the result must be. */
  readonly oldType: TypeId | null;
  readonly newType: TypeId;
  /**
   * The default transfer of an old value: by its own type when it knows one (a class
   * instance, a tagged object), else as it is; sharing and cycles preserved. Without
   * `types`, a value of a structural type keeps its old shape; with it, the value moves
   * from `types.old` to `types.new` like a field of that type would.
   * Objects are filled after the transformer returns (the walk is iterative): read the
   * old value, not the result.
   */
  transfer<T = unknown>(old: unknown, types?: { old: TypeId; new: TypeId }): T;
  /**
   * The fields of an old object converted the automatic way for the new type (`newType`
   * unless given): those a change makes unclear are left out. Spread them into `object`.
   */
  fields(old: object, newType?: TypeId): Record<string, unknown>;
  /**
   * An instance of the new class `type`, or a plain object of the object type `type`
   * (tagged with it). Fields not given take the class's initializer (classes) or stay
   * absent; a name the type does not declare is an error.
   */
  object<T extends object = Record<string, unknown>>(type: TypeId, fields: Record<string, unknown>): T;
  array<T = unknown>(items?: Iterable<T>, type?: TypeId): T[];
  map<K = unknown, V = unknown>(entries?: Iterable<readonly [K, V]>, type?: TypeId): Map<K, V>;
  set<T = unknown>(values?: Iterable<T>, type?: TypeId): Set<T>;
  date(time: number): Date;
  /** A bigint (primitives belong to no realm: this only converts, refusing fractions). */
  bigint(value: number | string | bigint): bigint;
  typedArray(name: string, values: ArrayLike<number | bigint> | number): ArrayLike<number | bigint>;
}
