/**
 * Automated state transfer: the old version's state rebuilt in the new version's realm,
 * with its types transformed. See README.md.
 */
export { CHANGE_KINDS, type ChangeKind, type PlannedChange, type Verdict } from "./changes.js";
export { TransferError, type TransferErrorKind, TransferPlanError } from "./errors.js";
export { describePlan, planTransfer, type TransferPlan, type VariableAction, type VariablePlan } from "./plan.js";
export { type TransferOptions, type TransferResult, transferState } from "./transfer.js";
export type { TransformHelpers, Transformers, TypeTransformer, VariableTransformer } from "./transformers.js";
