/**
 * kafka-node's plain Consumer: a simple consumer of the partitions it is given, from offsets the caller chooses or
 * groupId's committed ones. As in kafka-node it never joins a group: it reads through the backend's PartitionFetcher
 * (groupless fetches) in kafka-node's loop (fetch every unpaused payload, emit, move the offsets, fetch again) and
 * commits standalone (generation -1, no member id), so it can share its groupId with a ConsumerGroup or a tool.
 */
import { EventEmitter } from 'events';
import { Readable } from 'stream';
import { OffsetOutOfRangeError, UnsupportedFeatureError } from '../common/errors';
import type { FetchedPartition, PartitionFetcher, TopicPartitionOffset } from '../common/types';
import { CommitStream, type CommitStreamOptions } from './commit-stream';
import { KafkaClient, callbackOf, clientCore, outsidePromise } from './client';
import { toKafkaNodeMessage, type CommitResult } from './consumer-group';
import { InvalidConfigError, toKafkaNodeError } from './errors';
import { checkKafkaNodeId } from './options';
import { getLogger } from './logging';
import { reportGap } from './warnings';
import type { ConsumerOptions, ErrorCallback, Message, NodeCallback, OffsetFetchRequest, Topic } from './types';

const logger = getLogger('kafka-node:Consumer');

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

export interface ConsumerPayload {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  metadata: string;
}

type ResolvedConsumerOptions = ConsumerOptions & typeof CONSUMER_DEFAULTS & { paused?: boolean };

/** Pause after a fetch round that answered errors only, so a failing partition is not asked in a tight loop. */
const ERROR_BACKOFF_MS = 200;

let nextId = 0;

/** Each Consumer's standalone commit, for the CommitStream its ConsumerStream creates (not part of kafka-node's API). */
const standaloneCommits = new WeakMap<Consumer, (offsets: TopicPartitionOffset[]) => Promise<void>>();

/** kafka-node's topics check (utils.validateTopics): every payload object names a topic and a numeric partition. */
function validatePayloads(topics: ReadonlyArray<OffsetFetchRequest | Topic | string>): void {
  for (const t of topics) {
    if (
      typeof t === 'object' &&
      t !== null &&
      'partition' in t &&
      t.partition !== undefined &&
      typeof t.partition !== 'number'
    ) {
      throw new InvalidConfigError('Offset must be a number and can not contain characters');
    }
  }
}

export class Consumer extends EventEmitter {
  readonly client: KafkaClient;
  readonly options: ResolvedConsumerOptions;
  readonly id: number;
  payloads: ConsumerPayload[];
  pausedPayloads: ConsumerPayload[] = [];
  ready = false;
  paused: boolean;
  private fetcher: PartitionFetcher | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closing = false;
  private committing = false;

