/**
 * kafka-node's Producer / HighLevelProducer on a common Producer. Partitions are chosen here, per payload and with
 * the client's cached metadata, exactly where kafka-node's BaseProducer chooses them (so a topic unknown to the cache
 * goes to partition 0 with the default and cyclic partitioners, as in kafka-node), then sent with explicit partitions:
 * the common producer's own partitioner never decides. Payloads of one topic and compression go in one send.
 */
import { EventEmitter } from 'events';
import { Writable } from 'stream';
import { ConfigurationError } from '../common/errors';
import { backOff } from '../common/retry';
import type {
  CompressionName,
  OutgoingMessage,
  PartitionBaseOffset,
  Producer as CommonProducer,
} from '../common/types';
import { topicNameProblem } from '../common/validation';
import { KafkaClient, callbackOf, clientCore, outsidePromise, requireCallback } from './client';
import {
  BrokerNotAvailableError,
  InvalidConfigError,
  InvalidTopicError,
  KafkaNodeError,
  toKafkaNodeError,
} from './errors';
import {
  CustomPartitioner,
  CyclicPartitioner,
  DefaultPartitioner,
  KeyedPartitioner,
  RandomPartitioner,
  type Partitioner,
} from './partitioners';
import { SendCoalescer } from './send-coalescer';
import { reportGap, warnOnce } from './warnings';
import type {
  CustomPartitioner as CustomPartitionerFunction,
  ErrorCallback,
  KeyedMessageLike,
  NodeCallback,
  ProduceRequest,
  ProduceResult,
  ProducerOptions,
  ProducerStreamOptions,
} from './types';

export const PARTITIONER_TYPES = { default: 0, random: 1, cyclic: 2, keyed: 3, custom: 4 } as const;

export const PRODUCER_DEFAULTS = { requireAcks: 1, ackTimeoutMs: 100 } as const;

/** The options kafka-node's producers read. */
const PRODUCER_OPTION_NAMES = new Set(['requireAcks', 'ackTimeoutMs', 'partitionerType']);

const METADATA_RETRIES = 10;
const METADATA_RETRY_MIN_MS = 200;
const METADATA_RETRY_MAX_MS = 1000;

const COMPRESSION_BY_ATTRIBUTES: Readonly<Record<number, CompressionName>> = { 0: 'none', 1: 'gzip', 2: 'snappy' };

/** kafka-node's KeyedMessage: a message with its own key (magic 0, attributes 0, timestamp now). */
export class KeyedMessage implements KeyedMessageLike {
  magic = 0;
  attributes = 0;
  timestamp: number = Date.now();
  constructor(
    public key: string | Buffer,
    public value: string | Buffer,
  ) {}
}

function isKeyedMessage(message: unknown): message is KeyedMessage {
  return message instanceof KeyedMessage;
}

function messageValue(value: unknown): Buffer | string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || typeof value === 'string') return value;
  return String(value);
}

function messageKey(key: unknown): Buffer | string | null {
  return key === undefined || key === null ? null : Buffer.isBuffer(key) ? key : String(key);
}

function partitionerFor(
  type: number | undefined,
  defaultType: number,
  custom: CustomPartitionerFunction | undefined,
): Partitioner {
  if (custom !== undefined && type !== PARTITIONER_TYPES.custom)
    throw new Error('Partitioner Type must be custom if providing a customPartitioner.');
  if (custom === undefined && type === PARTITIONER_TYPES.custom) throw new Error('No customer partitioner defined');
  const chosen = type !== undefined && type >= 0 && type <= 4 ? type : defaultType;
  switch (chosen) {
    case 1:
      return new RandomPartitioner();
    case 2:
      return new CyclicPartitioner();
    case 3:
      return new KeyedPartitioner();
    case 4:
      return new CustomPartitioner(custom!);
    default:
      return new DefaultPartitioner();
  }
}

interface Batch {
  topic: string;
  compression: CompressionName;
  messages: OutgoingMessage[];
  /** The partitioner chose nothing (a keyed or random choice over a topic the cache does not know). */
  unroutable: boolean;
  /** The partitions its messages name, each once (every message of a payload names the payload's partition). */
  partitions: number[];
}

export class BaseProducer extends EventEmitter {
  static PARTITIONER_TYPES = PARTITIONER_TYPES;
  ready = false;
  readonly client: KafkaClient;
  requireAcks: number;
  ackTimeoutMs: number;
  readonly partitioner: Partitioner;
  private common: Promise<CommonProducer> | null = null;
  /** `common` once it resolved: a send then reaches the producer without waiting a turn of the microtask queue. */
  private connected: CommonProducer | null = null;
  private readonly coalescer = new SendCoalescer();
  private readonly compressionsUsed = new Set<CompressionName>();

