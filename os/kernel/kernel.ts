import * as util from "node:util";
import type { Machine, IrqLine } from "../../hw/machine.js";
import { ANY, CLOCK, HARDWARE, HOST, NR_SLOTS, SYSTEM, TRAP, slotOf, type StartMode } from "../include/ipc.js";
import { EBADSRCDST, ECALLDENIED, EDEADSRCDST, EINVAL, OK } from "../include/errno.js";
import { Grants } from "./grant.js";
import type { ImageSource } from "./image.js";
import { Ipc, TRACE_KIND } from "./ipc.js";
import { copyMessage, makeMessage } from "./message.js";
import { maySend, type Priv } from "./priv.js";
import { Instance, Proc } from "./proc.js";
import { Realm, type HostTrap } from "./realm.js";
import { Scheduler, type Wakeup } from "./sched.js";
import { kernelCall } from "./system.js";
import { Trace } from "./trace.js";
import type { LiveUpdater, QuiescenceWatch } from "./update.js";

const resolved = Promise.resolve();

/** How the host builds its copy of a reply to one of its calls. */
const HOST_OPS = { object: () => ({}), array: () => [] } as unknown as Instance["realm"]["ops"];

/** A process of the boot image. */
export interface BootProcess {
  slot: number;
  name: string;
  program: string;
  priv: Priv;
  /** Slot told when this process dies unexpectedly. */
  watcher: number;
  argv?: string[];
}

/** Why a process ended, as its watcher learns it. */
export interface Death {
  endpoint: number;
  /** Exit status when it returned, or -1 when it crashed or was killed. */
  status: number;
  reason: string;
}

export interface RunOptions {
  /** Stop when virtual time reaches this tick. */
  maxTicks?: number;
  /** Called when every process is blocked and no timer is pending; resolve true to keep running. */
  idleWait?: () => Promise<boolean>;
}

export type RunEnd = "halted" | "ticks" | "idle";

/**
 * The microkernel: process table, message passing, grants, alarms, interrupts and
 * the trap every process enters it through. It runs no policy: PM, VFS, RS and the
 * rest decide; the kernel only does what they ask and checks they may ask it.
 */
export class Kernel {
  readonly procs: Array<Proc | undefined> = new Array(NR_SLOTS);
  readonly sched = new Scheduler(3);
  readonly trace = new Trace();
  readonly ipc: Ipc;
  readonly grants: Grants;
  /** Deaths not yet collected, per watcher slot. */
  readonly deaths = new Map<number, Death[]>();
  /** Processes subscribed to each interrupt line, by slot. */
  readonly irqSubscribers = new Map<IrqLine, Set<number>>();
  halted: { status: number } | null = null;
  traps = 0;
  /** The live-update service SYS.UPDATE reaches, if this system has one. */
  updater: LiveUpdater | undefined;
  /** Where each program's code comes from, when not from the boot image (a live update installed it). */
  private programImages = new Map<string, ImageSource>();
  /** Processes with a quiescence watch. */
  private watched = new Set<Proc>();
  /** Promise.prototype of every realm made: a rejection from one no process runs any more is dropped. */
  private realmPromises = new WeakSet<object>();
  /** The host's calls waiting for their replies, by call id. */
  private hostCalls = new Map<number, { callee: Proc; resolve: (reply: Record<string, unknown>) => void }>();
  /** The tick the run loop's latest turn let processes run in: dispatching stops when it is over (see `loop`). */
  private turnTick = 0;
  /** `sched.dispatches` when the run loop last asked the watches of blocked processes. */
  private watchesAskedAt = -1;
  private nextCallId = 1;
  private inTrap = false;

  constructor(readonly machine: Machine, readonly image: ImageSource) {
    this.ipc = new Ipc(this.sched, this.trace, () => machine.clock.now, (p) => this.queueWatchCheck(p));
    this.grants = new Grants((ep) => this.lookup(ep));
    machine.attach((line) => this.interrupt(line));
  }

  // ---- process lifecycle ---------------------------------------------------------

  boot(table: BootProcess[]): void {
    // Every boot process exists before any runs, so each can send to any other from its first line.
    const procs = table.map((b) => {
      try {
        return this.createProc(b.slot, b.name, b.program, b.priv, b.watcher, "main", b.argv ?? []);
      } catch (err) {
        throw new Error(`boot image: cannot load ${b.name} (program '${b.program}'): ${describe(err)}`);
      }
    });
    for (const p of procs) this.start(p);
  }

