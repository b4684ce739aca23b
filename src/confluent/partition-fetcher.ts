/**
 * Groupless reads and standalone commits on @confluentinc/kafka-javascript, for kafka-node's plain Consumer.
 *
 * librdkafka has this model natively: a consumer that uses assign() (never subscribe) reads the given partitions from
 * the given offsets without joining any group, and a consumer of a group that never subscribes commits with no
 * generation (a standalone commit). Reads use the node-rdkafka-style client inside a KafkaJS-style consumer made by the
 * backend's Kafka instance (so the client configuration is translated once, in client.ts): assign() with explicit
 * offsets, consume(n) waiting up to maxWaitTimeMs for the first message.
 *
 * librdkafka fetches ahead in the background, so a round answers what arrived since the last one; the assignment is
 * only renewed when the caller asks for other partitions or other offsets than where librdkafka reads next. An offset
 * is checked against the partition's watermarks before it is assigned: outside [low, high] it is answered as
 * OffsetOutOfRangeError (librdkafka's own report, with auto.offset.reset=error, names no partition in this binding).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ResolvedKafkaConfig } from '../common/config';
import { OffsetOutOfRangeError } from '../common/errors';
import { partitionKey } from '../common/group-helpers';
import type {
  ConsumedMessage,
  FetchPosition,
  FetchedPartition,
  PartitionFetcher,
  TopicPartitionOffset,
} from '../common/types';
import { commitStandalone } from './commit';
import { toKafkaError, translated } from './errors';

/** librdkafka's "offset out of range and auto.offset.reset=error" (RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET). */
const AUTO_OFFSET_RESET = -140;
/** At most this many messages per round (all partitions together). */
const MAX_MESSAGES_PER_ROUND = 1000;
/** The fetching consumer never commits nor joins: its group id only satisfies librdkafka's consumer config. */
const FETCHER_GROUP_ID = 'kafka-node-adapter.partition-fetcher';

interface RdkafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Buffer | string | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: Array<Record<string, string | Buffer>>;
}

interface RdkafkaError {
  code?: number;
  message?: string;
}

/** The node-rdkafka-style KafkaConsumer inside the library's KafkaJS-style consumer (types/rdkafka.d.ts). */
interface RdkafkaConsumer {
  assign(assignments: TopicPartitionOffset[]): unknown;
  consume(count: number, callback: (error: RdkafkaError | null, messages: RdkafkaMessage[]) => void): void;
  setDefaultConsumeTimeout(timeoutMs: number): void;
  setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void;
  getWatermarkOffsets(topic: string, partition: number): { lowOffset: number; highOffset: number };
  queryWatermarkOffsets(
    topic: string,
    partition: number,
    timeout: number,
    callback: (error: RdkafkaError | null, offsets: { lowOffset: number; highOffset: number }) => void,
  ): void;
}

type WrappedConsumer = KafkaJS.Consumer & { _getInternalClient(): RdkafkaConsumer | null };

