/**
 * The control socket of a running system (`proteos boot --control PATH`): a Unix socket,
 * mode 0600 (only its owner may update the system), serving the protocol of
 * protocol.ts. Requests are carried out as they arrive, between two turns of the
 * kernel's run loop (the host's event loop turns only there), and answered in order on
 * each connection. A malformed request gets an error reply; the system runs on.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import type { LiveSystem } from "../live-system.js";
import { errorMessage } from "../error-message.js";
import type { UpdateReport } from "../update/report.js";
import type { PackageOptions } from "../update/request.js";
import { type ControlReply, MAX_LINE_BYTES, parseRequest, type SystemStatus } from "./protocol.js";

/** What the requests do: the booting command binds them to its system. */
export interface ControlHandler {
  update(pkg: string, options: PackageOptions): Promise<UpdateReport>;
  status(): SystemStatus;
  shutdown(): void;
}

export interface ControlServer {
  readonly path: string;
  /** Stop listening, answer requests still waiting with an error, remove the socket. */
  close(): Promise<void>;
}

/** A control socket that cannot be set up: bad input (the path), exit code 2. */
export class ControlSocketError extends Error {}

/**
 * How long close() lets a connection take its last lines before cutting it: a client
 * that never reads (or never closes its end) must not keep the system from stopping.
 */
const CLOSE_GRACE_MS = 1_000;

/** The server's open connections, with how many of their requests are not answered yet, and whether it closed. */
interface Connections {
  readonly open: Map<net.Socket, { unanswered: number }>;
  closed: boolean;
}

export async function listenControl(socketPath: string, handler: ControlHandler): Promise<ControlServer> {
  await claimPath(socketPath);
  const connections: Connections = { open: new Map(), closed: false };
  const server = net.createServer((socket) => serve(socket, handler, connections));
  // Created with no access for others, then made 0600 explicitly: never reachable by another user.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    throw new ControlSocketError(`cannot listen on ${socketPath}: ${errorMessage(err)}`);
  } finally {
    process.umask(umask);
  }
  fs.chmodSync(socketPath, 0o600);
  // Removed even when the process ends without close() (an uncaught error, process.exit).
  const removeSocket = () => fs.rmSync(socketPath, { force: true });
  process.once("exit", removeSocket);
  return {
    path: socketPath,
    close: async () => {
      // Requests still queued are told the system stopped, here, and are not carried out.
      connections.closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Closed from this side once the last lines are out: server.close() waits for every
      // connection, and a client may never close its end.
      for (const [socket, { unanswered }] of connections.open) {
        socket.end(line({ error: "the system stopped before answering" }).repeat(unanswered), () => socket.destroy());
      }
      const cut = setTimeout(() => {
        for (const socket of connections.open.keys()) socket.destroy();
      }, CLOSE_GRACE_MS);
      await stopped;
      clearTimeout(cut);
      process.off("exit", removeSocket);
      removeSocket();
    },
  };
}

/**
 * Make way for the socket: a stale socket (its server gone: nothing accepts on it) is
 * removed; a live one, or any other file, is refused.
 */
async function claimPath(socketPath: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new ControlSocketError(`${socketPath} exists and is not a socket: not replacing it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new ControlSocketError(`${socketPath} is in use: another system listens on it`);
  try {
    fs.rmSync(socketPath, { force: true });
  } catch (err) {
    throw new ControlSocketError(`cannot replace the stale socket ${socketPath}: ${errorMessage(err)}`);
  }
}

/** One connection: lines in, one reply line per request, in order. */
function serve(socket: net.Socket, handler: ControlHandler, connections: Connections): void {
  const state = { unanswered: 0 };
  connections.open.set(socket, state);
  socket.on("close", () => connections.open.delete(socket));
  socket.on("error", () => socket.destroy());
  socket.setEncoding("utf8");
  let buffered = "";
  let queue = Promise.resolve();
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE_BYTES) {
      socket.end(line({ error: `request longer than ${MAX_LINE_BYTES} bytes` }));
      buffered = "";
      return;
    }
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (text.trim() === "") continue;
      state.unanswered++;
      queue = queue.then(async () => {
        if (connections.closed) return;
        const reply = await answer(text, handler);
        state.unanswered--;
        // After close() the client was already answered for this request.
        if (!connections.closed && !socket.destroyed) socket.write(line(reply));
      });
    }
  });
}

async function answer(text: string, handler: ControlHandler): Promise<ControlReply> {
  try {
    const request = parseRequest(text);
    switch (request.op) {
      case "update":
        return { report: await handler.update(request.package, request.options ?? {}) };
      case "status":
        return { status: handler.status() };
      case "shutdown":
        handler.shutdown();
        return { ok: true };
    }
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

function line(reply: ControlReply): string {
  return `${JSON.stringify(reply)}\n`;
}

/** What `status` answers for a live system. */
export function statusOf(live: LiveSystem): SystemStatus {
  const k = live.system.kernel;
  const versions: Record<string, string> = {};
  for (const p of k.liveProcs()) if (p.priv.system) versions[p.name] = live.updater.versionOf(p.program).label;
  return { tick: live.system.machine.clock.now, halted: k.halted !== null, versions };
}