  /** A free slot for a new process, or -1 when the table is full. */
  freeSlot(from: number): number {
    for (let s = from; s < NR_SLOTS; s++) {
      const p = this.procs[s];
      if (!p || !p.alive) return s;
    }
    return -1;
  }

  /**
   * Fill `slot` with a new process running `program` from `entry` (not yet started).
   * A reused slot gets the next generation unless `sameEndpoint` revives the old one.
   */
  createProc(slot: number, name: string, program: string, priv: Priv, watcher: number, entry: string,
    argv: string[], sameEndpoint = false): Proc {
    const old = this.procs[slot];
    if (old?.alive) throw new Error(`slot ${slot} is in use by ${old.name}`);
    const gen = old ? (sameEndpoint ? old.generation : old.generation + 1) : 0;
    const p = new Proc(slot, gen, name, program, priv, watcher);
    this.procs[slot] = p;
    p.instance = this.newInstance(p, program, entry, argv, sameEndpoint ? "restart" : "fresh");
    return p;
  }

  /**
   * A fresh realm with `program` loaded (its modules' top levels run), bound to `p`;
   * throws if the program cannot load. The code comes from `image` if given, else from
   * wherever the program's current version lives.
   */
  newInstance(p: Proc, program: string, entry: string, argv: string[], mode: StartMode = "fresh",
    image = this.imageFor(program)): Instance {
    const path = image.program(program);
    if (!path) throw new Error(`no such program '${program}'`);
    let inst: Instance | undefined = undefined;
    const trap: HostTrap = (op, a, b, c, d, e, f, g) => this.trap(p, inst!, op, a, b, c, d, e, f, g);
    const seed = this.machine.rng.nextU32();
    const realm = new Realm(image, trap, seed, `${p.name}:${p.endpoint}`);
    this.realmPromises.add(realm.ops.promiseProto);
    inst = new Instance(realm, entry, argv, mode);
    realm.require(path);
    return inst;
  }

  /** The image a program's current version is loaded from. */
  imageFor(program: string): ImageSource {
    return this.programImages.get(program) ?? this.image;
  }

  /** From now on, `program` starts (exec, restart) from `image`: a live update installed a new version. */
  setProgramImage(program: string, image: ImageSource): void {
    if (image === this.image) this.programImages.delete(program);
    else this.programImages.set(program, image);
  }

  /**
   * Start the instance of `p` at its entry point. The program's first steps run from
   * the scheduler, never inside the trap of the process that asked for the start.
   */
  start(p: Proc): void {
    const inst = p.instance!;
    if (inst.started) return;
    inst.started = true;
    p.state = "running";
    this.sched.wake(p.priv.priority, () => this.enter(p, inst), undefined, inst);
  }

  private enter(p: Proc, inst: Instance): void {
    if (p.instance !== inst || !p.alive) return;
    const ops = inst.realm.ops;
    const exports = inst.realm.require(inst.realm.image.program(p.program)!) as Record<string, unknown>;
    const fn = exports[inst.entry];
    if (typeof fn !== "function") {
      this.destroy(p, { status: -1, reason: `program '${p.program}' has no entry point '${inst.entry}'` }, true);
      return;
    }
    const argv = ops.array();
    for (const s of inst.argv) argv.push(s);
    ops.run(fn, argv,
      (code) => {
        if (p.instance === inst && p.alive) this.destroy(p, { status: typeof code === "number" ? code : 0, reason: "returned" }, true);
      },
      (why) => {
        if (p.instance !== inst || !p.alive || this.halted) return;
        const raw = typeof why === "string" ? why : "unknown failure";
        this.crashed(p, inst, raw);
      });
  }

  /**
   * Make `next` (an instance made with newInstance for `p`) serve p's endpoint in
   * place of the current one, in one step: messages queued for the endpoint are
   * copied into the new realm in their order and wait for its first receive, and
   * callers waiting on the endpoint keep waiting. Refused (returns undefined) while
   * the current instance has calls of its own outstanding, whose replies would be
   * lost, unless `force` (a rollback throwing away a new version: its calls are
   * abandoned). Returns the instance that was replaced; it never runs again unless
   * swapped back.
   */
  swapInstance(p: Proc, next: Instance, force = false): Instance | undefined {
    const old = p.instance;
    if (!old || !p.alive || old === next || (old.calls.size > 0 && !force)) return undefined;
    for (const d of p.mailbox) d.msg = copyMessage(d.msg, next.realm.ops) as typeof d.msg; // flat scalars: cannot fail
    p.instance = next;
    if (next.started) this.ipc.tryReceive(p);
    else this.start(p);
    return old;
  }

