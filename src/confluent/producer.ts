/**
 * The common Producer on @confluentinc/kafka-javascript's KafkaJS-style producer (librdkafka underneath).
 *
 * Two differences from kafka-node and kafkajs, handled here:
 * - Partitioning: librdkafka partitions in C and takes no JavaScript partitioner. The producer asks its own client for
 *   the topic's partitions, chooses with the common partitioners (src/common/partitioners.ts) and sends every message
 *   with an explicit partition, so a key lands where kafka-node (or kafkajs) would put it.
 * - acks and compression are settings of a librdkafka producer, not of a send. Each (acks, compression) pair a send
 *   asks for gets its own librdkafka producer, created on first use; sends keep their order per pair. A transactional
 *   producer is one producer (a second one with the same transactional id would fence it): it sends with acks -1 and
 *   refuses other compression than its first send's.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ResolvedKafkaConfig } from '../common/config';
import { ConfigurationError, KafkaError, KafkaProtocolError, UnsupportedFeatureError } from '../common/errors';
import { createPartitionChooser, type PartitionChooser } from '../common/partitioners';
import type {
  Acks,
  Capabilities,
  CompressionName,
  OutgoingMessage,
  PartitionBaseOffset,
  Producer,
  ProducerOptions,
  SendRequest,
  Transaction,
  TransactionOffsets,
} from '../common/types';
import {
  resolveProducerOptions,
  validateSendRequest,
  validateTransactionOffsets,
  type ResolvedProducerOptions,
} from '../common/validation';
import { ErrorCode } from '../protocol/error-codes';
import { toKafkaError, translated } from './errors';

/** Murmur2 over the key as the Java client, kafkajs and librdkafka's `murmur2_random` partitioner. */
export const CONFLUENT_DEFAULT_PARTITIONER = 'murmur2';

/** How long a topic's partition list is reused before the producer asks again. */
const PARTITIONS_MAX_AGE_MS = 30000;

interface RdkafkaMetadata {
  topics: { name: string; partitions: { id: number }[] }[];
}

/** The node-rdkafka client under a KafkaJS-style producer: only its metadata call is used. */
interface InternalClient {
  getMetadata(
    options: { topic: string; timeout: number },
    callback: (error: unknown, metadata: RdkafkaMetadata) => void,
  ): void;
}

type LibraryProducer = KafkaJS.Producer & { _getInternalClient(): InternalClient };

/**
 * The binding hands librdkafka a zero-length Buffer as a NULL payload, which Kafka stores as a null value. A
 * zero-length view into a non-empty allocation has a real data pointer, so an empty value stays empty (not null).
 */
function payloadOf(value: Buffer | string | null): Buffer | null {
  if (value === null) return null;
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return bytes.length > 0 ? bytes : Buffer.alloc(1).subarray(0, 0);
}

function toLibraryMessage(message: OutgoingMessage, partition: number): KafkaJS.Message {
  const converted: KafkaJS.Message = { value: payloadOf(message.value), partition };
  if (message.key !== undefined && message.key !== null) converted.key = message.key;
  if (message.headers !== undefined) converted.headers = { ...message.headers };
  if (message.timestamp !== undefined) converted.timestamp = String(message.timestamp);
  return converted;
}

