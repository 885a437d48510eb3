/**
 * One update, as a transaction over one or more components:
 *
 *   quiescence  every component is watched at its update points until it is in the
 *               requested state; then it is held (its messages queue in order). A held
 *               component that a draining one waits on is let go again, so that a
 *               component waiting on another never deadlocks the update. All held at once:
 *   load        each new version is loaded into a fresh realm beside the old one;
 *   transfer    the old state is rebuilt in the new realm (the old realm is only read);
 *   checks      type invariants, the server's own invariants, learned likely invariants;
 *   commit      each new instance takes over its endpoint and starts in live-update mode;
 *               when all have reached their update point the held messages go to them
 *               and the old instances are dropped.
 *
 * Any failure before the end of commit (the deadline included) is a rollback: new
 * instances are thrown away, the old ones, never modified, resume at their update
 * point with every held message still queued in order.
 */
import type { Kernel } from "../../os/kernel/kernel.js";
import type { Instance, Proc } from "../../os/kernel/proc.js";
import type { QuiescenceWatch } from "../../os/kernel/update.js";
import type { TimerHandle } from "../../hw/clock.js";
import { type CompiledFilter } from "../filter/index.js";
import { checkTypes, formatViolation } from "../check/types.js";
import { checkLikely, formatLikelyViolation } from "../check/likely.js";
import { type ProcessView, viewOf } from "../process-view.js";
import { type TransferPlan } from "../transfer/plan.js";
import { transferState } from "../transfer/index.js";
import { stateHash } from "../state/hash.js";
import type { HoldBack } from "./interface-filter.js";
import { type ComponentReport, type Outcome, PhaseClock, type PhaseName, type UpdateReport } from "./report.js";
import type { PredefinedState } from "./request.js";
import { inFlight } from "./in-flight.js";
import type { Version } from "./versions.js";
import { errorMessage } from "../error-message.js";

/** One component of an update, from request to the end. */
export interface Member {
  name: string;
  proc: Proc;
  program: string;
  /** The instance running when the update was requested, and what the runtime sees of it. */
  old: Instance;
  oldView: ProcessView;
  version: Version;
  plan: TransferPlan;
  state: PredefinedState;
  filter: CompiledFilter | undefined;
  holdBack: HoldBack | undefined;
  /** Held at a point where the requested state holds. */
  quiescent: boolean;
  next?: Instance;
  newView?: ProcessView;
  /** The new instance has reached its update point (commit). */
  parked: boolean;
  report: ComponentReport;
  /** With `digest`: hashes of the old state when it was last held, whole and without @transient variables. */
  heldDigest?: { all: string; persistent: string };
}

export interface TransactionOptions {
  maxtime: number;
  likely: "off" | "warn" | "fail";
  digest: boolean;
}

/** Work units (a trap costs one) charged to the virtual clock per object transferred or checked. */
const UNITS_PER_OBJECT = 1;

export class Transaction {
  private readonly clock: PhaseClock;
  private readonly requestedAt: number;
  private deadline: TimerHandle | null = null;
  private stage: "quiescence" | "commit" | "done" = "quiescence";
  private downtime = { tick: 0, ms: 0 };
  private result: UpdateReport | undefined;

  constructor(
    readonly id: number,
    private readonly kernel: Kernel,
    readonly members: Member[],
    private readonly opts: TransactionOptions,
    private readonly finished: (report: UpdateReport) => void,
    requestPhase: PhaseClock,
  ) {
    this.clock = requestPhase;
    this.requestedAt = kernel.machine.clock.now;
    this.clock.begin("quiescence");
    // The clock may fire it in the middle of anything (charged work moves time): roll back after.
    this.deadline = kernel.machine.clock.after(opts.maxtime, () => {
      this.deadline = null;
      const why = `deadline: ${this.describeWaiting()} after ${opts.maxtime} ticks`;
      void Promise.resolve().then(() => this.rollback(why));
    });
    for (const m of members) kernel.setWatch(m.proc, this.drainingWatch(m));
  }

