import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { workloadReport } from "../../../cli/summary.js";

async function boot(initArgv: string[], seed = 1, maxTicks?: number) {
  const sys = new System({ seed, initArgv });
  const end = await sys.runToEnd(maxTicks);
  return { sys, end, out: sys.consoleOutput };
}

describe("the whole system", () => {
  it("boots and runs mixed to completion with zero workload errors", async () => {
    const { sys, end, out } = await boot(["mixed"]);
    expect(end).toBe("halted");
    const r = workloadReport(out, "mixed");
    expect(r, out.slice(-2000)).toBeDefined();
    expect(r!.errors, out.slice(-2000)).toBe(0);
    expect(r!.ops).toBeGreaterThan(300);
    expect(sys.kernel.halted?.status).toBe(0);
    // every server is still the original instance: nothing crashed along the way
    for (const name of ["pm", "vfs", "mfs", "ds", "rs", "blk", "tty"]) {
      const p = sys.kernel.procs.find((q) => q?.name === name);
      expect(p?.alive, name).toBe(true);
    }
  });

  it("replays the same event trace from the same seed, and interleaves differently from another", async () => {
    const a = await boot(["mixed"], 42);
    const b = await boot(["mixed"], 42);
    const c = await boot(["mixed"], 43);
    expect(a.sys.kernel.trace.hash).toBe(b.sys.kernel.trace.hash);
    expect(a.sys.machine.clock.now).toBe(b.sys.machine.clock.now);
    expect(a.out).toBe(b.out);
    expect(c.sys.kernel.trace.hash).not.toBe(a.sys.kernel.trace.hash);
    expect(workloadReport(c.out, "mixed")?.errors).toBe(0);
  });

  it("stops at --ticks with the workload unfinished", async () => {
    const { sys, end } = await boot(["mixed"], 1, 50);
    expect(end).toBe("ticks");
    expect(sys.machine.clock.now).toBe(50);
  });
});
