/** What every benchmark script reports with: medians of repeated runs, and the runs' timing. */

/** The median (for an even count, the mean of the two middle values). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0 <= q <= 1), interpolated linearly between the two nearest values. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return lo === at ? s[lo]! : s[lo]! + (s[lo + 1]! - s[lo]!) * (at - lo);
}

/** Run `f` once; its value and wall milliseconds. */
export function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}
