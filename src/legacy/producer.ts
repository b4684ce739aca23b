/**
 * The common Producer on kafka-node's KafkaClient + Producer.
 *
 * Partitions are chosen here with src/common/partitioners.ts (the same chooser the kafkajs backend uses) and passed
 * to kafka-node explicitly, one produce payload per partition: kafka-node's own partitioners would be consulted once
 * per payload with the payload's key, not per message. The choosers reproduce kafka-node's algorithms for its names
 * (default, random, cyclic, keyed), so behaviour for those names is kafka-node's.
 *
 * Each message becomes a kafka-node KeyedMessage (its own key and timestamp; kafka-node sends them as magic-1
 * messages with Produce v2 when the broker has it, magic 0 without timestamps before). Compression is kafka-node's
 * message-set attribute: 0 none, 1 gzip, 2 snappy (native `snappy` package).
 *
 * Retriable failures (leader moved, broker unreachable...) are retried with the config's retry schedule after a
 * metadata refresh. Like any producer without idempotence, a retry can duplicate messages a failed attempt did write.
 */
import type { ResolvedKafkaConfig } from '../common/config';
import { KafkaError, KafkaProtocolError, UnsupportedFeatureError } from '../common/errors';
import { createPartitionChooser, type PartitionChooser } from '../common/partitioners';
import type {
  Capabilities,
  CompressionName,
  OutgoingMessage,
  PartitionBaseOffset,
  Producer,
  ProducerOptions,
  SendRequest,
  Transaction,
} from '../common/types';
import { resolveProducerOptions, validateSendRequest } from '../common/validation';
import { ErrorCode } from '../protocol/error-codes';
import { brokerRefusal, closeClient, connectedClient, topicPartitions } from './client';
import { backOff } from '../common/retry';
import { settle, toKafkaError } from './errors';
import {
  kafkaNode,
  type KafkaNodeClient,
  type KafkaNodeOutgoingMessage,
  type KafkaNodeProduceRequest,
  type KafkaNodeProduceResult,
  type KafkaNodeProducer,
} from './kafka-node';

/** kafka-node's Producer default (partitionerType 0): everything to the first partition unless one is given. */
export const LEGACY_DEFAULT_PARTITIONER = 'default';

/** Kafka's request.timeout.ms default, used as the broker-side ack timeout (kafka-node's own default is 100 ms). */
export const DEFAULT_ACK_TIMEOUT_MS = 30000;

/** Message-set attributes kafka-node compresses with (lib/codec). */
export const COMPRESSION_ATTRIBUTES: Readonly<Partial<Record<CompressionName, number>>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
};

