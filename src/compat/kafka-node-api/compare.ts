/** How a facade's trace of a kafka-node API scenario differs from the real kafka-node's. */
import type { DocumentedDifference, Trace } from './scenarios';

/** Where two JSON values first differ ("[3].result.shapes.1: kafka-node 2, here 3"), or nothing when equal. */
function firstDifference(expected: unknown, actual: unknown, at = ''): string | undefined {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return undefined;
  if (
    expected &&
    actual &&
    typeof expected === 'object' &&
    typeof actual === 'object' &&
    Array.isArray(expected) === Array.isArray(actual)
  ) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) {
      const inner = firstDifference(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${at}${Array.isArray(expected) ? `[${key}]` : `.${key}`}`,
      );
      if (inner) return inner;
    }
  }
  return `${at || '(root)'}: kafka-node ${JSON.stringify(expected)}, here ${JSON.stringify(actual)}`;
}

/** The value with object keys sorted at every level: the order of topics in a result object is not part of the API. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Every entry where `trace` differs from the reference, the first one first; documented entries are left out, but
 * must hold the documented facade value.
 */
export function describeDifferences(
  reference: Trace,
  trace: Trace,
  documented: readonly DocumentedDifference[] = [],
): string[] {
  const skipped = new Set(documented.map((d) => d.entry));
  const lines: string[] = [];
  if (trace.length !== reference.length)
    lines.push(`${trace.length} trace entries, kafka-node has ${reference.length}`);
  for (let i = 0; i < Math.max(trace.length, reference.length); i++) {
    if (trace === reference || skipped.has(i)) continue;
    const difference = firstDifference(canonical(reference[i]), canonical(trace[i]), `[${i}]`);
    if (difference) lines.push(difference);
  }
  for (const difference of documented) {
    if (trace === reference) continue;
    const actual = firstDifference(
      canonical(difference.facadeValue),
      canonical(trace[difference.entry]),
      `[${difference.entry}]`,
    );
    if (actual)
      lines.push(`documented difference not as documented: ${actual.replace(': kafka-node ', ': documented ')}`);
  }
  return lines;
}

/** The documented differences of a scenario, said in words. */
export function documentedNotes(reference: Trace, documented: readonly DocumentedDifference[] = []): string[] {
  return documented.map(
    (difference) =>
      `documented difference at entry ${difference.entry}: kafka-node ${JSON.stringify(reference[difference.entry])}, facade ${JSON.stringify(difference.facadeValue)} (${difference.reason})`,
  );
}
