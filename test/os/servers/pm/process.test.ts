import { describe, expect, it } from "vitest";
import { runScenario } from "../../../support/scenario.js";

const PROGRAM = "test/os/programs/pm-calls.ts";

/** Run a scenario of pm-calls.ts as init; it passes when init ends with status 0. */
async function passes(scenario: string): Promise<void> {
  const r = await runScenario(PROGRAM, [scenario]);
  expect(r.end).toBe("halted");
  expect(r.status, r.output).toBe(0);
}

describe("PM: processes", () => {
  it("forks children and collects their distinct exit codes with waitpid(pid) and waitpid(-1)", () =>
    passes("fork-wait"));
  it("lets a child fork and wait for children of its own", () => passes("tree"));
  it("answers WNOHANG with pid 0 until the child has ended", () => passes("wnohang"));
  it("answers ECHILD for no children, a stranger's or a grandchild's pid, and EINVAL for bad arguments", () =>
    passes("echild"));
  it("hands orphans to init, which sees their getppid() become 1 and collects them", () => passes("orphan"));
  it("runs a new program with exec (same pid and parent) and fails an unknown one with ENOEXEC", () =>
    passes("exec"));
  it("reports a crashing child, and one without its entry point, as killed by SIGSEGV", () => passes("crash"));
  it("lists processes for ps: pids in order, parents, running/sleeping/zombie, system flag", () =>
    passes("getprocs"));

  it("halts the machine with init's exit code when init ends", async () => {
    const r = await runScenario(PROGRAM, ["exit-status", "5"]);
    expect(r.end).toBe("halted");
    expect(r.status).toBe(5);
  });

  it("halts with 128 + SIGSEGV when init crashes", async () => {
    const r = await runScenario(PROGRAM, ["init-crash"]);
    expect(r.status).toBe(139);
    expect(r.output).toContain("init crashes on purpose");
  });
});
