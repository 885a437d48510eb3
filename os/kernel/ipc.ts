import { ANY, HARDWARE, NOTIFY_MESSAGE } from "../include/ipc.js";
import { EBUSY, EDEADSRCDST, EAGAIN } from "../include/errno.js";
import { makeMessage, type RealmMessage } from "./message.js";
import type { Delivery, Instance, Proc } from "./proc.js";
import type { Scheduler } from "./sched.js";
import type { Trace } from "./trace.js";
import type { Wakeup } from "./sched.js";

/** Most asynchronous messages that may wait in one mailbox before asend fails with EAGAIN. */
export const MAILBOX_LIMIT = 4096;

export const TRACE_KIND = { DELIVER: 1, NOTIFY: 2, REPLY: 3, DEATH: 4 } as const;

/**
 * Message passing between processes. Every message was copied into the receiver's
 * realm when it was sent; here it is queued, matched against a pending receive, and
 * the blocked party woken through the scheduler.
 */
export class Ipc {
  /** `askWatch`: a watched process could take a message; its watch must be asked first (kernel.ts). */
  constructor(private sched: Scheduler, private trace: Trace, private now: () => number,
    private askWatch: (proc: Proc) => void) {}

  /** Queue a delivery and hand it over at once if the receiver is waiting for it. */
  deliver(to: Proc, d: Delivery): number {
    if (!d.onTaken && to.mailbox.length >= MAILBOX_LIMIT) return -EAGAIN;
    to.mailbox.push(d);
    this.tryReceive(to);
    return 0;
  }

  /** Post a notification from `source`; repeated notifications before a receive merge into one. */
  notify(to: Proc, source: number): void {
    to.notifyPending.add(source);
    this.tryReceive(to);
  }

  /** Begin a receive; completes now if something matching is queued. */
  receive(proc: Proc, inst: Instance, from: number, cb: Wakeup): number {
    if (inst.recv) return -EBUSY;
    inst.recv = { from, cb };
    this.tryReceive(proc);
    return 0;
  }

  /** Complete a sendrec: hand `reply` to the caller's waiting call. */
  reply(caller: Proc, cb: Wakeup, reply: RealmMessage, from: Proc): void {
    reply.source = from.endpoint;
    from.stats.sent++;
    caller.stats.received++;
    this.trace.record(TRACE_KIND.REPLY, from.endpoint, caller.endpoint, reply.type as number);
    this.sched.wake(caller.priv.priority, cb, reply, caller.instance!);
  }

  /**
   * If `proc` waits in receive and something matching is deliverable, deliver it. A
   * process a live update watches may be at its update point: its watch is asked first
   * (`asked`: it was, and said not yet).
   */
  tryReceive(proc: Proc, asked = false): void {
    const inst = proc.instance;
    const recv = inst?.recv;
    if (!recv || proc.held || !inst) return;
    if (proc.watch && !proc.watchReached && !asked) {
      this.askWatch(proc);
      return;
    }
    const msg = this.take(proc, inst, recv.from);
    if (!msg) return;
    inst.recv = null;
    proc.stats.received++;
    this.sched.wake(proc.priv.priority, recv.cb, msg, inst);
  }

  /** Fail everything that waits on a process that just died. */
  failWaitersOn(dead: Proc, procs: Iterable<Proc>): void {
    for (const d of dead.mailbox) {
      if (d.onTaken) this.sched.wake(d.onTaken.proc.priv.priority, d.onTaken.cb, -EDEADSRCDST, d.onTaken.instance);
    }
    dead.mailbox = [];
    dead.notifyPending.clear();
    for (const p of procs) {
      const inst = p.instance;
      if (!inst || p === dead) continue;
      for (const [id, call] of inst.calls) {
        if (call.callee !== dead) continue;
        inst.calls.delete(id);
        this.sched.wake(p.priv.priority, call.cb, -EDEADSRCDST, inst);
      }
    }
  }

  private take(proc: Proc, inst: Instance, from: number): RealmMessage | undefined {
    const holdBack = proc.watch?.holdBack;
    for (const src of proc.notifyPending) {
      if (from !== ANY && from !== src) continue;
      if (holdBack && holdBack.call(proc.watch, src, NOTIFY_MESSAGE)) continue;
      proc.notifyPending.delete(src);
      const fields: Record<string, number> = { type: NOTIFY_MESSAGE, source: src, now: this.now() };
      if (src === HARDWARE) {
        fields.irqs = proc.irqPending;
        proc.irqPending = 0;
      }
      this.trace.record(TRACE_KIND.NOTIFY, src, proc.endpoint, NOTIFY_MESSAGE);
      return makeMessage(inst.realm.ops, fields);
    }
    const box = proc.mailbox;
    for (let i = 0; i < box.length; i++) {
      const d = box[i]!;
      if (from !== ANY && d.source !== from) continue;
      if (holdBack && holdBack.call(proc.watch, d.source, d.msg.type as number)) continue;
      if (i === 0) box.shift();
      else box.splice(i, 1);
      this.trace.record(TRACE_KIND.DELIVER, d.source, proc.endpoint, d.msg.type as number);
      if (d.onTaken) this.sched.wake(d.onTaken.proc.priv.priority, d.onTaken.cb, 0, d.onTaken.instance);
      return d.msg;
    }
    return undefined;
  }
}