  constructor(client: KafkaClient, topics: Array<OffsetFetchRequest | string>, options?: ConsumerOptions) {
    super();
    if (!topics) throw new Error('Must have payloads');
    validatePayloads(topics);
    if (options?.groupId) checkKafkaNodeId('options.groupId', options.groupId);
    this.client = client;
    clientCore(client);
    this.options = { ...CONSUMER_DEFAULTS, ...options } as ResolvedConsumerOptions;
    this.paused = this.options.paused ?? false;
    this.id = nextId++;
    this.payloads = this.buildPayloads(topics);
    standaloneCommits.set(this, (offsets) =>
      this.partitionFetcher().then((fetcher) => fetcher.commit(this.options.groupId, offsets)),
    );
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
      return {
        topic: request.topic,
        partition: request.partition || 0,
        offset: request.offset || 0,
        maxBytes: this.options.fetchMaxBytes,
        metadata: 'm',
      };
    });
  }

  /** As kafka-node: check the topics exist, take groupId's committed offsets unless fromOffset, then fetch. */
  private init(): void {
    if (this.payloads.length === 0 || this.closing) return;
    const topics = [...new Set(this.payloads.map((p) => p.topic))];
    this.client.topicExists(topics, (error) => {
      if (error) return void this.emit('error', error);
      const start = this.options.fromOffset ? Promise.resolve() : this.resolveCommitted(this.payloads);
      start.then(
        () => this.startLoop(),
        (failure: unknown) => outsidePromise(() => this.emit('error', toKafkaNodeError(failure))),
      );
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

  private async partitionFetcher(): Promise<PartitionFetcher> {
    if (this.fetcher) return this.fetcher;
    const backend = await clientCore(this.client).backend();
    if (!backend.partitionFetcher)
      throw new UnsupportedFeatureError("kafka-node's plain Consumer (groupless reads)", backend.name);
    this.fetcher = backend.partitionFetcher();
    return this.fetcher;
  }

  private startLoop(): void {
    if (this.loop || this.closing) return;
    this.loop = this.run().catch((error: unknown) => {
      if (!this.closing) outsidePromise(() => this.emit('error', toKafkaNodeError(error)));
    });
  }

  /** Wakes the loop when it waits for something to fetch (resume, resumeTopics, addTopics). */
  private kick(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    const fetcher = await this.partitionFetcher();
    while (!this.closing) {
      if (this.paused || this.payloads.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const positions = this.payloads.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: p.offset,
        maxBytes: p.maxBytes,
      }));
      const answers = await fetcher.fetch(positions, {
        maxWaitTimeMs: this.options.fetchMaxWaitMs,
        minBytes: this.options.fetchMinBytes,
      });
      if (this.closing) return;
      const done: Record<string, Record<number, number>> = {};
      let failed = 0;
      for (const answer of answers) {
        const requested = positions.find((p) => p.topic === answer.topic && p.partition === answer.partition)!;
        if (answer.error) {
          failed += 1;
          this.reportFetchError(answer);
          continue;
        }
        const last = this.deliver(answer, requested.offset);
        if (last !== null) (done[answer.topic] ??= {})[answer.partition] = last;
      }
      if (Object.keys(done).length > 0) {
        this.emit('done', done);
        if (this.options.autoCommit) this.commit(false, (error) => error && logger.debug('auto commit offset', error));
      }
      if (failed === answers.length && failed > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.max(ERROR_BACKOFF_MS, this.options.fetchMaxWaitMs)));
    }
  }

  /** kafka-node reports a fetch error as Error(<Kafka error name>) with topic and partition; out of range by event. */
  private reportFetchError(answer: FetchedPartition): void {
    const error = answer.error!;
    if (error instanceof OffsetOutOfRangeError) {
      const reported = Object.assign(new Error('OffsetOutOfRange'), {
        topic: answer.topic,
        partition: answer.partition,
      });
      this.emit('offsetOutOfRange', reported);
      return;
    }
    const retriable = (error as { retriable?: boolean }).retriable === true;
    if (retriable) return logger.debug('fetch', answer.topic, answer.partition, error.message);
    const failure = Object.assign(toKafkaNodeError(error), { topic: answer.topic, partition: answer.partition });
    outsidePromise(() => this.emit('error', failure));
  }

  /** Emits the partition's messages unless its payload moved (setOffset, removeTopics) while the fetch was out. */
  private deliver(answer: FetchedPartition, fetchedFrom: number): number | null {
    let last: number | null = null;
    for (const message of answer.messages) {
      const payload = this.payloads.find((p) => p.topic === answer.topic && p.partition === answer.partition);
      if (!payload || this.closing) break;
      if (payload.offset !== (last === null ? fetchedFrom : last + 1)) break;
      this.emit(
        'message',
        toKafkaNodeMessage(message, answer.highWatermark, this.options.encoding, this.options.keyEncoding),
      );
      payload.offset = message.offset + 1;
      last = message.offset;
    }
    return last;
  }

  /** kafka-node's commit: throttled to autoCommitIntervalMs unless forced; answers { topic: { partition, errorCode } }. */
  commit(force: boolean | NodeCallback<CommitResult | string>, cb?: NodeCallback<CommitResult | string>): void {
    const callback = typeof force === 'function' ? force : cb;
    if (this.committing && force !== true) return callback?.(null, 'Offset committing');
    this.committing = true;
    setTimeout(() => {
      this.committing = false;
    }, this.options.autoCommitIntervalMs).unref();
    const commits = [...this.payloads, ...this.pausedPayloads].filter((p) => p.offset !== 0);
    if (commits.length === 0) return callback?.(null, 'Nothing to be committed');
    const result: CommitResult = {};
    for (const p of commits) result[p.topic] = { partition: p.partition, errorCode: 0 };
    // Never an error in strict mode: the commit itself is what kafka-node does, only where the offsets live differs.
    reportGap(
      'consumer.commit.kafka-storage',
      this.client.backendName,
      `Consumer commits of group "${this.options.groupId}" are stored in Kafka (standalone OffsetCommit v2)`,
      false,
    );
    callbackOf(
      callback,
      this.partitionFetcher()
        .then((fetcher) =>
          fetcher.commit(
            this.options.groupId,
            commits.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
          ),
        )
        .then(
          () => result,
          (error: unknown) => Promise.reject(toKafkaNodeError(error)),
        ),
    );
  }

  setOffset(topic: string, partition: number, offset: number): void {
    const payload = [...this.payloads, ...this.pausedPayloads].find(
      (p) => p.topic === topic && p.partition === Number(partition),
    );
    if (payload) payload.offset = offset;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.kick();
  }

  /** Topics (names: every partition of it; or { topic, partition }: that partition) stop being fetched. */
  pauseTopics(topics: Array<string | Topic>): void {
    this.move(this.payloads, this.pausedPayloads, topics);
  }

  resumeTopics(topics: Array<string | Topic>): void {
    this.move(this.pausedPayloads, this.payloads, topics);
    this.kick();
  }

  private move(from: ConsumerPayload[], to: ConsumerPayload[], topics: Array<string | Topic>): void {
    for (const t of topics) {
      const matches = from.filter((p) =>
        typeof t === 'string' ? p.topic === t : p.topic === t.topic && p.partition === (t.partition ?? 0),
      );
      for (const p of matches) {
        from.splice(from.indexOf(p), 1);
        to.push(p);
      }
    }
  }

  /** kafka-node's addTopics: the topics must exist; the callback gets the topic names. */
  addTopics(topics: string[] | Topic[], cb?: NodeCallback<string[]>, fromOffset?: boolean): void {
    callbackOf(
      cb,
      (async () => {
        const names = (topics as Array<string | Topic>).map((t) => (typeof t === 'string' ? t : t.topic));
        await this.client.whenReady();
        await new Promise<void>((resolve, reject) =>
          this.client.topicExists(names, (error) => (error ? reject(error) : resolve())),
        );
        validatePayloads(topics as Array<string | Topic>);
        const payloads = this.buildPayloads(topics as Array<string | Topic>);
        if (!fromOffset) await this.resolveCommitted(payloads);
        this.payloads.push(...payloads);
        this.startLoop();
        this.kick();
        return names;
      })(),
    );
  }

  removeTopics(topics: string | string[], cb: NodeCallback<number>): void {
    const names = typeof topics === 'string' ? [topics] : topics;
    this.payloads = this.payloads.filter((p) => !names.includes(p.topic));
    this.pausedPayloads = this.pausedPayloads.filter((p) => !names.includes(p.topic));
    setImmediate(() => cb?.(null, names.length));
  }

  close(force: boolean | ErrorCallback, cb?: ErrorCallback): void {
    const commit = force === true;
    const callback = typeof force === 'function' ? force : cb;
    const work = (async () => {
      if (commit)
        await new Promise<void>((resolve, reject) => this.commit(true, (error) => (error ? reject(error) : resolve())));
      this.closing = true;
      this.ready = false;
      this.kick();
      await this.loop;
      const fetcher = this.fetcher;
      this.fetcher = null;
      await fetcher?.close();
      await new Promise<void>((resolve) => this.client.close(() => resolve()));
    })();
    work.then(
      () => outsidePromise(() => callback?.(null)),
      (error: Error) => outsidePromise(() => callback?.(error)),
    );
  }
}

