/**
 * kafka-node's plain Consumer (fixed topic/partitions, offsets chosen by the caller) on the common interface, which
 * has no assigned-partition consumer. Emulation: a common ConsumerGroup under the Consumer's groupId whose assignment
 * protocol ("kafka-node-adapter-assigned") gives the leader's requested partitions to the members, then seeks each to
 * the Consumer's offset. Messages before a pending seek target are dropped, so what is emitted starts exactly at the
 * requested offset. Commits are the group's (Kafka-stored, under groupId), so Offset.fetchCommits sees them.
 *
 * Differences from kafka-node (reported through the warnings channel): Consumers sharing a groupId share the
 * requested partitions (round-robin) instead of each reading its own list; pauseTopics with partitions pauses whole
 * topics; the groupId cannot also be used by a ConsumerGroup (different assignment protocol).
 */
import { EventEmitter } from 'events';
import { Readable } from 'stream';
import { OffsetOutOfRangeError } from '../common/errors';
import type { ConsumerGroup as CommonConsumerGroup, CustomAssignmentProtocol, MessageBatch } from '../common/types';
import { KafkaClient, callbackOf, clientCore } from './client';
import { toKafkaNodeMessage, type CommitResult } from './consumer-group';
import { InvalidConfigError } from './errors';
import type { ConsumerOptions, ErrorCallback, Message, NodeCallback, OffsetFetchRequest, Topic } from './types';

export const CONSUMER_DEFAULTS = {
  groupId: 'kafka-node-group',
  autoCommit: true,
  autoCommitIntervalMs: 5000,
  fetchMaxWaitMs: 100,
  fetchMinBytes: 1,
  fetchMaxBytes: 1024 * 1024,
  fromOffset: false,
  encoding: 'utf8',
} as const;

export const ASSIGNED_PROTOCOL_NAME = 'kafka-node-adapter-assigned';

export interface ConsumerPayload {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  metadata: string;
}

type ResolvedConsumerOptions = ConsumerOptions & typeof CONSUMER_DEFAULTS & { paused?: boolean };

