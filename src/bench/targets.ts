import type { Comparison } from './runner';
import type { RatioInterval } from './stats';

/** One of issue 14's targets, checked on one comparison of the run. */
export interface TargetCheck {
  target: 'facade-overhead' | 'no-slower' | 'end-to-end-2x';
  numerator: string;
  denominator: string;
  workload: string;
  figure: 'cpuPerMessage' | 'throughput';
  /** The ratio must be at most (cpu) or at least (throughput) this. */
  bound: number;
  direction: 'at-most' | 'at-least';
  value: RatioInterval;
  /** Judged on the interval's far end (its upper bound for at-most, its lower bound for at-least), not the mean. */
  met: boolean;
  /**
   * Targets against raw kafka-node: the same figure for the facade's raw engine over kafka-node, where the run has
   * it. A translating facade adds work to its engine, so where the engine alone misses the bound, the facade meets it
   * only by doing less than the engine would (one request for several unawaited sends), never by translating better.
   */
  engine?: { value: RatioInterval; met: boolean };
}

/** Facade overhead over the raw engine: client CPU per message. */
const FACADE_OVERHEAD = 1.03;
/** The kafka-node API on another engine against kafka-node itself, end to end (produce then consume 1 KB). */
const END_TO_END_SPEEDUP = 2;

function meets(value: RatioInterval, direction: TargetCheck['direction'], bound: number): boolean {
  return direction === 'at-most' ? value.high <= bound : value.low >= bound;
}

function check(
  comparison: Comparison,
  target: TargetCheck['target'],
  figure: TargetCheck['figure'],
  bound: number,
  engineComparison?: Comparison,
): TargetCheck {
  const direction = figure === 'cpuPerMessage' ? 'at-most' : 'at-least';
  const value = comparison[figure];
  const checked: TargetCheck = {
    target,
    numerator: comparison.numerator,
    denominator: comparison.denominator,
    workload: comparison.workload,
    figure,
    bound,
    direction,
    value,
    met: meets(value, direction, bound),
  };
  if (engineComparison) {
    const engineValue = engineComparison[figure];
    checked.engine = { value: engineValue, met: meets(engineValue, direction, bound) };
  }
  return checked;
}

/**
 * Issue 14's targets on the comparisons the run has: facade/X over X costs at most 1.03x the CPU per message (produce
 * and consume); the facade on an engine other than kafka-node, over raw kafka-node, is at least as fast and at most as
 * costly per message, and at least twice as fast end to end, each next to raw X over kafka-node where the run has it.
 * Latency workloads carry no target.
 */
export function checkTargets(comparisons: readonly Comparison[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const comparison of comparisons) {
    if (comparison.workload.startsWith('latency-')) continue;
    const { numerator, denominator } = comparison;
    if (!numerator.startsWith('facade/')) continue;
    const engine = numerator.slice('facade/'.length);
    if (denominator === engine) {
      checks.push(check(comparison, 'facade-overhead', 'cpuPerMessage', FACADE_OVERHEAD));
    } else if (denominator === 'kafka-node' && engine !== 'kafka-node') {
      const rawEngine = comparisons.find(
        (c) => c.numerator === engine && c.denominator === 'kafka-node' && c.workload === comparison.workload,
      );
      if (comparison.workload.startsWith('produce-consume-')) {
        checks.push(check(comparison, 'end-to-end-2x', 'throughput', END_TO_END_SPEEDUP, rawEngine));
      } else {
        checks.push(check(comparison, 'no-slower', 'throughput', 1, rawEngine));
        checks.push(check(comparison, 'no-slower', 'cpuPerMessage', 1, rawEngine));
      }
    }
  }
  return checks;
}
