import { describe, expect, it } from "vitest";
import { checks } from "../../programs/vfs-console.js";
import { programChecks } from "../../../support/program-run.js";

/** The console as a file: /dev/tty through VFS and the TTY driver, with input typed at the machine's console. */
describe("VFS: the console device", () => {
  const run = programChecks(checks, () => ({
    programs: { init: "test/os/programs/vfs-console.ts" },
    input: [
      { after: "TYPE:hello", text: "hello\n" },
      { after: "TYPE:lines", text: "line one\nline two ✓\n\x04" },
      { after: "TYPE:late", text: "late\n" },
      { after: "TYPE:two", text: "first\nsecond\n" },
    ],
    maxTicks: 1_000_000,
  }), "init");

  it("shows what was written and echoes what was typed", () => {
    expect(run().output).toContain("output while a read waits\nwritten through the reading descriptor\nTYPE:late\nlate\n");
    expect(run().output).toContain("to standard output\nto standard error\n✓\n");
  });
});