  /** An instance threw or left a rejection unhandled: the process dies, unless a live update owns the instance. */
  private crashed(p: Proc, inst: Instance, raw: string): void {
    const image = inst.realm.image;
    const text = image.mapStack ? image.mapStack(raw) : raw;
    this.log(`process ${p.name} (${p.endpoint}) crashed: ${text.split("\n").slice(0, 3).join(" | ")}`);
    if (p.watch?.crashed?.(p, inst, text)) return;
    this.destroy(p, { status: -1, reason: text }, true);
  }

  // ---- live update (./update.ts) -------------------------------------------------

  /**
   * Watch `p` for an update (null: stop watching); its next update point is checked at
   * once, and each one after until the watch is satisfied.
   */
  setWatch(p: Proc, watch: QuiescenceWatch | null): void {
    p.watch = watch;
    p.watchReached = false;
    if (watch) {
      this.watched.add(p);
      this.queueWatchCheck(p);
    } else {
      this.watched.delete(p);
    }
  }

  /** Hold (queue in order) or release the messages of `p`. */
  hold(p: Proc, on: boolean): void {
    p.held = on;
    if (!on) this.ipc.tryReceive(p);
  }

  /**
   * Check the watch of `p` once every microtask has run (a tick queued from one runs
   * after them all): every continuation the process had queued has run by then, so
   * what it still waits on it really waits on (the kernel, or a promise of its own),
   * and its update point is where its loop is parked, not one it passes on the way.
   */
  private queueWatchCheck(p: Proc): void {
    if (p.watchCheckQueued) return;
    p.watchCheckQueued = true;
    process.nextTick(() => {
      p.watchCheckQueued = false;
      this.checkWatch(p);
    });
  }

  /**
   * How many operations of `inst` the kernel has yet to complete: sendrec calls waiting
   * for their replies, blocking sends not yet taken, and completions queued for the
   * scheduler. A pending receive is not one (the process is waiting for work, not doing it).
   */
  outstanding(inst: Instance): number {
    let n = inst.calls.size + this.sched.queuedFor(inst);
    for (const p of this.liveProcs()) for (const d of p.mailbox) if (d.onTaken?.instance === inst) n++;
    return n;
  }

  /** A watched process blocked in a receive: ask its watch; hold it if it is where the update wants it. */
  private checkWatch(p: Proc): void {
    if (!p.alive || !p.instance?.recv || this.halted) return;
    const watch = p.watch;
    if (watch && !p.watchReached && watch.check(p)) {
      p.watchReached = true;
      p.held = true;
      watch.reached(p);
      return;
    }
    this.ipc.tryReceive(p, true);
  }

  /**
   * A call from the host (HOST) to a server, as if a process made it: the reply comes
   * back as a plain host object. Rejects if the server is gone or refuses the message.
   */
  hostCall(endpoint: number, fields: Record<string, number | string | boolean | undefined>): Promise<Record<string, unknown>> {
    const dst = this.lookup(endpoint);
    if (!dst?.instance) return Promise.reject(new Error(`host call: no process at endpoint ${endpoint}`));
    const msg = copyMessage(fields, dst.instance.realm.ops);
    if (typeof msg === "number") return Promise.reject(new Error(`host call: bad message (${msg})`));
    const callId = this.nextCallId++;
    msg.source = HOST;
    msg.callId = callId;
    return new Promise((resolve) => {
      this.hostCalls.set(callId, { callee: dst, resolve });
      this.ipc.deliver(dst, { msg, source: HOST });
    });
  }

  /** End a process; its watcher hears of it unless the watcher asked for it. */
  destroy(p: Proc, death: Omit<Death, "endpoint">, tellWatcher: boolean): void {
    if (!p.alive) return;
    p.state = "dead";
    p.instance = null;
    p.alarm?.cancel();
    p.alarm = null;
    for (const addr of p.memory) this.machine.memory.release(addr);
    p.memory.clear();
    for (const subs of this.irqSubscribers.values()) subs.delete(p.slot);
    this.trace.record(TRACE_KIND.DEATH, p.endpoint, p.watcher, death.status);
    this.ipc.failWaitersOn(p, this.liveProcs());
    if (tellWatcher) {
      const watcher = this.procs[p.watcher];
      if (watcher?.alive) {
        let q = this.deaths.get(p.watcher);
        if (!q) this.deaths.set(p.watcher, (q = []));
        q.push({ endpoint: p.endpoint, ...death });
        this.ipc.notify(watcher, SYSTEM);
      }
    }
  }

