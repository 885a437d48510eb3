/**
 * npm run bench:update [-- --json] [--runs N] [--sizes 1000,10000,100000,1000000]
 *
 * Live update, measured in this run:
 *   transfer    state-transfer throughput (objects per second) over a heap of plain
 *               records, against structuredClone of the same heap (V8's native copy,
 *               which transforms nothing): the ratio is ours / structuredClone's;
 *   downtime    from quiescence to serving again, for a server (heapd, fixtures/bench)
 *               holding 1k to 1M objects: it must grow linearly (ms per object flat);
 *   quiescence  time for each server of the OS to reach request-free under `mixed`.
 * Every figure is the median of --runs runs (default 5).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { workloadReport } from "../cli/summary.js";
import { buildOs } from "../instrumenter/build/build.js";
import { BuildImage } from "../instrumenter/build/image.js";
import { OS_ROOT } from "../os/boot/plain-image.js";
import { DS_PROC_NR } from "../os/include/com.js";
import { LiveSystem } from "../runtime/live-system.js";
import { loadProgram } from "../runtime/load.js";
import { planTransfer, transferState } from "../runtime/transfer/index.js";
import { median, timed } from "./stats.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(option("--runs") ?? 5);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${option("--runs")}`);
const SIZES = (option("--sizes") ?? "1000,10000,100000,1000000").split(",").map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 2)) throw new Error(`--sizes: whole numbers of objects, got ${option("--sizes")}`);
/** Objects in the heap both copies are measured on. */
const TRANSFER_OBJECTS = 200_000;
const HEAPD = "user/heapd.ts";
const GROW = 1;

const log = (text: string) => {
  if (!json) process.stderr.write(`${text}\n`);
};

/** The OS with heapd added, instrumented. */
function buildBenchOs(dir: string): BuildImage {
  const root = path.join(dir, "os");
  fs.cpSync(OS_ROOT, root, { recursive: true });
  fs.copyFileSync(path.resolve(OS_ROOT, "../fixtures/bench/heapd.ts"), path.join(root, HEAPD));
  const table = path.join(root, "boot/programs.ts");
  fs.writeFileSync(table, fs.readFileSync(table, "utf8").replace("export const PROGRAMS: Record<string, string> = {",
    `$&\n  heapd: "${HEAPD}",`));
  const report = buildOs(root, path.join(dir, "out"));
  if (!report.ok) throw new Error(`the bench OS does not build: ${report.diagnostics.length} diagnostic(s)`);
  return new BuildImage(path.join(dir, "out"));
}

/** Objects per second of transferState and of structuredClone, copying the same heap. */
function transferThroughput(image: BuildImage): { ours: number; clone: number; objects: number } {
  const old = loadProgram(image, "heapd");
  (old.entryExports.grow as (n: number) => number)(TRANSFER_OBJECTS);
  const plan = planTransfer(old.metadata, old.metadata);
  const heap = old.rt.accessors(HEAPD)!.get.heap!();
  const ours: number[] = [];
  const clone: number[] = [];
  let objects = 0;
  for (let r = 0; r < RUNS; r++) {
    const next = loadProgram(image, "heapd");
    const t = timed(() => transferState(old, next, plan));
    objects = t.value.objects;
    ours.push(objects / (t.ms / 1000));
    const c = timed(() => structuredClone(heap));
    clone.push(objects / (c.ms / 1000));
  }
  return { ours: median(ours), clone: median(clone), objects };
}

/** A system whose DS slot runs heapd, grown to `objects`: the downtime of an identity update of it. */
async function downtime(image: BuildImage, objects: number, seed: number): Promise<{ ms: number; ticks: number; objects: number }> {
  // heapd in DS's slot; init runs the shell, which waits for input: the system stays up.
  const live = new LiveSystem({ seed, image, programs: { ds: "heapd" }, initArgv: ["sh"] });
  live.system.boot();
  await live.runUntil(live.system.kernel.hostCall(DS_PROC_NR, { type: GROW, objects }), 100_000);
  const r = await live.runUntil(live.update({ components: [{ name: "ds" }], maxtime: 1_000_000 }), 2_000_000);
  live.system.machine.powerOff();
  if (r.outcome !== "committed") throw new Error(`update of heapd with ${objects} objects: ${r.outcome}: ${r.reason}`);
  return { ms: r.downtimeMs, ticks: r.downtimeTicks, objects: r.objects };
}

