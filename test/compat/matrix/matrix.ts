/**
 * The compatibility matrix's axes and the expected outcome of every cell.
 *
 * Engine paths (rows) are derived from one list, ENGINE_PATHS: a backend added to BACKEND_NAMES gets its facade and
 * common-interface rows, and the test then fails until its expected outcomes are written in EXPECTED below.
 */
import { BACKEND_NAMES, type BackendName } from '../../../src/common/types';
import type { RunMode } from '../../adapter/helpers/run-example';

export type BrokerId = 'embedded' | 'kafka-0.9' | 'kafka-3.9' | 'kafka-4';
export const BROKER_IDS: readonly BrokerId[] = ['embedded', 'kafka-0.9', 'kafka-3.9', 'kafka-4'];

export type EnginePath =
  | { id: string; kind: 'program'; mode: RunMode; title: string }
  | { id: string; kind: 'common'; backend: BackendName; title: string };

/** Every way a user's code reaches a broker: the examples as programs (three ways), and the common interface. */
export const ENGINE_PATHS: readonly EnginePath[] = [
  { id: 'kafka-node', kind: 'program', mode: 'kafka-node', title: 'examples on the real kafka-node 5.0.0' },
  ...BACKEND_NAMES.map((backend): EnginePath => ({
    id: `facade:${backend}`,
    kind: 'program',
    mode: `facade:${backend}` as RunMode,
    title: `examples on the facade, backend ${backend}`,
  })),
  ...BACKEND_NAMES.map((backend): EnginePath => ({
    id: `common:${backend}`,
    kind: 'common',
    backend,
    title: `parity scenarios on the common interface, backend ${backend}`,
  })),
];

/** 'pass', 'n/a' (the broker lacks what the item needs), or the exact failure a user sees. */
export type ItemOutcome = string;

export interface CellExpectation {
  /** Outcome of every item not listed in `items` (default 'pass'). */
  all?: ItemOutcome;
  items?: Record<string, ItemOutcome>;
}

/** What the facade's kafka-node backend says when a Kafka 4.x broker refuses kafka-node's protocol versions. */
export const KAFKA_4_REFUSAL =
  'the broker at <broker> no longer serves the protocol versions kafka-node speaks: its Fetch starts at v4 (kafka-node sends v0-2), ' +
  'its ListOffsets starts at v1 (kafka-node sends v0), and Apache Kafka 4.x also closes the connection on Produce v0-2 (KIP-896), ' +
  'though it still lists them: use backend kafkajs (KAFKA_NODE_BACKEND=kafkajs)';

const NO_ZOOKEEPER = { '05': 'n/a' };

/** The six programs' outcomes of kafka-node 5.0.0 itself on Kafka 4.x: it sees the connection closed, or nothing. */
const KAFKA_NODE_ON_KAFKA_4: Record<string, ItemOutcome> = {
  '01': 'send failed: Broker not available (socket closed)',
  '02': 'err: Broker not available (socket closed)',
  '03': 'consumer error: refreshBrokerMetadata failed',
  '04': 'send failed: Broker not available (socket closed)',
  '05': 'n/a',
  '06': 'consumer error: Broker not available (socket closed)',
};

