import { describe, expect, it } from "vitest";
import { checks } from "../../programs/vfs-badcalls.js";
import { programChecks } from "../../../support/program-run.js";

/** Requests no library would send: VFS answers each with an errno and keeps serving. */
describe("VFS: malformed and unauthorized requests", () => {
  const run = programChecks(checks, () => ({
    programs: { init: "test/os/programs/vfs-badcalls.ts", rs: "test/os/programs/heartbeat.ts" },
    only: ["blk", "mfs", "vfs", "tty", "init", "rs"],
    maxTicks: 1_000_000,
  }), "init");

  it("answers RS heartbeats", () => {
    expect(run().output).toContain("rs: heartbeat answered by vfs");
  });

  it("never logged an internal failure", () => {
    expect(run().output).not.toMatch(/vfs: request .* failed|crashed/);
  });
});