  constructor(
    client: KafkaClient,
    options: ProducerOptions | undefined,
    defaultPartitionerType: number,
    customPartitioner?: CustomPartitionerFunction,
  ) {
    super();
    clientCore(client);
    const owner = defaultPartitionerType === PARTITIONER_TYPES.cyclic ? 'HighLevelProducer' : 'Producer';
    if (options !== undefined && options !== null && typeof options !== 'object')
      throw new InvalidConfigError(`${owner} options must be an object`);
    const opts = options ?? {};
    for (const name of Object.keys(opts)) {
      if (!PRODUCER_OPTION_NAMES.has(name))
        warnOnce(`option.${owner}.${name}`, `${owner}: option "${name}" is not a kafka-node option and is ignored`);
    }
    this.client = client;
    this.requireAcks = opts.requireAcks === undefined ? PRODUCER_DEFAULTS.requireAcks : opts.requireAcks;
    this.ackTimeoutMs = opts.ackTimeoutMs === undefined ? PRODUCER_DEFAULTS.ackTimeoutMs : opts.ackTimeoutMs;
    if (![0, 1, -1].includes(this.requireAcks))
      throw new ConfigurationError(`requireAcks must be 0, 1 or -1, got ${JSON.stringify(this.requireAcks)}`);
    if (typeof this.ackTimeoutMs !== 'number' || this.ackTimeoutMs < 0)
      throw new ConfigurationError(
        `ackTimeoutMs must be a non-negative number, got ${JSON.stringify(this.ackTimeoutMs)}`,
      );
    if (customPartitioner !== undefined && typeof customPartitioner !== 'function')
      throw new ConfigurationError('customPartitioner must be a function (partitions, key) => partition');
    this.partitioner = partitionerFor(opts.partitionerType, defaultPartitionerType, customPartitioner);
    client.on('error', (error: Error) => this.emit('error', error));
    this.ready = client.ready;
    if (this.ready) {
      setImmediate(() => this.emit('ready'));
    } else {
      client.on('ready', () => {
        if (!this.ready) {
          this.ready = true;
          this.emit('ready');
        }
      });
    }
  }

  private producer(): Promise<CommonProducer> {
    if (this.common) return this.common;
    const common = (async () => {
      const kafka = await clientCore(this.client).producerBackend();
      const producer = kafka.producer({ partitioner: 'default' });
      await producer.connect();
      return producer;
    })();
    this.common = common;
    common.then(
      (producer) => {
        if (this.common === common) this.connected = producer;
      },
      () => {
        if (this.common === common) this.common = null;
      },
    );
    return common;
  }

  send(payloads: ProduceRequest[], cb: NodeCallback<ProduceResult>): void {
    callbackOf(
      cb,
      this.sendAsync(payloads).catch((error: unknown) => {
        throw toKafkaNodeError(error);
      }),
    );
  }

  /**
   * librdkafka compresses per producer, so the confluent backend runs each compression on its own librdkafka
   * producer: messages of different compressions are not ordered against each other, as they were in kafka-node.
   */
  private noteCompressions(batches: readonly { compression: CompressionName }[]): void {
    for (const { compression } of batches) this.compressionsUsed.add(compression);
    if (this.compressionsUsed.size > 1 && this.client.backendName === 'confluent') {
      clientCore(this.client).gap(
        'producer.compression-per-producer',
        'confluent backend: each compression (attributes) runs on its own librdkafka producer; sends of different compressions are not ordered against each other',
      );
    }
  }

