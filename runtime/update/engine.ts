/**
 * The live-update service of a running system: the kernel's `LiveUpdater`, which the
 * update manager in RS drives through SYS.UPDATE. It checks a request completely before
 * anything is touched (components, versions, the state transfer plan, state filters,
 * interface filters), runs one update at a time as a Transaction, and keeps each
 * report for the requester (and for the host, by id).
 */
import { EBUSY, EINVAL } from "../../os/include/errno.js";
import type { Kernel } from "../../os/kernel/kernel.js";
import type { Proc } from "../../os/kernel/proc.js";
import type { LiveUpdater, UpdateResult } from "../../os/kernel/update.js";
import { SYSTEM } from "../../os/include/ipc.js";
import { compileFilter } from "../filter/index.js";
import { viewOf } from "../process-view.js";
import { planTransfer } from "../transfer/plan.js";
import { compileInterfaceFilters } from "./interface-filter.js";
import { PhaseClock, type UpdateReport } from "./report.js";
import { parseUpdateRequest, type ComponentRequest } from "./request.js";
import { type Member, Transaction } from "./transaction.js";
import { BOOT_VERSION, isVersioned, type Version, type VersionedImage } from "./versions.js";

export class LiveUpdateEngine implements LiveUpdater {
  private readonly versions = new Map<string, Version>();
  /** The version each updated program runs now (the others run the boot version). */
  private readonly running = new Map<string, Version>();
  private nextId = 1;
  private current: Transaction | null = null;
  /** Finished updates not yet collected, by requester endpoint. */
  private readonly unread = new Map<number, UpdateResult[]>();
  private readonly reports = new Map<number, UpdateReport>();
  private readonly waiters = new Map<number, Array<(r: UpdateReport) => void>>();

  constructor(private readonly kernel: Kernel, boot: VersionedImage) {
    this.versions.set(BOOT_VERSION, { label: BOOT_VERSION, image: boot });
  }

  /** Make a new version available to updates under its label. */
  stage(version: Version): void {
    if (this.versions.has(version.label)) throw new Error(`a version labelled "${version.label}" is already staged`);
    this.versions.set(version.label, version);
  }

  /** The version `program` runs. */
  versionOf(program: string): Version {
    return this.running.get(program) ?? this.versions.get(BOOT_VERSION)!;
  }

  start(requestJson: string, requester: Proc): { id: number } | { errno: number; reason: string } {
    if (this.current) {
      const names = this.current.members.map((m) => m.name).join(", ");
      return { errno: EBUSY, reason: `busy: update ${this.current.id} (${names}) is in flight` };
    }
    const phases = new PhaseClock(() => this.kernel.machine.clock.now);
    phases.begin("request");
    let members: Member[];
    let request;
    try {
      request = parseUpdateRequest(requestJson);
      members = request.components.map((c) => this.member(c));
    } catch (err) {
      return { errno: EINVAL, reason: (err as Error).message };
    }
    const id = this.nextId++;
    const requesterEndpoint = requester.endpoint;
    const { maxtime, likely, digest } = request;
    this.current = new Transaction(id, this.kernel, members, { maxtime, likely, digest }, (report) => {
      this.current = null;
      if (report.outcome === "committed") for (const m of members) this.running.set(m.program, m.version);
      this.reports.set(id, report);
      let q = this.unread.get(requesterEndpoint);
      if (!q) this.unread.set(requesterEndpoint, (q = []));
      q.push({ id, outcome: report.outcome, reason: report.reason, report: JSON.stringify(report) });
      const rq = this.kernel.lookup(requesterEndpoint);
      if (rq) this.kernel.ipc.notify(rq, SYSTEM);
      for (const w of this.waiters.get(id) ?? []) w(report);
      this.waiters.delete(id);
    }, phases);
    return { id };
  }

  result(requester: Proc): UpdateResult | undefined {
    return this.unread.get(requester.endpoint)?.shift();
  }

  /** The report of a finished update. */
  report(id: number): UpdateReport | undefined {
    return this.reports.get(id);
  }

  /** Resolves with the report when update `id` ends. */
  finished(id: number): Promise<UpdateReport> {
    const done = this.reports.get(id);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      let ws = this.waiters.get(id);
      if (!ws) this.waiters.set(id, (ws = []));
      ws.push(resolve);
    });
  }

  /** Everything about one component, checked; throws an Error naming what is wrong. */
  private member(c: ComponentRequest): Member {
    const proc = [...this.kernel.liveProcs()].find((p) => p.name === c.name && p.priv.system);
    if (!proc?.instance) throw new Error(`no system process named "${c.name}" (the kernel is not live-updatable)`);
    const old = proc.instance;
    const oldImage = old.realm.image;
    if (!isVersioned(oldImage)) {
      throw new Error(`${c.name} runs from a plain build: live update needs an instrumented build (proteos build)`);
    }
    const from = this.versionOf(proc.program);
    const version = c.version === undefined ? from : this.versions.get(c.version);
    if (!version) throw new Error(`no version "${c.version}" is staged (staged: ${[...this.versions.keys()].join(", ")})`);
    if (!version.image.program(proc.program)) throw new Error(`version "${version.label}" has no program "${proc.program}"`);
    const oldMeta = oldImage.metadata(proc.program);
    const plan = planTransfer(oldMeta, version.image.metadata(proc.program), version.transformers);
    const oldView = viewOf(proc.program, old.realm, oldMeta, oldImage.program(proc.program)!);
    if (c.state === "protocol-free" && typeof oldView.entryExports.protocolFree !== "function") {
      throw new Error(`${c.name} declares no protocol-free state (its main module exports no protocolFree())`);
    }
    return {
      name: c.name, proc, program: proc.program, old, oldView, version, plan, state: c.state,
      filter: c.filter === undefined ? undefined : compileFilter(c.filter, oldMeta),
      holdBack: compileInterfaceFilters(this.kernel, c.hold),
      quiescent: false, parked: false,
      report: { name: c.name, program: proc.program, from: from.label, to: version.label, objects: 0, bytes: 0,
        typesTransformed: [], checksRun: 0, warnings: [] },
    };
  }
}