  get report(): UpdateReport | undefined {
    return this.result;
  }

  // ---- quiescence ----------------------------------------------------------------

  private drainingWatch(m: Member): QuiescenceWatch {
    return {
      holdBack: m.holdBack,
      check: () => {
        this.releaseWaitedOn();
        // One that a draining component waits on must serve it first.
        if (this.stage !== "quiescence" || this.waitedOnByDraining().has(m.proc)) return false;
        try {
          return this.inRequestedState(m);
        } catch (err) {
          this.rollback(`checking the state of ${m.name} failed: ${errorMessage(err)}`);
          return false;
        }
      },
      reached: () => {
        m.quiescent = true;
        if (this.opts.digest) m.heldDigest = { all: stateHash(m.oldView), persistent: stateHash(m.oldView, { skipTransient: true }) };
        this.kernel.setWatch(m.proc, this.heldWatch(m));
        if (this.members.every((x) => x.quiescent)) this.commit();
      },
      crashed: (_p, inst, reason) => this.crashed(m, inst, reason),
    };
  }

  /** Held, waiting for the others: nothing is delivered; it may be let go (releaseWaitedOn). */
  private heldWatch(m: Member): QuiescenceWatch {
    return {
      check: () => {
        this.releaseWaitedOn();
        return false;
      },
      reached: () => {},
      crashed: (_p, inst, reason) => this.crashed(m, inst, reason),
    };
  }

  /** At its update point with the requested state holding (read from the old instance's own state). */
  private inRequestedState(m: Member): boolean {
    const { rt } = m.oldView;
    if (m.proc.instance !== m.old || !rt.atUpdatePoint() || m.old.calls.size > 0) return false;
    if (m.state !== "work-free" && inFlight(this.kernel, m.old, m.oldView) > 0) return false;
    if (m.state === "protocol-free" && !callDeclared(m.oldView, "protocolFree")) return false;
    return !m.filter || m.filter.evaluate(m.oldView);
  }

  /**
   * A held component that a draining one waits on (through its calls, directly or
   * through other processes) must serve it, or neither would ever be quiescent: let it
   * go; it is held again at its next update point in the requested state.
   */
  private releaseWaitedOn(): void {
    if (this.stage !== "quiescence" || !this.members.some((m) => m.quiescent)) return;
    const waited = this.waitedOnByDraining();
    for (const m of this.members) {
      if (!m.quiescent || !waited.has(m.proc)) continue;
      m.quiescent = false;
      this.kernel.setWatch(m.proc, this.drainingWatch(m));
      this.kernel.hold(m.proc, false);
    }
  }

  /** The processes the components still draining wait on, through their calls. */
  private waitedOnByDraining(): Set<Proc> {
    const waited = new Set<Proc>();
    for (const d of this.members) if (!d.quiescent) for (const p of waitsOn(d.proc)) waited.add(p);
    return waited;
  }

  private describeWaiting(): string {
    if (this.stage === "commit") {
      const waiting = this.members.filter((m) => !m.parked).map((m) => m.name);
      return `new version of ${waiting.join(", ")} did not reach its update point`;
    }
    const waiting = this.members.filter((m) => !m.quiescent);
    return `${waiting.map((m) => m.name).join(", ")} did not reach the requested state (${waiting.map((m) => this.whyNot(m)).join("; ")})`;
  }

  /** What keeps a draining component from its requested state, for the deadline's reason. */
  private whyNot(m: Member): string {
    const calls = [...m.old.calls.values()].map((c) => c.callee.name);
    const others = inFlight(this.kernel, m.old, m.oldView) - calls.length;
    const why = [
      m.oldView.rt.atUpdatePoint() ? "" : "not at its update point",
      calls.length > 0 ? `waiting on ${calls.join(", ")}` : "",
      m.state !== "work-free" && others > 0 ? `${others} other wait(s) in flight` : "",
    ].filter(Boolean);
    if (why.length === 0) why.push(m.filter ? "its state filter is false" : `not ${m.state}`);
    return `${m.name}: ${why.join(", ")}`;
  }

