/**
 * `proteos check-update`: the CI gate "can this change be applied live?". Makes the
 * update package from one revision to the other (as `proteos diff --git` does), boots
 * the old revision's instrumented build under the `mixed` workload, applies the package
 * live at a virtual tick in the middle of the run, and runs the workload to its end.
 * Passes only if the update commits, the workload reports zero errors and the checks
 * raised no warning, and the package neither adds nor removes a system service (a live
 * update cannot start or stop one: only a boot of the new version would).
 */
import { Command } from "commander";
import type { BuildImage } from "../../instrumenter/build/image.js";
import { LiveSystem } from "../../runtime/live-system.js";
import { loadProgram } from "../../runtime/load.js";
import { PackageError, type PackageManifest, type UpdatePackage } from "../../runtime/package/format.js";
import { diffVersions } from "../../runtime/package/diff.js";
import { BadVersionError, DEFAULT_CACHE_DIR, prepareSide, type SourceOptions } from "../../runtime/package/sources.js";
import { EXIT, UsageError, intOption } from "../errors.js";
import { summarize, type UpdateSummary } from "../summary.js";
import { runScheduled } from "../scheduled-updates.js";

/** `mixed` under seed 1 runs ~1,400 ticks: by default the update comes in the thick of it. */
const DEFAULT_AT = 600;
const WORKLOAD = "mixed";

interface CheckOptions { from: string; to: string; repo?: string; osPath: string; seed: string; at: string; cacheDir: string; json?: boolean }

interface CheckResult {
  ok: boolean;
  from: string;
  to: string;
  /** Why the gate failed, one line each (none when it passed). */
  problems: string[];
  package: { digest: string; components: string[]; groups: string[][]; added: string[]; removed: string[] } | null;
  update: UpdateSummary | null;
  workload: { ops: number | null; errors: number | null } | null;
}

export function checkUpdateCommand(): Command {
  return new Command("check-update")
    .description("CI gate: make the package from one git revision to another, apply it live to the old one running "
      + `\`${WORKLOAD}\`, and pass only if it commits with no workload error and clean checks`)
    .requiredOption("--from <rev>", "the revision deployed (the package's base)")
    .requiredOption("--to <rev>", "the revision to update to")
    .option("--repo <dir>", "a directory in the git repository (default: the current directory)")
    .option("--os-path <path>", "where the OS tree is in the repository", "os")
    .option("--seed <n>", "seed of the machine", "1")
    .option("--at <tick>", "virtual tick at which the package is applied", String(DEFAULT_AT))
    .option("--cache-dir <dir>", "where exported trees and builds are kept between runs", DEFAULT_CACHE_DIR)
    .option("--json", "print one JSON object on stdout")
    .action(async (o: CheckOptions) => {
      const seed = intOption("--seed", o.seed)!;
      const at = intOption("--at", o.at)!;
      const sources: SourceOptions = { git: true, repo: o.repo, osPath: o.osPath, cacheDir: o.cacheDir };
      const result: CheckResult = { ok: false, from: o.from, to: o.to, problems: [], package: null, update: null, workload: null };
      let made: { text: string; pkg: UpdatePackage } | undefined;
      try {
        made = diffVersions(o.from, o.to, sources);
      } catch (err) {
        if (err instanceof BadVersionError) throw new UsageError(err.message);
        if (!(err instanceof PackageError)) throw err;
        result.problems.push(`no package: ${err.message}`);
      }
      if (made) {
        const m = made.pkg.manifest;
        const base = prepareSide(o.from, sources).build;
        result.package = { digest: made.pkg.digest, components: m.components.map((c) => c.program), groups: m.groups,
          added: m.added, removed: m.removed };
        result.problems.push(...serviceProblems(m, bootServices(base), bootServices(prepareSide(o.to, sources).build)));
        if (m.components.length > 0) await check(made.text, base, seed, at, result);
      }
      result.ok = result.problems.length === 0;
      process.stdout.write(o.json ? `${JSON.stringify(result)}\n` : formatResult(result));
      process.exitCode = result.ok ? EXIT.OK : EXIT.FAILED;
    });
}