  private async sendAsync(payloads: ProduceRequest[]): Promise<ProduceResult> {
    if (!Array.isArray(payloads))
      throw new ConfigurationError(
        'send takes an array of payloads { topic, messages, key?, partition?, attributes? }',
      );
    payloads.forEach((p, i) => {
      if (p === null || typeof p !== 'object' || typeof p.topic !== 'string' || p.topic.length === 0) {
        throw new ConfigurationError(`payloads[${i}] needs a non-empty string "topic"`);
      }
      const problem = topicNameProblem(p.topic);
      if (problem) throw new InvalidTopicError(p.topic, `payloads[${i}]: ${problem}`);
      if (p.attributes !== undefined && COMPRESSION_BY_ATTRIBUTES[p.attributes & 3] === undefined) {
        throw new ConfigurationError(
          `payloads[${i}].attributes must be 0 (none), 1 (gzip) or 2 (snappy), got ${JSON.stringify(p.attributes)}`,
        );
      }
    });
    // Once ready and connected, a send waits for nothing before the metadata check: each await is a promise and a
    // microtask per send, on the path of every awaited produce (bench/PROFILE.md).
    if (!this.client.ready) await this.client.whenReady();
    const producer = this.connected ?? (await this.producer());
    const batches = this.buildBatches(payloads);
    if (this.needsLeaderCheck(batches)) await this.checkLeaders(batches);
    const acks = this.requireAcks as 0 | 1 | -1;
    this.noteCompressions(batches);
    const sendBatch = (batch: Batch): Promise<PartitionBaseOffset[]> =>
      this.coalescer.send(producer, {
        topic: batch.topic,
        messages: batch.messages,
        acks,
        timeoutMs: this.ackTimeoutMs,
        compression: batch.compression,
      });
    const sent = batches.length === 1 ? [await sendBatch(batches[0]!)] : await Promise.all(batches.map(sendBatch));
    if (acks === 0) return { result: 'no ack' };
    const result: Record<string, Record<string, number>> = {};
    for (const offsets of sent) {
      for (const { topic, partition, baseOffset } of offsets) {
        const byPartition = (result[topic] ??= {});
        const known = byPartition[partition];
        if (known === undefined || baseOffset < known) byPartition[partition] = baseOffset;
      }
    }
    return result;
  }

  /**
   * What kafka-node's Client.send does before sending: topics the cached metadata does not know are asked for (a
   * broker with auto-creation makes them; without, the send fails with Error('UnknownTopicOrPartition')), and a
   * partition without a leader in the metadata, or no partition at all (a keyed or random choice made over a topic
   * the cache did not know), fails with BrokerNotAvailableError('Could not find the leader').
   */
  private async checkLeaders(batches: Batch[]): Promise<void> {
    const core = clientCore(this.client);
    const leaderless = (topic: string): boolean => this.leaderless(topic);
    let waiting = [...new Set(batches.map((b) => b.topic))].filter(leaderless);
    // kafka-node's metadata refresh: up to 10 retries, 200 ms doubling to 1 s apart (leaders of new topics, auto-creation).
    for (let attempt = 0; waiting.length > 0; attempt++) {
      await core.refresh(waiting);
      waiting = waiting.filter(leaderless);
      if (waiting.length === 0) break;
      if (attempt >= METADATA_RETRIES) {
        const unknown = waiting.some((topic) => !(topic in this.client.topicMetadata));
        throw unknown ? new KafkaNodeError('UnknownTopicOrPartition', 3) : new KafkaNodeError('LeaderNotAvailable', 5);
      }
      await backOff({ initialRetryTimeMs: METADATA_RETRY_MIN_MS, maxRetryTimeMs: METADATA_RETRY_MAX_MS }, attempt + 1);
    }
    if (batches.some((batch) => batch.unroutable)) throw new BrokerNotAvailableError('Could not find the leader');
    if (!this.partitionMissing(batches)) return;
    await core.refresh();
    if (this.partitionMissing(batches)) throw new BrokerNotAvailableError('Could not find the leader');
  }

  private leaderless(topic: string): boolean {
    const partitions = Object.values(this.client.topicMetadata[topic] ?? {});
    return partitions.length === 0 || partitions.some((p) => p.leader < 0);
  }

  /** A message names a partition the cached metadata of its topic does not have. */
  private partitionMissing(batches: Batch[]): boolean {
    const core = clientCore(this.client);
    return batches.some((batch) => {
      const known = core.cachedPartitions(batch.topic);
      return batch.partitions.some((partition) => !known.includes(partition));
    });
  }

  /**
   * checkLeaders without its promise when the cache already answers it (every topic has leaders, every batch is
   * routable and names known partitions): the common case of a send to a topic sent to before.
   */
  private needsLeaderCheck(batches: Batch[]): boolean {
    for (const batch of batches) if (batch.unroutable || this.leaderless(batch.topic)) return true;
    return this.partitionMissing(batches);
  }

