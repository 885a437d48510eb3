/**
 * The scheduler. A process becomes runnable when the kernel completes one of its
 * blocking calls; the completion is queued at the process's priority and the queues
 * are drained in priority order (drivers, then servers, then user programs), FIFO
 * within a level, so a batch of wake-ups resumes in a deterministic order.
 */
export type Wakeup = (value: unknown) => void;

/** A queued wake-up: the callback, its value, and whom it wakes (an instance: see `queuedFor`). */
type Queued = [Wakeup, unknown, object];

const resolved = Promise.resolve();

export class Scheduler {
  private queues: Array<Array<Queued>>;
  private scheduled = false;
  private stopped = false;
  private paused = false;
  dispatches = 0;

  constructor(levels: number) {
    this.queues = Array.from({ length: levels }, () => []);
  }

  /** Queue `cb(value)`, which resumes `owner`, at `priority`. */
  wake(priority: number, cb: Wakeup, value: unknown, owner: object): void {
    if (this.stopped) return;
    this.queues[priority]!.push([cb, value, owner]);
    if (!this.scheduled && !this.paused) {
      this.scheduled = true;
      // A resolved promise, not queueMicrotask: Node wraps the latter in an async resource.
      resolved.then(this.flush);
    }
  }

  /**
   * Stop dispatching; wake-ups wait in their queues until `resume`. The kernel pauses
   * when a tick has passed and its run loop resumes once every microtask has run.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    if (!this.scheduled && this.waiting) {
      this.scheduled = true;
      resolved.then(this.flush);
    }
  }

  /** Whether wake-ups wait in the queues, not yet dispatched. */
  get waiting(): boolean {
    return this.queues.some((q) => q.length > 0);
  }

  /** How many queued wake-ups resume `owner` (asked rarely: by a live update waiting for it). */
  queuedFor(owner: object): number {
    let n = 0;
    for (const q of this.queues) for (const w of q) if (w[2] === owner) n++;
    return n;
  }

  /** Halt: nothing queued or woken from now on ever runs. */
  stop(): void {
    this.stopped = true;
    for (const q of this.queues) q.length = 0;
  }

  private flush = (): void => {
    this.scheduled = false;
    if (this.paused || this.stopped) return;
    for (const q of this.queues) {
      // Swap out the queue first: wake-ups made by these callbacks start a new batch.
      if (q.length === 0) continue;
      const batch = q.splice(0, q.length);
      // Resolving a process's promise only queues its continuation, so nothing a
      // callback does can pause or stop the scheduler in the middle of a batch.
      for (const [cb, value] of batch) {
        this.dispatches++;
        cb(value);
      }
    }
  };
}
