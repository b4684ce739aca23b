/**
 * Shared pieces of the reliability scenarios: a producer that keeps a numbered stream going through faults (retrying a
 * failed send until it is acknowledged), consumers that record what they get, and the tally every scenario prints and
 * checks: produced, acknowledged, consumed, lost (acknowledged but never consumed: must be 0) and duplicated.
 */
import { expect } from 'chai';
import type { Backend, BackendName, ConsumedMessage, KafkaConfig } from '../../src/common/types';
import { createKafka } from '../../src/kafka';
import { ConcurrentCases, limiter, unlimited } from '../helpers/concurrency';
import { sleep, until } from '../helpers/poll';

export const BACKENDS: BackendName[] = ['kafka-node', 'kafkajs', 'confluent'];

/** Client settings for riding out faults: short timeouts and enough retries to outlast a leader move or a restart. */
export function resilientKafka(backend: BackendName, brokers: string[], extra: Partial<KafkaConfig> = {}): Backend {
  return createKafka({
    backend,
    brokers,
    clientId: `reliability-${backend}`,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 5000,
    retry: { retries: 8, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
    ...extra,
  });
}

export interface StreamCounts {
  /** Distinct sequence numbers handed to send(). */
  produced: number;
  /** Distinct sequence numbers whose send resolved (the broker acknowledged them with acks=-1). */
  acknowledged: number;
  /** send() calls that failed and were retried. */
  failedSends: number;
}

/** What the stream needs of a client: one acks=-1 send of string values to a partition, and a way to let go. */
export interface BatchSender {
  send(topic: string, partition: number, values: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A common-interface producer as a BatchSender (connecting again after a failed connect). */
export function commonSender(backend: Backend): BatchSender {
  const producer = backend.producer();
  let connected = false;
  return {
    async send(topic, partition, values) {
      if (!connected) {
        await producer.connect();
        connected = true;
      }
      await producer.send({ topic, messages: values.map((value) => ({ key: null, value, partition })), acks: -1 });
    },
    close: () => producer.disconnect().catch(() => undefined),
  };
}

/**
 * Sends values "0", "1", ... in batches, one partition after another, with acks=-1. A failed send is retried with
 * the same messages until it is acknowledged, so a retried batch may be in the log twice (counted as duplicates).
 */
export class StreamProducer {
  readonly acknowledged = new Set<number>();
  private next = 0;
  private failedSends = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  lastError: Error | null = null;

  constructor(
    private readonly sender: BatchSender,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly options: { batchSize?: number; pauseMs?: number } = {},
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  get counts(): StreamCounts {
    return { produced: this.next, acknowledged: this.acknowledged.size, failedSends: this.failedSends };
  }

  /** Stops starting new batches; the batch in progress still retries until acknowledged (or `deadlineMs` passes). */
  async stop(deadlineMs = 30000): Promise<void> {
    this.running = false;
    this.deadline = Date.now() + deadlineMs;
    await this.loop;
  }

  private deadline = Number.POSITIVE_INFINITY;

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 5;
    while (this.running) {
      const first = this.next;
      this.next += batchSize;
      const partition = (first / batchSize) % this.partitions;
      const values = Array.from({ length: batchSize }, (_, i) => String(first + i));
      for (;;) {
        try {
          await this.sender.send(this.topic, partition, values);
          for (let i = 0; i < batchSize; i++) this.acknowledged.add(first + i);
          break;
        } catch (error) {
          this.failedSends++;
          this.lastError = error as Error;
          if (Date.now() > this.deadline) break;
          await sleep(200);
        }
      }
      await sleep(this.options.pauseMs ?? 10);
    }
    await this.sender.close();
  }
}

export interface Tally extends StreamCounts {
  consumed: number;
  lost: number;
  /** Values consumed more than once (a retried batch written twice, or a message delivered again after a rebalance). */
  duplicated: number;
  /** Of the duplicates: the same offset delivered again (re-delivery) rather than the same value at two offsets. */
  redelivered: number;
}

export function tally(
  stream: StreamCounts,
  acknowledged: ReadonlySet<number>,
  consumed: readonly ConsumedMessage[],
): Tally {
  const values = new Map<number, number>();
  const offsets = new Set<string>();
  let redelivered = 0;
  for (const message of consumed) {
    const value = Number(message.value?.toString());
    values.set(value, (values.get(value) ?? 0) + 1);
    const offset = `${message.partition}@${message.offset}`;
    if (offsets.has(offset)) redelivered++;
    offsets.add(offset);
  }
  let lost = 0;
  for (const seq of acknowledged) if (!values.has(seq)) lost++;
  let duplicated = 0;
  for (const count of values.values()) duplicated += count - 1;
  return { ...stream, consumed: consumed.length, lost, duplicated, redelivered };
}

export function report(
  scenario: string,
  client: string,
  result: Tally,
  extra = '',
  print: (line: string) => void = console.log,
): void {
  print(
    `      [${scenario} / ${client}] produced=${result.produced} acknowledged=${result.acknowledged} consumed=${result.consumed} ` +
      `lost=${result.lost} duplicated=${result.duplicated} (redelivered offsets=${result.redelivered}) failedSends=${result.failedSends}${extra ? ` ${extra}` : ''}`,
  );
}

/** The checks every scenario shares: something was acknowledged through the fault, and none of it was lost. */
export function expectNothingLost(result: Tally, minimumAcknowledged: number): void {
  expect(result.acknowledged, 'acknowledged messages').to.be.at.least(minimumAcknowledged);
  expect(result.lost, 'acknowledged messages never consumed').to.equal(0);
}

/** Waits until every acknowledged value has been consumed (or the time is up; the tally then shows what is lost). */
export async function drain(
  acknowledged: ReadonlySet<number>,
  consumed: () => readonly ConsumedMessage[],
  timeoutMs: number,
): Promise<void> {
  const allConsumed = (): boolean => {
    const seen = new Set(consumed().map((m) => Number(m.value?.toString())));
    return [...acknowledged].every((seq) => seen.has(seq));
  };
  await until(allConsumed, 'every acknowledged value consumed', timeoutMs, 100).catch(() => undefined);
}

/** After the members closed (committing what they handled), the group's committed offsets reach each log end. */
export async function expectCommittedToEnd(backend: Backend, groupId: string, topic: string): Promise<void> {
  const admin = backend.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchCommittedOffsets(groupId, topic);
    const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
    for (const end of ends)
      expect(byPartition.get(end.partition), `committed offset of ${topic}/${end.partition}`).to.equal(end.latest);
  } finally {
    await admin.disconnect();
  }
}

/** Where a scenario prints its lines (its counts line): kept until its own `it` shows them. */
export type Print = (line: string) => void;

/**
 * The cases of a scenario file, run side by side instead of one after another (most of a scenario is waiting: for a
 * session timeout, a reconnect, a restart). `start` (in `before`) launches every case's scenario, at most
 * `concurrency` at a time; each case's `it` awaits `outcome(key)`, which prints what that scenario printed and fails
 * with its error, so a failed scenario fails its own `it` only. A scenario cleans up after itself (finally);
 * `settled()` (in `after`) waits until every scenario ended, cleanup included, whether its `it` passed, failed or
 * timed out, so the next file finds nothing of this one still running.
 */
export class SideBySide<K> {
  private readonly cases: ConcurrentCases<void>;
  private readonly names = new Map<K, string>();
  private readonly printed = new Map<K, string[]>();

  constructor(concurrency?: number) {
    this.cases = new ConcurrentCases(concurrency === undefined ? unlimited : limiter(concurrency));
  }

  start(keys: readonly K[], scenario: (key: K, print: Print) => Promise<void>): void {
    for (const key of keys) {
      const lines: string[] = [];
      const name = `scenario ${this.names.size + 1}`;
      this.names.set(key, name);
      this.printed.set(key, lines);
      this.cases.start(name, () => scenario(key, (line) => lines.push(line)));
    }
  }

  async outcome(key: K): Promise<void> {
    const name = this.names.get(key);
    if (!name)
      throw new Error('this case has no scenario running: `start` was not called for it (see the `before` hook)');
    try {
      await this.cases.result(name);
    } finally {
      for (const line of this.printed.get(key)!) console.log(line);
    }
  }

  settled(): Promise<void> {
    return this.cases.settled();
  }
}

/**
 * Inside a `describe`: one `it` per case (titled by `title`), the cases' scenarios started side by side in `before`
 * and awaited, cleanup included, in `after`.
 */
export function itSideBySide<K>(
  cases: readonly K[],
  title: (key: K) => string,
  scenario: (key: K, print: Print) => Promise<void>,
  concurrency?: number,
): void {
  const scenarios = new SideBySide<K>(concurrency);
  before(() => scenarios.start(cases, scenario));
  after(async function () {
    this.timeout(180000);
    await scenarios.settled();
  });
  for (const key of cases) it(title(key), () => scenarios.outcome(key));
}
