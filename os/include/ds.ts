/**
 * The data store's calls: a key/value store with owners and subscriptions. Values
 * are strings or finite numbers. A key belongs to the process that created it: only
 * that process may overwrite or delete it (while it lives). Keys under "service."
 * are written by RS alone: `service.<name>` holds the endpoint of a system service.
 *
 * A subscriber is notified (notify from DS_PROC_NR) when a key matching one of its
 * patterns is set or deleted; it then calls CHECK until ENOENT to fetch the changes
 * in order. Each subscriber has its own bounded queue; changes that did not fit are
 * counted in `lost` of the next change it fetches.
 */
import { DS_BASE } from "./com.js";

export const DS = {
  /** {key, value}: create or update. EPERM: owned by another live process. ENOSPC: store full. */
  PUBLISH: DS_BASE + 1,
  /** {key} -> {value}. ENOENT: no such key. */
  RETRIEVE: DS_BASE + 2,
  /** {key}. ENOENT, EPERM as for PUBLISH. */
  DELETE: DS_BASE + 3,
  /**
   * {pattern, initial}: pattern is an exact key or a prefix ending in "*". With
   * `initial`, every key already matching is queued as a "set" change at once.
   * ENOSPC: too many subscriptions.
   */
  SUBSCRIBE: DS_BASE + 4,
  /** {} -> {key, value, event: "set" | "delete", lost}: the next change; ENOENT when none is pending. */
  CHECK: DS_BASE + 5,
} as const;

export const DS_KEY_MAX = 128;
/** Pending changes kept per subscriber. */
export const DS_QUEUE_LIMIT = 64;
/** Keys the store holds at most. */
export const DS_MAX_ENTRIES = 1024;
/** Patterns one process may subscribe to. */
export const DS_MAX_PATTERNS = 16;
/** The key prefix reserved for RS. */
export const DS_SERVICE_PREFIX = "service.";
