/**
 * npm run bench:instrument [-- --json] [--runs N] [--single-threaded] [--instructions [--seeds 1,2,3] [--steady]]
 *
 * The cost of instrumentation, measured in this run against the plain build: wall time
 * of the `mixed` workload (same seed, so both runs do exactly the same work: the bench
 * checks the event-trace hashes match), heap the system holds after the run (measured
 * after forced GCs: the npm script runs node with --expose-gc), metadata size per
 * program, and the time of a cold build (fresh build directory) and a warm one (nothing
 * changed) of the whole OS. Each figure is the median of several runs; the run-time
 * ratio is the median of the ratios of rounds (each round runs both builds), printed
 * with the middle half of those ratios (first to third quartile): on a shared machine
 * one reading of wall time is good to a few percent at best, and this says how many.
 * Each round also runs the plain build a second time: its ratio to the first, plain
 * against itself, is what the machine alone makes of a wall-time ratio in this run.
 *
 * Each round also times `mixed` in steady state (./mixed.ts): runs 2 to 4 of a booted
 * system's shell, the servers warm, as an always-on system runs; the from-boot run
 * includes every server's code starting cold, as after a reboot.
 *
 * --single-threaded runs it again under V8's --single-threaded (no concurrent
 * compilation or GC threads): the run-time ratio then counts only the work done on the
 * main thread, separating what instrumented code costs itself from the extra background
 * work (optimizing compiles, concurrent marking) it makes V8 do.
 *
 * --instructions also counts, under valgrind, the instructions one `mixed` run executes
 * on each build (./instructions.ts): every compile and collection included, and the
 * same from run to run whatever the machine's load (about a minute and a half).
 * --seeds 1,2,3 counts a run from each seed and sums them: which functions V8 decides to
 * optimize, and how often, changes with small changes of the code and of the run, by
 * up to about 2% of a run either way; the sum over a few runs moves less.
 * --steady counts the steady-state runs instead of the from-boot one.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildOs, type BuildReport } from "../instrumenter/build/build.js";
import { BuildImage } from "../instrumenter/build/image.js";
import { OS_ROOT, PlainImage } from "../os/boot/plain-image.js";
import type { System } from "../os/boot/system.js";
import type { ImageSource } from "../os/kernel/image.js";
import { countInstructions, valgrindMissing } from "./instructions.js";
import { type MixedMode, runMixed, STEADY_RUNS } from "./mixed.js";
import { median, quantile, timed } from "./stats.js";

const args = process.argv.slice(2);
const singleThreaded = args.includes("--single-threaded");
if (singleThreaded && !process.execArgv.includes("--single-threaded")) {
  const r = spawnSync(process.execPath, ["--expose-gc", "--single-threaded", "--import", "tsx", process.argv[1]!, ...args], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
const json = args.includes("--json");
const runsArg = args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${args[runsArg + 1]}`);
const instructions = args.includes("--instructions");
const countedMode: MixedMode = args.includes("--steady") ? "steady" : "boot";
if (countedMode === "steady" && !instructions) throw new Error("--steady chooses the runs --instructions counts: give --instructions too");
const seedsArg = args.indexOf("--seeds");
const SEEDS = seedsArg >= 0 ? (args[seedsArg + 1] ?? "").split(",").map(Number) : [1];
if (SEEDS.length === 0 || SEEDS.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds: whole numbers separated by commas, got ${args[seedsArg + 1]}`);
if (seedsArg >= 0 && !instructions) throw new Error("--seeds counts instructions: give --instructions too");
const missing = instructions ? valgrindMissing() : undefined;
if (missing) throw new Error(`--instructions: ${missing}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (npm run bench:instrument does)");

function build(outDir: string): { report: BuildReport; ms: number } {
  const { value: report, ms } = timed(() => buildOs(OS_ROOT, outDir));
  if (!report.ok) throw new Error(`the OS does not build: ${report.diagnostics.length} diagnostic(s)`);
  return { report, ms };
}

interface Run {
  ms: number;
  /** Heap the system holds after the run: in use with it alive, minus once it is released. */
  heapBytes: number;
  traceHash: string;
}