  // ---- load, transfer, checks, commit ----------------------------------------------

  private commit(): void {
    this.stage = "commit";
    this.downtime = { tick: this.kernel.machine.clock.now, ms: performance.now() };
    let phase: PhaseName = "load";
    let at = this.members[0]!;
    try {
      this.clock.begin("load");
      for (const m of this.members) {
        at = m;
        const next = this.kernel.newInstance(m.proc, m.program, m.old.entry, [...m.old.argv], "update", m.version.image);
        m.next = next;
        m.newView = viewOf(m.program, next.realm, m.version.image.metadata(m.program), m.version.image.program(m.program)!);
      }
      phase = "transfer";
      this.clock.begin("transfer");
      for (const m of this.members) {
        at = m;
        const waits = inFlight(this.kernel, m.old, m.oldView);
        if (waits > 0) {
          throw new Error(`${waits} wait(s) in flight at its update point: `
            + "the code waiting cannot be carried to the new version (ask for request-free)");
        }
        const r = transferState(m.oldView, m.newView!, m.plan);
        m.report.objects = r.objects;
        m.report.bytes = r.bytes;
        m.report.typesTransformed = r.typesTransformed;
        this.kernel.machine.clock.charge(r.objects * UNITS_PER_OBJECT);
        callDeclared(m.newView!, "afterUpdate");
      }
      phase = "checks";
      this.clock.begin("checks");
      for (const m of this.members) {
        at = m;
        this.check(m);
        if (m.heldDigest) m.report.digest = { before: m.heldDigest.persistent, after: stateHash(m.newView!, { skipTransient: true }) };
      }
    } catch (err) {
      this.rollback(`${phase} of ${at.name}: ${errorMessage(err)}`, phase);
      return;
    }
    this.clock.begin("commit");
    for (const m of this.members) {
      this.kernel.setWatch(m.proc, this.committingWatch(m));
      this.kernel.swapInstance(m.proc, m.next!);
    }
  }

  /** The new state's checks: type invariants, the server's own, and (if profiled) likely ones. */
  private check(m: Member): void {
    const view = m.newView!;
    const types = checkTypes(view, { foreign: m.oldView, limit: 20 });
    m.report.checksRun += types.objectsChecked;
    this.kernel.machine.clock.charge(types.objectsChecked * UNITS_PER_OBJECT);
    if (!types.ok) throw new Error(`type invariants violated: ${types.violations.slice(0, 5).map(formatViolation).join("; ")}`);
    const declared = callDeclared(view, "checkInvariants");
    if (declared !== undefined) {
      m.report.checksRun++;
      const problems = Array.isArray(declared) ? declared.map(String) : [String(declared)];
      if (problems.length > 0) throw new Error(`${m.name}'s invariants violated: ${problems.slice(0, 5).join("; ")}`);
    }
    const profile = m.version.invariants?.[m.program];
    if (this.opts.likely === "off" || !profile) return;
    const likely = checkLikely(view, profile, this.opts.likely);
    m.report.checksRun += likely.valuesChecked;
    m.report.warnings.push(...likely.violations.filter((v) => v.severity === "warning").map(formatLikelyViolation));
    if (!likely.ok) {
      const errors = likely.violations.filter((v) => v.severity === "error");
      throw new Error(`likely invariants violated: ${errors.slice(0, 5).map(formatLikelyViolation).join("; ")}`);
    }
  }

