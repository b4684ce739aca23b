import { FACADE_MODULE, KAFKA_NODE_MODULE, facadeDeepSpecifier } from './compatibility';
import { moduleSpecifiers, parseSource } from './scanner';

export interface FixResult {
  text: string;
  /** How many specifiers were rewritten; 0 means `text` is the input unchanged. */
  replacements: number;
}

/**
 * Points every `'kafka-node'` specifier of require/import/export-from at the facade entry, and every deep require the
 * facade serves ('kafka-node/lib/errors'...) at its own module. Only the text inside each
 * literal's quotes changes (located through the AST), so quotes, spacing and everything else stay byte for byte.
 */
export function rewriteKafkaNodeSpecifiers(fileName: string, text: string): FixResult {
  const spans = moduleSpecifiers(parseSource(fileName, text))
    .map((literal) => ({
      literal,
      replacement: literal.text === KAFKA_NODE_MODULE ? FACADE_MODULE : facadeDeepSpecifier(literal.text),
    }))
    .filter((found): found is { literal: typeof found.literal; replacement: string } => found.replacement !== undefined)
    .map(({ literal, replacement }) => ({ start: literal.getStart() + 1, end: literal.getEnd() - 1, replacement }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + span.replacement + result.slice(span.end);
  return { text: result, replacements: spans.length };
}

const CONTEXT_LINES = 3;

/**
 * A unified diff between two versions of a file with the same number of lines (the fix never adds or removes
 * lines), with the usual three lines of context.
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  if (oldLines.length !== newLines.length) throw new Error('unifiedDiff expects line-for-line edits');
  const changed = oldLines.flatMap((line, index) => (line === newLines[index] ? [] : [index]));
  if (changed.length === 0) return '';
  const hunks: Array<{ from: number; to: number }> = [];
  for (const index of changed) {
    const from = Math.max(0, index - CONTEXT_LINES);
    const to = Math.min(oldLines.length - 1, index + CONTEXT_LINES);
    const last = hunks[hunks.length - 1];
    if (last && from <= last.to + 1) last.to = to;
    else hunks.push({ from, to });
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (const { from, to } of hunks) {
    const count = to - from + 1;
    out.push(`@@ -${from + 1},${count} +${from + 1},${count} @@`);
    for (let index = from; index <= to; index += 1) {
      if (oldLines[index] === newLines[index]) out.push(` ${oldLines[index]}`);
      else out.push(`-${oldLines[index]}`, `+${newLines[index]}`);
    }
  }
  return `${out.join('\n')}\n`;
}
