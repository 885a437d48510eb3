import { describe, expect, it } from "vitest";
import { System } from "../../../os/boot/system.js";
import { testImage } from "../../support/image.js";

describe("bad input to the running system", () => {
  it("answers malformed and unprivileged calls with errors, and every server keeps serving", async () => {
    const sys = new System({ seed: 1, image: testImage({ badcalls: "test/os/programs/badcalls.ts" }), initArgv: ["badcalls"] });
    await sys.runToEnd(100_000);
    const out = sys.consoleOutput;
    expect(out).toContain("badcalls: 0 failures");
    expect(out).not.toContain("crashed");
    for (const p of sys.kernel.procs.slice(0, 7)) expect(p?.alive, p?.name).toBe(true);
  });
});
