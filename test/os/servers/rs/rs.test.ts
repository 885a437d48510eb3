import { describe, expect, it } from "vitest";
import type { System } from "../../../../os/boot/system.js";
import { DS_PROC_NR } from "../../../../os/include/com.js";
import { HEARTBEAT_PERIOD, MISSED_LIMIT } from "../../../../os/include/rs.js";
import { PRIORITY as SERVICE_PRIORITY } from "../../../../os/include/services.js";
import { PRIORITY } from "../../../../os/kernel/priv.js";
import { runScenario } from "../../../support/scenario.js";

const PROGRAM = "test/os/programs/rs-calls.ts";
const SERVICES = {
  hung: "test/os/programs/hung-service.ts",
  crashing: "test/os/programs/crashing-service.ts",
  client: "test/os/programs/rs-client.ts",
  flaky: "test/os/programs/flaky-service.ts",
};

/** Kill DS behind the system's back at `tick`, as a crash would (RS, its watcher, is told). */
function killDsAt(tick: number) {
  return (sys: System) => {
    sys.machine.clock.after(tick, () =>
      sys.kernel.destroy(sys.kernel.procs[DS_PROC_NR]!, { status: -1, reason: "test" }, true));
  };
}

describe("RS", () => {
  it("looks services up, reports their status, and refuses restarts to user processes", async () => {
    const r = await runScenario(PROGRAM, ["lookup"]);
    expect(r.status, r.output).toBe(0);
  });

  it("lets root and system processes ask for live updates, and refuses other users", async () => {
    const r = await runScenario(PROGRAM, ["permissions"]);
    expect(r.status, r.output).toBe(0);
  });

  it("restarts a killed service under the same endpoint, logs it, and publishes it in DS again", async () => {
    const r = await runScenario(PROGRAM, ["ds-serves-again", "100"], { before: killDsAt(50) });
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/rs: ds \(endpoint 3\) died: test: restarting$/m);
    const ds = r.sys.kernel.procs[DS_PROC_NR]!;
    expect(ds.endpoint).toBe(DS_PROC_NR);
    expect(ds.generation).toBe(0);
  });

  it("kills and restarts a service that stops answering heartbeats", async () => {
    const ticks = (MISSED_LIMIT + 2) * HEARTBEAT_PERIOD;
    const r = await runScenario(PROGRAM, ["restarted", String(ticks), "1"], {
      extra: SERVICES, programs: { ds: "hung" },
    });
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`rs: ds (endpoint 3) silent for ${MISSED_LIMIT} heartbeat periods: restarting`);
  });

  it("leaves a service that answers its heartbeats alone", async () => {
    const r = await runScenario(PROGRAM, ["quiet", String(20 * HEARTBEAT_PERIOD)]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/rs:/);
  });

  it("stops its heartbeats once the system is quiet, so a machine with nothing to do stops", async () => {
    const r = await runScenario(PROGRAM, ["idle"]);
    expect(r.end, r.output).toBe("idle");
    expect(r.sys.machine.clock.now).toBeLessThan(5 * HEARTBEAT_PERIOD);
  });

  it("watches again when work starts, and restarts a service that hangs after a quiet spell", async () => {
    const r = await runScenario(PROGRAM, ["hang-after-quiet"], { extra: SERVICES, programs: { ds: "flaky" } });
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`rs: ds (endpoint 3) silent for ${MISSED_LIMIT} heartbeat periods: restarting`);
  });

  it("backs off from a service that keeps crashing at start", async () => {
    const r = await runScenario(PROGRAM, ["crash-loop", String(40 * HEARTBEAT_PERIOD)], {
      extra: SERVICES, programs: { ds: "crashing" },
    });
    expect(r.status, r.output).toBe(0);
  });

  it("restarts a service when a system process asks", async () => {
    const r = await runScenario(PROGRAM, ["restarted", "50", "1"], {
      only: ["pm", "ds", "rs", "mfs", "init"], extra: SERVICES, programs: { mfs: "client" },
    });
    expect(r.output).toContain("PASS restart");
    expect(r.status, r.output).toBe(0);
  });

  it("takes service priorities from the kernel's scheduling levels", () => {
    expect(SERVICE_PRIORITY).toEqual(PRIORITY);
  });
});
