/**
 * The kernel's part in live update. The kernel is not live-updatable and runs no
 * update policy: it holds a process's messages, holds back chosen ones while the
 * process drains, asks at each of the process's update points whether it has reached
 * the requested state, and swaps the instance serving an endpoint. Deciding what to
 * wait for, loading the new version and transferring state is the updater's job (an
 * implementation of `LiveUpdater`, given to the kernel by whoever boots it).
 */
import type { Proc, Instance } from "./proc.js";

/** Set on a process while an update waits for it or commits it. */
export interface QuiescenceWatch {
  /** While draining: true to leave this message (or notification) queued for now. */
  holdBack?(source: number, type: number): boolean;
  /**
   * Called when the process is blocked in a receive and none of its code is pending:
   * true when it is where the update wants it. The kernel then holds it (queues every
   * message in order), calls `reached`, and asks no more until a watch is set again.
   */
  check(p: Proc): boolean;
  reached(p: Proc): void;
  /** An instance of this process crashed; true if the updater takes care of it (no death). */
  crashed?(p: Proc, inst: Instance, reason: string): boolean;
}

/** The update service the update manager (RS) drives through SYS.UPDATE. */
export interface LiveUpdater {
  /**
   * Start an update; the requester is notified from SYSTEM when it ends. With
   * `"package": true` in the request, `attachment` is the update package file (UTF-8)
   * and the request may leave out its components (every one the package changes).
   * `services`: the services the update waits for (none for a package of programs no
   * service runs, which is installed at once).
   */
  start(requestJson: string, requester: Proc, attachment?: Uint8Array):
    { id: number; services: string[] } | { errno: number; reason: string };
  /** The next finished update the requester has not collected. */
  result(requester: Proc): UpdateResult | undefined;
}

export interface UpdateResult {
  id: number;
  outcome: "committed" | "rolled-back" | "rejected";
  reason: string;
  /** The whole report, as JSON. */
  report: string;
}