/** Heap in use after full collections; realms (vm contexts) are freed by callbacks that need turns of the event loop. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** `mixed` on `image` (see ./mixed.ts), seed 1: the time of what is measured, and the heap held after it. */
async function mixedRun(image: ImageSource, mode: MixedMode): Promise<Run> {
  await settledHeap();
  let t0 = 0;
  let sys: System | undefined = await runMixed(image, 1, mode, async () => {
    t0 = performance.now();
  });
  const ms = performance.now() - t0;
  const traceHash = sys.kernel.trace.hash;
  const alive = await settledHeap();
  sys = undefined;
  return { ms, heapBytes: alive - (await settledHeap()), traceHash };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-bench-"));
try {
  const cold: number[] = [];
  const warm: number[] = [];
  let last: { report: BuildReport; dir: string } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const dir = path.join(scratch, `build-${i}`);
    const c = build(dir);
    cold.push(c.ms);
    const w = build(dir);
    if (w.report.rebuilt.length > 0) throw new Error(`a warm build rebuilt ${w.report.rebuilt.join(", ")}`);
    warm.push(w.ms);
    last = { report: c.report, dir };
  }

  const images: Record<"plain" | "instrumented", ImageSource> = { plain: new PlainImage(), instrumented: new BuildImage(last!.dir) };
  const runs: Record<keyof typeof images, Run[]> = { plain: [], instrumented: [] };
  const steady: Record<keyof typeof images, Run[]> = { plain: [], instrumented: [] };
  /** The plain build again, in the same rounds (from boot): plain against itself. */
  const control: Run[] = [];
  for (const image of Object.values(images)) await mixedRun(image, "boot"); // warm up: transpile, compile, JIT
  for (let i = 0; i < RUNS; i++) {
    // Turn the order round, so that none always runs after another's garbage.
    const slots = ["plain", "instrumented", "control"] as const;
    const order = [...slots.slice(i % 3), ...slots.slice(0, i % 3)];
    for (const slot of order) {
      const run = await mixedRun(images[slot === "control" ? "plain" : slot], "boot");
      (slot === "control" ? control : runs[slot]).push(run);
    }
    for (const kind of order) if (kind !== "control") steady[kind].push(await mixedRun(images[kind], "steady"));
  }
  const traceHashes = (...of: Run[][]) => new Set(of.flat().map((r) => r.traceHash));
  const hashes = traceHashes(runs.plain, runs.instrumented, control);
  const steadyHashes = traceHashes(steady.plain, steady.instrumented);
  if (hashes.size !== 1 || steadyHashes.size !== 1) throw new Error("the builds ran different event traces");

  // Per seed, both counted at once: valgrind runs each on one core.
  const counted: Array<{ seed: number; plain: number; instrumented: number }> = [];
  for (const seed of instructions ? SEEDS : []) {
    const [p, i] = await Promise.all([countInstructions("plain", last!.dir, seed, countedMode),
      countInstructions("instrumented", last!.dir, seed, countedMode)]);
    if (p.traceHash !== i.traceHash || (seed === 1 && p.traceHash !== [...(countedMode === "boot" ? hashes : steadyHashes)][0])) {
      throw new Error(`the counted runs from seed ${seed} ran different event traces`);
    }
    counted.push({ seed, plain: p.instructions, instrumented: i.instructions });
  }
  const sum = (kind: "plain" | "instrumented") => counted.reduce((n, c) => n + c[kind], 0);

  const metadataBytes: Record<string, number> = {};
  for (const p of last!.report.programs) metadataBytes[p.name] = p.metadataBytes;
  metadataBytes.total = last!.report.programs.reduce((n, p) => n + p.metadataBytes, 0);
  const runMs = { plain: median(runs.plain.map((r) => r.ms)), instrumented: median(runs.instrumented.map((r) => r.ms)) };
  const steadyMs = { plain: median(steady.plain.map((r) => r.ms)), instrumented: median(steady.instrumented.map((r) => r.ms)) };
  // The median of each round's ratio: a round runs both builds back to back, so a
  // slow stretch of the machine weighs on both sides of a ratio, not on one median.
  const roundRatios = (of: typeof runs) => of.plain.map((p, i) => of.instrumented[i]!.ms / p.ms);
  const roundRatio = (of: typeof runs) => Number(median(roundRatios(of)).toFixed(3));
  // The middle half of the rounds' ratios: how far one reading of this machine can be trusted.
  const spread = (of: typeof runs) => [0.25, 0.75].map((q) => Number(quantile(roundRatios(of), q).toFixed(3)));
  const itself = { plain: runs.plain, instrumented: control };
  const heapBytes = { plain: median(runs.plain.map((r) => r.heapBytes)), instrumented: median(runs.instrumented.map((r) => r.heapBytes)) };
  const result = {
    runtimeRatio: roundRatio(runs),
    steadyRuntimeRatio: roundRatio(steady),
    runtimeRatioSpread: spread(runs),
    steadyRuntimeRatioSpread: spread(steady),
    controlRatio: roundRatio(itself),
    controlRatioSpread: spread(itself),
    heapRatio: Number((heapBytes.instrumented / heapBytes.plain).toFixed(3)),
    metadataBytes,
    coldBuildMs: Math.round(median(cold)),
    warmBuildMs: Number(median(warm).toFixed(1)),
    runMs: { plain: Math.round(runMs.plain), instrumented: Math.round(runMs.instrumented) },
    steadyRunMs: { plain: Math.round(steadyMs.plain), instrumented: Math.round(steadyMs.instrumented) },
    heapBytes: { plain: Math.round(heapBytes.plain), instrumented: Math.round(heapBytes.instrumented) },
    traceHash: [...hashes][0],
    runs: RUNS,
    singleThreaded,
    ...(instructions && {
      instructionsCounted: countedMode === "boot" ? "mixed from boot" : `mixed runs 2-${1 + STEADY_RUNS} (steady)`,
      instructions: { plain: sum("plain"), instrumented: sum("instrumented") },
      instructionRatio: Number((sum("instrumented") / sum("plain")).toFixed(4)),
      instructionsBySeed: counted.map((c) => ({ ...c, ratio: Number((c.instrumented / c.plain).toFixed(4)) })),
    }),
  };

  if (json) {
    process.stdout.write(JSON.stringify(result) + "\n");
  } else {
    const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
    const rows: Array<[string, string, string, string, string?]> = [
      ["", "plain", "instrumented", "ratio", "middle half of rounds"],
      ["mixed run time, from boot", `${result.runMs.plain} ms`, `${result.runMs.instrumented} ms`, `${result.runtimeRatio}`,
        result.runtimeRatioSpread.join(" - ")],
      [`mixed run time, steady (runs 2-${1 + STEADY_RUNS})`, `${result.steadyRunMs.plain} ms`, `${result.steadyRunMs.instrumented} ms`,
        `${result.steadyRuntimeRatio}`, result.steadyRuntimeRatioSpread.join(" - ")],
      ["plain against itself, from boot", "", "", `${result.controlRatio}`, result.controlRatioSpread.join(" - ")],
      ["heap after mixed", mib(result.heapBytes.plain), mib(result.heapBytes.instrumented), `${result.heapRatio}`],
    ];
    if (result.instructions) {
      const g = (n: number) => `${(n / 1e9).toFixed(3)} G`;
      const runs = SEEDS.length === 1 ? "" : ` (${SEEDS.length} runs)`;
      rows.push([`${countedMode === "boot" ? "from boot" : "steady"}, instructions${runs}`, g(result.instructions.plain), g(result.instructions.instrumented), `${result.instructionRatio}`]);
      if (SEEDS.length > 1) for (const c of result.instructionsBySeed!) rows.push([`  seed ${c.seed}`, g(c.plain), g(c.instrumented), `${c.ratio}`]);
    }
    const v8Mode = singleThreaded ? ", V8 single-threaded: main-thread work only" : "";
    const out = [`proteos-ts instrumentation benchmark (median of ${RUNS} runs${v8Mode}; goal: run time ratio <= 1.05)`, ""];
    const label = Math.max(...rows.map((r) => r[0].length)) + 1;
    for (const r of rows) out.push(`${r[0].padEnd(label)} ${r[1].padStart(10)} ${r[2].padStart(13)} ${r[3].padStart(7)}${r[4] ? `  ${r[4]}` : ""}`.trimEnd());
    if (result.instructions) {
      const which = SEEDS.length === 1 ? "one run each" : `one run each from seeds ${SEEDS.join(", ")}, summed`;
      out.push(`(instructions: ${which}, counted by valgrind under V8's --predictable: compiles and GC on the main thread)`);
    }
    out.push("", `build of the whole OS (${last!.report.programs.length} programs): cold ${result.coldBuildMs} ms, warm ${result.warmBuildMs} ms`,
      "", "metadata.json bytes per program");
    for (const [name, bytes] of Object.entries(metadataBytes)) out.push(`  ${name.padEnd(10)} ${bytes.toLocaleString("en-US").padStart(10)}`);
    process.stdout.write(out.join("\n") + "\n");
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
