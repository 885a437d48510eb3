/**
 * npm run profile:invariants -- [--out fixtures/invariants] [--seeds 1,2,3] [--every 10]
 *                               [--verify-seed 7] [--build-dir .cache/build]
 *
 * Learn the likely invariants of every server's and driver's state (runtime/check/likely.ts):
 * boot the instrumented OS under each workload (mixed, and fsstress) with each seed,
 * sample the state of every system process every `--every` ticks (the system runs
 * bounded, `run(tick)` after `run(tick)`, until it halts), and write one profile per
 * program to `<out>/<program>.json`.
 *
 * A process is sampled only when it is parked at an update point (the head of its
 * event loop), where an update can find it: not while it boots, nor while its loop
 * waits inside a request of its own (MFS waiting for the disk). Handlers it started
 * may still be in progress, as they may when an update's state filter holds.
 *
 * Then check that the profile is not stricter than healthy state: boot the same
 * workloads with `--verify-seed` (a seed not profiled) and check every process's state
 * in "fail" mode at every sample. Any violation is printed and the exit code is 1.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { buildOs } from "../instrumenter/build/build.js";
import { BuildImage } from "../instrumenter/build/image.js";
import { formatDiagnostic } from "../instrumenter/analyze/index.js";
import { System } from "../os/boot/system.js";
import { BLK_PROC_NR, DS_PROC_NR, MFS_PROC_NR, PM_PROC_NR, RS_PROC_NR, TTY_PROC_NR, VFS_PROC_NR } from "../os/include/com.js";
import { type ProcessView, viewOf } from "../runtime/process-view.js";
import { checkLikely, formatLikelyViolation, Profiler } from "../runtime/check/likely.js";
import { writeProfile } from "../runtime/check/profile.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OS_ROOT = path.join(REPO, "os");
const SLOTS = [PM_PROC_NR, VFS_PROC_NR, RS_PROC_NR, DS_PROC_NR, MFS_PROC_NR, BLK_PROC_NR, TTY_PROC_NR];
const WORKLOADS: Array<{ name: string; argv: string[] }> = [
  { name: "mixed", argv: ["mixed"] },
  { name: "fsstress", argv: ["fsstress", "300", "2"] },
];

function usage(problem: string): never {
  process.stderr.write(`profile-invariants: ${problem}\n` +
    "usage: npm run profile:invariants -- [--out dir] [--seeds 1,2,3] [--every ticks] [--verify-seed n] [--build-dir dir]\n");
  process.exit(2);
}

function positiveInteger(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) usage(`${what} must be a positive integer, not '${text}'`);
  return n;
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        out: { type: "string", default: path.join(REPO, "fixtures", "invariants") },
        seeds: { type: "string", default: "1,2,3" },
        every: { type: "string", default: "10" },
        "verify-seed": { type: "string", default: "7" },
        "build-dir": { type: "string", default: path.join(REPO, ".cache", "build") },
      },
      strict: true,
    }).values;
  } catch (err) {
    usage((err as Error).message);
  }
  const seeds = parsed.seeds.split(",").map((s) => positiveInteger(s.trim(), "each of --seeds"));
  const verifySeed = positiveInteger(parsed["verify-seed"], "--verify-seed");
  if (seeds.includes(verifySeed)) usage(`--verify-seed ${verifySeed} is one of the profiled seeds: verify on a seed not profiled`);
  return { out: parsed.out, seeds, every: positiveInteger(parsed.every, "--every"), verifySeed, buildDir: parsed["build-dir"] };
}

/**
 * Run one workload to its end, calling `sample` every `every` ticks with a view of
 * every live system process parked at an update point (none once the system halted:
 * servers shut down are no state to update).
 */
async function runWorkload(image: BuildImage, argv: string[], seed: number, every: number,
  sample: (view: ProcessView, tick: number) => void): Promise<number> {
  const system = new System({ seed, image, initArgv: argv });
  system.boot();
  try {
    for (let tick = every; await system.run(tick) === "ticks"; tick += every) {
      for (const slot of SLOTS) {
        const proc = system.kernel.procs[slot];
        if (!proc?.alive || !proc.instance) continue;
        const view = viewOf(proc.name, proc.instance.realm, image.metadata(proc.name), image.program(proc.name)!);
        if (view.rt.atUpdatePoint()) sample(view, tick);
      }
    }
    return system.machine.clock.now;
  } finally {
    system.machine.powerOff();
  }
}

async function main(): Promise<void> {
  const opts = options();
  const build = buildOs(OS_ROOT, opts.buildDir);
  if (!build.ok) {
    for (const d of build.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write("profile-invariants: the instrumented build failed\n");
    process.exit(1);
  }
  const image = new BuildImage(opts.buildDir);

  const profilers = new Map<string, Profiler>();
  for (const w of WORKLOADS) {
    for (const seed of opts.seeds) {
      const started = performance.now();
      const begun = new Set<string>();
      const ticks = await runWorkload(image, w.argv, seed, opts.every, (view) => {
        let profiler = profilers.get(view.program);
        if (!profiler) profilers.set(view.program, profiler = new Profiler(view.program));
        if (!begun.has(view.program)) {
          profiler.beginRun(w.name, seed);
          begun.add(view.program);
        }
        profiler.sample(view);
      });
      process.stdout.write(`profiled ${w.name} seed ${seed}: ${ticks} ticks in ${Math.round(performance.now() - started)} ms\n`);
    }
  }

  const profiles = new Map([...profilers].map(([program, p]) => [program, p.profile()]));
  for (const profile of profiles.values()) {
    const locations = Object.values(profile.locations);
    const count = (f: (c: (typeof locations)[number]["check"]) => boolean) => locations.filter((l) => f(l.check)).length;
    const file = writeProfile(opts.out, profile);
    process.stdout.write(`${profile.program.padEnd(4)} ${String(locations.length).padStart(5)} locations: ` +
      `${count((c) => c.notNull)} never null, ${count((c) => c.min !== null)} lower bounds, ` +
      `${count((c) => c.integer)} integer, ${count((c) => c.oneOf !== null)} string vocabularies ` +
      `-> ${path.relative(process.cwd(), file)}\n`);
  }

  let violations = 0;
  let checks = 0;
  for (const w of WORKLOADS) {
    await runWorkload(image, w.argv, opts.verifySeed, opts.every, (view, tick) => {
      const report = checkLikely(view, profiles.get(view.program)!, "fail");
      checks++;
      for (const v of report.violations) {
        violations++;
        process.stdout.write(`verify ${w.name} seed ${opts.verifySeed} tick ${tick}: ${formatLikelyViolation(v)}\n`);
      }
    });
  }
  process.stdout.write(`verified on seed ${opts.verifySeed}: ${checks} state checks in "fail" mode, ${violations} violation(s)\n`);
  if (violations > 0) process.exitCode = 1;
}

await main();
