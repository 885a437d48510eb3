/** Helpers for tests of live systems (runtime/live-system.ts). */
import { expect } from "vitest";
import { workloadReport } from "../../cli/summary.js";
import type { LiveSystem } from "../../runtime/live-system.js";

/** Run the workload to its end: it must finish with no error. */
export async function finishes(live: LiveSystem, workload: string): Promise<void> {
  const end = await live.system.run(200_000);
  const out = live.system.consoleOutput;
  expect(end, out.slice(-3000)).toBe("halted");
  expect(workloadReport(out, workload), out.slice(-3000)).toMatchObject({ errors: 0 });
  live.system.machine.powerOff();
}
