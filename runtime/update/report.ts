/**
 * What every update returns: each phase with its duration in virtual ticks and wall
 * milliseconds, what was transferred and checked, the outcome and, on failure, why.
 */
export type Outcome = "committed" | "rolled-back" | "rejected";
export type PhaseName = "request" | "quiescence" | "load" | "transfer" | "checks" | "commit" | "rollback";

export interface PhaseReport {
  phase: PhaseName;
  ticks: number;
  ms: number;
}

export interface ComponentReport {
  name: string;
  program: string;
  /** Labels of the version it ran and of the one it was asked to run. */
  from: string;
  to: string;
  objects: number;
  bytes: number;
  typesTransformed: string[];
  checksRun: number;
  warnings: string[];
  /**
   * With `digest` in the request: deep hashes of the old state at quiescence and of the
   * state the endpoint is served with afterwards: the new state when committed (both
   * without @transient variables, which a new version initializes), the old state again
   * after a rollback (all of it: it must not have changed at all).
   */
  digest?: { before: string; after: string };
}

export interface UpdateReport {
  id: number;
  outcome: Outcome;
  /** Why it did not commit; empty when it did. */
  reason: string;
  /** The phase that failed, if one did. */
  failedPhase: PhaseName | null;
  /** Virtual time the request arrived and the update ended. */
  requestedAt: number;
  endedAt: number;
  phases: PhaseReport[];
  components: ComponentReport[];
  objects: number;
  bytes: number;
  typesTransformed: number;
  checksRun: number;
  /** Ticks from quiescence reached to serving again (load, transfer, checks, commit). */
  downtimeTicks: number;
  downtimeMs: number;
  /** When the new versions came from an update package (runtime/package/apply.ts). */
  package?: PackageNote;
}

export interface PackageNote {
  /** The version staged from it: "<target label>@<digest prefix>". */
  version: string;
  /** Labels of the OS versions it takes the system from and to. */
  base: string;
  target: string;
  /** Programs it says must be updated together (a changed module they share). */
  groups: string[][];
  /** Its programs no service runs: installed for new execs by this update (when it committed). */
  installed: string[];
}

/** The report of an update that moved no component: one refused at once, or a package of programs no service runs. */
export function reportWithoutComponents(id: number, outcome: Outcome, reason: string, requestedAt: number, endedAt: number): UpdateReport {
  return {
    id, outcome, reason, failedPhase: outcome === "rejected" ? "request" : null, requestedAt, endedAt,
    phases: [], components: [], objects: 0, bytes: 0, typesTransformed: 0, checksRun: 0, downtimeTicks: 0, downtimeMs: 0,
  };
}

/** Times the phases of one update on both clocks. */
export class PhaseClock {
  readonly phases: PhaseReport[] = [];
  private current: { phase: PhaseName; tick: number; ms: number } | null = null;

  constructor(private now: () => number) {}

  /** End the running phase (if any) and start `phase`. */
  begin(phase: PhaseName): void {
    this.end();
    this.current = { phase, tick: this.now(), ms: performance.now() };
  }

  end(): void {
    const c = this.current;
    if (!c) return;
    this.phases.push({ phase: c.phase, ticks: this.now() - c.tick, ms: round(performance.now() - c.ms) });
    this.current = null;
  }

  /** The phase running now. */
  get running(): PhaseName | null {
    return this.current?.phase ?? null;
  }

  total(names: readonly PhaseName[]): { ticks: number; ms: number } {
    let ticks = 0;
    let ms = 0;
    for (const p of this.phases) if (names.includes(p.phase)) { ticks += p.ticks; ms += p.ms; }
    return { ticks, ms: round(ms) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A report as a few lines for a person. */
export function formatReport(r: UpdateReport): string {
  const names = r.components.map((c) => `${c.name} ${c.from} -> ${c.to}`).join(", ") || "(none)";
  const lines = [`update ${r.id} of ${names}: ${r.outcome}${r.reason ? `: ${r.reason}` : ""}`];
  const p = r.package;
  if (p) {
    lines.push(`  package ${p.version} (${p.base} -> ${p.target})`
      + (p.groups.length > 0 ? `, updated together: ${p.groups.map((g) => g.join("+")).join(", ")}` : ""));
    if (p.installed.length > 0) lines.push(`  installed for new execs: ${p.installed.join(", ")}`);
  }
  for (const ph of r.phases) lines.push(`  ${ph.phase.padEnd(10)} ${String(ph.ticks).padStart(6)} ticks ${ph.ms.toFixed(3).padStart(10)} ms`);
  if (r.outcome !== "rejected") {
    lines.push(`  transferred ${r.objects} objects (${r.bytes} bytes), ${r.typesTransformed} types transformed, ${r.checksRun} checks`);
    lines.push(`  downtime ${r.downtimeTicks} ticks, ${r.downtimeMs.toFixed(3)} ms`);
  }
  for (const c of r.components) for (const w of c.warnings) lines.push(`  warning (${c.name}): ${w}`);
  return lines.join("\n");
}
