/**
 * Virtual time. The machine never reads the host's clock: time is a tick counter
 * that moves forward when the CPU has done enough work (see `charge`) or, when every
 * process is blocked, jumps straight to the next scheduled event.
 */
export type EventFn = () => void;

interface Pending {
  at: number;
  seq: number;
  fn: EventFn;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

export class Clock {
  /** Current virtual time in ticks. */
  now = 0;
  /** Work units charged since the last tick. */
  private work = 0;
  private seq = 0;
  private heap: Pending[] = [];

  /** @param workPerTick how many units of CPU work make one tick pass on a busy machine. */
  constructor(readonly workPerTick = 64) {}

  /** Run `fn` when virtual time reaches `now + delay` (delay >= 1). */
  after(delay: number, fn: EventFn): TimerHandle {
    const ev: Pending = { at: this.now + Math.max(1, Math.floor(delay)), seq: this.seq++, fn, cancelled: false };
    this.push(ev);
    return { cancel: () => { ev.cancelled = true; } };
  }

  /** Time of the next live event, or undefined when none is scheduled. */
  nextEventAt(): number | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0]?.at;
  }

  /** Account for `units` of work; a busy machine's clock advances too. */
  charge(units: number): void {
    this.work += units;
    while (this.work >= this.workPerTick) {
      this.work -= this.workPerTick;
      this.advanceTo(this.now + 1);
    }
  }

  /** Move time forward to `t`, firing every event due on the way, in (time, order) order. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.nextEventAt();
      if (next === undefined || next > t) break;
      const ev = this.pop()!;
      this.now = ev.at;
      ev.fn();
    }
    if (t > this.now) this.now = t;
  }

  private push(ev: Pending): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Pending | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && earlier(h[l]!, h[m]!)) m = l;
        if (r < h.length && earlier(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function earlier(x: Pending, y: Pending): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
