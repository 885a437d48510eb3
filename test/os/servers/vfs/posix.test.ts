import { describe } from "vitest";
import { checks } from "../../programs/vfs-posix.js";
import { programChecks } from "../../../support/program-run.js";

/** POSIX file semantics, from a user process through VFS, MFS and the disk driver. */
describe("VFS: POSIX file calls", () => {
  programChecks(checks, () => ({ programs: { init: "test/os/programs/vfs-posix.ts" }, maxTicks: 1_000_000 }), "init");
});
