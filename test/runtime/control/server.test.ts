/**
 * The control socket's server (runtime/control/server.ts) with a handler of its own, no
 * system behind it: closing while clients hold their connections open and requests wait,
 * and a stale socket that cannot be replaced.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ControlSocketError, type ControlHandler, listenControl } from "../../../runtime/control/server.js";
import type { UpdateReport } from "../../../runtime/update/report.js";

/** Paths whose removal fails as it would in a directory the user may not write (tests run as root, which may). */
const undeletable = new Set<string>();
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  return {
    ...real,
    rmSync: (p: fs.PathLike, opts?: fs.RmOptions) => {
      if (undeletable.has(String(p))) throw Object.assign(new Error(`EPERM: operation not permitted, rm '${String(p)}'`), { code: "EPERM" });
      real.rmSync(p, opts);
    },
  };
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proteos-control-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A handler whose updates wait until released; counts the updates it was asked for. */
function slowHandler() {
  const started: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const handler: ControlHandler = {
    update: async (pkg) => {
      started.push(pkg);
      await released;
      return { outcome: "committed" } as UpdateReport;
    },
    status: () => ({ tick: 0, halted: false, versions: {} }),
    shutdown: () => {},
  };
  return { handler, started, release };
}

/** A client that never closes its end of the connection; its reply lines as they arrive. */
async function halfOpenClient(socketPath: string, lines: string[]) {
  const socket = net.connect({ path: socketPath, allowHalfOpen: true });
  const replies: string[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => replies.push(chunk));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(lines.map((l) => `${l}\n`).join(""));
  return { socket, replies: () => replies.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as unknown) };
}

describe("closing the control socket", () => {
  it("answers waiting requests with an error, runs none still queued, and does not wait for clients to close their end", async () => {
    const socketPath = path.join(tmp, "close.sock");
    const { handler, started, release } = slowHandler();
    const server = await listenControl(socketPath, handler);
    const client = await halfOpenClient(socketPath, [
      JSON.stringify({ op: "update", package: "first", options: {} }),
      JSON.stringify({ op: "update", package: "second", options: {} }),
    ]);
    await vi.waitFor(() => expect(started).toEqual(["first"]));

    const closing = server.close();
    const outcome = await Promise.race([closing.then(() => "closed"), new Promise((r) => setTimeout(() => r("still waiting"), 5_000))]);
    expect(outcome).toBe("closed");
    await vi.waitFor(() => expect(client.replies()).toEqual([
      { error: "the system stopped before answering" }, { error: "the system stopped before answering" },
    ]));
    expect(fs.existsSync(socketPath)).toBe(false);

    release();
    await new Promise((r) => setTimeout(r, 50));
    expect(started, "a request queued behind the one under way is not carried out after close").toEqual(["first"]);
    client.socket.destroy();
  });
});

describe("claiming the socket path", () => {
  it("refuses with ControlSocketError when a stale socket cannot be removed", async () => {
    const socketPath = path.join(tmp, "stale.sock");
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(socketPath, () => r()));
    // Closing a server removes its socket file; a copy made by a hard link stays behind, stale.
    const kept = path.join(tmp, "kept.sock");
    fs.linkSync(socketPath, kept);
    await new Promise<void>((r) => stale.close(() => r()));
    fs.renameSync(kept, socketPath);
    undeletable.add(socketPath);
    try {
      const listening = listenControl(socketPath, slowHandler().handler);
      await expect(listening).rejects.toBeInstanceOf(ControlSocketError);
      await expect(listening).rejects.toThrow(/cannot replace the stale socket .*stale\.sock: EPERM/);
    } finally {
      undeletable.delete(socketPath);
    }
  });
});