  /** kafka-node's buildPayloads: partition and attributes are written back onto the payload objects. */
  private buildBatches(payloads: ProduceRequest[]): Batch[] {
    const core = clientCore(this.client);
    const batches = new Map<string, Batch>();
    for (const p of payloads) {
      if (!Object.prototype.hasOwnProperty.call(p, 'partition')) {
        p.partition = this.partitioner.getPartition(core.cachedPartitions(p.topic), p.key) as number;
      }
      if (!Object.prototype.hasOwnProperty.call(p, 'attributes')) p.attributes = 0;
      const routable = typeof p.partition === 'number' && Number.isInteger(p.partition);
      const partition = routable ? p.partition! : 0;
      const compression = COMPRESSION_BY_ATTRIBUTES[(p.attributes ?? 0) & 3]!;
      const id = `${p.topic}\u0000${compression}`;
      let batch = batches.get(id);
      if (!batch) {
        batch = { topic: p.topic, compression, messages: [], unroutable: false, partitions: [] };
        batches.set(id, batch);
      }
      if (!routable) batch.unroutable = true;
      const messages = Array.isArray(p.messages) ? p.messages : [p.messages];
      if (messages.length > 0 && !batch.partitions.includes(partition)) batch.partitions.push(partition);
      for (const message of messages) {
        if (isKeyedMessage(message)) {
          batch.messages.push({
            key: messageKey(message.key),
            value: messageValue(message.value),
            partition,
            timestamp: message.timestamp,
          });
        } else {
          const outgoing: OutgoingMessage = { key: messageKey(p.key), value: messageValue(message), partition };
          // kafka-node stamps these with the send time; every engine does that itself for a message without one, and
          // an explicit stamp per message costs kafkajs a string sort and a record copy per batch (bench/PROFILE.md).
          if (p.timestamp) outgoing.timestamp = p.timestamp;
          batch.messages.push(outgoing);
        }
      }
    }
    return [...batches.values()];
  }

  createTopics(topics: string[], async: boolean | NodeCallback<string[]>, cb?: NodeCallback<string[]>): void {
    const callback = (typeof async === 'function' ? async : cb)!;
    requireCallback(callback, `${this.constructor.name}.createTopics`);
    if (!this.ready) {
      callback(new KafkaNodeError('Producer not ready!'));
      return;
    }
    this.client.createTopics(topics, (error, result) => callback(error, result as string[] | undefined));
  }

  close(cb?: ErrorCallback): void {
    const common = this.common;
    this.common = null;
    this.connected = null;
    const done = common ? common.then((p) => p.disconnect()).catch(() => undefined) : Promise.resolve();
    void done.then(() => outsidePromise(() => this.client.close(cb)));
  }

  /**
   * kafka-node's internal step from send payloads to its wire requests (lib/baseProducer.js), which services sometimes
   * call: the facade has no such layer, so it refuses (warning producer.buildPayloads) rather than answer differently.
   */
  buildPayloads(..._args: unknown[]): never {
    const message =
      "buildPayloads is kafka-node's internal encoding of send payloads, which the facade does not have: call send() with the payloads";
    reportGap('producer.buildPayloads', this.client.backendName, message, false);
    throw new ConfigurationError(message);
  }
}

export class Producer extends BaseProducer {
  constructor(client: KafkaClient, options?: ProducerOptions, customPartitioner?: CustomPartitionerFunction) {
    super(client, options, PARTITIONER_TYPES.default, customPartitioner);
  }
}

/** kafka-node's HighLevelProducer: a Producer whose default partitioner is cyclic (partitionerType 2). */
export class HighLevelProducer extends BaseProducer {
  constructor(client: KafkaClient, options?: ProducerOptions, customPartitioner?: CustomPartitionerFunction) {
    super(client, options, PARTITIONER_TYPES.cyclic, customPartitioner);
  }
}

/** kafka-node's ProducerStream: a Writable of ProduceRequests, on its own KafkaClient and HighLevelProducer. */
export class ProducerStream extends Writable {
  readonly client: KafkaClient;
  readonly producer: HighLevelProducer;

  constructor(options: ProducerStreamOptions = {}) {
    super({ objectMode: true, decodeStrings: true, highWaterMark: options.highWaterMark ?? 100 });
    this.client = new KafkaClient(options.kafkaClient);
    this.producer = new HighLevelProducer(this.client, options.producer);
    this.producer.on('error', (error: Error) => this.emit('error', error));
  }

  sendPayload(payloads: ProduceRequest[], cb: NodeCallback<ProduceResult>): void {
    this.producer.send(payloads, cb);
  }

  close(cb?: () => void): void {
    this.producer.close(() => cb?.());
  }

  override _write(message: ProduceRequest, _encoding: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.sendPayload([message], (error) => cb(error));
  }

  override _writev(chunks: Array<{ chunk: ProduceRequest }>, cb: (error?: Error | null) => void): void {
    this.sendPayload(
      chunks.map((c) => c.chunk),
      (error) => cb(error),
    );
  }
}
