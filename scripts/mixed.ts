/**
 * The `mixed` workload as the instrumentation benchmarks run it, two ways:
 *
 *   from boot   a fresh system runs `mixed` as its init command: every server's code
 *               starts cold, as after a reboot (the run the issue's ratio is about)
 *   steady      a fresh system's shell runs `mixed` 1 + STEADY_RUNS times; what is
 *               measured is the runs after the first, on servers already warm (their
 *               realms, and the code V8 optimized in them, persist), as an always-on
 *               system runs. User programs start in fresh realms either way.
 *
 * `measuring` is awaited where the measured part begins: before the system is made (its
 * disk formatted) and booted, or (steady) once the first run has reported, at the end of
 * a slice of virtual time: at the same tick on every build, since both run the same
 * event trace.
 *
 * Where that is matters more than it seems: under V8's --predictable GC schedule, a
 * from-boot run with the system made before the harness's forced collections, rather
 * than after, ran without a full collection on the plain build and with one on the
 * instrumented build, and counted 1.20 times the instructions instead of 1.06 (the plain
 * run without it also made 72 optimizing compiles instead of 78). Thresholds like this
 * one are why a ratio is read over several seeds (--seeds).
 */
import { workloadReport } from "../cli/summary.js";
import { System } from "../os/boot/system.js";
import type { ImageSource } from "../os/kernel/image.js";

export const STEADY_RUNS = 3;
const SLICE_TICKS = 20;

export type MixedMode = "boot" | "steady";

/** Run `mixed` from `seed` on `image`; throws unless every run reports no errors. Returns the system (powered off). */
export async function runMixed(image: ImageSource, seed: number, mode: MixedMode, measuring?: () => Promise<void>): Promise<System> {
  if (mode === "boot") {
    await measuring?.();
    const sys = new System({ seed, initArgv: ["mixed"], image });
    await sys.runToEnd();
    const r = workloadReport(sys.consoleOutput, "mixed");
    if (!r || r.errors !== 0) throw new Error(`mixed did not finish cleanly on the ${image.kind} build: ${JSON.stringify(r)}`);
    return sys;
  }
  const sys = new System({ seed, initArgv: ["sh", "-s"], image });
  sys.machine.console.type(`${"mixed\n".repeat(1 + STEADY_RUNS)}exit\n`);
  sys.boot();
  try {
    let first = true;
    while ((await sys.run(sys.machine.clock.now + SLICE_TICKS)) === "ticks") {
      if (first && reports(sys.consoleOutput).length > 0) {
        first = false;
        await measuring?.();
      }
    }
  } finally {
    sys.machine.powerOff();
  }
  const all = reports(sys.consoleOutput);
  if (all.length !== 1 + STEADY_RUNS || all.some((errors) => errors !== 0)) {
    throw new Error(`the shell's ${1 + STEADY_RUNS} runs of mixed did not all finish cleanly on the ${image.kind} build: errors ${all.join(", ")}`);
  }
  return sys;
}

/** The error counts of every `mixed` report so far. */
function reports(console: string): number[] {
  return [...console.matchAll(/^workload mixed: ops=\d+ errors=(\d+)$/gm)].map((m) => Number(m[1]));
}