  *liveProcs(): Iterable<Proc> {
    for (const p of this.procs) if (p?.alive) yield p;
  }

  /** The live process an endpoint names, if the generation still matches. */
  lookup(endpoint: number): Proc | undefined {
    if (!Number.isInteger(endpoint) || endpoint < 0) return undefined;
    const p = this.procs[slotOf(endpoint)];
    return p && p.alive && p.endpoint === endpoint ? p : undefined;
  }

  // ---- hardware ------------------------------------------------------------------

  private interrupt(line: IrqLine): void {
    const subs = this.irqSubscribers.get(line);
    if (!subs) return;
    for (const slot of subs) {
      const p = this.procs[slot];
      if (!p?.alive) continue;
      p.irqPending |= 1 << line;
      this.ipc.notify(p, HARDWARE);
    }
  }

  /** Arm (or with ticks 0 cancel) the alarm of `p`; returns ticks that were left on the old one. */
  setAlarm(p: Proc, ticks: number): number {
    const clock = this.machine.clock;
    let left = 0;
    if (p.alarm) {
      left = Math.max(0, p.alarmAt - clock.now);
      p.alarm.cancel();
      p.alarm = null;
    }
    if (ticks > 0) {
      p.alarmAt = clock.now + ticks;
      p.alarm = clock.after(ticks, () => {
        p.alarm = null;
        if (p.alive) this.ipc.notify(p, CLOCK);
      });
    }
    return left;
  }

  /** Whether [addr, addr+length) lies inside physical memory that `p` allocated. */
  ownsPhysical(p: Proc, addr: number, length: number): boolean {
    for (const start of p.memory) {
      if (addr >= start && addr + length <= start + this.machine.memory.sizeOf(start)) return true;
    }
    return false;
  }

  log(text: string): void {
    this.machine.console.write(`kernel: ${text}\n`);
  }

  halt(status: number): void {
    if (this.halted) return;
    this.halted = { status };
    this.sched.stop();
  }

  // ---- the trap ------------------------------------------------------------------

  /**
   * Every system call enters here. Arguments come from an untrusted realm: each is
   * checked before use, and nothing but numbers, strings and realm-built objects
   * goes back. A call that blocks returns OK now and completes through `cb` later.
   */
  trap(p: Proc, inst: Instance, op: number, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown,
    g: unknown): unknown {
    // Loading a module runs its top level, which loads more: the one trap that nests, and
    // the one an instance not yet serving its endpoint (being loaded) may make.
    if (op === TRAP.REQUIRE) return inst && !this.halted ? this.requireFor(inst, a, b) : "process is gone";
    if (this.halted || p.instance !== inst || !p.alive) return -EDEADSRCDST;
    if (this.inTrap) return -EINVAL; // re-entered from a getter in a message: refuse
    this.inTrap = true;
    this.traps++;
    try {
      return this.dispatch(p, inst, op, a, b, c, d, e, f, g);
    } catch (err) {
      this.log(`trap ${op} from ${p.name} faulted: ${(err as Error)?.message ?? String(err)}`);
      return -EINVAL;
    } finally {
      this.inTrap = false;
      if (p.watch) this.queueWatchCheck(p);
      this.machine.clock.charge(1);
      // The turn's tick is over: dispatch nothing more until the loop's next turn (see `loop`).
      if (this.machine.clock.now !== this.turnTick) this.sched.pause();
    }
  }

