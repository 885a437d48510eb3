import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { formatDiagnostic } from "../../instrumenter/analyze/index.js";
import { type BuildReport, buildOs } from "../../instrumenter/build/build.js";
import { EXIT, UsageError } from "../errors.js";

export function buildCommand(): Command {
  return new Command("build")
    .description("instrument an OS tree: code, source maps and state metadata per program (incremental)")
    .argument("<os-dir>", "the OS tree (with boot/programs.ts)")
    .requiredOption("-o, --out <dir>", "build directory (created; reused programs are not analysed again)")
    .option("--force", "rebuild every program")
    .option("--json", "print one JSON report object on stdout")
    .action((osDir: string, o: { out: string; force?: boolean; json?: boolean }) => {
      const report = buildOrExplain(osDir, o.out, !!o.force);
      if (o.json) process.stdout.write(JSON.stringify(report) + "\n");
      else if (report.ok) process.stdout.write(formatBuildReport(report));
    });
}

/**
 * Build `osDir` into `outDir`, for `build` and `boot --build instrumented`. Bad input is a
 * UsageError; diagnostics go to stderr, every one, and set exit code 1.
 */
export function buildOrExplain(osDir: string, outDir: string, force = false): BuildReport {
  if (!fs.existsSync(path.join(osDir, "boot", "programs.ts"))) {
    throw new UsageError(`no OS tree at '${osDir}' (expected ${path.join(osDir, "boot", "programs.ts")})`);
  }
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new UsageError(`'${outDir}' is not a directory`);
  const report = buildOs(osDir, outDir, { force });
  if (!report.ok) {
    for (const d of report.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`proteos: build failed with ${report.diagnostics.length} error(s); ${outDir} was not changed\n`);
    process.exitCode = EXIT.FAILED;
  }
  return report;
}

function formatBuildReport(r: BuildReport): string {
  const lines = ["program      modules  build     metadata bytes"];
  for (const p of r.programs) {
    lines.push(`${p.name.padEnd(12)} ${String(p.modules).padStart(7)}  ${(p.reused ? "reused" : "rebuilt").padEnd(8)} ${String(p.metadataBytes).padStart(15)}`);
  }
  lines.push("", `${r.rebuilt.length} rebuilt, ${r.reused.length} reused, ${r.modulesWritten.length} module(s) written ` +
    `in ${Math.round(r.timings.totalMs)} ms -> ${r.outDir}`);
  return lines.join("\n") + "\n";
}
