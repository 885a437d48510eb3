/**
 * transferState: the old version's state rebuilt in the new version's realm, by a plan.
 * Roots are the variables of every module: each transferred variable's old value is
 * walked (walk.ts) and the result assigned through the new module's setter, or, for a
 * `const` holding an object, filled into the new version's own object in place.
 *
 * The old realm is only read. On any failure a TransferError says where; the caller
 * then discards the new realm, and the old version resumes as it was.
 */
import type { TypeId } from "../../instrumenter/metadata/schema.js";
import type { ProcessView, StateAccessors } from "../process-view.js";
import type { ChangeKind } from "./changes.js";
import { Binder } from "./conv.js";
import { TransferError } from "./errors.js";
import { findPath } from "./paths.js";
import type { TransferPlan, VariablePlan } from "./plan.js";
import { Walker } from "./walk.js";
import { errorMessage } from "../error-message.js";

export interface TransferOptions {
  /** A `performance.now()` time: past it the transfer stops with a TransferError of kind "deadline". */
  deadline?: number;
}

export interface TransferResult {
  /** Objects made in the new realm (filled in place included). */
  objects: number;
  /** Estimated size of the state copied (README: "Bytes"). */
  bytes: number;
  /** New ids of the declared types whose values changed shape (fields, their types) or were made by a transformer. */
  typesTransformed: TypeId[];
  /** Qualified names (the new version's; the old one's for dropped variables). */
  variables: {
    transferred: string[];
    /** New variables, and variables of modules the old version had not loaded: their initializers stand. */
    initializedNew: string[];
    dropped: string[];
    transient: string[];
    /** Constants that are code (primitives, functions, frozen or readonly values): the new version's stand. */
    code: string[];
  };
  /** Per kind of change: how many values went through one. */
  changes: Partial<Record<ChangeKind, number>>;
  ms: number;
}

export function transferState(from: ProcessView, to: ProcessView, plan: TransferPlan, opts: TransferOptions = {}): TransferResult {
  const started = performance.now();
  /** The old values of the transferred variables, named by their old qualified names: where error paths start. */
  const roots: Array<[string, unknown]> = [];
  const binder = new Binder(from, to, plan);
  const walker = new Walker(from, to, binder, (old) => findPath(roots, old) ?? "(a value no variable reaches)", opts.deadline ?? Infinity);
  const variables: TransferResult["variables"] = { transferred: [], initializedNew: [], dropped: [], transient: [], code: [] };
  const assignments: Array<{ set: (value: unknown) => void; value: unknown; name: string }> = [];

  /** Variables to transfer, with their old values and new accessors. */
  const work: Array<{ v: VariablePlan; old: unknown; root: string; accessors: StateAccessors }> = [];
  for (const v of plan.variables) {
    switch (v.action) {
      case "new": variables.initializedNew.push(v.qualifiedName); continue;
      case "dropped": variables.dropped.push(v.qualifiedName); continue;
      case "transient": variables.transient.push(v.qualifiedName); continue;
      case "code": variables.code.push(v.qualifiedName); continue;
      case "transfer": break;
    }
    const get = from.rt.accessors(v.module)?.get[v.oldName!];
    if (!get) {
      variables.initializedNew.push(v.qualifiedName);
      continue;
    }
    const root = `${v.module}#${v.oldName}`;
    const old = get();
    roots.push([root, old]);
    work.push({ v, old, root, accessors: at(root, () => accessorsOf(to, v.module, v.name)) });
  }

  // The walk forwards old objects through their tags (identity.ts): they get them back however it ends.
  try {
    // Constants holding objects first: their new objects stand for the old ones wherever those are shared.
    const settable: typeof work = [];
    for (const item of work) {
      const { v, old, root, accessors } = item;
      if (accessors.set[v.name]) {
        settable.push(item);
        continue;
      }
      const existing = accessors.get[v.name]!();
      if (typeof existing !== "object" || existing === null || !Object.isExtensible(existing)) {
        variables.code.push(v.qualifiedName);
        continue;
      }
      at(root, () => {
        if (typeof old !== "object" || old === null) {
          throw new TransferError("const", "", "the new version's constant holds an object, the old value does not: give a transformer or mark it @transient");
        }
        if (v.transformer !== null) {
          walker.replaceContents(existing, walker.transformed(old, v.transformer, `variable ${v.qualifiedName}`, v.pair), `variable ${v.qualifiedName}`);
          walker.copies.remember(old, existing);
        } else {
          walker.adopt(old, existing, v.opaque ? binder.opaque : binder.conv(v.pair!));
        }
      });
      variables.transferred.push(v.qualifiedName);
    }
    for (const { v, old, root, accessors } of settable) {
      const value = at(root, () => (v.transformer !== null
        ? walker.transformed(old, v.transformer, `variable ${v.qualifiedName}`, v.pair)
        : walker.convert(old, v.opaque ? binder.opaque : binder.conv(v.pair!))));
      assignments.push({ set: accessors.set[v.name]!, value, name: v.qualifiedName });
      variables.transferred.push(v.qualifiedName);
    }
    walker.run();
  } finally {
    walker.copies.restore();
  }
  for (const { set, value, name } of assignments) at(name, () => set(value));

  const changes: TransferResult["changes"] = {};
  const typesTransformed = new Set<TypeId>();
  for (const c of binder.all()) {
    const pair = c.pair;
    if (c.count === 0 || pair === null) continue;
    for (const ch of pair.changes) changes[ch.kind] = (changes[ch.kind] ?? 0) + c.count;
    if (pair.declared && (c.kind === "transform" || plan.pairing.reshapes(pair))) typesTransformed.add(pair.new);
  }
  return {
    objects: walker.objects, bytes: walker.bytes, typesTransformed: [...typesTransformed].sort(), variables, changes,
    ms: performance.now() - started,
  };
}

/** A module's accessors in the new realm, loading the module if the new version has not yet. */
function accessorsOf(to: ProcessView, module: string, name: string): StateAccessors {
  let accessors = to.rt.accessors(module);
  if (!accessors && !to.realm.loaded(module)) {
    to.realm.require(module);
    accessors = to.rt.accessors(module);
  }
  if (!accessors?.get[name]) throw new TransferError("unsupported", "", `the new version has no state accessor for ${module}#${name}`);
  return accessors;
}

/** Run one step of a variable's transfer, placing an error that does not know where it happened at `path`. */
function at<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof TransferError) throw e.at(path);
    throw new TransferError("unsupported", path, errorMessage(e), { cause: e });
  }
}