/** kafka-node's ConsumerStream: the plain Consumer as a Readable of messages (back-pressure pauses fetching). */
export class ConsumerStream extends Readable {
  readonly client: KafkaClient;
  readonly consumer: Consumer;

  constructor(
    client: KafkaClient,
    topics: Array<OffsetFetchRequest | string>,
    options: ConsumerOptions & { highWaterMark?: number } = {},
  ) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 100 });
    this.client = client;
    const { highWaterMark: _highWaterMark, ...consumerOptions } = options;
    this.consumer = new Consumer(client, topics, consumerOptions);
    this.consumer.on('message', (message: Message) => {
      if (!this.push(message)) this.consumer.pause();
    });
    this.consumer.on('error', (error: Error) => this.emit('error', error));
  }

  /** As kafka-node's ConsumerStream: every `data` event is also a `message` event (what its plain Consumer emitted). */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') super.emit('message', args[0]);
    return super.emit(event, ...args);
  }

  override _read(): void {
    if (this.consumer.paused) this.consumer.resume();
  }

  /** kafka-node's CommitStream over this stream's partitions: pipe messages into it to commit them under groupId. */
  createCommitStream(options?: CommitStreamOptions): CommitStream {
    const commit = standaloneCommits.get(this.consumer)!;
    return new CommitStream(commit, this.consumer.payloads, this.consumer.options.groupId, {
      ...this.consumer.options,
      ...options,
    } as CommitStreamOptions);
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