  private dispatch(p: Proc, inst: Instance, op: number, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown,
    f: unknown, g: unknown): unknown {
    switch (op) {
      case TRAP.SENDREC: {
        if (typeof c !== "function") return -EINVAL;
        const dst = this.destination(p, a);
        if (typeof dst === "number") return dst;
        const msg = copyMessage(b, dst.instance!.realm.ops);
        if (typeof msg === "number") return msg;
        const callId = this.nextCallId++;
        msg.source = p.endpoint;
        msg.callId = callId;
        inst.calls.set(callId, { cb: c as Wakeup, callee: dst });
        p.stats.sent++;
        dst.stats.requests++;
        return this.ipc.deliver(dst, { msg, source: p.endpoint });
      }
      case TRAP.RECEIVE: {
        if (typeof b !== "function" || (a !== ANY && !Number.isInteger(a))) return -EINVAL;
        return this.ipc.receive(p, inst, a as number, b as Wakeup);
      }
      case TRAP.REPLY: {
        if (a === HOST) return this.replyToHost(p, b, c);
        const caller = this.lookup(a as number);
        const call = caller?.instance?.calls.get(b as number);
        if (!caller || !call || call.callee !== p) return -EBADSRCDST;
        const msg = copyMessage(c, caller.instance!.realm.ops);
        if (typeof msg === "number") return msg;
        caller.instance!.calls.delete(b as number);
        this.ipc.reply(caller, call.cb, msg, p);
        return OK;
      }
      case TRAP.SEND:
      case TRAP.ASEND: {
        if (op === TRAP.SEND && typeof c !== "function") return -EINVAL;
        const dst = this.destination(p, a);
        if (typeof dst === "number") return dst;
        const msg = copyMessage(b, dst.instance!.realm.ops);
        if (typeof msg === "number") return msg;
        msg.source = p.endpoint;
        p.stats.sent++;
        const onTaken = op === TRAP.SEND ? { proc: p, instance: inst, cb: c as Wakeup } : undefined;
        return this.ipc.deliver(dst, { msg, source: p.endpoint, onTaken });
      }
      case TRAP.NOTIFY: {
        const dst = this.destination(p, a);
        if (typeof dst === "number") return dst;
        p.stats.sent++;
        this.ipc.notify(dst, p.endpoint);
        return OK;
      }
      case TRAP.KCALL:
        p.stats.kcalls++;
        return kernelCall(this, p, inst, a);
      case TRAP.GRANT:
        return this.grants.grant(inst, a as number, b, c, d, e);
      case TRAP.GRANT_INDIRECT:
        return this.grants.grantIndirect(p, inst, a, b, c);
      case TRAP.REVOKE:
        return this.grants.revoke(inst, a);
      case TRAP.SAFECOPY:
        return this.grants.safecopy(p, a, b, c, d, e, f, g);
      case TRAP.PHYSCOPY:
        return physcopy(this, p, a, b, c, d, e);
      case TRAP.TIME:
        return this.machine.clock.now;
      case TRAP.SELF:
        return p.endpoint;
      case TRAP.START_MODE:
        return inst.mode;
      default:
        return -EINVAL;
    }
  }

  private replyToHost(p: Proc, callId: unknown, reply: unknown): number {
    const call = this.hostCalls.get(callId as number);
    if (!call || call.callee !== p) return -EBADSRCDST;
    const msg = copyMessage(reply, HOST_OPS);
    if (typeof msg === "number") return msg;
    this.hostCalls.delete(callId as number);
    msg.source = p.endpoint;
    p.stats.sent++;
    call.resolve(msg);
    return OK;
  }

  /** The live destination of a send, or a negative errno if it is bad or not allowed. */
  private destination(p: Proc, ep: unknown): Proc | number {
    if (typeof ep !== "number" || !Number.isInteger(ep) || ep < 0) return -EINVAL;
    if (!maySend(p.priv, slotOf(ep))) return -ECALLDENIED;
    const dst = this.lookup(ep);
    if (!dst) return -EDEADSRCDST;
    return dst;
  }

  private requireFor(inst: Instance, spec: unknown, from: unknown): unknown {
    if (typeof spec !== "string" || typeof from !== "string") return "require: bad arguments";
    const path = inst.realm.resolve(from, spec);
    if (!path) return `cannot load module '${spec}' from '${from}'`;
    try {
      return inst.realm.require(path);
    } catch (err) {
      return `loading '${path}' failed: ${describe(err)}`;
    }
  }

  // ---- running -------------------------------------------------------------------

  /**
   * Run until halted, out of ticks, or idle for good. Processes run as microtasks;
   * when none can run (all blocked in the kernel), time jumps to the next event.
   * Stopping at `maxTicks` only pauses the scheduler, between two turns of the loop:
   * a later run resumes exactly where this one stopped, so a run cut into slices of
   * any size does what one run does (see `loop`). The one difference: a process's stray
   * rejection still unreported where a run stops busy is reported there, not later.
   */
  async run(opts: RunOptions = {}): Promise<RunEnd> {
    process.on("unhandledRejection", this.onStrayRejection);
    try {
      return await this.loop(opts);
    } finally {
      process.off("unhandledRejection", this.onStrayRejection);
    }
  }

