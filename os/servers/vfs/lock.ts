/**
 * A mutex for VFS's concurrent requests (MINIX VFS runs each in a worker thread and
 * locks vnodes and filps; here each request is an async handler). Waiters get the
 * lock in the order they asked, so no request starves.
 */
export class Mutex {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  lock(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Release, handing the lock straight to the first waiter if there is one. */
  unlock(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }

  /** Run `fn` holding the lock. */
  async with<T>(fn: () => Promise<T>): Promise<T> {
    await this.lock();
    try {
      return await fn();
    } finally {
      this.unlock();
    }
  }
}

/** Something locked by inode number, e.g. a vnode. */
interface Lockable {
  readonly ino: number;
  readonly lock: Mutex;
}

/** Run `fn` holding the locks of `a` and `b` (once if they are one), taken in inode order so two callers cannot deadlock. */
export function withBoth<T>(a: Lockable, b: Lockable, fn: () => Promise<T>): Promise<T> {
  if (a === b) return a.lock.with(fn);
  const [first, second] = a.ino < b.ino ? [a, b] : [b, a];
  return first.lock.with(() => second.lock.with(fn));
}
