/** The common Producer on a kafkajs producer. */
import type {
  Kafka,
  Message,
  Producer as KafkajsProducer,
  RecordMetadata,
  Transaction as KafkajsTransaction,
} from 'kafkajs';
import type { ResolvedKafkaConfig } from '../common/config';
import { ConfigurationError, KafkaError } from '../common/errors';
import { backOff } from '../common/retry';
import { ErrorCode } from '../protocol/error-codes';
import type {
  Capabilities,
  OutgoingMessage,
  PartitionBaseOffset,
  Producer,
  ProducerOptions,
  RetryOptions,
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
import { KAFKAJS_COMPRESSION, registerCompressionCodecs } from './compression';
import { translated } from './errors';
import { createKafkajsPartitioner, type PartitionChoices } from './partitioner';

/** kafkajs's and the Java client's default: murmur2 over the key, round-robin without one. */
export const MODERN_DEFAULT_PARTITIONER = 'murmur2';

function toKafkajsMessage(message: OutgoingMessage): Message {
  const converted: Message = { value: message.value };
  if (message.key !== undefined) converted.key = message.key;
  if (message.partition !== undefined) converted.partition = message.partition;
  if (message.headers !== undefined) converted.headers = { ...message.headers };
  if (message.timestamp !== undefined) converted.timestamp = String(message.timestamp);
  return converted;
}

export class ModernProducer implements Producer {
  private readonly producer: KafkajsProducer;
  private readonly options: ResolvedProducerOptions;
  private readonly choices: PartitionChoices = new WeakMap();
  private readonly retry: RetryOptions;
  private connected = false;

  constructor(
    kafka: Kafka,
    config: ResolvedKafkaConfig,
    private readonly capabilities: Capabilities,
    options: ProducerOptions | undefined,
  ) {
    this.options = resolveProducerOptions(options, capabilities, 'kafkajs', MODERN_DEFAULT_PARTITIONER);
    this.retry = config.retry;
    if (this.options.idempotent && config.retry.retries < 1) {
      throw new ConfigurationError(
        'an idempotent producer needs retry.retries >= 1: it must retry transient failures to keep its guarantees',
      );
    }
    this.producer = kafka.producer({
      createPartitioner: createKafkajsPartitioner(this.options.partitioner, this.choices),
      // A transactional producer only sends through its transactions, which kafkajs always runs idempotently with
      // their own producer id; kafkajs's producer-level idempotence would fetch a second id, from the controller.
      idempotent: this.options.idempotent && this.options.transactionalId === null,
      transactionalId: this.options.transactionalId ?? undefined,
      transactionTimeout: this.options.transactionalId === null ? undefined : this.options.transactionTimeoutMs,
      // One request in flight per broker keeps an idempotent producer's sequence numbers in order, as Java requires
      // max.in.flight <= 5 with retries; kafkajs only guarantees ordering with 1.
      maxInFlightRequests: this.options.idempotent ? 1 : undefined,
      retry: {
        retries: config.retry.retries,
        initialRetryTime: config.retry.initialRetryTimeMs,
        maxRetryTime: config.retry.maxRetryTimeMs,
      },
    });
  }

  async connect(): Promise<void> {
    registerCompressionCodecs();
    await translated(() => this.producer.connect());
    this.connected = true;
  }

  async send(request: SendRequest): Promise<PartitionBaseOffset[]> {
    if (this.options.transactionalId !== null) {
      throw new ConfigurationError(
        `producer "${this.options.transactionalId}" is transactional: send inside producer.transaction()`,
      );
    }
    return this.sendThrough(this.producer, request);
  }

  async transaction(): Promise<Transaction> {
    if (this.options.transactionalId === null) {
      throw new ConfigurationError('transaction() needs a transactional producer: create it with a transactionalId');
    }
    this.requireConnected();
    const transaction = await translated(() => this.producer.transaction());
    return new ModernTransaction(transaction, (request) => this.sendThrough(transaction, request), this.retry);
  }

  private requireConnected(): void {
    if (!this.connected)
      throw new KafkaError('the producer is not connected: call connect() first', { retriable: false });
  }

  /** Sends through the producer itself or through one of its transactions. */
  private async sendThrough(
    target: Pick<KafkajsProducer, 'send'>,
    request: SendRequest,
  ): Promise<PartitionBaseOffset[]> {
    validateSendRequest(request, this.capabilities, 'kafkajs', { idempotent: this.options.idempotent });
    this.requireConnected();
    const acks = request.acks ?? -1;
    const messages = request.messages.map(toKafkajsMessage);
    registerCompressionCodecs();
    const metadata = await translated(() =>
      target.send({
        topic: request.topic,
        messages,
        acks,
        timeout: request.timeoutMs,
        compression: KAFKAJS_COMPRESSION[request.compression ?? 'none'],
      }),
    );
    if (acks === 0) return this.unacknowledged(request.topic, messages);
    return this.baseOffsets(request.topic, metadata);
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await translated(() => this.producer.disconnect());
  }

  private baseOffsets(topic: string, metadata: RecordMetadata[]): PartitionBaseOffset[] {
    return metadata
      .filter((entry) => entry.topicName === topic)
      .map((entry) => ({
        topic,
        partition: entry.partition,
        baseOffset: Number(entry.baseOffset ?? entry.offset ?? -1),
      }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** acks=0: the broker says nothing, so report where the partitioner put the messages, with offset -1. */
  private unacknowledged(topic: string, messages: Message[]): PartitionBaseOffset[] {
    const partitions = new Set<number>();
    for (const message of messages) {
      const partition = message.partition ?? this.choices.get(message);
      if (partition !== undefined) partitions.add(partition);
    }
    return [...partitions].sort((a, b) => a - b).map((partition) => ({ topic, partition, baseOffset: -1 }));
  }
}

class ModernTransaction implements Transaction {
  constructor(
    private readonly transaction: KafkajsTransaction,
    private readonly sendWithin: (request: SendRequest) => Promise<PartitionBaseOffset[]>,
    private readonly retry: RetryOptions,
  ) {}

  send(request: SendRequest): Promise<PartitionBaseOffset[]> {
    return this.sendWithin(request);
  }

  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    validateTransactionOffsets(offsets);
    const request = {
      consumerGroupId: offsets.consumerGroupId,
      topics: offsets.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })),
      })),
    };
    // Kafka answers AddOffsetsToTxn with CONCURRENT_TRANSACTIONS while it still completes the producer's previous
    // transaction (writing its markers after commit() or abort() returned). Java's client retries it; kafkajs's
    // sendOffsets does not, so a sendOffsets right after an abort failed on real Kafka 4.4.
    for (let failures = 0; ; failures++) {
      try {
        await translated(() => this.transaction.sendOffsets(request));
        return;
      } catch (error) {
        const concurrent = error instanceof KafkaError && error.code === ErrorCode.CONCURRENT_TRANSACTIONS;
        if (!concurrent || failures >= this.retry.retries) throw error;
        await backOff(this.retry, failures + 1);
      }
    }
  }

  async commit(): Promise<void> {
    await translated(() => this.transaction.commit());
  }

  async abort(): Promise<void> {
    await translated(() => this.transaction.abort());
  }
}
