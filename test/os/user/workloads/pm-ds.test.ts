import { describe, expect, it } from "vitest";
import { workloadReport } from "../../../../cli/summary.js";
import { System } from "../../../../os/boot/system.js";

async function run(initArgv: string[]) {
  const sys = new System({ seed: 7, initArgv });
  const end = await sys.runToEnd(1_000_000);
  return { sys, end, out: sys.consoleOutput };
}

describe("workloads of the process manager and the data store", () => {
  it("proctree: trees, kills, caught signals, exec, re-parenting and WNOHANG, without an error", async () => {
    const { sys, end, out } = await run(["proctree", "2"]);
    expect(end).toBe("halted");
    const r = workloadReport(out, "proctree");
    expect(r, out.slice(-2000)).toEqual({ ops: expect.any(Number), errors: 0 });
    expect(r!.ops).toBeGreaterThan(80);
    expect(out.match(/^workload proctree:/gm)).toHaveLength(1);
    expect(out).toContain("proctree: round 2/2 done");
    expect(sys.kernel.halted?.status).toBe(0);
  });

  it("dsbench: every change reaches every subscriber in order, without an error", async () => {
    const { sys, end, out } = await run(["dsbench", "150", "3"]);
    expect(end).toBe("halted");
    const r = workloadReport(out, "dsbench");
    expect(r, out.slice(-2000)).toEqual({ ops: expect.any(Number), errors: 0 });
    // each subscriber checks 150 changes and the publisher checks at least as many things itself
    expect(r!.ops).toBeGreaterThan(4 * 150);
    expect(sys.kernel.halted?.status).toBe(0);
  });
});