export class ConfluentProducer implements Producer {
  private readonly options: ResolvedProducerOptions;
  private readonly chooser: PartitionChooser;
  private readonly engines = new Map<string, Promise<LibraryProducer>>();
  private readonly partitions = new Map<string, { ids: number[]; at: number }>();
  private transactionalCompression: CompressionName | null = null;
  private connected = false;

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly config: ResolvedKafkaConfig,
    private readonly capabilities: Capabilities,
    options: ProducerOptions | undefined,
  ) {
    this.options = resolveProducerOptions(options, capabilities, 'confluent', CONFLUENT_DEFAULT_PARTITIONER);
    if (this.options.idempotent && config.retry.retries < 1) {
      throw new ConfigurationError(
        'an idempotent producer needs retry.retries >= 1: it must retry transient failures to keep its guarantees',
      );
    }
    this.chooser = createPartitionChooser(this.options.partitioner);
  }

  async connect(): Promise<void> {
    await this.engine(-1, 'none');
    this.connected = true;
  }

  async send(request: SendRequest): Promise<PartitionBaseOffset[]> {
    if (this.options.transactionalId !== null) {
      throw new ConfigurationError(
        `producer "${this.options.transactionalId}" is transactional: send inside producer.transaction()`,
      );
    }
    return this.sendThrough(request);
  }

  async transaction(): Promise<Transaction> {
    if (this.options.transactionalId === null) {
      throw new ConfigurationError('transaction() needs a transactional producer: create it with a transactionalId');
    }
    this.requireConnected();
    const engine = await this.engine(-1, 'none');
    await translated(() => engine.transaction());
    return new ConfluentTransaction(this.kafka, engine, (request) => this.sendThrough(request));
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    const engines = [...this.engines.values()];
    this.engines.clear();
    const results = await Promise.allSettled(engines.map(async (starting) => (await starting).disconnect()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure && !(failure.reason instanceof KafkaError)) throw toKafkaError(failure.reason);
  }

  private requireConnected(): void {
    if (!this.connected)
      throw new KafkaError('the producer is not connected: call connect() first', { retriable: false });
  }

  private async sendThrough(request: SendRequest): Promise<PartitionBaseOffset[]> {
    validateSendRequest(request, this.capabilities, 'confluent', { idempotent: this.options.idempotent });
    this.requireConnected();
    const acks: Acks = request.acks ?? -1;
    const compression = request.compression ?? 'none';
    if (this.options.transactionalId !== null) {
      this.transactionalCompression ??= compression;
      if (compression !== this.transactionalCompression) {
        throw new UnsupportedFeatureError(
          `${compression} compression after ${this.transactionalCompression} on one transactional producer`,
          'confluent',
          'librdkafka compresses per producer, and a transactional id allows one producer: use one compression per transactional producer',
        );
      }
    }
    const engine = await this.engine(
      acks,
      this.options.transactionalId !== null ? (this.transactionalCompression ?? 'none') : compression,
    );
    const ids = await this.partitionsOf(engine, request.topic);
    const messages = request.messages.map((message) => {
      if (message.partition !== undefined) {
        if (!ids.includes(message.partition)) {
          throw new ConfigurationError(
            `partition ${message.partition} does not exist in topic "${request.topic}" (partitions: ${ids.join(', ')})`,
          );
        }
        return toLibraryMessage(message, message.partition);
      }
      const key =
        message.key === undefined || message.key === null
          ? null
          : Buffer.isBuffer(message.key)
            ? message.key
            : Buffer.from(message.key, 'utf8');
      return toLibraryMessage(message, this.chooser(ids, key));
    });
    const metadata = await translated(() => engine.send({ topic: request.topic, messages }));
    if (acks === 0) {
      return [...new Set(messages.map((m) => m.partition as number))]
        .sort((a, b) => a - b)
        .map((partition) => ({ topic: request.topic, partition, baseOffset: -1 }));
    }
    return metadata
      .filter((entry) => entry.topicName === request.topic)
      .map((entry) => ({
        topic: request.topic,
        partition: entry.partition,
        baseOffset: Number(entry.baseOffset ?? entry.offset ?? -1),
      }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** The topic's partition ids, from a metadata request of the producer's own client (which auto-creates as a producer does). */
  private async partitionsOf(engine: LibraryProducer, topic: string): Promise<number[]> {
    const cached = this.partitions.get(topic);
    if (cached && Date.now() - cached.at < PARTITIONS_MAX_AGE_MS) return cached.ids;
    const client = engine._getInternalClient();
    const metadata = await new Promise<RdkafkaMetadata>((resolve, reject) => {
      client.getMetadata({ topic, timeout: this.config.requestTimeoutMs }, (error, answer) =>
        error ? reject(toKafkaError(error)) : resolve(answer),
      );
    });
    const ids = (metadata.topics.find((t) => t.name === topic)?.partitions ?? [])
      .map((p) => p.id)
      .sort((a, b) => a - b);
    if (ids.length === 0)
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" does not exist`);
    this.partitions.set(topic, { ids, at: Date.now() });
    return ids;
  }

  /** The connected librdkafka producer for these settings, created on first use. */
  private engine(acks: Acks, compression: CompressionName): Promise<LibraryProducer> {
    const key = `${acks}/${compression}`;
    let engine = this.engines.get(key);
    if (!engine) {
      engine = this.createEngine(acks, compression);
      this.engines.set(key, engine);
      engine.catch(() => this.engines.delete(key));
    }
    return engine;
  }

  private async createEngine(acks: Acks, compression: CompressionName): Promise<LibraryProducer> {
    const transactional = this.options.transactionalId !== null;
    const producer = this.kafka.producer({
      kafkaJS: {
        acks,
        compression: compression as KafkaJS.CompressionTypes,
        idempotent: this.options.idempotent,
        ...(transactional
          ? { transactionalId: this.options.transactionalId!, transactionTimeout: this.options.transactionTimeoutMs }
          : {}),
      },
      // Sends resolve on the broker's answer: linger would only delay each await.
      'linger.ms': 0,
      // librdkafka refuses records over 1,000,000 bytes itself; kafka-node and kafkajs leave the limit to the broker
      // (message.max.bytes there, 1 MB + 12 by default). Its own maximum lets the broker decide here too.
      'message.max.bytes': 1000000000,
    }) as LibraryProducer;
    await translated(() => producer.connect());
    return producer;
  }
}

/**
 * One open transaction. librdkafka sends offsets through a consumer's group metadata; for a group id alone that is a
 * consumer of that group that never subscribes (generation -1, no member id: what Kafka accepts from outside a group).
 */
class ConfluentTransaction implements Transaction {
  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly producer: LibraryProducer,
    private readonly sendWithin: (request: SendRequest) => Promise<PartitionBaseOffset[]>,
  ) {}

  send(request: SendRequest): Promise<PartitionBaseOffset[]> {
    return this.sendWithin(request);
  }

  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    validateTransactionOffsets(offsets);
    const consumer = this.kafka.consumer({ kafkaJS: { groupId: offsets.consumerGroupId, autoCommit: false } });
    await translated(async () => {
      await consumer.connect();
      try {
        await this.producer.sendOffsets({
          consumer,
          topics: offsets.topics.map((t) => ({
            topic: t.topic,
            partitions: t.partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })),
          })),
        });
      } finally {
        await consumer.disconnect().catch(() => undefined);
      }
    });
  }

  async commit(): Promise<void> {
    await translated(() => this.producer.commit());
  }

  async abort(): Promise<void> {
    await translated(() => this.producer.abort());
  }
}
