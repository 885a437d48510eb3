/**
 * The deep state hash of a process: sha256 of the canonical form of every module
 * variable's value (./stream.ts). Two copies of a program hash equal exactly when their
 * states are alike, sharing and entry order included: an old version and its copy made
 * by an identity update hash equal; a change to a field, to the order of a Map's
 * entries or to which objects are shared changes the hash.
 */
import { createHash } from "node:crypto";
import type { ProcessView } from "../process-view.js";
import { type StreamOptions, streamState } from "./stream.js";

/** Hex sha256 of the process's state. */
export function stateHash(view: ProcessView, opts: StreamOptions = {}): string {
  const hash = createHash("sha256");
  // One token a line (see ./stream.ts), fed in chunks: an update per token would cost more than the walk.
  let chunk = "";
  streamState(view, (token) => {
    chunk += `${token}\n`;
    if (chunk.length >= 1 << 16) {
      hash.update(chunk);
      chunk = "";
    }
  }, opts);
  return hash.update(chunk).digest("hex");
}
