import { beforeAll, describe, expect, it } from "vitest";
import { fsck } from "../../../../os/tools/fsck.js";
import { checks } from "../../programs/vfs-fork.js";
import { type ProgramRun, FS_STACK, explain, runProgram } from "../../../support/program-run.js";

/** Open files across fork and exit, with PM telling VFS about processes; then a clean shutdown. */
describe("VFS: processes", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      programs: { init: "test/os/programs/vfs-fork.ts" },
      only: ["pm", ...FS_STACK],
      input: [{ after: "TYPE:after-kill", text: "for the parent\n" }],
      maxTicks: 1_000_000,
    });
  });

  it.each(Object.keys(checks))("%s", (name) => {
    expect(run.results.get(name), explain(run, name)).toBe("PASS");
  });

  it("writes everything back and unmounts when the system halts", () => {
    expect(run.end, run.output.slice(-3000)).toBe("halted");
    const report = fsck(run.sys.machine.disk.store);
    expect(report.errors).toEqual([]);
    expect(report.stats.clean).toBe(true);
  });
});