  /** The new instance runs in live-update mode until its update point; then it may have the endpoint for good. */
  private committingWatch(m: Member): QuiescenceWatch {
    return {
      check: (p) => p.instance === m.next && m.newView!.rt.atUpdatePoint(),
      reached: () => {
        m.parked = true;
        this.kernel.setWatch(m.proc, this.heldWatch(m));
        if (this.members.every((x) => x.parked)) this.finish();
      },
      crashed: (_p, inst, reason) => this.crashed(m, inst, reason),
    };
  }

  private finish(): void {
    this.clock.end();
    this.cancelDeadline();
    for (const m of this.members) {
      this.kernel.setWatch(m.proc, null);
      this.kernel.setProgramImage(m.program, m.version.image);
    }
    // Released last, together: the held messages go to the new versions in order.
    for (const m of this.members) this.kernel.hold(m.proc, false);
    this.end("committed", "", null);
  }

  // ---- failure -----------------------------------------------------------------------

  /** An instance of a member crashed: the new one (roll back, no death) or the old one while draining. */
  private crashed(m: Member, inst: Instance, reason: string): boolean {
    if (this.stage === "done") return false;
    const first = reason.split("\n")[0];
    if (inst === m.next) {
      // Out of the crashing instance's own call stack: the rollback swaps instances.
      void Promise.resolve().then(() => this.rollback(`new version of ${m.name} crashed: ${first}`, "commit"));
      return true;
    }
    this.rollback(`${m.name} crashed while the update waited for it: ${first}`);
    return false;
  }

  private rollback(reason: string, failed: PhaseName | null = this.clock.running): void {
    if (this.stage === "done") return;
    this.clock.begin("rollback");
    this.cancelDeadline();
    for (const m of this.members) {
      if (m.next && m.proc.instance === m.next) this.kernel.swapInstance(m.proc, m.old, true);
      this.kernel.setWatch(m.proc, null);
      if (m.quiescent && m.heldDigest) m.report.digest = { before: m.heldDigest.all, after: stateHash(m.oldView) };
    }
    for (const m of this.members) this.kernel.hold(m.proc, false);
    this.clock.end();
    this.end("rolled-back", reason, failed);
  }

  private cancelDeadline(): void {
    this.deadline?.cancel();
    this.deadline = null;
  }

  private end(outcome: Outcome, reason: string, failedPhase: PhaseName | null): void {
    this.stage = "done";
    const now = this.kernel.machine.clock.now;
    const reached = this.downtime.tick > 0 || this.members.some((m) => m.next);
    const components = this.members.map((m) => m.report);
    this.result = {
      id: this.id, outcome, reason, failedPhase,
      requestedAt: this.requestedAt, endedAt: now,
      phases: this.clock.phases,
      components,
      objects: sum(components, (c) => c.objects),
      bytes: sum(components, (c) => c.bytes),
      typesTransformed: new Set(components.flatMap((c) => c.typesTransformed)).size,
      checksRun: sum(components, (c) => c.checksRun),
      downtimeTicks: reached ? now - this.downtime.tick : 0,
      downtimeMs: reached ? Math.round((performance.now() - this.downtime.ms) * 1000) / 1000 : 0,
    };
    this.finished(this.result);
  }
}

/** Every process `p` waits on through its outstanding calls, transitively. */
function waitsOn(p: Proc): Set<Proc> {
  const seen = new Set<Proc>();
  const work = [p];
  while (work.length > 0) {
    const q = work.pop()!;
    for (const call of q.instance?.calls.values() ?? []) {
      if (seen.has(call.callee)) continue;
      seen.add(call.callee);
      work.push(call.callee);
    }
  }
  return seen;
}

/**
 * Call a live-update callback the program's entry module exports (`protocolFree`,
 * `afterUpdate`, `checkInvariants`), in its realm. Undefined if it declares none.
 */
export function callDeclared(view: ProcessView, name: string): unknown {
  const fn = view.entryExports[name];
  if (typeof fn !== "function") return undefined;
  return (fn as () => unknown)();
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  let n = 0;
  for (const x of xs) n += f(x);
  return n;
}