function keyBytes(key: OutgoingMessage['key']): Buffer | null {
  if (key === undefined || key === null) return null;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

export function toKafkaNodeMessage(message: OutgoingMessage): KafkaNodeOutgoingMessage {
  const converted = new kafkaNode.KeyedMessage(message.key ?? null, message.value);
  if (message.timestamp !== undefined) converted.timestamp = message.timestamp;
  return converted;
}

interface PartitionShare {
  partition: number;
  messages: KafkaNodeOutgoingMessage[];
}

export class LegacyProducer implements Producer {
  private readonly chooser: PartitionChooser;
  private client: KafkaNodeClient | null = null;
  private producer: KafkaNodeProducer | null = null;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly config: ResolvedKafkaConfig,
    private readonly capabilities: Capabilities,
    options: ProducerOptions | undefined,
  ) {
    const resolved = resolveProducerOptions(options, capabilities, 'kafka-node', LEGACY_DEFAULT_PARTITIONER);
    this.chooser = createPartitionChooser(resolved.partitioner);
  }

  async connect(): Promise<void> {
    if (this.producer) return;
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  private async open(): Promise<void> {
    const client = await connectedClient(this.config);
    try {
      const producer = new kafkaNode.Producer(client, {
        requireAcks: -1,
        ackTimeoutMs: DEFAULT_ACK_TIMEOUT_MS,
        partitionerType: 0,
      });
      // Failures surface through send(); kafka-node also re-emits client errors here, which must not go unhandled.
      producer.on('error', () => undefined);
      this.client = client;
      this.producer = producer;
    } catch (error) {
      await closeClient(client);
      throw toKafkaError(error);
    }
  }

  transaction(): Promise<Transaction> {
    return Promise.reject(
      new UnsupportedFeatureError(
        'transactions',
        'kafka-node',
        'kafka-node has no transactional producer (no InitProducerId, no Produce v3)',
      ),
    );
  }

  async send(request: SendRequest): Promise<PartitionBaseOffset[]> {
    validateSendRequest(request, this.capabilities, 'kafka-node');
    const { producer, client } = this;
    if (!producer || !client)
      throw new KafkaError('the producer is not connected: call connect() first', { retriable: false });
    const { topic } = request;
    const acks = request.acks ?? -1;
    const ackTimeoutMs = request.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    const attributes = COMPRESSION_ATTRIBUTES[request.compression ?? 'none']!;

    // kafka-node's metadata refresh retries by itself (10 tries, 0.2-1 s apart: leader elections, auto-creation).
    let partitions = await topicPartitions(client, topic);
    if (request.messages.some((m) => m.partition !== undefined && !partitions.includes(m.partition))) {
      // Perhaps partitions were added since kafka-node cached the metadata.
      partitions = await topicPartitions(client, topic, true);
    }
    const shares = this.split(topic, request.messages, partitions);
    const result = await this.withRetries(
      () =>
        settle<KafkaNodeProduceResult>((callback) => {
          // Read by kafka-node synchronously inside send(): per-send acks without a Producer per acks value.
          producer.requireAcks = acks;
          producer.ackTimeoutMs = ackTimeoutMs;
          const payloads: KafkaNodeProduceRequest[] = shares.map(({ partition, messages }) => ({
            topic,
            partition,
            messages: [...messages],
            attributes,
          }));
          producer.send(payloads, callback);
        }),
      () => topicPartitions(client, topic, true).then(() => undefined),
    );
    const offsets = acks === 0 ? undefined : result?.[topic];
    return shares
      .map(({ partition }) => {
        const offset = typeof offsets === 'object' && offsets !== null ? offsets[String(partition)] : undefined;
        return { topic, partition, baseOffset: typeof offset === 'number' ? offset : -1 };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    const client = this.client;
    this.producer = null;
    this.client = null;
    if (producer) await new Promise<void>((resolve) => producer.close(() => resolve()));
    else if (client) await closeClient(client);
  }

  /** Messages grouped by partition (explicit, else the partitioner's choice), each group in send order. */
  private split(topic: string, messages: OutgoingMessage[], partitions: number[]): PartitionShare[] {
    const shares = new Map<number, PartitionShare>();
    for (const message of messages) {
      const partition = message.partition ?? this.chooser(partitions, keyBytes(message.key));
      if (!partitions.includes(partition)) {
        throw new KafkaProtocolError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `partition ${partition} of "${topic}" does not exist (partitions: ${partitions.join(', ')})`,
        );
      }
      let share = shares.get(partition);
      if (!share) {
        share = { partition, messages: [] };
        shares.set(partition, share);
      }
      share.messages.push(toKafkaNodeMessage(message));
    }
    return [...shares.values()];
  }

  private async withRetries<T>(attempt: () => Promise<T>, beforeRetry?: () => Promise<void>): Promise<T> {
    const { retry } = this.config;
    for (let failures = 0; ; failures++) {
      try {
        return await attempt();
      } catch (error) {
        // A broker connection that was not yet through ApiVersions when connect() checked it may refuse now.
        const mapped = (this.client && brokerRefusal(this.client)) ?? toKafkaError(error);
        if (!mapped.retriable || failures >= retry.retries || !this.producer) throw mapped;
        await backOff(retry, failures + 1);
        if (beforeRetry) await beforeRetry().catch(() => undefined);
      }
    }
  }
}
