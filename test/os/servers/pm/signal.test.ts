import { describe, expect, it } from "vitest";
import { runScenario } from "../../../support/scenario.js";

async function passes(scenario: string): Promise<void> {
  const r = await runScenario("test/os/programs/pm-calls.ts", [scenario]);
  expect(r.end).toBe("halted");
  expect(r.status, r.output).toBe(0);
}

describe("PM: signals and timers", () => {
  it("terminates by default (SIGTERM, SIGINT, SIGUSR2, SIGKILL) and reports WTERMSIG", () => passes("kill-default"));
  it("delivers a caught signal to its handler and cuts the sleep it interrupts short", () => passes("kill-caught"));
  it("drops an ignored signal, but SIGKILL still kills", () => passes("kill-ignored"));
  it("refuses to let SIGKILL be caught or ignored, and signals that do not exist", () =>
    passes("sigkill-uncatchable"));
  it("sends SIGCHLD to the parent when a child ends", () => passes("sigchld"));
  it("gives init only the signals it catches", () => passes("init-is-protected"));
  it("kill(-1) signals every user process but init and the caller", () => passes("kill-all"));
  it("sleeps for the requested virtual ticks, waking sleepers in deadline order", () => passes("sleep-timing"));
  it("raises SIGALRM after alarm(ticks), returns what was left, and cancels with alarm(0)", () => passes("alarm"));
});
