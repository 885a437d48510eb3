import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { BLK_PROC_NR, TTY_PROC_NR } from "../../../os/include/com.js";
import { workloadReport } from "../../../cli/summary.js";

/** Kill a driver behind the system's back, as a crash would, every `every` ticks while the workload runs. */
async function runWithKills(slot: number, workload: string[], every: number, kills: number) {
  const sys = new System({ seed: 3, initArgv: workload });
  sys.boot();
  const endpoint = sys.kernel.procs[slot]!.endpoint;
  let done = 0;
  let end = await sys.run(every);
  while (end === "ticks" && done < kills) {
    const p = sys.kernel.procs[slot]!;
    if (p.alive) {
      sys.kernel.destroy(p, { status: -1, reason: "killed by test" }, true);
      done++;
    }
    end = await sys.run(sys.machine.clock.now + every);
  }
  if (end === "ticks") end = await sys.run(); // let it finish
  return { sys, done, end, endpoint };
}

describe("reincarnation", () => {
  it("RS restarts a killed disk driver under the same endpoint while fsstress continues without an error", async () => {
    const { sys, done, end, endpoint } = await runWithKills(BLK_PROC_NR, ["fsstress", "200", "2"], 40, 3);
    expect(done).toBe(3);
    expect(end).toBe("halted");
    const out = sys.consoleOutput;
    expect(workloadReport(out, "fsstress")?.errors, out.slice(-1500)).toBe(0);
    const blk = sys.kernel.procs[BLK_PROC_NR]!;
    expect(blk.alive).toBe(true);
    expect(blk.endpoint).toBe(endpoint);
    expect(out).toMatch(/restart/i);
  });

  it("RS restarts the console driver too", async () => {
    const { sys, done } = await runWithKills(TTY_PROC_NR, ["proctree"], 30, 1);
    expect(done).toBe(1);
    expect(sys.kernel.procs[TTY_PROC_NR]!.alive).toBe(true);
  });
});
