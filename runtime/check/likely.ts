/**
 * Likely invariants: properties of a program's state that held in every profiling run
 * of the workloads (Daikon's idea, at the abstract locations of ./locations.ts), checked
 * on transferred state as a warning or as a reason to roll back.
 *
 * A likely invariant is only worth checking if a healthy update never breaks it. The
 * state of a running system drifts (clocks, counters, the next pid, how many files are
 * open, the size of a directory), so a range learned from what happened to be seen
 * fails the first update made later or under a heavier load; and what never changed
 * in the runs (a configured constant) is set by the new version's code, which may
 * change it. The profile keeps only what does not drift:
 *
 *   - nothing is learned at a location fewer than MIN_RUNS runs saw;
 *   - notNull / notUndefined: no run ever saw null (undefined) there;
 *   - integer: every number seen there was an integer;
 *   - min: the sign of what was seen, not its extreme: 1 if every number was at least 1
 *     (a reference count, a pid), else 0 if none was negative, else -1 if none was below
 *     -1 (a sentinel), else unbounded. No upper bound is learned;
 *   - oneOf (strings): at a location every run saw, a vocabulary of 2 to MAX_VALUES
 *     strings, each seen by every run (the names of the services RS manages). One string
 *     seen everywhere says nothing about the others the field may hold (every cwd was
 *     "/"), and neither does a flag that never changed in the runs (the heartbeat alarm
 *     was always set because the workloads kept the system busy): booleans are not
 *     constrained.
 *
 * The extremes seen are kept in the profile as evidence (`observed`); checkLikely with
 * `ranges: "observed"` enforces them too, for a check against the very workload and
 * seed that were profiled (a deterministic test), where they cannot drift.
 */
import type { ProcessView } from "../process-view.js";
import { formatPath } from "../state/path.js";
import { describeValue, kindOf, type ValueKind } from "../state/values.js";
import { walkLocations } from "./locations.js";
import { type LikelyProfile, type LocationProfile, PROFILE_SCHEMA_VERSION } from "./profile.js";

/** Runs that must have seen a location before anything is learned there. */
export const MIN_RUNS = 2;
/** More distinct strings than this at a location: any string is allowed. */
export const MAX_VALUES = 16;

class LocationStats {
  samples = 0;
  readonly kinds = new Set<ValueKind>();
  /** Runs that saw the location. */
  readonly runs = new Set<number>();
  /** Over the finite numbers seen. */
  min = Infinity;
  max = -Infinity;
  integer = true;
  /** A non-finite number (NaN, ±Infinity) was seen: no range. */
  finite = true;
  /** String -> the runs that saw it; "many" past MAX_VALUES. */
  strings: Map<string, Set<number>> | "many" = new Map();
  readonly booleans = new Set<boolean>();

  observe(value: unknown, run: number): void {
    this.samples++;
    this.runs.add(run);
    const kind = kindOf(value);
    this.kinds.add(kind);
    if (kind === "number") this.observeNumber(value as number);
    else if (kind === "boolean") this.booleans.add(value as boolean);
    else if (kind === "string" && this.strings !== "many") {
      let runs = this.strings.get(value as string);
      if (!runs) {
        if (this.strings.size === MAX_VALUES) {
          this.strings = "many";
          return;
        }
        this.strings.set(value as string, runs = new Set());
      }
      runs.add(run);
    }
  }

  private observeNumber(n: number): void {
    if (!Number.isFinite(n)) {
      this.finite = false;
      return;
    }
    if (!Number.isInteger(n)) this.integer = false;
    this.min = Math.min(this.min, n);
    this.max = Math.max(this.max, n);
  }

  /** The invariants every run agrees on (see the top of this file); `totalRuns` profiled in all. */
  profile(totalRuns: number): LocationProfile {
    const runs = this.runs.size;
    const trusted = runs >= MIN_RUNS;
    const everywhere = trusted && runs === totalRuns;
    const observed = this.min <= this.max ? { min: this.min, max: this.max } : null;
    const ranged = trusted && observed !== null && this.finite;
    return {
      runs,
      samples: this.samples,
      kinds: [...this.kinds].sort(),
      observed,
      values: this.valuesSeen(),
      check: {
        notNull: trusted && !this.kinds.has("null"),
        notUndefined: trusted && !this.kinds.has("undefined"),
        min: ranged ? signFloor(observed.min) : null,
        integer: ranged && this.integer,
        oneOf: everywhere ? this.vocabulary(runs) : null,
      },
    };
  }

  /** The strings and booleans seen (evidence, not all checked: see the top). */
  private valuesSeen(): Array<string | boolean> | "many" | null {
    if (this.strings === "many") return "many";
    const seen = [...[...this.booleans].sort(), ...[...this.strings.keys()].sort()];
    return seen.length > 0 ? seen : null;
  }

