import { describe, expect, it } from "vitest";
import { Machine } from "../../../hw/machine.js";
import { Kernel, type Death } from "../../../os/kernel/kernel.js";
import { systemPriv, userPriv, PRIORITY } from "../../../os/kernel/priv.js";
import { testImage } from "../../support/image.js";

const WATCHER = 0;

/**
 * A kernel with a placeholder watcher in slot 0 (it never runs: deaths queue for it)
 * and the echo server running in slot 1.
 */
function echoKernel(seed: number) {
  const machine = new Machine({ seed });
  const kernel = new Kernel(machine, testImage({
    echo: "test/os/programs/echo-server.ts",
    kprobe: "test/os/programs/kprobe.ts",
  }));
  const watcher = kernel.createProc(WATCHER, "watcher", "echo", systemPriv("all", PRIORITY.SERVER), WATCHER, "main", []);
  watcher.state = "running";
  const server = kernel.createProc(1, "echo", "echo", systemPriv("all", PRIORITY.SERVER), WATCHER, "main", []);
  kernel.start(server);
  return { machine, kernel, server };
}

/** Run one kprobe scenario against the echo server. */
async function runScenario(entry: string, opts: { user?: boolean; hold?: boolean; physcopy?: boolean } = {}) {
  const { machine, kernel, server } = echoKernel(7);
  if (opts.hold) server.held = true;
  const probe = kernel.createProc(2, "kprobe", "kprobe",
    opts.user ? userPriv([]) : systemPriv("all", PRIORITY.USER, opts.physcopy ?? false), WATCHER, entry, []);
  kernel.start(probe);
  if (opts.hold) {
    // Everything blocks while the server is held: the run ends idle with nothing served.
    expect(await kernel.run()).toBe("idle");
    expect(server.mailbox.length).toBe(4);
    server.held = false;
    kernel.ipc.tryReceive(server);
  }
  await kernel.run({ maxTicks: 10_000 });
  const deaths: Death[] = kernel.deaths.get(WATCHER) ?? [];
  return { kernel, machine, deaths, probe: deaths.find((d) => d.endpoint === probe.endpoint) };
}

describe("kernel IPC", () => {
  it.each(["roundtrip", "badMessages", "notifications", "alarm", "blockingSend", "grants", "isolation", "virtualTime"])(
    "%s behaves as specified", async (entry) => {
      const { probe } = await runScenario(entry);
      expect(probe?.reason).toBe("returned");
      expect(probe?.status).toBe(0);
    });

  it("fails calls outstanding on a server that dies, and tells the watcher why", async () => {
    const { probe, deaths, kernel } = await runScenario("deadPeer");
    expect(probe?.reason).toBe("returned");
    const server = deaths.find((d) => d.endpoint === 1);
    expect(server?.status).toBe(-1);
    expect(server?.reason).toContain("echo server told to crash");
    expect(kernel.machine.console.output()).toContain("crashed");
  });

  it("enforces privileges on destinations and kernel calls", async () => {
    const { probe } = await runScenario("denied", { user: true });
    expect(probe?.reason).toBe("returned");
  });

  it("holds messages to a process and delivers them in order on release", async () => {
    const { probe } = await runScenario("held", { hold: true });
    expect(probe?.reason).toBe("returned");
  });

  it("detects a stale endpoint after a slot is reused", () => {
    const machine = new Machine({ seed: 1 });
    const kernel = new Kernel(machine, testImage({ echo: "test/os/programs/echo-server.ts" }));
    const a = kernel.createProc(20, "a", "echo", systemPriv("all", 1), 0, "main", []);
    const old = a.endpoint;
    kernel.destroy(a, { status: 0, reason: "test" }, false);
    const b = kernel.createProc(20, "b", "echo", systemPriv("all", 1), 0, "main", []);
    expect(b.endpoint).not.toBe(old);
    expect(kernel.lookup(old)).toBeUndefined();
    expect(kernel.lookup(b.endpoint)).toBe(b);
    kernel.destroy(b, { status: 0, reason: "test" }, false);
    const revived = kernel.createProc(20, "b", "echo", systemPriv("all", 1), 0, "main", [], true);
    expect(revived.endpoint).toBe(b.endpoint);
  });

  it("refuses to load a program that does not exist", () => {
    const kernel = new Kernel(new Machine({ seed: 1 }), testImage());
    expect(() => kernel.createProc(30, "x", "no-such-program", systemPriv("all", 1), 0, "main", [])).toThrow(/no such program/);
  });
});

