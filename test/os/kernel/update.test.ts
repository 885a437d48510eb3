/**
 * The kernel's part in live update (os/kernel/update.ts): watches checked at update
 * points, holding and holding back messages, crashes of a watched process, start modes,
 * and calls from the host.
 */
import { describe, expect, it } from "vitest";
import { Machine } from "../../../hw/machine.js";
import { HOST, NOTIFY_MESSAGE } from "../../../os/include/ipc.js";
import { Kernel } from "../../../os/kernel/kernel.js";
import { systemPriv, PRIORITY } from "../../../os/kernel/priv.js";
import type { Proc } from "../../../os/kernel/proc.js";
import type { QuiescenceWatch } from "../../../os/kernel/update.js";
import { testImage } from "../../support/image.js";

const ECHO = 1;
const CRASH = 2;

function echoKernel() {
  const kernel = new Kernel(new Machine({ seed: 5 }), testImage({ echo: "test/os/programs/echo-server.ts" }));
  const watcher = kernel.createProc(0, "watcher", "echo", systemPriv("all", PRIORITY.SERVER), 0, "main", []);
  watcher.state = "running";
  const server = kernel.createProc(1, "echo", "echo", systemPriv("all", PRIORITY.SERVER), 0, "main", []);
  kernel.start(server);
  return { kernel, server };
}

/** Call the echo server from the host `n` times; resolves with the values echoed, in order of replies. */
function echoes(kernel: Kernel, server: Proc, values: string[]): Promise<Array<Record<string, unknown>>> {
  return Promise.all(values.map((value) => kernel.hostCall(server.endpoint, { type: ECHO, value })));
}

describe("calls from the host", () => {
  it("delivers a host request as from HOST and resolves with the server's reply", async () => {
    const { kernel, server } = echoKernel();
    const reply = kernel.hostCall(server.endpoint, { type: ECHO, value: "hi" });
    await kernel.run({ maxTicks: 100 });
    expect(await reply).toMatchObject({ type: 0, value: "hi", from: HOST, sawCallId: true, source: server.endpoint });
  });

  it("refuses a call to an endpoint with no process", async () => {
    const { kernel } = echoKernel();
    await expect(kernel.hostCall(9, { type: ECHO })).rejects.toThrow(/no process at endpoint 9/);
  });
});

describe("quiescence watches", () => {
  it("asks the watch when the process waits at a receive, holds it, and delivers the held messages in order on release", async () => {
    const { kernel, server } = echoKernel();
    await kernel.run({ maxTicks: 10 }); // the server is waiting for its first message
    let checks = 0;
    let reached = 0;
    const watch: QuiescenceWatch = { check: () => (checks++, true), reached: () => reached++ };
    kernel.setWatch(server, watch);
    const replies = echoes(kernel, server, ["a", "b", "c"]);
    await kernel.run({ maxTicks: 50 });
    expect(checks).toBeGreaterThan(0);
    expect(reached).toBe(1);
    expect(server.held).toBe(true);
    expect(server.mailbox.map((d) => d.msg.value)).toEqual(["a", "b", "c"]);
    kernel.setWatch(server, null);
    kernel.hold(server, false);
    await kernel.run({ maxTicks: 100 });
    expect((await replies).map((r) => r.value)).toEqual(["a", "b", "c"]);
  });

  it("delivers while the watch says no, and holds back the messages an interface filter names", async () => {
    const { kernel, server } = echoKernel();
    await kernel.run({ maxTicks: 10 });
    const order: string[] = [];
    kernel.setWatch(server, {
      holdBack: (_source, type) => type === NOTIFY_MESSAGE,
      check: () => false,
      reached: () => { throw new Error("never reached"); },
    });
    const replies = echoes(kernel, server, ["x", "y"]).then((rs) => order.push(...rs.map((r) => String(r.value))));
    kernel.ipc.notify(server, 0); // held back: a notification from slot 0
    await kernel.run({ maxTicks: 100 });
    await replies;
    expect(order).toEqual(["x", "y"]);
    expect(server.notifyPending.has(0)).toBe(true);
    kernel.setWatch(server, null);
    kernel.ipc.tryReceive(server);
    await kernel.run({ maxTicks: 200 });
    expect(server.notifyPending.size).toBe(0);
  });

  it("lets a watch take over the crash of a process (no death), or not", async () => {
    for (const takeOver of [true, false]) {
      const { kernel, server } = echoKernel();
      const crashes: string[] = [];
      kernel.setWatch(server, { check: () => false, reached: () => {}, crashed: (_p, _i, why) => (crashes.push(why), takeOver) });
      void kernel.hostCall(server.endpoint, { type: CRASH });
      await kernel.run({ maxTicks: 100 });
      expect(crashes).toHaveLength(1);
      expect(crashes[0]).toContain("echo server told to crash");
      expect(server.alive).toBe(takeOver);
      expect((kernel.deaths.get(0) ?? []).length).toBe(takeOver ? 0 : 1);
    }
  });
});

describe("start modes", () => {
  it("tells an instance whether it started fresh, after a restart or as a live update's new version", async () => {
    const { kernel, server } = echoKernel();
    const first = kernel.hostCall(server.endpoint, { type: ECHO });
    await kernel.run({ maxTicks: 50 });
    expect((await first).mode).toBe("fresh");
    kernel.hold(server, true);
    const next = kernel.newInstance(server, "echo", "main", [], "update");
    expect(kernel.swapInstance(server, next)).toBeDefined();
    kernel.hold(server, false);
    const second = kernel.hostCall(server.endpoint, { type: ECHO });
    await kernel.run({ maxTicks: 100 });
    expect((await second).mode).toBe("update");
    kernel.destroy(server, { status: 0, reason: "test" }, false);
    const revived = kernel.createProc(1, "echo", "echo", systemPriv("all", PRIORITY.SERVER), 0, "main", [], true);
    kernel.start(revived);
    const third = kernel.hostCall(revived.endpoint, { type: ECHO });
    await kernel.run({ maxTicks: 200 });
    expect((await third).mode).toBe("restart");
  });
});
