/**
 * The transfer plan: decided from the two versions' metadata alone, before any realm is
 * touched. It pairs every variable of the new version with the old one it takes its
 * value from, pairs their types (pair.ts), places every change in the program's state,
 * classifies it, and refuses (TransferPlanError) when a change needs a transformer that
 * was not given.
 */
import type { Metadata, TypeId, Variable } from "../../instrumenter/metadata/schema.js";
import { type PlannedChange, verdictOf } from "./changes.js";
import { TransferPlanError } from "./errors.js";
import { Pairing, type TypePair } from "./pair.js";
import type { Transformers, VariableTransformer } from "./transformers.js";
import { TypeTable } from "./type-table.js";

export type VariableAction =
  /** The old value is transferred (through the setter, or into the `const` object in place). */
  | "transfer"
  /** New in this version: keeps its initializer. */
  | "new"
  /** Gone from this version: its value is dropped. */
  | "dropped"
  /** @transient: keeps the new version's initializer. */
  | "transient"
  /** A constant the program cannot change (a primitive, a readonly table): code, so the new value stays. */
  | "code";

export interface VariablePlan {
  readonly module: string;
  /** In the new version (in the old one for a dropped variable). */
  readonly name: string;
  readonly qualifiedName: string;
  /** Its name in the old version; null for a new variable. */
  readonly oldName: string | null;
  readonly action: VariableAction;
  readonly isConst: boolean;
  /** @opaque: copied as it is. */
  readonly opaque: boolean;
  /** How its value converts (action "transfer", not @opaque). */
  readonly pair: TypePair | null;
  readonly transformer: VariableTransformer | null;
}

export interface TransferPlan {
  readonly program: string;
  readonly variables: readonly VariablePlan[];
  /** Every change found in the state, placed and classified (what `proteos diff` prints). */
  readonly changes: readonly PlannedChange[];
  /** The type pairs (more are made at transfer time for values whose own type is met there). */
  readonly pairing: Pairing;
}

export function planTransfer(oldMeta: Metadata, newMeta: Metadata, transformers: Transformers = {}): TransferPlan {
  const pairing = new Pairing(new TypeTable(oldMeta), new TypeTable(newMeta), transformers.types ?? {});
  const variableTransformers = transformers.variables ?? {};
  const variables = pairVariables(oldMeta, newMeta, pairing, variableTransformers);
  const changes = placeChanges(variables);
  const uncovered = changes.filter((c) => c.verdict !== "auto" && c.coveredBy === null);
  const problems = unusedTransformers(transformers, variables, pairing.newTypes);
  const plan = { program: newMeta.program, variables, changes, pairing };
  if (uncovered.length > 0 || problems.length > 0) throw new TransferPlanError(uncovered, problems, plan);
  return plan;
}

function pairVariables(oldMeta: Metadata, newMeta: Metadata, pairing: Pairing,
  transformers: Readonly<Record<string, VariableTransformer>>): VariablePlan[] {
  const oldModules = new Map(oldMeta.modules.map((m) => [m.path, new Map(m.variables.map((v) => [v.name, v]))]));
  const used = new Set<Variable>();
  const plans: VariablePlan[] = [];
  for (const mod of newMeta.modules) {
    const olds = oldModules.get(mod.path);
    for (const v of mod.variables) {
      const renamed = v.annotations.renamedFrom !== null ? olds?.get(v.annotations.renamedFrom) : undefined;
      const old = renamed ?? olds?.get(v.name);
      if (old) used.add(old);
      const transformer = Object.hasOwn(transformers, v.qualifiedName) ? transformers[v.qualifiedName]! : null;
      const base = { module: mod.path, name: v.name, qualifiedName: v.qualifiedName, oldName: old?.name ?? null, isConst: v.isConst };
      const action: VariableAction = v.annotations.transient ? "transient" : !old ? "new"
        : v.isConst && pairing.newTypes.isImmutable(v.type) ? "code" : "transfer";
      const opaque = action === "transfer" && v.annotations.opaque && transformer === null;
      const pair = action === "transfer" && !opaque ? pairing.get(old!.type, v.type) : null;
      plans.push({ ...base, action, opaque, pair, transformer: action === "transfer" ? transformer : null });
    }
  }
  for (const mod of oldMeta.modules) {
    for (const v of mod.variables) {
      if (used.has(v)) continue;
      plans.push({ module: mod.path, name: v.name, qualifiedName: v.qualifiedName, oldName: v.name, action: "dropped",
        isConst: v.isConst, opaque: false, pair: null, transformer: null });
    }
  }
  return plans;
}

