/**
 * The two ways a state transfer fails. A TransferPlanError is thrown by `planTransfer`
 * before any realm is touched; a TransferError by `transferState`, after which the caller
 * discards the new realm (the old one was only read, so it simply resumes).
 */
import type { PlannedChange } from "./changes.js";
import type { TransferPlan } from "./plan.js";

/**
 * Changes the transfer cannot make alone, and no transformer covers. `plan` is the plan
 * as far as it could be made (every change placed), for tools that report all of it.
 */
export class TransferPlanError extends Error {
  constructor(readonly uncovered: readonly PlannedChange[], readonly problems: readonly string[] = [],
    readonly plan?: TransferPlan) {
    const lines = [
      ...uncovered.map((c) => `${c.location}: ${c.detail} (${c.kind}); ${c.verdict === "unsupported"
        ? `cannot be transferred: a transformer (${c.fix}) must make the new value` : `needs a transformer: ${c.fix}`}`),
      ...problems,
    ];
    super(`state transfer cannot be planned:\n  ${lines.join("\n  ")}`);
    this.name = "TransferPlanError";
  }
}

export type TransferErrorKind =
  /** A function value without identity (a closure, a built-in), or whose identity the new version lacks. */
  | "function"
  /** A value whose kind the type does not allow (a Map where an array is declared, …). */
  | "type-mismatch"
  /** A change that needs a transformer, met at run time (e.g. below a transformer's `h.transfer`). */
  | "needs-transformer"
  /** A value state transfer cannot copy (an instance of an unknown class, a #private field, …). */
  | "unsupported"
  /** A transformer threw. */
  | "transformer"
  /** A transformer returned something that is not a value of the new version of its type. */
  | "transformer-result"
  /** A new field's initializer could not be evaluated in the new version. */
  | "initializer"
  /** A value did not convert (a fraction to bigint). */
  | "conversion"
  /** A `const` object could not be filled in place. */
  | "const"
  /** The transfer ran past its deadline (TransferOptions.deadline). */
  | "deadline";

export class TransferError extends Error {
  constructor(
    readonly kind: TransferErrorKind,
    /** Where in the old state: `servers/vfs/state.ts#vfs.vnodes[12].filps`, "" until located. */
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${reason}` : reason, options);
    this.name = "TransferError";
  }

  /** The same error, placed at `path` (the first place that knows it wins). */
  at(path: string): TransferError {
    return this.path ? this : new TransferError(this.kind, path, this.reason, { cause: this.cause });
  }
}
