import { describe, expect, it } from "vitest";
import { DS_PROC_NR } from "../../../../os/include/com.js";
import { runScenario } from "../../../support/scenario.js";

async function passes(scenario: string, only?: string[]): Promise<void> {
  const r = await runScenario("test/os/programs/ds-calls.ts", [scenario], { only });
  expect(r.end).toBe("halted");
  expect(r.status, r.output).toBe(0);
}

describe("DS", () => {
  it("publishes, retrieves, updates and deletes string and number values", () => passes("store"));
  it("lets only a key's owner change it while the owner lives, and reserves service.* for RS", () =>
    passes("ownership"));
  it("queues the changes matching a prefix or exact pattern, in order, for CHECK", () => passes("subscribe"));
  it("queues the keys that already match when subscribing with initial", () => passes("initial"));
  it("notifies subscriber processes, which receive every change with its value, in order", () => passes("notify"));
  it("bounds each subscriber's queue, dropping the oldest changes and counting them as lost", () =>
    passes("overflow"));
  it("answers malformed requests with errors and keeps serving", async () => {
    await passes("badcalls", ["pm", "ds", "init"]);
  });
  it("holds the endpoints RS publishes for the services", () => passes("service-keys"));
  it("answers RS's heartbeats, so a long run never restarts it", async () => {
    const r = await runScenario("test/os/programs/rs-calls.ts", ["quiet", "2000"]);
    expect(r.status, r.output).toBe(0);
    expect(r.sys.kernel.procs[DS_PROC_NR]!.generation).toBe(0);
  });
});
