/**
 * Instructions one `mixed` run executes, counted by valgrind (callgrind), for
 * `npm run bench:instrument -- --instructions`: a measure of run-time cost that the
 * machine's load does not change, so that two builds can be compared to a fraction of
 * a percent where wall time varies by ±5%.
 *
 *   countInstructions(kind, buildDir, seed, mode)
 *                                       parent: runs this file under valgrind, returns the count
 *   tsx scripts/instructions.ts <plain|instrumented> <buildDir> <signalDir> <seed> <boot|steady>
 *                                       child: a warm-up run on each build, then the counted
 *                                       run (./mixed.ts: from boot, or the steady-state runs)
 *
 * The child runs under V8's --predictable (no background threads, a fixed GC schedule)
 * with fixed hash and random seeds: every optimizing compile and collection happens on
 * the main thread, where it is counted, and the same run counts the same to within
 * about 0.05% (with V8's random hash seeds, hash tables differ: about 0.5%). Valgrind counts
 * nothing until the child is where the measured part begins: the parent switches
 * counting on with callgrind_control when the child says it is ready, and the child
 * exits right after its run.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { BuildImage } from "../instrumenter/build/image.js";
import { PlainImage } from "../os/boot/plain-image.js";
import type { ImageSource } from "../os/kernel/image.js";
import { type MixedMode, runMixed } from "./mixed.js";

const SELF = fileURLToPath(import.meta.url);

export type BuildKind = "plain" | "instrumented";

/** Whether valgrind and callgrind_control are on PATH; else what is missing. */
export function valgrindMissing(): string | undefined {
  for (const tool of ["valgrind", "callgrind_control"]) {
    if (spawnSync(tool, ["--help"], { stdio: "ignore" }).error) return `${tool} is not installed (Debian package valgrind)`;
  }
  return undefined;
}

/** Instructions of `mixed` from `seed` on the `kind` build (`buildDir` for the instrumented one), with its trace hash. */
export async function countInstructions(kind: BuildKind, buildDir: string, seed = 1, mode: MixedMode = "boot"): Promise<{ instructions: number; traceHash: string }> {
  const signals = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-instructions-"));
  try {
    const v8 = ["--predictable", "--predictable-gc-schedule", "--hash-seed=1", "--random-seed=1"];
    const child = spawn("valgrind", ["--tool=callgrind", "--instr-atstart=no", "--cache-sim=no", "--callgrind-out-file=/dev/null",
      process.execPath, "--expose-gc", ...v8, "--import", "tsx", SELF, kind, buildDir, signals, String(seed), mode],
    { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const ready = path.join(signals, "ready");
    while (!fs.existsSync(ready)) {
      if (child.exitCode !== null) throw new Error(`the ${kind} run ended before it was ready: ${stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const on = spawnSync("callgrind_control", ["--instr=on", String(child.pid)], { encoding: "utf8" });
    if (on.status !== 0) throw new Error(`callgrind_control could not start counting: ${on.stderr}`);
    fs.writeFileSync(path.join(signals, "go"), "");
    const code = await exited;
    const collected = /Collected : (\d+)/.exec(stderr);
    const hash = /^trace (\w+)$/m.exec(stdout);
    if (code !== 0 || !collected || !hash) throw new Error(`the ${kind} run failed (exit ${code}): ${stderr.slice(-2000)}`);
    return { instructions: Number(collected[1]), traceHash: hash[1]! };
  } finally {
    fs.rmSync(signals, { recursive: true, force: true });
  }
}

async function child(kind: BuildKind, buildDir: string, signals: string, seed: number, mode: MixedMode): Promise<void> {
  const images: Record<BuildKind, ImageSource> = { plain: new PlainImage(), instrumented: new BuildImage(buildDir) };
  // Warm up on both builds, whichever is counted: the host's heap (the transpiler's
  // leftovers, the kernel's code) is then the same for both, as in the timed benchmark.
  for (const image of Object.values(images)) await runMixed(image, seed, "boot");
  const sys = await runMixed(images[kind], seed, mode, async () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    fs.writeFileSync(path.join(signals, "ready"), "");
    // Until the parent says counting is on: asleep between looks, so that the wait itself counts for little.
    const nap = new Int32Array(new SharedArrayBuffer(4));
    while (!fs.existsSync(path.join(signals, "go"))) Atomics.wait(nap, 0, 0, 20);
  });
  process.stdout.write(`trace ${sys.kernel.trace.hash}\n`);
}

if (process.argv[1] === SELF) {
  const [kind, buildDir, signals, seed, mode] = process.argv.slice(2);
  if ((kind !== "plain" && kind !== "instrumented") || !buildDir || !signals || !Number.isInteger(Number(seed))
    || (mode !== "boot" && mode !== "steady")) {
    throw new Error("usage: tsx scripts/instructions.ts <plain|instrumented> <buildDir> <signalDir> <seed> <boot|steady>");
  }
  await child(kind, buildDir, signals, Number(seed), mode);
}
