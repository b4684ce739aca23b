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

/** mulberry32: a small seeded generator, so that a bootstrap interval is the same for the same data and seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RatioInterval {
  /** mean(numerator) / mean(denominator) over all pairs. */
  ratio: number;
  /** Percentile bootstrap bounds of the same statistic. */
  low: number;
  high: number;
}

export interface BootstrapOptions {
  seed: number;
  resamples: number;
  /** e.g. 0.95 */
  confidence: number;
}

function ratioOfMeans(
  numerator: readonly number[],
  denominator: readonly number[],
  indices: readonly number[],
): number {
  let top = 0;
  let bottom = 0;
  for (const i of indices) {
    top += numerator[i]!;
    bottom += denominator[i]!;
  }
  return top / bottom;
}

/**
 * The ratio of two figures measured in interleaved pairs (numerator[i] ran right next to denominator[i]), with a
 * paired percentile bootstrap interval: the pairs are resampled together, so load that hit both runs of a pair
 * cancels instead of widening the interval.
 */
export function pairedRatioInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  options: BootstrapOptions,
  digits = 3,
): RatioInterval {
  if (numerator.length !== denominator.length || numerator.length === 0)
    throw new Error('pairedRatioInterval needs two non-empty series of the same length');
  const all = numerator.map((_, i) => i);
  const random = seededRandom(options.seed);
  const estimates: number[] = [];
  for (let r = 0; r < options.resamples; r++) {
    const sample = all.map(() => Math.floor(random() * all.length));
    estimates.push(ratioOfMeans(numerator, denominator, sample));
  }
  estimates.sort((a, b) => a - b);
  const tail = ((1 - options.confidence) / 2) * 100;
  return {
    ratio: round(ratioOfMeans(numerator, denominator, all), digits),
    low: round(percentile(estimates, tail), digits),
    high: round(percentile(estimates, 100 - tail), digits),
  };
}
