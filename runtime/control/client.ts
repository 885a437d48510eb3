/**
 * The other end of a control socket (server.ts): send one request, wait for its reply.
 */
import * as net from "node:net";
import type { ControlReply, ControlRequest } from "./protocol.js";

/** No system at the socket, or the connection broke before the reply. */
export class ControlClientError extends Error {}

export function controlRequest(socketPath: string, request: ControlRequest): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffered = "";
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      socket.destroy();
      f();
    };
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf("\n");
      if (nl < 0) return;
      finish(() => {
        try {
          resolve(JSON.parse(buffered.slice(0, nl)) as ControlReply);
        } catch (err) {
          reject(new ControlClientError(`${socketPath}: a reply that is not JSON (${(err as Error).message})`));
        }
      });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => finish(() => reject(new ControlClientError(
      err.code === "ENOENT" || err.code === "ECONNREFUSED"
        ? `no system listens on ${socketPath} (start one with: proteos boot --build instrumented --control ${socketPath})`
        : `${socketPath}: ${err.message}`))));
    socket.once("close", () => finish(() => reject(new ControlClientError(`${socketPath}: the system closed the connection before replying`))));
  });
}