const EXPECTED: Record<string, Partial<Record<BrokerId, CellExpectation>>> = {
  'kafka-node': {
    // examples/05 uses kafka-node 3.x's ZooKeeper Client, which kafka-node 4 removed.
    embedded: { items: NO_ZOOKEEPER },
    'kafka-0.9': { items: { '05': 'TypeError: kafka.Client is not a constructor' } },
    'kafka-3.9': { items: { '05': 'TypeError: kafka.Client is not a constructor' } },
    'kafka-4': { items: KAFKA_NODE_ON_KAFKA_4 },
  },
  'facade:kafka-node': {
    embedded: { items: NO_ZOOKEEPER },
    // The clear refusal, in each program's own words ('producer error:' is its client's 'error' event).
    'kafka-4': {
      all: `producer error: ${KAFKA_4_REFUSAL}`,
      items: {
        '03': `consumer error: ${KAFKA_4_REFUSAL}`,
        '04': `producer failed: ${KAFKA_4_REFUSAL}`,
        '05': 'n/a',
        '06': `consumer error: ${KAFKA_4_REFUSAL}`,
      },
    },
  },
  'facade:kafkajs': {
    embedded: { items: NO_ZOOKEEPER },
    // kafkajs needs ApiVersions, which 0.9 does not have.
    // The consumers print no error: they wait for their own deadline.
    'kafka-0.9': {
      all: 'producer error: Broker not connected',
      items: {
        '03': 'consumed 0 message(s), stopping: timeout',
        '04': 'producer failed: Broker not connected',
        '06': 'read 0 message(s), stopping: timeout',
      },
    },
    'kafka-4': { items: NO_ZOOKEEPER },
  },
  'facade:confluent': {
    embedded: { items: NO_ZOOKEEPER },
    // librdkafka asks 0.9 for ApiVersions, gets no answer, falls back to 0.10's protocol and 0.9 drops it.
    // The consumers print no error: they wait for their own deadline.
    'kafka-0.9': {
      all: 'producer error: broker transport failure',
      items: {
        '03': 'consumed 0 message(s), stopping: timeout',
        '04': 'producer failed: broker transport failure',
        '06': 'read 0 message(s), stopping: timeout',
      },
    },
    'kafka-4': { items: NO_ZOOKEEPER },
  },
  'common:kafka-node': {
    'kafka-4': { all: `UnsupportedBrokerVersionError: ${KAFKA_4_REFUSAL}` },
  },
  'common:kafkajs': {
    'kafka-0.9': { all: 'KafkaError: Broker not connected' },
  },
  'common:confluent': {
    'kafka-0.9': { all: 'KafkaConnectionError: broker transport failure' },
  },
};

export function expectedOutcome(path: EnginePath, broker: BrokerId, item: string): ItemOutcome | undefined {
  const row = EXPECTED[path.id];
  if (!row) return undefined;
  const cell = row[broker] ?? {};
  return cell.items?.[item] ?? cell.all ?? 'pass';
}

/**
 * Whether every item of the cell is expected to fail while connecting (kafkajs on 0.9 waits out its request timeout
 * and retries: over a minute per item). Such items wait rather than compute, so the test runs them all at once.
 */
export function expectedToFailAtConnect(path: EnginePath, broker: BrokerId): boolean {
  const all = EXPECTED[path.id]?.[broker]?.all;
  return all !== undefined && all !== 'pass';
}

/** One cell in a table: "pass (6/6)", "5/6 pass; 05 n/a", or each distinct failure with the items it hit. */
export function renderCell(outcomes: ReadonlyMap<string, ItemOutcome>): string {
  const items = [...outcomes];
  const applicable = items.filter(([, outcome]) => outcome !== 'n/a');
  const passed = applicable.filter(([, outcome]) => outcome === 'pass');
  const notApplicable = items.filter(([, outcome]) => outcome === 'n/a').map(([id]) => id);
  const failures = new Map<string, string[]>();
  for (const [id, outcome] of applicable)
    if (outcome !== 'pass') failures.set(outcome, [...(failures.get(outcome) ?? []), id]);
  const parts = [`${passed.length}/${applicable.length} pass`];
  for (const [failure, ids] of failures)
    parts.push(`${ids.length === applicable.length ? 'all' : ids.join(',')}: ${shorten(failure)}`);
  if (notApplicable.length > 0) parts.push(`${notApplicable.join(',')} n/a`);
  return parts.join('; ');
}

function shorten(failure: string): string {
  return failure.length > 70 ? `${failure.slice(0, 67)}...` : failure;
}

/** A Markdown table: one row per engine path, one column per broker. */
export function renderTable(
  columns: readonly { id: BrokerId; title: string }[],
  cells: (path: EnginePath, broker: BrokerId) => string | undefined,
): string {
  const header = `| engine path | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `| --- | ${columns.map(() => '---').join(' | ')} |`;
  const rows = ENGINE_PATHS.map(
    (path) => `| ${path.id} | ${columns.map((c) => cells(path, c.id) ?? 'not run').join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
