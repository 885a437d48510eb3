import type { System } from "../os/boot/system.js";
import type { RunEnd } from "../os/kernel/kernel.js";
import type { Outcome, PhaseReport } from "../runtime/update/report.js";

export interface ServerStats {
  name: string;
  endpoint: number;
  alive: boolean;
  /** Messages delivered to it (requests, replies, notifications). */
  messages: number;
  /** Requests (sendrec calls) it was asked to serve. */
  calls: number;
  kernelCalls: number;
}

export interface BootSummary {
  end: RunEnd;
  /** Exit status init halted the machine with (null if it did not halt). */
  haltStatus: number | null;
  uptimeTicks: number;
  wallMs: number;
  seed: number;
  image: string;
  workload: string | null;
  workloadOps: number | null;
  workloadErrors: number | null;
  traceHash: string;
  traceEvents: number;
  traps: number;
  servers: ServerStats[];
  mountError: string | null;
  /** With `--update PACKAGE@TICK`: what became of each package applied during the run. */
  updates?: UpdateSummary[];
}

/** One update package applied at a chosen virtual time (`proteos boot --update`). */
export interface UpdateSummary {
  package: string;
  /** The tick it was to be applied at. */
  tick: number;
  outcome: Outcome;
  reason: string;
  /** The services it updated (asked for: rolled back or committed). */
  components: string[];
  phases: PhaseReport[];
  /** What the checks warned about (likely invariants broken, in warn mode), "service: warning". */
  warnings: string[];
}

/** The facts of one run, from the kernel's accounting and the workload's report on the console. */
export function summarize(sys: System, workload: string | undefined, end: RunEnd, wallMs: number): BootSummary {
  const k = sys.kernel;
  const servers: ServerStats[] = [];
  for (const p of k.procs) {
    if (!p || !p.priv.system) continue;
    servers.push({ name: p.name, endpoint: p.endpoint, alive: p.alive, messages: p.stats.received,
      calls: p.stats.requests, kernelCalls: p.stats.kcalls });
  }
  const out = sys.consoleOutput;
  const report = workload ? workloadReport(out, workload) : undefined;
  const mount = /cannot mount root file system: (.*)/.exec(out);
  return {
    end,
    haltStatus: k.halted?.status ?? null,
    uptimeTicks: sys.machine.clock.now,
    wallMs: Math.round(wallMs),
    seed: sys.machine.config.seed,
    image: k.image.kind,
    workload: workload ?? null,
    workloadOps: report?.ops ?? null,
    // A workload that never reported counts as failed: errors are never hidden.
    workloadErrors: workload ? report?.errors ?? 1 : null,
    traceHash: k.trace.hash,
    traceEvents: k.trace.events,
    traps: k.traps,
    servers,
    mountError: mount ? `cannot mount root file system: ${mount[1]}` : null,
  };
}

/** The last `workload <name>: ops=N errors=E` line a workload printed. */
export function workloadReport(console: string, name: string): { ops: number; errors: number } | undefined {
  const re = new RegExp(`^workload ${name.replace(/[^a-z0-9-]/gi, "")}: ops=(\\d+) errors=(\\d+)$`, "gm");
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(console); m; m = re.exec(console)) last = m;
  return last ? { ops: Number(last[1]), errors: Number(last[2]) } : undefined;
}

export function formatSummary(s: BootSummary): string {
  const lines = [
    "",
    `run ended: ${s.end}${s.haltStatus !== null ? ` (halt status ${s.haltStatus})` : ""}`,
    `virtual uptime: ${s.uptimeTicks} ticks   wall: ${s.wallMs} ms   seed: ${s.seed}   image: ${s.image}`,
    `trace: ${s.traceEvents} events, hash ${s.traceHash}`,
  ];
  if (s.workload) {
    lines.push(`workload ${s.workload}: ops=${s.workloadOps ?? "none reported"} errors=${s.workloadErrors}`);
  }
  for (const u of s.updates ?? []) {
    lines.push(`update ${u.package} at tick ${u.tick}: ${u.outcome}${u.components.length > 0 ? ` (${u.components.join(", ")})` : ""}`
      + (u.reason ? `: ${u.reason}` : ""));
    if (u.phases.length > 0) lines.push(`  phases (ticks): ${u.phases.map((p) => `${p.phase} ${p.ticks}`).join(", ")}`);
    for (const w of u.warnings) lines.push(`  warning: ${w}`);
  }
  lines.push("", "server      endpoint  messages     calls  kernel calls  alive");
  for (const v of s.servers) {
    lines.push(`${v.name.padEnd(10)} ${String(v.endpoint).padStart(9)} ${String(v.messages).padStart(9)} ` +
      `${String(v.calls).padStart(9)} ${String(v.kernelCalls).padStart(13)}  ${v.alive ? "yes" : "no"}`);
  }
  return lines.join("\n") + "\n";
}