function headersOf(headers: RdkafkaMessage['headers']): Record<string, Buffer> {
  const converted: Record<string, Buffer> = {};
  // A repeated header name: the last one wins, as on the other backends.
  for (const header of headers ?? [])
    for (const [name, value] of Object.entries(header))
      converted[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return converted;
}

function consumed(message: RdkafkaMessage): ConsumedMessage {
  const key =
    message.key === undefined || message.key === null
      ? null
      : Buffer.isBuffer(message.key)
        ? message.key
        : Buffer.from(message.key);
  return {
    topic: message.topic,
    partition: message.partition,
    offset: Number(message.offset),
    key,
    value: message.value ?? null,
    timestamp: Number(message.timestamp ?? -1),
    headers: headersOf(message.headers),
  };
}

export class ConfluentPartitionFetcher implements PartitionFetcher {
  private reader: Promise<{ wrapper: WrappedConsumer; client: RdkafkaConsumer }> | null = null;
  private readonly committers = new Map<string, Promise<KafkaJS.Consumer>>();
  /** The current assignment: per partition, the offset librdkafka delivers next. */
  private next = new Map<string, number>();
  private readonly highWatermarks = new Map<string, number>();
  private consuming: Promise<unknown> | null = null;
  private closed = false;

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly config: ResolvedKafkaConfig,
  ) {}

  private connected(): Promise<{ wrapper: WrappedConsumer; client: RdkafkaConsumer }> {
    this.reader ??= translated(async () => {
      const wrapper = this.kafka.consumer({
        kafkaJS: { groupId: FETCHER_GROUP_ID, autoCommit: false },
        'auto.offset.reset': 'error',
      } as KafkaJS.ConsumerConstructorConfig) as WrappedConsumer;
      await wrapper.connect();
      const client = wrapper._getInternalClient();
      if (!client)
        throw new Error(
          '@confluentinc/kafka-javascript internals changed: no internal client on a connected consumer (1.10 expected)',
        );
      client.setDefaultIsTimeoutOnlyForFirstMessage(true);
      return { wrapper, client };
    });
    return this.reader;
  }

  async fetch(
    positions: FetchPosition[],
    options: { maxWaitTimeMs: number; minBytes: number },
  ): Promise<FetchedPartition[]> {
    const { client } = await this.connected();
    const failed = new Map<string, FetchedPartition>();
    const moved = positions.filter((p) => this.next.get(partitionKey(p.topic, p.partition)) !== p.offset);
    const sameSet =
      positions.length === this.next.size && positions.every((p) => this.next.has(partitionKey(p.topic, p.partition)));
    if (moved.length > 0 || !sameSet) {
      for (const failure of await Promise.all(moved.map((position) => this.check(client, position)))) {
        if (failure) failed.set(partitionKey(failure.topic, failure.partition), failure);
      }
      const readable = positions.filter((p) => !failed.has(partitionKey(p.topic, p.partition)));
      try {
        client.assign(readable.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
      } catch (error) {
        throw toKafkaError(error);
      }
      this.next = new Map(readable.map((p) => [partitionKey(p.topic, p.partition), p.offset]));
    }
    const messages = new Map<string, ConsumedMessage[]>();
    let roundError: RdkafkaError | null = null;
    if (this.next.size > 0) {
      const answer = await this.consume(client, options.maxWaitTimeMs);
      roundError = answer.error;
      for (const message of answer.messages) {
        const key = partitionKey(message.topic, message.partition);
        const expected = this.next.get(key);
        // A message of an earlier assignment, or below the offset asked for (inside a compressed batch).
        if (expected === undefined || Number(message.offset) < expected) continue;
        messages.set(key, [...(messages.get(key) ?? []), consumed(message)]);
        this.next.set(key, Number(message.offset) + 1);
      }
      // Offset out of range while reading (retention removed what was next): the next round checks every partition.
      if (roundError?.code === AUTO_OFFSET_RESET) this.next.clear();
    }
    return positions.map(({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      const failure = failed.get(key);
      if (failure) return failure;
      const got = messages.get(key) ?? [];
      const highWatermark = this.highWatermarkOf(client, topic, partition, got);
      if (got.length === 0 && roundError && roundError.code !== AUTO_OFFSET_RESET) {
        return { topic, partition, highWatermark, messages: [], error: toKafkaError(roundError) };
      }
      return { topic, partition, highWatermark, messages: got, error: null };
    });
  }

  /** A position outside [low, high] is out of range; an unknown topic or partition answers its error. */
  private async check(client: RdkafkaConsumer, position: FetchPosition): Promise<FetchedPartition | null> {
    const { topic, partition, offset } = position;
    try {
      const { lowOffset, highOffset } = await new Promise<{ lowOffset: number; highOffset: number }>(
        (resolve, reject) =>
          client.queryWatermarkOffsets(topic, partition, this.config.requestTimeoutMs, (error, offsets) =>
            error ? reject(error) : resolve(offsets),
          ),
      );
      this.highWatermarks.set(partitionKey(topic, partition), Number(highOffset));
      if (offset < Number(lowOffset) || offset > Number(highOffset)) {
        return {
          topic,
          partition,
          highWatermark: Number(highOffset),
          messages: [],
          error: new OffsetOutOfRangeError(topic, partition, offset),
        };
      }
      return null;
    } catch (error) {
      return { topic, partition, highWatermark: -1, messages: [], error: toKafkaError(error) };
    }
  }

  private consume(
    client: RdkafkaConsumer,
    timeoutMs: number,
  ): Promise<{ error: RdkafkaError | null; messages: RdkafkaMessage[] }> {
    client.setDefaultConsumeTimeout(timeoutMs);
    const round = new Promise<{ error: RdkafkaError | null; messages: RdkafkaMessage[] }>((resolve) => {
      client.consume(MAX_MESSAGES_PER_ROUND, (error, messages) =>
        resolve({ error: error ?? null, messages: messages ?? [] }),
      );
    });
    this.consuming = round;
    return round;
  }

  /** The last high watermark librdkafka saw in a fetch answer; else the last one known. */
  private highWatermarkOf(
    client: RdkafkaConsumer,
    topic: string,
    partition: number,
    messages: ConsumedMessage[],
  ): number {
    const key = partitionKey(topic, partition);
    let high = -1;
    try {
      high = Number(client.getWatermarkOffsets(topic, partition).highOffset);
    } catch {
      // Nothing fetched for it yet.
    }
    const last = messages[messages.length - 1];
    if (last) high = Math.max(high, last.offset + 1);
    if (high >= 0) this.highWatermarks.set(key, high);
    return this.highWatermarks.get(key) ?? -1;
  }

  async commit(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    let committer = this.committers.get(groupId);
    if (!committer) {
      // A consumer of the group that never subscribes: its commits carry no generation (standalone).
      committer = translated(async () => {
        const consumer = this.kafka.consumer({ kafkaJS: { groupId, autoCommit: false } });
        await consumer.connect();
        return consumer;
      });
      this.committers.set(groupId, committer);
      committer.catch(() => this.committers.delete(groupId));
    }
    const consumer = await committer;
    await commitStandalone(consumer, offsets, this.config.requestTimeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reader = this.reader;
    this.reader = null;
    const committers = [...this.committers.values()];
    this.committers.clear();
    // librdkafka's consume runs on a worker thread: let it answer before the client goes away.
    await this.consuming?.catch(() => undefined);
    const wrappers = await Promise.all(
      [reader?.then((r) => r.wrapper), ...committers].map((c) =>
        (c ?? Promise.resolve(undefined)).catch(() => undefined),
      ),
    );
    await Promise.all(wrappers.map((consumer) => consumer?.disconnect().catch(() => undefined)));
  }
}
