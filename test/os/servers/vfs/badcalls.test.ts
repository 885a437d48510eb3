import { beforeAll, describe, expect, it } from "vitest";
import { checks } from "../../programs/vfs-badcalls.js";
import { type ProgramRun, explain, runProgram } from "../../../support/program-run.js";

/** Requests no library would send: VFS answers each with an errno and keeps serving. */
describe("VFS: malformed and unauthorized requests", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      programs: { init: "test/os/programs/vfs-badcalls.ts", rs: "test/os/programs/heartbeat.ts" },
      only: ["blk", "mfs", "vfs", "tty", "init", "rs"],
      maxTicks: 1_000_000,
    });
  });

  it("runs every check to the end", () => {
    expect(run.initDeath, run.output.slice(-3000)).toMatchObject({ reason: "returned", status: 0 });
  });

  it.each(Object.keys(checks))("%s", (name) => {
    expect(run.results.get(name), explain(run, name)).toBe("PASS");
  });

  it("answers RS heartbeats", () => {
    expect(run.output).toContain("rs: heartbeat answered by vfs");
  });

  it("never logged an internal failure", () => {
    expect(run.output).not.toMatch(/vfs: request .* failed|crashed/);
  });
});
