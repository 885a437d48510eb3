import { describe, expect, it } from "vitest";
import { PM_PROC_NR } from "../../../../os/include/com.js";
import { runScenario } from "../../../support/scenario.js";

describe("PM: requests", () => {
  it("answers malformed and unknown requests with errors and keeps serving", async () => {
    const r = await runScenario("test/os/programs/pm-calls.ts", ["badcalls"]);
    expect(r.status, r.output).toBe(0);
    expect(r.sys.kernel.procs[PM_PROC_NR]!.alive).toBe(true);
    expect(r.output).not.toMatch(/pm: request/); // no handler failed
  });

  it("refuses reboot to anyone but init (EPERM), and halts with init's status", async () => {
    const r = await runScenario("test/os/programs/pm-calls.ts", ["reboot-eperm"]);
    expect(r.end).toBe("halted");
    expect(r.status, r.output).toBe(7);
  });

  it("works without VFS, DS and RS (the benchmark's system: PM and init)", async () => {
    const r = await runScenario("test/os/programs/pm-calls.ts", ["fork-wait"], { only: ["pm", "init"] });
    expect(r.status, r.output).toBe(0);
  });
});
