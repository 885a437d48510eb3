import { beforeAll, describe, expect, it } from "vitest";
import { checks } from "../../programs/vfs-posix.js";
import { type ProgramRun, explain, runProgram } from "../../../support/program-run.js";

/** POSIX file semantics, from a user process through VFS, MFS and the disk driver. */
describe("VFS: POSIX file calls", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ programs: { init: "test/os/programs/vfs-posix.ts" }, maxTicks: 1_000_000 });
  });

  it("runs every check to the end", () => {
    expect(run.initDeath, run.output.slice(-3000)).toMatchObject({ reason: "returned", status: 0 });
  });

  it.each(Object.keys(checks))("%s", (name) => {
    expect(run.results.get(name), explain(run, name)).toBe("PASS");
  });
});
