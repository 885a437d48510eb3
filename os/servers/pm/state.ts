/**
 * All of PM's state: the process table, each process's family links, signal
 * dispositions and pending calls, and the list of timers PM runs on one kernel alarm.
 */
import type { Message } from "../../include/ipc.js";

/** Largest pid; pids are handed out in increasing order and wrap around. */
export const PID_MAX = 30000;
/** User processes PM allows at once (EAGAIN beyond). */
export const NR_USER_PROCS = 256;
export const INIT_PID = 1;

/** A waitpid a process is blocked in: for child `pid`, or any child when -1. */
export class PendingWait {
  constructor(readonly request: Message, readonly pid: number) {}
}

export type TimerKind = "sleep" | "alarm";

/** A sleep or alarm falling due at `at`; a link in the sorted timer list. */
export class Timer {
  next: Timer | null = null;
  constructor(readonly at: number, readonly proc: MProc, readonly kind: TimerKind,
    /** The SLEEP request to answer when it falls due. */
    readonly request: Message | null) {}
}

/** PM's view of one process (MINIX's struct mproc). */
export class MProc {
  /** Children, as a list threaded through their `nextSibling`. */
  firstChild: MProc | null = null;
  nextSibling: MProc | null = null;
  /** Dead and waiting for its parent to collect `waitStatus`. */
  zombie = false;
  waitStatus = 0;
  /** Signal sets (bit n = signal n): caught by a handler, ignored. */
  caught = 0;
  ignored = 0;
  wait: PendingWait | null = null;
  sleepTimer: Timer | null = null;
  alarmTimer: Timer | null = null;

  constructor(readonly pid: number, readonly endpoint: number, public name: string, readonly system: boolean,
    public parent: MProc | null) {}

  get state(): "running" | "sleeping" | "zombie" {
    if (this.zombie) return "zombie";
    return this.wait || this.sleepTimer ? "sleeping" : "running";
  }

  *children(): Iterable<MProc> {
    for (let c = this.firstChild; c; c = c.nextSibling) yield c;
  }

  addChild(c: MProc): void {
    c.parent = this;
    c.nextSibling = this.firstChild;
    this.firstChild = c;
  }

  removeChild(c: MProc): void {
    if (this.firstChild === c) {
      this.firstChild = c.nextSibling;
    } else {
      for (let prev = this.firstChild; prev; prev = prev.nextSibling) {
        if (prev.nextSibling === c) {
          prev.nextSibling = c.nextSibling;
          break;
        }
      }
    }
    c.nextSibling = null;
    c.parent = null;
  }
}

/** The process table, by endpoint and by pid. */
export class ProcTable {
  private byEndpoint = new Map<number, MProc>();
  private byPid = new Map<number, MProc>();
  private lastPid = INIT_PID;
  userCount = 0;

  get(endpoint: number): MProc | undefined {
    return this.byEndpoint.get(endpoint);
  }

  withPid(pid: number): MProc | undefined {
    return this.byPid.get(pid);
  }

  get init(): MProc | undefined {
    return this.byPid.get(INIT_PID);
  }

  /** The next free pid after the last one handed out. */
  allocPid(): number {
    for (;;) {
      this.lastPid = this.lastPid >= PID_MAX ? INIT_PID + 1 : this.lastPid + 1;
      if (!this.byPid.has(this.lastPid)) return this.lastPid;
    }
  }

  add(p: MProc): MProc {
    this.byEndpoint.set(p.endpoint, p);
    this.byPid.set(p.pid, p);
    if (!p.system) this.userCount++;
    return p;
  }

  remove(p: MProc): void {
    this.byEndpoint.delete(p.endpoint);
    this.byPid.delete(p.pid);
    if (!p.system) this.userCount--;
  }

  all(): Iterable<MProc> {
    return this.byPid.values();
  }
}

/** Timers sorted by time due (ties in the order they were set). */
export class TimerList {
  head: Timer | null = null;

  insert(t: Timer): void {
    if (!this.head || t.at < this.head.at) {
      t.next = this.head;
      this.head = t;
      return;
    }
    let prev = this.head;
    while (prev.next && prev.next.at <= t.at) prev = prev.next;
    t.next = prev.next;
    prev.next = t;
  }

  remove(t: Timer): void {
    if (this.head === t) {
      this.head = t.next;
    } else {
      for (let prev = this.head; prev; prev = prev.next) {
        if (prev.next === t) {
          prev.next = t.next;
          break;
        }
      }
    }
    t.next = null;
  }
}

export const procs = new ProcTable();
export const timers = new TimerList();
/** When the kernel alarm PM has set falls due (0: none set). */
export const alarm = { armedAt: 0 };
