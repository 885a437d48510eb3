/**
 * `proteos boot --update PACKAGE@TICK` (and `check-update`): update packages applied
 * when virtual time reaches chosen ticks, so that a run with updates replays exactly.
 */
import type { System } from "../os/boot/system.js";
import type { RunEnd } from "../os/kernel/kernel.js";
import type { LiveSystem } from "../runtime/live-system.js";
import type { UpdateReport } from "../runtime/update/report.js";
import { UsageError, intOption } from "./errors.js";
import { readPackageFile } from "./options.js";
import type { UpdateSummary } from "./summary.js";

/** An update package to apply at a virtual time. */
export interface ScheduledUpdate {
  /** The file, as given. */
  package: string;
  text: string;
  tick: number;
}

/** `--update PACKAGE@TICK`: the file is read now, so a missing one is bad input before boot. */
export function scheduledUpdate(spec: string): ScheduledUpdate {
  const at = spec.lastIndexOf("@");
  if (at <= 0) throw new UsageError(`--update expects PACKAGE@TICK, got '${spec}'`);
  const file = spec.slice(0, at);
  const tick = intOption("--update tick", spec.slice(at + 1))!;
  return { package: file, text: readPackageFile(file, "--update"), tick };
}

/**
 * Run the system to its end (halted, idle, or `ticks`), applying each scheduled update
 * package when virtual time reaches its tick; with `slice`, the run stops that often
 * (see CONTROL_SLICE_TICKS). Returns how the run ended and what became of each update:
 * one the run never reached was rejected, one still under way when it ended did not
 * commit (the old versions ran on).
 */
export async function runScheduled(sys: System, live: LiveSystem | undefined, opts: {
  ticks?: number; updates: readonly ScheduledUpdate[]; slice?: number; idleWait?: () => Promise<boolean>;
}): Promise<{ end: RunEnd; updates: UpdateSummary[] }> {
  const clock = sys.machine.clock;
  const limit = opts.ticks ?? Infinity;
  const todo = [...opts.updates].sort((a, b) => a.tick - b.tick);
  const applied: Array<{ update: ScheduledUpdate; report?: UpdateReport }> = [];
  let end: RunEnd;
  for (;;) {
    const stop = Math.min(limit, todo[0]?.tick ?? Infinity, opts.slice === undefined ? Infinity : clock.now + opts.slice);
    end = await sys.run(stop === Infinity ? undefined : stop, opts.idleWait);
    if (end !== "ticks") break;
    // Updates due at the limit are applied too, before the run stops: one that takes
    // no time (refused, or installing only) ends there; any other is cut by the stop.
    while (todo.length > 0 && todo[0]!.tick <= clock.now) {
      const entry: (typeof applied)[number] = { update: todo.shift()! };
      applied.push(entry);
      void live!.applyPackage(entry.update.text).then((r) => {
        entry.report = r;
      });
    }
    if (clock.now >= limit) break;
  }
  await new Promise((r) => setImmediate(r)); // reports of packages refused at once
  const ended = `the run ended (${end}) at tick ${clock.now}`;
  const updates: UpdateSummary[] = applied.map(({ update, report }) => ({
    package: update.package, tick: update.tick,
    ...(report
      ? {
        outcome: report.outcome, reason: report.reason, components: report.components.map((c) => c.name), phases: report.phases,
        warnings: report.components.flatMap((c) => c.warnings.map((w) => `${c.name}: ${w}`)),
      }
      : { outcome: "rolled-back" as const, reason: `${ended} before the update did: nothing was committed`, components: [], phases: [], warnings: [] }),
  }));
  for (const update of todo) {
    updates.push({ package: update.package, tick: update.tick, outcome: "rejected", reason: `${ended}, before tick ${update.tick}`,
      components: [], phases: [], warnings: [] });
  }
  return { end, updates };
}
