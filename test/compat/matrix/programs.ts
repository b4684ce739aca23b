/**
 * The six examples/ programs as matrix items: what each one is given (topic names of the cell's own, so cells can
 * share a broker), and what it must print to count as a pass. The exact byte-for-byte comparison between engines is
 * test/adapter/examples.test.ts's job; here a pass means the program did its work (the expected lines, exit 0).
 */
import type { ExampleResult } from '../../adapter/helpers/run-example';

export interface ProgramItem {
  id: string;
  file: string;
  /** 1: runs first (producers), 2: after them (the consumers read what 01 and 02 wrote). */
  phase: 1 | 2;
  /** Needs a ZooKeeper that knows the brokers (05, the kafka-node 3.x ZooKeeper Client). */
  needsZooKeeper?: boolean;
  env(names: CellNames): Record<string, string>;
  passes(stdout: string, names: CellNames): boolean;
}

/** Topic and group names of one cell. */
export interface CellNames {
  orders: string;
  events: string;
  audit: string;
  zk: string;
  group: string;
  plainGroup: string;
}

export function cellNames(prefix: string): CellNames {
  return {
    orders: `${prefix}-orders`,
    events: `${prefix}-events`,
    audit: `${prefix}-audit`,
    zk: `${prefix}-zk`,
    group: `${prefix}-billing`,
    plainGroup: `${prefix}-plain`,
  };
}

/** Topics a cell's programs use, with their partition counts (as in test/adapter/examples.test.ts). */
export function cellTopics(names: CellNames): Record<string, number> {
  return { [names.orders]: 3, [names.events]: 3, [names.audit]: 2, [names.zk]: 1 };
}

export const PROGRAMS: readonly ProgramItem[] = [
  {
    id: '01',
    file: '01-keyed-producer.js',
    phase: 1,
    env: (n) => ({ EXAMPLE_TOPIC: n.orders, EXAMPLE_COUNT: '6' }),
    passes: (out) =>
      /^producer ready\n(order \d key=\w+ -> partition [0-2] offset \d\n){6}sent 6 message\(s\)\nproducer closed\n$/.test(
        out,
      ),
  },
  {
    id: '02',
    file: '02-high-level-producer.js',
    phase: 1,
    env: (n) => ({ EXAMPLE_TOPIC: n.events, EXAMPLE_COUNT: '5', EXAMPLE_INTERVAL_MS: '20' }),
    passes: (out, n) =>
      out ===
      [
        'producer ready',
        ...[0, 1, 2, 0, 1].map((p, i) => `event ${i + 1} data: {"${n.events}":{"${p}":${i < 3 ? 0 : 1}}}`),
        'sent 5 event(s), producer closed',
        '',
      ].join('\n'),
  },
  {
    id: '03',
    file: '03-consumer-group.js',
    phase: 2,
    env: (n) => ({ EXAMPLE_TOPIC: n.orders, EXAMPLE_GROUP: n.group, EXAMPLE_COUNT: '6', EXAMPLE_TIMEOUT_MS: '30000' }),
    passes: (out, n) => {
      const lines = out.trim().split('\n');
      const ids = lines
        .slice(1, 7)
        .map((line) => new RegExp(`^${n.orders}/\\d@\\d key=\\w+ value=.*"id":(\\d)`).exec(line)?.[1]);
      return (
        lines[0] === 'joined group' &&
        ids.sort().join() === '1,2,3,4,5,6' &&
        lines.slice(7).join('\n') === 'consumed 6 message(s), stopping: done\nleft the group'
      );
    },
  },
  {
    id: '04',
    file: '04-offsets.js',
    phase: 1,
    env: (n) => ({ EXAMPLE_TOPIC: n.audit, EXAMPLE_COUNT: '3' }),
    passes: (out, n) =>
      out ===
      [
        `sent: {"${n.audit}":{"0":0}}`,
        `latest: {"${n.audit}":{"0":3,"1":0}}`,
        `earliest: {"${n.audit}":{"0":0,"1":0}}`,
        `fetch partition 0, time -1: {"${n.audit}":{"0":[3]}}`,
        '',
      ].join('\n'),
  },
  {
    id: '05',
    file: '05-zookeeper-client.js',
    phase: 1,
    needsZooKeeper: true,
    env: (n) => ({ EXAMPLE_TOPIC: n.zk }),
    passes: (out, n) =>
      out ===
      [
        'producer ready',
        ...[1, 2, 3].map((i) => `event ${i}: {"${n.zk}":{"0":${i - 1}}}`),
        'sent 3 message(s) through ZooKeeper discovery',
        'producer closed',
        '',
      ].join('\n'),
  },
  {
    id: '06',
    file: '06-consumer.js',
    phase: 2,
    env: (n) => ({
      EXAMPLE_TOPIC: n.events,
      EXAMPLE_GROUP: n.plainGroup,
      EXAMPLE_OFFSET: '0',
      EXAMPLE_COUNT: '2',
      EXAMPLE_TIMEOUT_MS: '30000',
    }),
    passes: (out) =>
      out ===
      'partition 0 offset 0: event 1 on /page/1\npartition 0 offset 1: event 4 on /page/1\nread 2 message(s), stopping: done\n',
  },
];

/**
 * What a user sees of a failed run, in one line: the first error line the program printed (its own `... failed:` /
 * `... error:` lines), else the error the process died of, else the exit status. Cell-specific names are put back to
 * their role so the text is the same on every run.
 */
export function failureOf(result: ExampleResult, names: CellNames): string {
  const generic = (text: string): string =>
    Object.entries(names)
      .reduce((t, [role, name]) => t.split(name).join(`<${role}>`), text)
      .replace(/127\.0\.0\.1:\d+/g, '<broker>')
      .trim();
  const printed = result.stdout.split('\n').find((line) => /(failed|error|err): /.test(line));
  if (printed) return generic(printed);
  // The consumers print why they stopped (a deadline, when they never got anything).
  const stopped = result.stdout.split('\n').find((line) => /stopping: /.test(line));
  if (stopped) return generic(stopped);
  const died = result.stderr.split('\n').find((line) => /^\w*Error\b/.test(line));
  if (died) return generic(died);
  const last = result.stdout.trim().split('\n').pop() ?? '';
  return generic(`exit ${String(result.code ?? result.signal)}${last ? `: ${last}` : ''}`);
}
