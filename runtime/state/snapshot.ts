/**
 * A state snapshot: the canonical form of a process's state (./stream.ts) kept token by
 * token with where each came from, to tell where two states part when their hashes
 * differ (a test's failure message, a failed identity update's report).
 */
import type { ProcessView } from "../process-view.js";
import { formatPath } from "./path.js";
import { type StreamOptions, streamState } from "./stream.js";

export interface SnapshotEntry {
  /** e.g. "servers/vfs/state.ts#vfs.vnodes[3].size" */
  path: string;
  token: string;
}

export type StateSnapshot = readonly SnapshotEntry[];

export function stateSnapshot(view: ProcessView, opts: StreamOptions = {}): StateSnapshot {
  const entries: SnapshotEntry[] = [];
  streamState(view, (token, path) => entries.push({ path: formatPath(path), token }), opts);
  return entries;
}

export interface StateDifference {
  /** The path of the first token that differs (of `a`'s when both have one there). */
  path: string;
  /** The tokens there; undefined when that state ended first. */
  a: string | undefined;
  b: string | undefined;
}

/** Where two snapshots first differ, or undefined if they are alike. */
export function firstDifference(a: StateSnapshot, b: StateSnapshot): StateDifference | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x?.path !== y?.path || x?.token !== y?.token) return { path: (x ?? y)!.path, a: x?.token, b: y?.token };
  }
  return undefined;
}

/** "servers/vfs/state.ts#vfs.nextDeviceRequest: n3 != n4", tokens cut to a readable length. */
export function formatDifference(d: StateDifference): string {
  const cut = (t: string | undefined) => (t === undefined ? "(end)" : t.length > 80 ? `${t.slice(0, 80)}…` : t);
  return `${d.path}: ${cut(d.a)} != ${cut(d.b)}`;
}