  /** The strings seen, if they are a vocabulary every run saw all of (see the top). */
  private vocabulary(runs: number): string[] | null {
    if (this.strings === "many" || this.strings.size < 2) return null;
    if (![...this.strings.values()].every((r) => r.size === runs)) return null;
    return [...this.strings.keys()].sort();
  }
}

/** The bound of the sign of the smallest number seen: 1, 0, -1, or none. */
function signFloor(min: number): number | null {
  if (min >= 1) return 1;
  if (min >= 0) return 0;
  return min >= -1 ? -1 : null;
}

/**
 * Accumulates samples of one program's state over profiling runs:
 *
 *   const profiler = new Profiler("vfs");
 *   profiler.beginRun("mixed", 1);
 *   every N ticks: profiler.sample(view);
 *   writeProfile(dir, profiler.profile());
 */
export class Profiler {
  private readonly stats = new Map<string, LocationStats>();
  private readonly runs: LikelyProfile["runs"] = [];

  constructor(readonly program: string) {}

  /** Start a run (a workload with a seed): invariants are kept only where the runs agree. */
  beginRun(workload: string, seed: number): void {
    this.runs.push({ workload, seed, samples: 0 });
  }

  sample(view: ProcessView): void {
    if (view.program !== this.program) throw new Error(`profiler of ${this.program} sampled ${view.program}`);
    const run = this.runs.length - 1;
    if (run < 0) throw new Error("Profiler.sample before beginRun");
    this.runs[run]!.samples++;
    walkLocations(view, (location, _path, value) => {
      let s = this.stats.get(location);
      if (!s) this.stats.set(location, s = new LocationStats());
      s.observe(value, run);
    });
  }

  profile(): LikelyProfile {
    const locations: Record<string, LocationProfile> = {};
    for (const [location, s] of this.stats) locations[location] = s.profile(this.runs.length);
    return { schemaVersion: PROFILE_SCHEMA_VERSION, program: this.program, runs: this.runs.map((r) => ({ ...r })), locations };
  }
}

export type LikelyMode = "warn" | "fail";

export interface LikelyViolation {
  /** Where the value is, e.g. "servers/vfs/state.ts#vfs.vnodes[3].refCount". */
  path: string;
  /** The abstract location whose invariant it breaks, e.g. "servers/vfs/state.ts#vfs.vnodes[].refCount". */
  location: string;
  severity: "warning" | "error";
  expected: string;
  found: string;
}

export interface LikelyReport {
  /** No violation of severity "error" (always true in "warn" mode). */
  ok: boolean;
  violations: LikelyViolation[];
  /** Values that met a location of the profile. */
  valuesChecked: number;
}

export function formatLikelyViolation(v: LikelyViolation): string {
  return `${v.severity}: ${v.path}: expected ${v.expected}, found ${v.found} (likely invariant of ${v.location})`;
}

export interface LikelyOptions {
  /** Stop after this many violations (default 100). */
  limit?: number;
  /**
   * "learned" (default): the profile's `check`. "observed": also every number within the
   * extremes the runs saw, for state of exactly the workload and seed profiled.
   */
  ranges?: "learned" | "observed";
}

/** Check a process's state against its program's profile. */
export function checkLikely(view: ProcessView, profile: LikelyProfile, mode: LikelyMode, opts: LikelyOptions = {}): LikelyReport {
  if (profile.program !== view.program) throw new Error(`likely invariants of ${profile.program} checked on ${view.program}`);
  const limit = opts.limit ?? 100;
  const severity = mode === "fail" ? "error" : "warning";
  const violations: LikelyViolation[] = [];
  let valuesChecked = 0;
  walkLocations(view, (location, path, value) => {
    const p = profile.locations[location];
    if (!p || violations.length >= limit) return;
    valuesChecked++;
    const expected = brokenInvariant(p, value, opts.ranges === "observed");
    if (expected !== undefined) {
      violations.push({ path: formatPath(path), location, severity, expected, found: describeValue(value, (v) => view.rt.typeOf(v)) });
    }
  });
  return { ok: mode === "warn" || violations.length === 0, violations, valuesChecked };
}

/** What the value should have been, if it breaks an invariant of its location. */
function brokenInvariant({ check, observed }: LocationProfile, value: unknown, withObserved: boolean): string | undefined {
  switch (kindOf(value)) {
    case "null": return check.notNull ? "never null" : undefined;
    case "undefined": return check.notUndefined ? "never undefined" : undefined;
    case "number": {
      const n = value as number;
      if (check.integer && !Number.isInteger(n)) return "an integer";
      if (check.min !== null && !(n >= check.min)) return `>= ${check.min}`;
      if (withObserved && observed && !(n >= observed.min && n <= observed.max)) return `within ${observed.min}..${observed.max} (observed)`;
      return undefined;
    }
    case "string":
      return check.oneOf && !check.oneOf.includes(value as string)
        ? `one of ${check.oneOf.map((v) => JSON.stringify(v)).join(", ")}` : undefined;
    default:
      return undefined;
  }
}
