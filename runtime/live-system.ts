/**
 * A system booted from an instrumented build with the live-update service in its
 * kernel: the host's API for updates. Requests go to the update manager in RS as
 * calls from the host (HOST), exactly as `service update` sends them from inside.
 */
import type * as crypto from "node:crypto";
import { System, type SystemOptions } from "../os/boot/system.js";
import { RS_PROC_NR } from "../os/include/com.js";
import { OK, errnoName } from "../os/include/errno.js";
import { RS, type LiveUpdateRequest } from "../os/include/rs.js";
import { errorMessage } from "./error-message.js";
import type { ApplyOptions, PreparedPackage } from "./package/apply.js";
import { LiveUpdateEngine } from "./update/engine.js";
import { reportWithoutComponents, type UpdateReport } from "./update/report.js";
import type { Version, VersionedImage } from "./update/versions.js";

export class LiveSystem {
  readonly system: System;
  readonly updater: LiveUpdateEngine;

  /** `trusted`: the keys every update package must be signed by (default: none required). */
  constructor(opts: Omit<SystemOptions, "image"> & { image: VersionedImage; trusted?: readonly crypto.KeyObject[] | null }) {
    this.system = new System(opts);
    this.updater = new LiveUpdateEngine(this.system.kernel, opts.image, opts.trusted ?? null);
    this.system.kernel.updater = this.updater;
  }

  /** Make a new version available to updates under its label. */
  stage(version: Version): void {
    this.updater.stage(version);
  }

  /**
   * Ask RS for an update; resolves with its report when it has ended (the system must
   * be running meanwhile: see `runUntil`). A request refused at once (bad request,
   * busy, a change with no transformer…) resolves with outcome "rejected".
   */
  async update(request: LiveUpdateRequest): Promise<UpdateReport> {
    const now = this.system.machine.clock.now;
    const r = await this.system.kernel.hostCall(RS_PROC_NR, { type: RS.UPDATE, request: JSON.stringify(request) });
    if (r.type === OK) {
      const report = this.updater.report(r.id as number);
      if (report) return report;
    }
    const reason = typeof r.reason === "string" ? r.reason : errnoName(-(r.type as number));
    return reportWithoutComponents(0, "rejected", reason, now, this.system.machine.clock.now);
  }

  /**
   * Apply an update package (runtime/package/apply.ts): every check first, the engine's
   * checks of the update included (plans, filters, groups, busy), then the update of
   * its running components through RS, as `update` does; resolves with the report. A
   * package that cannot be applied (damaged, untrusted, built for another base, code
   * that does not load, a state filter that does not fit…) resolves at once with outcome
   * "rejected" and the reason, nothing staged or changed.
   */
  async applyPackage(input: string | Uint8Array, options: ApplyOptions = {}): Promise<UpdateReport> {
    const now = this.system.machine.clock.now;
    let prepared: PreparedPackage;
    try {
      prepared = this.updater.preparePackage(input, options);
    } catch (err) {
      return reportWithoutComponents(0, "rejected", errorMessage(err), now, now);
    }
    if (prepared.request.components.length === 0) return this.updater.installPackage(prepared.version);
    this.updater.stagePackage(prepared.version);
    try {
      return await this.update(prepared.request);
    } finally {
      this.updater.releasePackage(prepared.version);
    }
  }

  /**
   * Run the machine until `promise` settles or `maxTicks` more ticks have passed (then
   * rejects). Runs in slices, so a bounded run can be resumed.
   */
  async runUntil<T>(promise: Promise<T>, maxTicks: number, slice = 50): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    const clock = this.system.machine.clock;
    const end = clock.now + maxTicks;
    while (!settled) {
      if (clock.now >= end) throw new Error(`not settled within ${maxTicks} ticks`);
      const how = await this.system.run(Math.min(end, clock.now + slice));
      if (how !== "ticks" && !settled) {
        await Promise.resolve();
        if (!settled) throw new Error(`the system stopped (${how}) before it settled`);
      }
    }
    return watched;
  }
}
