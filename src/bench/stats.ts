/** Summary of one figure over the repetitions of a workload: the median is the headline, min/max show the spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, in percent; 0 with a single repetition. */
  spreadPct: number;
  values: number[];
}

/** The p-th percentile (0-100) by the nearest-rank method; NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function spread(values: readonly number[], digits = 2): Spread {
  const mid = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return {
    median: round(mid, digits),
    min: round(min, digits),
    max: round(max, digits),
    spreadPct: mid > 0 ? round(((max - min) / mid) * 100, 1) : 0,
    values: values.map((value) => round(value, digits)),
  };
}