let nextId = 0;

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Consumer extends EventEmitter {
  readonly client: KafkaClient;
  readonly options: ResolvedConsumerOptions;
  readonly id: number;
  payloads: ConsumerPayload[];
  pausedPayloads: ConsumerPayload[] = [];
  ready = false;
  paused: boolean;
  private group: CommonConsumerGroup | null = null;
  private starting: Promise<void> | null = null;
  private closing = false;
  /** Partitions whose next emitted message must be exactly their payload offset (after a seek). */
  private readonly seeking = new Set<string>();
  private committing = false;
  private assignedKeys = new Set<string>();

  constructor(client: KafkaClient, topics: Array<OffsetFetchRequest | string>, options?: ConsumerOptions) {
    super();
    if (!topics) throw new Error('Must have payloads');
    if (topics.some((t) => typeof t === 'object' && t !== null && 'partition' in t && typeof t.partition !== 'number')) {
      throw new InvalidConfigError('Offset must be a number and can not contain characters');
    }
    if (options?.groupId !== undefined && !/^[\w.-]+$/.test(options.groupId)) throw new InvalidConfigError(`Invalid options.groupId: ${options.groupId}. Legal characters: [a-zA-Z0-9._-]`);
    this.client = client;
    clientCore(client);
    this.options = { ...CONSUMER_DEFAULTS, ...options } as ResolvedConsumerOptions;
    this.paused = this.options.paused ?? false;
    this.id = nextId++;
    this.payloads = this.buildPayloads(topics);
    client.on('error', (error: Error) => this.emit('error', error));
    if (client.ready) {
      this.ready = true;
      setImmediate(() => this.init());
    } else {
      client.once('ready', () => {
        this.ready = true;
        this.init();
      });
    }
  }

  private buildPayloads(payloads: Array<OffsetFetchRequest | Topic | string>): ConsumerPayload[] {
    return payloads.map((p) => {
      const request = typeof p === 'object' ? p : { topic: p };
      return { topic: request.topic, partition: request.partition || 0, offset: request.offset || 0, maxBytes: this.options.fetchMaxBytes, metadata: 'm' };
    });
  }

  private init(): void {
    if (this.payloads.length === 0 || this.closing) return;
    this.starting = this.start().catch((error: unknown) => {
      if (!this.closing) this.emit('error', error);
    });
  }

  /** Committed offsets of groupId for `payloads` (-1, i.e. nothing committed, becomes 0 as in kafka-node). */
  private async resolveCommitted(payloads: ConsumerPayload[]): Promise<void> {
    const admin = await clientCore(this.client).admin();
    for (const topic of new Set(payloads.map((p) => p.topic))) {
      const committed = await admin.fetchCommittedOffsets(this.options.groupId, topic);
      for (const p of payloads.filter((q) => q.topic === topic)) {
        const offset = committed.find((c) => c.partition === p.partition)?.offset ?? -1;
        p.offset = offset === -1 ? 0 : offset;
      }
    }
  }

  private async start(): Promise<void> {
    const topics = [...new Set(this.payloads.map((p) => p.topic))];
    await new Promise<void>((resolve, reject) => this.client.topicExists(topics, (error) => (error ? reject(error) : resolve())));
    if (!this.options.fromOffset) await this.resolveCommitted(this.payloads);
    await this.joinGroup();
  }

  private assignedProtocol(): CustomAssignmentProtocol {
    return {
      name: ASSIGNED_PROTOCOL_NAME,
      version: 0,
      assign: (members, partitions) => {
        const memberIds = [...members.keys()].sort();
        if (memberIds.length > 1) {
          clientCore(this.client).gap('consumer.shared-group-id', `Consumers sharing groupId "${this.options.groupId}" share the requested partitions round-robin instead of each reading its own`);
        }
        const result = new Map<string, Map<string, number[]>>(memberIds.map((id) => [id, new Map<string, number[]>()]));
        let turn = 0;
        for (const p of [...this.payloads, ...this.pausedPayloads]) {
          if (!(partitions.get(p.topic) ?? []).includes(p.partition)) continue;
          const candidates = memberIds.filter((id) => members.get(id)!.includes(p.topic));
          if (candidates.length === 0) continue;
          const member = result.get(candidates[turn++ % candidates.length]!)!;
          const ids = member.get(p.topic) ?? [];
          if (!ids.includes(p.partition)) ids.push(p.partition);
          member.set(p.topic, ids);
        }
        return result;
      },
    };
  }

  private async joinGroup(): Promise<void> {
    const kafka = await clientCore(this.client).backend();
    const topics = [...new Set([...this.payloads, ...this.pausedPayloads].map((p) => p.topic))];
    // librdkafka runs only its built-in assignors: the Consumer joins with 'roundrobin', is given every partition of
    // its topics while it is alone, and emits only those it asked for.
    const confluent = this.client.backendName === 'confluent';
    if (confluent) {
      clientCore(this.client).gap(
        'consumer.confluent-roundrobin',
        `confluent backend: Consumer (groupId "${this.options.groupId}") joins with librdkafka's roundrobin assignor and reads only its requested partitions; Consumers sharing a groupId may not each get theirs`,
      );
    }
    const group = kafka.consumerGroup({
      groupId: this.options.groupId,
      topics,
      fromOffset: 'earliest',
      outOfRangeOffset: 'none',
      protocols: confluent ? ['roundrobin'] : [this.assignedProtocol()],
      autoCommit: false,
      maxBytesPerPartition: this.options.fetchMaxBytes,
      maxWaitTimeMs: this.options.fetchMaxWaitMs,
    });
    this.group = group;
    group.on('assigned', (event) => {
      this.assignedKeys = new Set(event.partitions.map((p) => key(p.topic, p.partition)));
      for (const { topic, partition } of event.partitions) {
        const payload = this.payloadOf(topic, partition);
        if (payload) this.seek(group, payload);
      }
    });
    group.on('error', (error) => {
      if (this.closing || this.group !== group) return;
      if (error instanceof OffsetOutOfRangeError) {
        this.emit('offsetOutOfRange', { topic: error.topic, partition: error.partition, message: error.message });
        return;
      }
      this.emit('error', error);
    });
    await group.connect();
    if (this.paused) group.pause(topics);
    else if (this.pausedPayloads.length > 0) group.pause([...new Set(this.pausedPayloads.map((p) => p.topic))]);
    await group.run({ eachBatch: (batch) => this.deliver(group, batch) });
  }

  private payloadOf(topic: string, partition: number): ConsumerPayload | undefined {
    return [...this.payloads, ...this.pausedPayloads].find((p) => p.topic === topic && p.partition === partition);
  }

  private seek(group: CommonConsumerGroup, payload: ConsumerPayload): void {
    this.seeking.add(key(payload.topic, payload.partition));
    group.seek({ topic: payload.topic, partition: payload.partition, offset: payload.offset });
  }

  private deliver(group: CommonConsumerGroup, batch: MessageBatch): void {
    if (this.group !== group || this.closing) return;
    const payload = this.payloads.find((p) => p.topic === batch.topic && p.partition === batch.partition);
    if (!payload) return;
    const id = key(batch.topic, batch.partition);
    let last: number | null = null;
    for (const message of batch.messages) {
      if (message.offset < payload.offset) continue;
      if (this.seeking.has(id)) {
        if (message.offset !== payload.offset) continue;
        this.seeking.delete(id);
      }
      this.emit('message', toKafkaNodeMessage(message, batch.highWatermark, this.options.encoding, this.options.keyEncoding));
      payload.offset = message.offset + 1;
      last = message.offset;
      if (this.group !== group || this.closing) break;
    }
    if (last === null) return;
    this.emit('done', { [batch.topic]: { [batch.partition]: last } });
    if (this.options.autoCommit) this.commit(false, () => undefined);
  }

  /** kafka-node's commit: throttled to autoCommitIntervalMs unless forced; answers { topic: { partition, errorCode } }. */
  commit(force: boolean | NodeCallback<CommitResult | string>, cb?: NodeCallback<CommitResult | string>): void {
    const callback = typeof force === 'function' ? force : cb;
    if (this.committing && force !== true) return callback?.(null, 'Offset committing');
    this.committing = true;
    setTimeout(() => {
      this.committing = false;
    }, this.options.autoCommitIntervalMs).unref();
    const commits = [...this.payloads, ...this.pausedPayloads].filter((p) => p.offset !== 0 && this.assignedKeys.has(key(p.topic, p.partition)));
    const group = this.group;
    if (!group || commits.length === 0) return callback?.(null, 'Nothing to be committed');
    const result: CommitResult = {};
    for (const p of commits) result[p.topic] = { partition: p.partition, errorCode: 0 };
    callbackOf(callback, group.commit(commits.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset }))).then(() => result));
  }

  setOffset(topic: string, partition: number, offset: number): void {
    const payload = this.payloadOf(topic, Number(partition));
    if (!payload) return;
    payload.offset = offset;
    if (this.group && this.assignedKeys.has(key(topic, payload.partition))) this.seek(this.group, payload);
  }

  pause(): void {
    this.paused = true;
    this.group?.pause([...new Set(this.payloads.map((p) => p.topic))]);
  }

  resume(): void {
    this.paused = false;
    this.group?.resume([...new Set(this.payloads.map((p) => p.topic))]);
  }

  /** Topics (names or { topic, partition }); partitions of a topic cannot be paused separately: the topic pauses. */
  pauseTopics(topics: Array<string | Topic>): void {
    const moved = this.move(this.payloads, this.pausedPayloads, topics);
    if (moved.length > 0) this.group?.pause([...new Set(moved.map((p) => p.topic))]);
  }

  resumeTopics(topics: Array<string | Topic>): void {
    const moved = this.move(this.pausedPayloads, this.payloads, topics);
    if (moved.length > 0 && !this.paused) this.group?.resume([...new Set(moved.map((p) => p.topic))]);
  }

  private move(from: ConsumerPayload[], to: ConsumerPayload[], topics: Array<string | Topic>): ConsumerPayload[] {
    const moved: ConsumerPayload[] = [];
    for (const t of topics) {
      const matches = from.filter((p) => (typeof t === 'string' ? p.topic === t : p.topic === t.topic && p.partition === (t.partition ?? 0)));
      if (typeof t !== 'string' && from.some((p) => p.topic === t.topic && p.partition !== (t.partition ?? 0))) {
        clientCore(this.client).gap('consumer.pause-partition', 'pauseTopics/resumeTopics with a partition pause or resume the whole topic');
      }
      for (const p of matches) {
        from.splice(from.indexOf(p), 1);
        to.push(p);
        moved.push(p);
      }
    }
    return moved;
  }

  addTopics(topics: string[] | Topic[], cb?: NodeCallback<string[] | Topic[]>, fromOffset?: boolean): void {
    callbackOf(
      cb,
      (async () => {
        const names = (topics as Array<string | Topic>).map((t) => (typeof t === 'string' ? t : t.topic));
        await this.client.whenReady();
        await new Promise<void>((resolve, reject) => this.client.topicExists(names, (error) => (error ? reject(error) : resolve())));
        const payloads = this.buildPayloads(topics as Array<string | Topic>);
        if (!fromOffset) await this.resolveCommitted(payloads);
        this.payloads.push(...payloads);
        await this.rejoin();
        return topics;
      })(),
    );
  }

  removeTopics(topics: string | string[], cb: NodeCallback<number>): void {
    const names = typeof topics === 'string' ? [topics] : topics;
    this.payloads = this.payloads.filter((p) => !names.includes(p.topic));
    this.pausedPayloads = this.pausedPayloads.filter((p) => !names.includes(p.topic));
    callbackOf(
      cb,
      this.rejoin().then(() => names.length),
    );
  }

  /** The common group's subscription is fixed: a topic change means leaving and joining again. */
  private async rejoin(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const group = this.group;
    this.group = null;
    if (group) await group.close({ commit: false });
    if (this.payloads.length + this.pausedPayloads.length === 0) return;
    this.starting = this.joinGroup();
    await this.starting;
  }

  close(force: boolean | ErrorCallback, cb?: ErrorCallback): void {
    const commit = force === true;
    const callback = typeof force === 'function' ? force : cb;
    const work = (async () => {
      if (commit) await new Promise<void>((resolve, reject) => this.commit(true, (error) => (error ? reject(error) : resolve())));
      this.closing = true;
      this.ready = false;
      await this.starting?.catch(() => undefined);
      const group = this.group;
      this.group = null;
      if (group) await group.close({ commit: false });
      await new Promise<void>((resolve) => this.client.close(() => resolve()));
    })();
    work.then(() => callback?.(null), (error: Error) => callback?.(error));
  }
}

