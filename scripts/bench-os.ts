/**
 * npm run bench:os [-- --json] [--runs N]
 *
 * Null system calls per second (getpid through PM: a full message round trip),
 * fsstress operations per second, and the cost of a null system call relative to a
 * plain in-process async function call, all measured in this run. Each figure is
 * the median of several runs.
 */
import { System } from "../os/boot/system.js";
import { workloadReport } from "../cli/summary.js";
import { median } from "./stats.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const runsArg = args.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const CALLS = 100_000;

/** Wall time of booting PM and a process making `calls` getpid calls, to the end. */
async function nullcallRun(calls: number): Promise<number> {
  const sys = new System({ seed: 1, only: ["pm", "init"], programs: { init: "nullcall" }, initArgv: [String(calls)] });
  const t0 = performance.now();
  sys.boot();
  await sys.run();
  const t = performance.now() - t0;
  sys.machine.powerOff();
  return t;
}

async function asyncCallRun(calls: number): Promise<number> {
  const f = async (x: number) => x + 1;
  const t0 = performance.now();
  let acc = 0;
  for (let i = 0; i < calls; i++) acc = await f(acc);
  const t = performance.now() - t0;
  if (acc !== calls) throw new Error("async baseline miscounted");
  return t;
}

async function fsstressRun(): Promise<{ ops: number; ms: number }> {
  const sys = new System({ seed: 1, initArgv: ["fsstress", "300", "2"] });
  const t0 = performance.now();
  sys.boot();
  await sys.run();
  const ms = performance.now() - t0;
  sys.machine.powerOff();
  const r = workloadReport(sys.consoleOutput, "fsstress");
  if (!r || r.errors !== 0) throw new Error(`fsstress did not finish cleanly: ${JSON.stringify(r)}`);
  return { ops: r.ops, ms };
}

const nullRates: number[] = [];
const asyncNs: number[] = [];
const nullNs: number[] = [];
const fsRates: number[] = [];
await nullcallRun(1000); // warm up the loader and the JIT
for (let i = 0; i < RUNS; i++) {
  const base = await nullcallRun(0);
  const full = await nullcallRun(CALLS);
  const perCall = (full - base) / CALLS;
  nullNs.push(perCall * 1e6);
  nullRates.push(1000 / perCall);
  asyncNs.push(((await asyncCallRun(CALLS)) / CALLS) * 1e6);
  const fsr = await fsstressRun();
  fsRates.push(fsr.ops / (fsr.ms / 1000));
}

const result = {
  nullSyscallsPerSec: Math.round(median(nullRates)),
  nullSyscallNs: Math.round(median(nullNs)),
  asyncCallNs: Number(median(asyncNs).toFixed(1)),
  nullSyscallVsAsyncCall: Number((median(nullNs) / median(asyncNs)).toFixed(1)),
  fsstressOpsPerSec: Math.round(median(fsRates)),
  runs: RUNS,
};

if (json) {
  process.stdout.write(JSON.stringify(result) + "\n");
} else {
  const rows: Array<[string, string]> = [
    ["null system call (getpid via PM)", `${result.nullSyscallsPerSec.toLocaleString("en-US")} calls/s (${result.nullSyscallNs} ns)`],
    ["in-process async function call", `${result.asyncCallNs} ns`],
    ["null system call / async call", `${result.nullSyscallVsAsyncCall}x`],
    ["fsstress", `${result.fsstressOpsPerSec.toLocaleString("en-US")} ops/s`],
  ];
  process.stdout.write(`proteos-ts OS benchmark (median of ${RUNS} runs, goal >= 200,000 null calls/s)\n\n`);
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(36)} ${v}\n`);
}
