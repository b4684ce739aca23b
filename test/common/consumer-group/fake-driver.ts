import {
  BufferedDelivery,
  DrivenConsumerGroup,
  type BufferedPartition,
  type ConsumerGroupDriver,
  type GroupSession,
} from '../../../src/common/consumer-group';
import { KafkaError } from '../../../src/common/errors';
import type {
  ConsumerGroupConfig,
  RetryOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../../../src/common/types';
import { resolveConsumerGroupConfig } from '../../../src/common/validation';

/**
 * A push driver with no library and no broker behind it, for unit tests of the consumer-group core: the test plays
 * the library (assign, push messages) and sees what the core asked of the driver (calls, commits).
 */
export interface FakeMessage {
  topic: string;
  partition: number;
  offset: number;
}

export class FakeDriver implements ConsumerGroupDriver {
  readonly delivery: BufferedDelivery<FakeMessage, BufferedPartition<FakeMessage>>;
  readonly calls: string[] = [];
  readonly commits: TopicPartitionOffset[][] = [];
  /** While set, commit() waits for it (a slow coordinator). */
  commitGate: Promise<void> | null = null;
  /** Called when commit() starts. */
  onCommit: () => void = () => undefined;
  member = false;

  constructor(readonly session: GroupSession) {
    this.delivery = new BufferedDelivery(session, {
      consumed: ({ topic, partition, offset }) => ({
        topic,
        partition,
        offset,
        key: null,
        value: Buffer.from(`${topic}-${offset}`),
        timestamp: 0,
        headers: {},
      }),
      highWatermark: (message) => message.offset + 1,
      isMember: () => this.member,
      commit: (offsets) => this.commit(offsets),
      drained: () => undefined,
      idle: () => undefined,
      idleCheckMs: Infinity,
    });
  }

  /** The library joined a generation with these partitions, starting at `start` unless a seek is pending. */
  assign(partitions: TopicPartition[], start = 0): void {
    this.member = true;
    const states = partitions.map(({ topic, partition }): BufferedPartition<FakeMessage> => ({
      topic,
      partition,
      queue: [],
      retryAt: 0,
    }));
    for (const { topic, partition } of partitions) {
      const seek = this.session.subscription.takeSeek(topic, partition);
      this.session.offsets.started(topic, partition, seek ? seek.offset : start);
    }
    this.delivery.assign(states);
    this.delivery.active = true;
    this.session.assigned({ generationId: 1, memberId: 'fake-member', partitions });
    this.session.firstAssignmentReady();
  }

  /** The library fetched these offsets of one partition. */
  push(topic: string, partition: number, ...offsets: number[]): void {
    const state = this.delivery.get(topic, partition);
    if (!state) throw new Error(`${topic}/${partition} is not assigned`);
    for (const offset of offsets) this.delivery.push(state, { topic, partition, offset });
  }

  async connect(): Promise<void> {
    this.calls.push('connect');
  }

  async start(): Promise<void> {
    this.calls.push('start');
    this.delivery.start();
  }

  async abort(): Promise<void> {
    this.calls.push('abort');
    await this.delivery.stop();
  }

  isMember(): boolean {
    return this.member;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    this.calls.push('commit');
    this.commits.push(offsets.map((o) => ({ ...o })));
    this.onCommit();
    if (this.commitGate) await this.commitGate;
  }

  pausesChanged(paused: readonly string[], resumed: readonly string[]): void {
    this.calls.push(`pausesChanged ${paused.join(',')} / ${resumed.join(',')}`);
    if (resumed.length > 0) this.delivery.wake();
  }

  seek(position: TopicPartitionOffset): boolean {
    const state = this.delivery.active ? this.delivery.get(position.topic, position.partition) : undefined;
    if (!state) return false;
    this.delivery.drop(state, true);
    this.session.offsets.moved(position.topic, position.partition, position.offset);
    return true;
  }

  async quiesce(): Promise<void> {
    this.calls.push('quiesce');
    await this.delivery.stop();
  }

  async commitOnClose(): Promise<void> {
    this.calls.push('commitOnClose');
    if (this.session.assignment && this.member) {
      await this.session.offsets.commitPersistently(
        (offsets) => this.commit(offsets),
        this.session.retry,
        (error) => this.mapError(error),
        () => this.member,
      );
    }
  }

  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    this.member = false;
    this.delivery.active = false;
    this.delivery.clear();
  }

  mapError(error: unknown): KafkaError {
    return error instanceof KafkaError ? error : new KafkaError(String(error));
  }
}

export const RETRY: RetryOptions = { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 };

/** A consumer group on a FakeDriver. */
export function fakeGroup(config: Partial<ConsumerGroupConfig> = {}): {
  group: DrivenConsumerGroup;
  driver: FakeDriver;
} {
  let driver!: FakeDriver;
  const group = new DrivenConsumerGroup(
    resolveConsumerGroupConfig({ groupId: 'unit', topics: ['a', 'b'], autoCommit: false, ...config }),
    RETRY,
    (session) => (driver = new FakeDriver(session)),
  );
  return { group, driver };
}