/**
 * Walk the type pairs from every transferred variable and place each change: below a
 * declared type relative to it ("m#Vnode.size"), else relative to the variable
 * ("m#vfs.vnodes<value>"). A transformer covers every change below it.
 */
function placeChanges(variables: readonly VariablePlan[]): PlannedChange[] {
  interface Visit { pair: TypePair; location: string; fix: string; coveredBy: string | null }
  const stack: Visit[] = [];
  for (const v of variables) {
    if (v.pair === null) continue;
    const name = v.qualifiedName;
    stack.push({ pair: v.pair, location: name, fix: `variables["${name}"]`,
      coveredBy: v.transformer !== null ? `variable ${name}` : null });
  }
  const seen = new Set<string>();
  const placed = new Map<string, PlannedChange>();
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { pair } = visit;
    const location = pair.declared ? pair.new : visit.location;
    const fix = pair.declared ? `types["${pair.new}"]` : visit.fix;
    const coveredBy = visit.coveredBy ?? (pair.transformer !== null ? `type ${pair.transformer.key}` : null);
    const key = `${pair.old}\u0000${pair.new}\u0000${location}\u0000${coveredBy !== null}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const c of pair.changes) {
      const change: PlannedChange = { location: location + c.at, kind: c.kind, verdict: verdictOf(c.kind), detail: c.detail, fix, coveredBy };
      const id = `${change.location}\u0000${c.kind}\u0000${c.detail}`;
      // A change reached both below a transformer and outside any is uncovered.
      const before = placed.get(id);
      if (!before || (before.coveredBy !== null && coveredBy === null)) placed.set(id, change);
    }
    for (const child of pair.children) {
      stack.push({ pair: child.pair, location: location + child.at, fix, coveredBy });
    }
  }
  return [...placed.values()].sort((a, b) => a.location.localeCompare(b.location) || a.kind.localeCompare(b.kind));
}

/** Transformers keyed by something that is not there: a typo would otherwise silently do nothing. */
function unusedTransformers(transformers: Transformers, variables: readonly VariablePlan[], newTypes: TypeTable): string[] {
  const problems: string[] = [];
  const declared = new Set<TypeId>();
  for (const id of Object.keys(newTypes.metadata.types)) {
    const name = newTypes.declaredName(id);
    if (name !== null) declared.add(name);
  }
  for (const key of Object.keys(transformers.types ?? {})) {
    if (!newTypes.has(key) && !declared.has(key)) problems.push(`types["${key}"]: no such type in the new version`);
  }
  const byName = new Map(variables.filter((v) => v.action !== "dropped").map((v) => [v.qualifiedName, v]));
  for (const key of Object.keys(transformers.variables ?? {})) {
    const v = byName.get(key);
    if (!v) problems.push(`variables["${key}"]: no such variable in the new version`);
    else if (v.action === "new") problems.push(`variables["${key}"]: new in this version, so it keeps its initializer`);
    else if (v.action === "transient") problems.push(`variables["${key}"]: @transient, so it keeps its initializer`);
    else if (v.action === "code") problems.push(`variables["${key}"]: a constant of an immutable type is code: the new version's value stays`);
  }
  return problems;
}

/** The plan as text: each variable's fate, then each change with its verdict. */
export function describePlan(plan: TransferPlan): string {
  const lines = [`state transfer plan for ${plan.program}`, "variables:"];
  for (const v of plan.variables) {
    const notes = [
      v.oldName !== null && v.oldName !== v.name ? `renamed from ${v.oldName}` : "",
      v.action === "transfer" && v.isConst ? "const: filled in place" : "",
      v.opaque ? "@opaque: copied as it is" : "",
      v.transformer !== null ? "by its transformer" : "",
    ].filter((n) => n !== "");
    lines.push(`  ${v.action.padEnd(9)} ${v.qualifiedName}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`);
  }
  lines.push(plan.changes.length > 0 ? "changes:" : "changes: none");
  for (const c of plan.changes) {
    const how = c.coveredBy !== null ? `, by the transformer of ${c.coveredBy}` : c.verdict === "auto" ? "" : `, needs ${c.fix}`;
    lines.push(`  ${c.verdict.padEnd(11)} ${c.location}: ${c.kind}: ${c.detail}${how}`);
  }
  return lines.join("\n");
}