describe("outstanding operations", () => {
  it.each(["roundtrip", "blockingSend"])("counts %s's wait on a held server, and its start while queued", async (entry) => {
    const { kernel, server } = echoKernel(7);
    server.held = true;
    const probe = kernel.createProc(2, "kprobe", "kprobe", systemPriv("all", PRIORITY.USER), WATCHER, entry, []);
    const inst = probe.instance!;
    expect(kernel.outstanding(inst)).toBe(0);
    kernel.start(probe);
    expect(kernel.outstanding(inst)).toBe(1); // its first steps, queued for the scheduler
    expect(await kernel.run()).toBe("idle");
    expect(inst.recv).toBeNull();
    expect(kernel.outstanding(inst)).toBe(1); // the sendrec waiting for its reply, or the send not yet taken
    server.held = false;
    kernel.ipc.tryReceive(server);
    await kernel.run({ maxTicks: 10_000 });
    expect(kernel.deaths.get(WATCHER)?.find((d) => d.endpoint === probe.endpoint)?.reason).toBe("returned");
    expect(kernel.outstanding(inst)).toBe(0);
  });
});

describe("determinism", () => {
  it("replays exactly from a seed, and Math.random follows the seed", async () => {
    const a = await runScenario("roundtrip");
    const b = await runScenario("roundtrip");
    expect(a.kernel.trace.hash).toBe(b.kernel.trace.hash);
    expect(a.kernel.trace.events).toBeGreaterThan(0);
  });
});

describe("crashes", () => {
  it("kills a process whose promise rejects unhandled, and tells its watcher", async () => {
    const { probe } = await runScenario("strayRejection");
    expect(probe?.status).toBe(-1);
    expect(probe?.reason).toMatch(/^unhandled rejection: Error: nobody catches this\n\s+at strayRejection/);
  });
});

describe("physical memory", () => {
  it("checks ownership of DMA buffers and frees a dead process's memory", async () => {
    const { probe, machine } = await runScenario("holdMemory", { physcopy: true });
    expect(probe?.reason).toBe("returned");
    expect(machine.memory.bytesInUse).toBe(0);
  });
});

describe("instance swap", () => {
  it("hands an endpoint to a new instance with its held messages, in order, and refuses while calls are outstanding", async () => {
    const { kernel, server } = echoKernel(3);
    server.held = true;
    const probe = kernel.createProc(2, "kprobe", "kprobe", systemPriv("all", PRIORITY.USER), WATCHER, "swapped", []);
    kernel.start(probe);
    expect(await kernel.run()).toBe("idle");
    expect(server.mailbox).toHaveLength(3);
    const endpoint = server.endpoint;
    const v2 = kernel.newInstance(server, "echo", "main", ["2"]);
    // a process waiting on its own call cannot be swapped: the reply would go nowhere
    const probeNext = kernel.newInstance(probe, "kprobe", "main", []);
    expect(kernel.swapInstance(probe, probeNext)).toBeUndefined();
    const old = kernel.swapInstance(server, v2);
    expect(old).toBeDefined();
    expect(server.endpoint).toBe(endpoint);
    server.held = false;
    kernel.ipc.tryReceive(server);
    await kernel.run();
    const death = kernel.deaths.get(WATCHER)?.find((d) => d.endpoint === probe.endpoint);
    expect(death?.reason).toBe("returned");
  });
});
