import { describe, expect, it } from "vitest";
import { checks } from "../programs/tty-probe.js";
import { programChecks } from "../../support/program-run.js";

const PROBE = "test/os/programs/tty-probe.ts";

/**
 * The TTY driver alone: a probe in VFS's slot sends it raw CDEV requests while the
 * host types at the console whenever the probe prints a "TYPE:<tag>" marker.
 */
describe("TTY console driver", () => {
  const run = programChecks(checks, () => ({
    only: ["vfs", "tty", "rs", "ds"],
    programs: { vfs: PROBE, ds: PROBE, rs: "test/os/programs/heartbeat.ts" },
    input: [
      { text: "typed early\n" },
      { after: "TYPE:two-lines", text: "one\ntwo\n" },
      { after: "TYPE:editing", text: "ab\x7fcd\bx\n" },
      { after: "TYPE:eof", text: "\x04partial\x04" },
      { after: "TYPE:long", text: "abcdefgh\n" },
      { after: "TYPE:after-cancel", text: "kept\n" },
      { after: "TYPE:bad-grant", text: "survivor\n" },
    ],
    maxTicks: 100_000,
    system: { format: "never" }, // no file system here
  }), "marker");

  it("echoes typed input, erasing on the screen too", () => {
    expect(run().output).toContain("typed early\n");
    expect(run().output).toContain("ab\b \bcd\b \bx\n");
  });

  it("prints written text as UTF-8, joining a character split across writes", () => {
    expect(run().output).toContain("plain output ✓\n");
    expect(run().output).toContain("split:✓:end\n");
    expect(run().output).toContain(`${"x".repeat(10_000)}\n`);
  });

  it("serves VFS alone", () => {
    expect(run().output).toContain("ds: request from another process refused with EPERM");
  });

  it("answers RS heartbeats", () => {
    expect(run().output).toContain("rs: heartbeat answered by tty");
  });
});
