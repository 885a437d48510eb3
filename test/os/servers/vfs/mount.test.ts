import { describe, expect, it } from "vitest";
import { runProgram } from "../../../support/program-run.js";

const NOFS = "test/os/programs/vfs-nofs.ts";

/** Without a usable root file system VFS says why once, then fails every file call with EIO. */
describe("VFS: mounting the root file system", () => {
  it("reports an unformatted disk and answers EIO", async () => {
    const run = await runProgram({ programs: { init: NOFS }, system: { format: "never" }, maxTicks: 200_000 });
    expect(run.output).toMatch(/^vfs: cannot mount root file system: \S.*$/m);
    expect(run.initDeath, run.output).toMatchObject({ reason: "returned", status: 0 });
  });

  it("reports a missing file system server and answers EIO", async () => {
    const run = await runProgram({ programs: { init: NOFS }, only: ["vfs", "tty", "init"], system: { format: "never" },
      maxTicks: 200_000 });
    expect(run.output).toContain("vfs: cannot mount root file system: file system server not reachable");
    expect(run.initDeath, run.output).toMatchObject({ reason: "returned", status: 0 });
  });
});
