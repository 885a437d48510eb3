import { describe, expect, it } from "vitest";
import { median, quantile } from "../../scripts/stats.js";

describe("benchmark statistics", () => {
  it("takes the middle value, or the mean of the two middle values, as the median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("interpolates quantiles between the nearest values, whatever the order given", () => {
    const xs = [1.2, 1.0, 1.1, 1.4, 1.3];
    expect(quantile(xs, 0)).toBe(1.0);
    expect(quantile(xs, 1)).toBe(1.4);
    expect(quantile(xs, 0.25)).toBeCloseTo(1.1, 12);
    expect(quantile([10, 20], 0.75)).toBeCloseTo(17.5, 12);
    expect(xs).toEqual([1.2, 1.0, 1.1, 1.4, 1.3]); // not sorted in place
  });

  it("refuses an empty sample and a q outside [0, 1]", () => {
    expect(() => median([])).toThrow(/no values/);
    expect(() => quantile([], 0.5)).toThrow(/no values/);
    expect(() => quantile([1, 2], 1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(/got NaN/);
  });
});