/** kafka-node's ConsumerStream: the plain Consumer as a Readable of messages (back-pressure pauses fetching). */
export class ConsumerStream extends Readable {
  readonly client: KafkaClient;
  readonly consumer: Consumer;

  constructor(client: KafkaClient, topics: Array<OffsetFetchRequest | string>, options: ConsumerOptions & { highWaterMark?: number } = {}) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 100 });
    this.client = client;
    const { highWaterMark: _highWaterMark, ...consumerOptions } = options;
    this.consumer = new Consumer(client, topics, consumerOptions);
    this.consumer.on('message', (message: Message) => {
      if (!this.push(message)) this.consumer.pause();
    });
    this.consumer.on('error', (error: Error) => this.emit('error', error));
  }

  override _read(): void {
    if (this.consumer.paused) this.consumer.resume();
  }

  setOffset(topic: string, partition: number, offset: number): void {
    this.consumer.setOffset(topic, partition, offset);
  }

  commit(force: boolean | NodeCallback<CommitResult | string>, cb?: NodeCallback<CommitResult | string>): void {
    this.consumer.commit(force, cb);
  }

  close(force: boolean | ErrorCallback, cb?: ErrorCallback): void {
    this.consumer.close(force, (error) => {
      this.push(null);
      (typeof force === 'function' ? force : cb)?.(error);
    });
  }
}
