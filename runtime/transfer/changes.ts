/**
 * The vocabulary of changes between two versions' state, and how each is classified:
 * what `proteos diff` prints, what TransferPlanError lists and what TransferResult counts.
 */

/** How a change can be made. */
export type Verdict =
  /** By the state transfer alone. */
  | "auto"
  /** Its meaning is unclear: a transformer must say what the new value is. */
  | "transformer"
  /** State transfer cannot copy such values at all; a transformer (or @transient) must replace them. */
  | "unsupported";

/** Every kind of change, with its verdict. */
export const CHANGE_KINDS = {
  "field-added": "auto",
  "field-removed": "auto",
  "fields-reordered": "auto",
  "field-renamed": "auto",
  "widened": "auto",
  "union-grew": "auto",
  "literals-grew": "auto",
  "enum-grew": "auto",
  "enum-renumbered": "auto",
  "tuple-resized": "auto",
  "field-required": "transformer",
  "narrowed": "transformer",
  "retyped": "transformer",
  "union-shrank": "transformer",
  "literals-shrank": "transformer",
  "enum-shrank": "transformer",
  "unsupported": "unsupported",
} as const satisfies Record<string, Verdict>;

export type ChangeKind = keyof typeof CHANGE_KINDS;

/** A change found comparing one pair of types, where it is relative to the pair (".size", "<value>", ""). */
export interface LocalChange {
  at: string;
  kind: ChangeKind;
  detail: string;
}

/** A change placed in the program's state, as the plan lists it. */
export interface PlannedChange {
  /** `servers/vfs/state.ts#Vnode.size`, or below a variable: `servers/vfs/state.ts#vfs.vnodes<value>`. */
  location: string;
  kind: ChangeKind;
  verdict: Verdict;
  /** "number → bigint", "field added, set by its initializer `0`", … */
  detail: string;
  /** What a transformer covering it is keyed by: `types["m#Vnode"]` or `variables["m#vfs"]`. */
  fix: string;
  /** The transformer that makes it, when one does: `type m#Vnode`, `variable m#vfs`. */
  coveredBy: string | null;
}

export function verdictOf(kind: ChangeKind): Verdict {
  return CHANGE_KINDS[kind];
}
