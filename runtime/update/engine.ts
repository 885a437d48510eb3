/**
 * The live-update service of a running system: the kernel's `LiveUpdater`, which the
 * update manager in RS drives through SYS.UPDATE. It checks a request completely before
 * anything is touched (components, versions, the state transfer plan, state filters,
 * interface filters), runs one update at a time as a Transaction, and keeps each
 * report for the requester (and for the host, by id).
 *
 * A request may instead carry an update package (`"package": true`, the file attached):
 * the package is checked and turned into a request here (runtime/package/apply.ts), its
 * version staged once every check has passed. The host checks a package the same way
 * (`preparePackage`) before it stages it and sends the request through RS.
 *
 * Package versions are staged for as long as they are needed only: while a program runs
 * one, an update of it is in flight, or the host holds one it is about to request. One
 * whose update rolled back or was refused is dropped (applying the package again loads
 * it again), so a long-running system does not collect them.
 */
import type * as crypto from "node:crypto";
import { EBUSY, EINVAL } from "../../os/include/errno.js";
import type { Kernel } from "../../os/kernel/kernel.js";
import type { Proc } from "../../os/kernel/proc.js";
import type { LiveUpdater, UpdateResult } from "../../os/kernel/update.js";
import { SYSTEM } from "../../os/include/ipc.js";
import { compileFilter } from "../filter/index.js";
import {
  type ApplyOptions, baseProblem, groupProblem, installablePrograms, isPackageVersion, type PackageVersion, preparePackage, type PreparedPackage,
  type RunningSystem,
} from "../package/apply.js";
import { viewOf } from "../process-view.js";
import { planTransfer } from "../transfer/plan.js";
import { compileInterfaceFilters } from "./interface-filter.js";
import { PhaseClock, reportWithoutComponents, type UpdateReport } from "./report.js";
import { parseUpdateRequest, type ComponentRequest, type UpdateRequest } from "./request.js";
import { type Member, Transaction } from "./transaction.js";
import { BOOT_VERSION, isVersioned, type Version, type VersionedImage } from "./versions.js";

/** How many finished updates' reports the engine keeps for `report(id)`. */
const REPORTS_KEPT = 100;

export class LiveUpdateEngine implements LiveUpdater, RunningSystem {
  private readonly versions = new Map<string, Version>();
  /** The version each updated program runs now (the others run the boot version). */
  private readonly running = new Map<string, Version>();
  private nextId = 1;
  private current: Transaction | null = null;
  /** Finished updates not yet collected, by requester endpoint. */
  private readonly unread = new Map<number, UpdateResult[]>();
  /** Reports of the last REPORTS_KEPT updates, by id (a long-running system makes many). */
  private readonly reports = new Map<number, UpdateReport>();
  private readonly waiters = new Map<number, Array<(r: UpdateReport) => void>>();
  /** Package versions the host staged for a request it has not had the answer to yet. */
  private readonly held = new Set<PackageVersion>();

  /**
   * @param trusted the keys packages sent from inside the system must be signed by
   * (null: any package, signed or not; a signature present is still checked).
   */
  constructor(readonly kernel: Kernel, boot: VersionedImage, readonly trusted: readonly crypto.KeyObject[] | null = null) {
    this.versions.set(BOOT_VERSION, { label: BOOT_VERSION, image: boot });
  }

  /** Make a new version available to updates under its label. */
  stage(version: Version): void {
    if (this.versions.has(version.label)) throw new Error(`a version labelled "${version.label}" is already staged`);
    this.versions.set(version.label, version);
  }

  staged(label: string): Version | undefined {
    return this.versions.get(label);
  }

  /**
   * Check an update package against the running system and make its request, every
   * check made as if it were requested now (the update's too: see `members`); nothing is
   * staged or changed. Throws PackageError or Error saying what is wrong.
   */
  preparePackage(input: string | Uint8Array, options: ApplyOptions = {}): PreparedPackage {
    const busy = this.busy();
    if (busy !== undefined) throw new Error(busy);
    const prepared = this.prepare(input, options);
    this.members(prepared.request, prepared.version);
    return prepared;
  }