/**
 * The programs a version boots as system services: BOOT_SERVICES of its
 * include/services.ts, read from the version's RS (which loads it to restart services)
 * in a realm of its own.
 */
export function bootServices(build: BuildImage): string[] {
  const services = loadProgram(build, "rs").realm.require("include/services.ts") as { BOOT_SERVICES: ReadonlyArray<{ program: string }> };
  return services.BOOT_SERVICES.map((s) => s.program);
}

/** A package that adds or removes a program the base or the target runs as a service cannot make the update live. */
export function serviceProblems(m: Pick<PackageManifest, "added" | "removed">, baseServices: readonly string[],
  targetServices: readonly string[]): string[] {
  return [
    ...m.added.filter((p) => targetServices.includes(p))
      .map((p) => `${p} is a new system service: the package does not carry it, and a live update cannot start it (boot the new version)`),
    ...m.removed.filter((p) => baseServices.includes(p))
      .map((p) => `${p} is a system service the new version removes: a live update cannot stop it (boot the new version)`),
  ];
}

/** Boot the base under the workload, apply the package at `at`, run to the end; record what went wrong. */
async function check(text: string, base: BuildImage, seed: number, at: number, result: CheckResult): Promise<void> {
  const live = new LiveSystem({ seed, initArgv: [WORKLOAD], image: base });
  const started = performance.now();
  live.system.boot();
  const run = await runScheduled(live.system, live, { updates: [{ package: `${result.from}..${result.to}`, text, tick: at }] });
  live.system.machine.powerOff();
  const summary = summarize(live.system, WORKLOAD, run.end, performance.now() - started);
  const update = run.updates[0]!;
  result.update = update;
  result.workload = { ops: summary.workloadOps, errors: summary.workloadErrors };
  if (update.outcome !== "committed") result.problems.push(`the update ${update.outcome === "rejected" ? "was rejected" : "rolled back"}: ${update.reason}`);
  for (const w of update.warnings) result.problems.push(`check warning: ${w}`);
  if (summary.workloadOps === null) result.problems.push(`the workload ${WORKLOAD} did not finish (the run ended: ${run.end})`);
  else if (summary.workloadErrors !== 0) result.problems.push(`the workload ${WORKLOAD} reported ${summary.workloadErrors} error(s)`);
}

function formatResult(r: CheckResult): string {
  const lines = [`check-update ${r.from} -> ${r.to}: ${r.ok ? "ok" : "FAILED"}`];
  if (r.package) {
    lines.push(r.package.components.length === 0 ? "  package: no program changed, nothing to update"
      : `  package ${r.package.digest.slice(0, 12)}: ${r.package.components.join(", ")}`
        + (r.package.groups.length > 0 ? `; together: ${r.package.groups.map((g) => g.join("+")).join(", ")}` : ""));
    if (r.package.added.length > 0) lines.push(`  added (not in the package): ${r.package.added.join(", ")}`);
    if (r.package.removed.length > 0) lines.push(`  removed (not in the package): ${r.package.removed.join(", ")}`);
  }
  const u = r.update;
  if (u) {
    lines.push(`  update at tick ${u.tick}: ${u.outcome}${u.components.length > 0 ? ` (${u.components.join(", ")})` : ""}`);
    if (u.phases.length > 0) lines.push(`  phases (ticks): ${u.phases.map((p) => `${p.phase} ${p.ticks}`).join(", ")}`);
  }
  if (r.workload) lines.push(`  workload ${WORKLOAD}: ops=${r.workload.ops ?? "none reported"} errors=${r.workload.errors}`);
  for (const p of r.problems) lines.push(`  problem: ${p.replaceAll("\n", "\n    ")}`);
  return `${lines.join("\n")}\n`;
}
