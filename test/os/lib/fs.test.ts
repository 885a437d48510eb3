import { describe } from "vitest";
import { checks } from "../programs/lib-fs.js";
import { programChecks } from "../../support/program-run.js";

/** The file library (os/lib/fs.ts, stdio.ts) as user programs use it. */
describe("file library", () => {
  programChecks(checks, () => ({ programs: { init: "test/os/programs/lib-fs.ts" }, maxTicks: 1_000_000 }), "init");
});