  private prepare(input: string | Uint8Array, options: ApplyOptions): PreparedPackage {
    const { trusted = this.trusted, ...rest } = options;
    return preparePackage(this, input, rest, trusted);
  }

  /**
   * Stage a prepared package's version for a request the host is about to send, and
   * keep it until `releasePackage` (the request's answer has come).
   */
  stagePackage(version: PackageVersion): void {
    this.stageOnce(version);
    this.held.add(version);
  }

  /** The host's request for a version it staged has been answered: drop it unless it is in use. */
  releasePackage(version: PackageVersion): void {
    this.held.delete(version);
    this.dropUnused();
  }

  /** Stage a package's version, unless it is already (the same package applied again). */
  private stageOnce(version: PackageVersion): void {
    if (this.versions.get(version.label) !== version) this.stage(version);
  }

  /** Drop the staged package versions nothing runs, updates or holds. */
  private dropUnused(): void {
    const inUse = new Set<Version>([...this.running.values(), ...this.held, ...(this.current?.members.map((m) => m.version) ?? [])]);
    for (const [label, v] of this.versions) if (isPackageVersion(v) && !inUse.has(v)) this.versions.delete(label);
  }

  /** Why no update can start now, if one cannot. */
  private busy(): string | undefined {
    if (!this.current) return undefined;
    return `busy: update ${this.current.id} (${this.current.members.map((m) => m.name).join(", ")}) is in flight`;
  }

  /**
   * Apply a prepared package that updates no running component: its programs are
   * installed for new execs at once. Returns the (committed) report.
   */
  installPackage(version: PackageVersion): UpdateReport {
    this.stageOnce(version);
    const now = this.kernel.machine.clock.now;
    const report = reportWithoutComponents(this.nextId++, "committed", "", now, now);
    report.package = this.packageNote(version, this.install(version));
    this.keep(report);
    return report;
  }

  /** The version `program` runs. */
  versionOf(program: string): Version {
    return this.running.get(program) ?? this.versions.get(BOOT_VERSION)!;
  }

  start(requestJson: string, requester: Proc, attachment?: Uint8Array):
    { id: number; services: string[] } | { errno: number; reason: string } {
    const busy = this.busy();
    if (busy !== undefined) return { errno: EBUSY, reason: busy };
    const phases = new PhaseClock(() => this.kernel.machine.clock.now);
    phases.begin("request");
    let members: Member[];
    let request: UpdateRequest;
    let pkg: PackageVersion | undefined;
    try {
      const parsed = parseUpdateRequest(requestJson);
      if ("package" in parsed) {
        if (!attachment) throw new Error("a package request needs the package file attached");
        const { package: _, ...options } = parsed;
        ({ request, version: pkg } = this.prepare(attachment, options));
      } else {
        if (attachment) throw new Error("an attachment goes only with a package request (\"package\": true)");
        request = parsed;
      }
      members = this.members(request, pkg);
    } catch (err) {
      return { errno: EINVAL, reason: (err as Error).message };
    }
    const requesterEndpoint = requester.endpoint;
    if (pkg && members.length === 0) {
      const report = this.installPackage(pkg);
      this.deliver(requesterEndpoint, report);
      return { id: report.id, services: [] };
    }
    if (pkg) this.stageOnce(pkg);
    pkg ??= members.map((m) => m.version).find(isPackageVersion);
    const id = this.nextId++;
    const { maxtime, likely, digest } = request;
    this.current = new Transaction(id, this.kernel, members, { maxtime, likely, digest }, (report) => {
      this.current = null;
      const committed = report.outcome === "committed";
      if (committed) for (const m of members) this.running.set(m.program, m.version);
      if (pkg) report.package = this.packageNote(pkg, committed ? this.install(pkg) : []);
      this.dropUnused();
      this.deliver(requesterEndpoint, report);
    }, phases);
    return { id, services: members.map((m) => m.name) };
  }

