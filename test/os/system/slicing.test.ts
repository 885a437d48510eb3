import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { workloadReport } from "../../../cli/summary.js";
import type { RunEnd } from "../../../os/kernel/kernel.js";

/**
 * Kernel.run({ maxTicks }) only pauses: a run cut into bounded slices, of any size, must
 * do exactly what one unbounded run does (same event trace, end tick and console), even
 * where a slice ends with the machine busy in the middle of a tick's work.
 */

/** Boot `initArgv` and run it to the end: in one run, or in runs of `slice` ticks each. */
async function runToEnd(seed: number, initArgv: string[], slice?: number) {
  const sys = new System({ seed, initArgv });
  sys.boot();
  let end: RunEnd;
  if (slice === undefined) {
    end = await sys.run();
  } else {
    for (;;) {
      const deadline = sys.machine.clock.now + slice;
      end = await sys.run(deadline);
      if (end !== "ticks") break;
      expect(sys.machine.clock.now).toBeGreaterThanOrEqual(deadline);
    }
  }
  sys.machine.powerOff();
  return { end, hash: sys.kernel.trace.hash, tick: sys.machine.clock.now, out: sys.consoleOutput };
}

describe("a run cut into slices", () => {
  it.each([
    { seed: 4, argv: ["mixed"], slices: [1, 7, 10, 50, 333] },
    { seed: 1, argv: ["fsstress", "60", "2"], slices: [1, 7, 50] },
    { seed: 1, argv: ["dsbench"], slices: [1, 7, 10, 50] },
    { seed: 2, argv: ["proctree"], slices: [1, 7] },
  ])("does what one run does: $argv (seed $seed), slices of $slices ticks", async ({ seed, argv, slices }) => {
    const whole = await runToEnd(seed, argv);
    expect(whole.end).toBe("halted");
    expect(workloadReport(whole.out, argv[0]!)?.errors, whole.out.slice(-2000)).toBe(0);
    for (const slice of slices) {
      const sliced = await runToEnd(seed, argv, slice);
      expect({ slice, end: sliced.end, hash: sliced.hash, tick: sliced.tick }).toEqual({ slice, end: whole.end, hash: whole.hash, tick: whole.tick });
      expect(sliced.out).toBe(whole.out);
    }
  });
});