const SERVERS = ["pm", "vfs", "rs", "ds", "mfs", "blk", "tty"];

/** For each server, the time to reach request-free (ms, ticks) when asked at several points of `mixed`. */
async function quiescence(image: BuildImage): Promise<Record<string, { ms: number; ticks: number }>> {
  const out: Record<string, { ms: number; ticks: number }> = {};
  for (const name of SERVERS) {
    const ms: number[] = [];
    const ticks: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const live = new LiveSystem({ seed: 1 + r, initArgv: ["mixed"], image });
      live.system.boot();
      await live.system.run(200 + 150 * r);
      const report = await live.runUntil(live.update({ components: [{ name }] }), 10_000);
      if (report.outcome !== "committed") throw new Error(`identity update of ${name}: ${report.outcome}: ${report.reason}`);
      const q = report.phases.find((p) => p.phase === "quiescence")!;
      ms.push(q.ms);
      ticks.push(q.ticks);
      await live.system.run(1_000_000);
      const w = workloadReport(live.system.consoleOutput, "mixed");
      if (!w || w.errors !== 0) throw new Error(`mixed after updating ${name}: ${JSON.stringify(w)}`);
      live.system.machine.powerOff();
    }
    out[name] = { ms: median(ms), ticks: median(ticks) };
  }
  return out;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-bench-update-"));
try {
  log("building the OS with heapd…");
  const image = buildBenchOs(scratch);
  log(`transfer: ${TRANSFER_OBJECTS} objects, ${RUNS} runs…`);
  const t = transferThroughput(image);
  const down: Record<number, { ms: number; ticks: number; objects: number }> = {};
  for (const size of SIZES) {
    log(`downtime: ${size} objects…`);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await downtime(image, size, 1 + r));
    down[size] = { ms: median(runs.map((x) => x.ms)), ticks: median(runs.map((x) => x.ticks)), objects: median(runs.map((x) => x.objects)) };
  }
  log("quiescence under mixed…");
  const quiet = await quiescence(image);
  const quiescenceMs = median(Object.values(quiet).map((q) => q.ms));
  const result = {
    transferVsStructuredClone: t.ours / t.clone,
    downtimeMs: Object.fromEntries(SIZES.map((s) => [s, down[s]!.ms])),
    quiescenceMs,
  };
  if (json) {
    console.log(JSON.stringify(result));
  } else {
    const rate = (x: number) => `${Math.round(x).toLocaleString("en-US")} objects/s`;
    console.log(`\nstate transfer of ${t.objects.toLocaleString("en-US")} objects (median of ${RUNS})`);
    console.log(`  transferState     ${rate(t.ours).padStart(22)}`);
    console.log(`  structuredClone   ${rate(t.clone).padStart(22)}   (baseline, same heap, same run)`);
    console.log(`  ratio             ${result.transferVsStructuredClone.toFixed(2).padStart(22)}   (goal >= 1.0)`);
    console.log(`\ndowntime, quiescent to serving again (identity update of heapd, median of ${RUNS})`);
    console.log("  objects held   transferred   downtime ms   ticks   us/object");
    for (const s of SIZES) {
      const d = down[s]!;
      console.log(`  ${s.toLocaleString("en-US").padStart(12)} ${d.objects.toLocaleString("en-US").padStart(13)} `
        + `${d.ms.toFixed(2).padStart(13)} ${String(d.ticks).padStart(7)} ${((d.ms * 1000) / d.objects).toFixed(3).padStart(11)}`);
    }
    console.log(`\ntime to reach request-free under mixed (median of ${RUNS} requests at different points)`);
    console.log("  server   quiescence ms   ticks");
    for (const [name, q] of Object.entries(quiet)) console.log(`  ${name.padEnd(6)} ${q.ms.toFixed(3).padStart(15)} ${String(q.ticks).padStart(7)}`);
    console.log(`  median ${quiescenceMs.toFixed(3).padStart(15)}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
