import { beforeAll, describe, expect, it } from "vitest";
import { checks } from "../../programs/vfs-console.js";
import { type ProgramRun, explain, runProgram } from "../../../support/program-run.js";

/** The console as a file: /dev/tty through VFS and the TTY driver, with input typed at the machine's console. */
describe("VFS: the console device", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      programs: { init: "test/os/programs/vfs-console.ts" },
      input: [
        { after: "TYPE:hello", text: "hello\n" },
        { after: "TYPE:lines", text: "line one\nline two ✓\n\x04" },
        { after: "TYPE:late", text: "late\n" },
        { after: "TYPE:two", text: "first\nsecond\n" },
      ],
      maxTicks: 1_000_000,
    });
  });

  it("runs every check to the end", () => {
    expect(run.initDeath, run.output.slice(-3000)).toMatchObject({ reason: "returned", status: 0 });
  });

  it.each(Object.keys(checks))("%s", (name) => {
    expect(run.results.get(name), explain(run, name)).toBe("PASS");
  });

  it("shows what was written and echoes what was typed", () => {
    expect(run.output).toContain("output while a read waits\nwritten through the reading descriptor\nTYPE:late\nlate\n");
    expect(run.output).toContain("to standard output\nto standard error\n✓\n");
  });
});