  /**
   * The loop takes a turn each time every microtask has run. A turn lets processes run
   * for one tick: the scheduler dispatches until a trap finds the clock past the turn's
   * tick, then pauses; the continuations already set going run on (they cannot be held
   * back) and wake-ups wait in their queues. If some wait, the next turn comes straight
   * after the microtasks (a tick queued from a microtask runs once they all have) and
   * resumes them. Else every process is blocked: the event loop turns first (I/O; Node
   * reports stray rejections then), then the turn asks the watches (if something ran
   * since they were last asked) or moves time to the next event. A run stops only where
   * a turn begins, after the event loop has turned, and the next run begins with that
   * same turn: where a run is cut never changes what happens.
   */
  private async loop(opts: RunOptions): Promise<RunEnd> {
    const clock = this.machine.clock;
    const deadline = opts.maxTicks ?? Infinity;
    for (;;) {
      await resolved.then(() => new Promise<void>((r) => process.nextTick(r)));
      if (this.sched.waiting && clock.now < deadline) {
        this.sched.resume();
        this.turnTick = clock.now;
        continue;
      }
      await new Promise<void>((r) => setImmediate(r));
      if (this.halted) return "halted";
      if (clock.now >= deadline) {
        this.sched.pause();
        return "ticks";
      }
      this.sched.resume();
      if (!this.sched.waiting) { // else a stray rejection reported meanwhile ended a process
        if (this.watched.size > 0 && this.watchesAskedAt !== this.sched.dispatches) {
          // Every process is blocked: the moment to look again at those an update waits
          // for. What that starts settles before time moves (a later turn).
          this.watchesAskedAt = this.sched.dispatches;
          for (const p of this.watched) this.checkWatch(p);
        } else {
          const next = clock.nextEventAt();
          if (next === undefined) {
            if (!opts.idleWait || !(await opts.idleWait())) return "idle";
          } else {
            // Up to the deadline only: nothing fires before `next`, so the rest of the jump
            // is the next run's, and it ends where one jump would have.
            clock.advanceTo(Math.min(next, deadline));
          }
        }
      }
      this.turnTick = clock.now;
    }
  }

  /**
   * A promise rejected in a process with no handler (say, a request handler a server
   * started without awaiting) is that process's crash, not the machine's.
   */
  private onStrayRejection = (reason: unknown, promise: Promise<unknown>): void => {
    const proto = Object.getPrototypeOf(promise);
    for (const p of this.liveProcs()) {
      if (p.instance?.realm.ops.promiseProto !== proto) continue;
      const stack = typeof reason === "object" && reason !== null ? (reason as Error).stack : undefined;
      const raw = typeof stack === "string" ? stack : describe(reason);
      this.crashed(p, p.instance!, `unhandled rejection: ${raw}`);
      return;
    }
    // An instance replaced or thrown away (exec, live update) has no one left to tell.
    if (this.realmPromises.has(proto)) return;
    throw reason;
  };

  /** Build a message in a process's realm (kernel replies). */
  message(inst: Instance, fields: Record<string, number | string | boolean | bigint | undefined>): unknown {
    return makeMessage(inst.realm.ops, fields);
  }
}

function physcopy(k: Kernel, p: Proc, addr: unknown, buffer: unknown, offset: unknown, length: unknown, toPhys: unknown): number {
  if (!p.priv.physcopy) return -ECALLDENIED;
  if (typeof addr !== "number" || typeof offset !== "number" || typeof length !== "number") return -EINVAL;
  if (!util.types.isUint8Array(buffer)) return -EINVAL;
  const buf = buffer;
  if (offset < 0 || length < 0 || offset + length > buf.length || !k.ownsPhysical(p, addr, length)) return -EINVAL;
  const mem = k.machine.memory.bytes;
  if (toPhys) mem.set(buf.subarray(offset, offset + length), addr);
  else buf.set(mem.subarray(addr, addr + length), offset);
  return length;
}

function describe(err: unknown): string {
  try {
    return String((err as Error)?.message ?? err);
  } catch {
    return "unprintable error";
  }
}