  /** A finished update: keep its report, queue it for the requester and tell it, wake the host's waiters. */
  private deliver(requesterEndpoint: number, report: UpdateReport): void {
    const { id } = report;
    this.keep(report);
    let q = this.unread.get(requesterEndpoint);
    if (!q) this.unread.set(requesterEndpoint, (q = []));
    q.push({ id, outcome: report.outcome, reason: report.reason, report: JSON.stringify(report) });
    const rq = this.kernel.lookup(requesterEndpoint);
    if (rq) this.kernel.ipc.notify(rq, SYSTEM);
    for (const w of this.waiters.get(id) ?? []) w(report);
    this.waiters.delete(id);
  }

  /** New execs of a package's programs that no service runs use its code from now on. */
  private install(version: PackageVersion): string[] {
    const programs = installablePrograms(this, version.image.pkg);
    for (const p of programs) {
      this.kernel.setProgramImage(p, version.image);
      this.running.set(p, version);
    }
    return programs;
  }

  private packageNote(version: PackageVersion, installed: string[]): NonNullable<UpdateReport["package"]> {
    const m = version.image.pkg.manifest;
    return { version: version.label, base: m.base.label, target: m.target.label, groups: m.groups, installed };
  }

  result(requester: Proc): UpdateResult | undefined {
    return this.unread.get(requester.endpoint)?.shift();
  }

  private keep(report: UpdateReport): void {
    this.reports.set(report.id, report);
    if (this.reports.size > REPORTS_KEPT) this.reports.delete(this.reports.keys().next().value!);
  }

  /** The report of a finished update (one of the last REPORTS_KEPT). */
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

  /**
   * The members of an update, every one checked (`member`), and the groups of every
   * package version they are updated to: a package's groups hold whichever way its
   * version is asked for (a package request, or a plain one naming its label).
   */
  private members(request: UpdateRequest, candidate?: PackageVersion): Member[] {
    const members = request.components.map((c) => this.member(c, candidate));
    for (const version of new Set(members.map((m) => m.version).filter(isPackageVersion))) {
      const problem = groupProblem(this, version.image.pkg, new Set(members.filter((m) => m.version === version).map((m) => m.program)));
      if (problem) throw new Error(problem);
    }
    return members;
  }

  /**
   * Everything about one component, checked; throws an Error naming what is wrong.
   * `candidate`: a package version about to be staged, which `c.version` may name.
   */
  private member(c: ComponentRequest, candidate?: PackageVersion): Member {
    const proc = [...this.kernel.liveProcs()].find((p) => p.name === c.name && p.priv.system);
    if (!proc?.instance) throw new Error(`no system process named "${c.name}" (the kernel is not live-updatable)`);
    const old = proc.instance;
    const oldImage = old.realm.image;
    if (!isVersioned(oldImage)) {
      throw new Error(`${c.name} runs from a plain build: live update needs an instrumented build (proteos build)`);
    }
    const from = this.versionOf(proc.program);
    const version = c.version === undefined ? from : c.version === candidate?.label ? candidate : this.versions.get(c.version);
    if (!version) throw new Error(`no version "${c.version}" is staged (staged: ${[...this.versions.keys()].join(", ")})`);
    if (!version.image.program(proc.program)) throw new Error(`version "${version.label}" has no program "${proc.program}"`);
    // A package applies to the version it was built from only (another update may have come first).
    const problem = isPackageVersion(version) && version !== from ? baseProblem(version.image.pkg, proc.program, from) : undefined;
    if (problem) throw new Error(problem);
    const oldMeta = oldImage.metadata(proc.program);
    const transformers = isPackageVersion(version) ? version.transformersOf.get(proc.program) : version.transformers;
    const plan = planTransfer(oldMeta, version.image.metadata(proc.program), transformers);
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
