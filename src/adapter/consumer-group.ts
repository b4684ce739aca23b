/**
 * kafka-node's ConsumerGroup on a common ConsumerGroup: it joins as soon as its client is ready, emits kafka-node's
 * message objects ({ topic, value, offset, partition, highWaterOffset, key, timestamp }) decoded with `encoding` /
 * `keyEncoding`, 'rebalancing' when partitions are revoked and 'connect' + 'rebalanced' after every assignment.
 *
 * Commits are the common group's (the offset after the last message emitted, on the auto-commit interval, on
 * commit() and before a rebalance); close(true) commits before leaving, close() does not, as in kafka-node.
 */
import { strict as assert } from 'assert';
import { EventEmitter } from 'events';
import { ConfigurationError, OffsetOutOfRangeError } from '../common/errors';
import type {
  ConsumedMessage,
  ConsumerGroup as CommonConsumerGroup,
  ConsumerGroupConfig,
  CustomAssignmentProtocol,
  MessageBatch,
  StartPosition,
  TopicPartition,
} from '../common/types';
import { topicNameProblem } from '../common/validation';
import { KafkaClient, callbackOf, clientCore, outsidePromise } from './client';
import { InvalidConfigError, InvalidConsumerOffsetError, InvalidTopicError, KafkaNodeError } from './errors';
import { TopicPartitionCheck, partitionCounts } from './partition-check';
import { KNOWN_CLIENT_OPTIONS, checkKafkaNodeId, expectType } from './options';
import type {
  ConsumerGroupOptions,
  CustomPartitionAssignmentProtocol,
  ErrorCallback,
  KafkaClientOptions,
  Message,
  NodeCallback,
  Topic,
  TopicPayload,
} from './types';
import { warnOnce } from './warnings';

/** kafka-node's own ConsumerGroup option defaults, which the facade applies as kafka-node does (not the common interface's). */
export const KAFKA_NODE_GROUP_DEFAULTS = {
  groupId: 'kafka-node-group',
  autoCommit: true,
  autoCommitIntervalMs: 5000,
  fetchMaxWaitMs: 100,
  paused: false,
  maxNumSegments: 1000,
  fetchMinBytes: 1,
  fetchMaxBytes: 1024 * 1024,
  maxTickMessages: 1000,
  fromOffset: 'latest',
  outOfRangeOffset: 'earliest',
  sessionTimeout: 30000,
  retries: 10,
  retryFactor: 1.8,
  retryMinTimeout: 1000,
  commitOffsetsOnFirstJoin: true,
  connectOnReady: true,
  migrateHLC: false,
  topicPartitionCheckInterval: 30000,
  protocol: ['roundrobin'],
  encoding: 'utf8',
} as const;

const START_POSITIONS = ['latest', 'earliest', 'none'];

/** kafka-node ConsumerGroup options with no counterpart in the common consumer group: accepted, warned once. */
const IGNORED_GROUP_OPTIONS = [
  'batch',
  'maxNumSegments',
  'maxTickMessages',
  'fetchMinBytes',
  'retries',
  'retryFactor',
  'retryMinTimeout',
  'migrateRolling',
  'commitOffsetsOnFirstJoin',
];

const GROUP_NUMBER_OPTIONS = [
  'sessionTimeout',
  'heartbeatInterval',
  'autoCommitIntervalMs',
  'fetchMaxWaitMs',
  'fetchMinBytes',
  'fetchMaxBytes',
  'maxNumSegments',
  'maxTickMessages',
  'retries',
  'retryFactor',
  'retryMinTimeout',
  'topicPartitionCheckInterval',
  'highWaterMark',
];
const GROUP_BOOLEAN_OPTIONS = [
  'autoCommit',
  'paused',
  'connectOnReady',
  'migrateHLC',
  'migrateRolling',
  'commitOffsetsOnFirstJoin',
];

/** Options that belong to the group, not its client. */
const GROUP_OPTION_NAMES = new Set([
  'host',
  'batch',
  'id',
  'groupId',
  'sessionTimeout',
  'encoding',
  'keyEncoding',
  'protocol',
  'fromOffset',
  'outOfRangeOffset',
  'migrateHLC',
  'migrateRolling',
  'autoCommit',
  'autoCommitIntervalMs',
  'fetchMaxWaitMs',
  'maxNumSegments',
  'maxTickMessages',
  'fetchMinBytes',
  'fetchMaxBytes',
  'retries',
  'retryFactor',
  'retryMinTimeout',
  'connectOnReady',
  'heartbeatInterval',
  'onRebalance',
  'commitOffsetsOnFirstJoin',
  'topicPartitionCheckInterval',
  'paused',
  'zk',
  'highWaterMark',
]);

/**
 * Before any I/O: option names neither kafka-node's ConsumerGroup nor its client knows are warned (and not handed to
 * the client), values of the wrong type throw InvalidConfigError, start positions outside latest/earliest/none throw
 * with kafka-node's message.
 */
function checkGroupOptions(raw: Record<string, unknown>): void {
  for (const name of Object.keys(raw)) {
    if (!GROUP_OPTION_NAMES.has(name) && !KNOWN_CLIENT_OPTIONS.has(name)) {
      warnOnce(
        `option.ConsumerGroup.${name}`,
        `ConsumerGroup: option "${name}" is not a kafka-node option and is ignored`,
      );
    }
  }
  for (const name of GROUP_NUMBER_OPTIONS) expectType(raw, name, 'number');
  for (const name of GROUP_BOOLEAN_OPTIONS) expectType(raw, name, 'boolean');
  for (const name of ['groupId', 'id', 'host', 'encoding', 'keyEncoding']) expectType(raw, name, 'string');
  for (const name of ['batch', 'zk']) expectType(raw, name, 'object');
  if (raw.protocol !== undefined && !Array.isArray(raw.protocol))
    throw new InvalidConfigError(
      `option "protocol" must be an array of protocol names or objects, got ${JSON.stringify(raw.protocol)}`,
    );
  if (raw.onRebalance !== undefined && typeof raw.onRebalance !== 'function')
    throw new InvalidConfigError('option "onRebalance" must be a function');
  for (const name of ['fromOffset', 'outOfRangeOffset']) {
    const value = raw[name];
    if (value !== undefined && !START_POSITIONS.includes(value as string)) {
      throw new InvalidConfigError(`${name} ${String(value)} should be either: ${START_POSITIONS.join(', ')}`);
    }
  }
}

function decode(encoding: string | undefined, value: Buffer | null): string | Buffer | null {
  if (encoding !== 'buffer' && value !== null) return value.toString((encoding ?? 'utf8') as BufferEncoding);
  return value;
}

/** A common message as kafka-node emits it (its key order, a Date timestamp when there is one). */
export function toKafkaNodeMessage(
  message: ConsumedMessage,
  highWaterOffset: number,
  encoding: string | undefined,
  keyEncoding: string | undefined,
): Message {
  const converted: Message = {
    topic: message.topic,
    value: decode(encoding, message.value) as string | Buffer,
    offset: message.offset,
    partition: message.partition,
    highWaterOffset,
    key: decode(keyEncoding ?? encoding, message.key) as string | Buffer,
  };
  if (message.timestamp > 0) converted.timestamp = new Date(message.timestamp);
  return converted;
}

/** Thrown at a batch that arrives after close() began; never surfaces. */
class ClosingError extends Error {
  override readonly name = 'ClosingError';
}

/** kafka-node's decoded OffsetCommit response: per topic, the last partition answered and its error code. */
export type CommitResult = Record<string, { partition: number; errorCode: number }>;

/**
 * A kafka-node custom protocol ({ name, version, userData, assign(topicPartition, groupMembers, cb) }) as the common
 * interface's: kafka-node's argument shapes (partition ids as strings, members as { id, subscription, version,
 * userData }) are rebuilt, and the callback must come synchronously because the common assign returns its result.
 */
export function fromKafkaNodeProtocol(protocol: CustomPartitionAssignmentProtocol): CustomAssignmentProtocol {
  return {
    name: protocol.name,
    version: protocol.version,
    assign(members, partitions) {
      const topicPartition = Object.fromEntries([...partitions].map(([topic, ids]) => [topic, ids.map(String)]));
      const groupMembers = [...members].map(([id, subscription]) => ({
        id,
        subscription: [...subscription],
        version: protocol.version,
        userData: protocol.userData,
      }));
      let answered = false;
      let failure: Error | null = null;
      let assignments: Array<{ memberId: string; topicPartitions: Record<string, Array<string | number>> }> = [];
      protocol.assign(topicPartition, groupMembers, (error, result) => {
        answered = true;
        failure = error;
        assignments = (result ?? []) as typeof assignments;
      });
      if (!answered)
        throw new ConfigurationError(
          `assignment protocol "${protocol.name}" must call its callback synchronously when used through kafka-node-adapter`,
        );
      if (failure) throw failure;
      return new Map(
        assignments.map(({ memberId, topicPartitions }) => [
          memberId,
          new Map(Object.entries(topicPartitions ?? {}).map(([topic, ids]) => [topic, ids.map(Number)])),
        ]),
      );
    },
  };
}

type ResolvedGroupOptions = ConsumerGroupOptions & typeof KAFKA_NODE_GROUP_DEFAULTS;

export class ConsumerGroup extends EventEmitter {
  readonly options: ResolvedGroupOptions;
  readonly client: KafkaClient;
  topics: string[];
  generationId: number | null = null;
  memberId: string | null = null;
  ready = false;
  closed = false;
  paused = false;
  private group: CommonConsumerGroup | null = null;
  private joining: Promise<void> | null = null;
  private closing = false;
  private assigned: TopicPartition[] = [];
  /**
   * kafka-node's view of the current assignment, rebuilt at every assignment. `offset` is the next offset to fetch
   * once a message of the partition was emitted; before that it is 0 (kafka-node shows the committed offset, which
   * the common group does not expose).
   */
  topicPayloads: TopicPayload[] = [];
  /** kafka-node's commit bookkeeping: something was consumed since the last commit; a commit ran recently. */
  private needToCommit = false;
  private committing = false;
  private readonly partitionCheck: TopicPartitionCheck;

  constructor(memberOptions: ConsumerGroupOptions, topics: string[] | string) {
    super();
    if (memberOptions === null || typeof memberOptions !== 'object')
      throw new TypeError('ConsumerGroup needs an options object');
    checkGroupOptions(memberOptions as unknown as Record<string, unknown>);
    const options = { ...KAFKA_NODE_GROUP_DEFAULTS, ...memberOptions } as ResolvedGroupOptions;
    if (!options.heartbeatInterval) options.heartbeatInterval = Math.floor(options.sessionTimeout / 3);
    if (options.migrateHLC)
      throw new Error(
        'This version of KafkaClient cannot be used to migrate from Zookeeper use older version of kafka-node instead',
      );
    for (const name of IGNORED_GROUP_OPTIONS) {
      if ((memberOptions as unknown as Record<string, unknown>)[name] !== undefined) {
        warnOnce(
          `option.ConsumerGroup.${name}.ignored`,
          `ConsumerGroup: option "${name}" has no effect through kafka-node-adapter`,
        );
      }
    }
    this.options = options;
    const topicList = typeof topics === 'string' ? [topics] : topics;
    // kafka-node's checks, with its error classes (assert's AssertionError, its InvalidConfigError).
    assert(Array.isArray(topicList), 'Array of topics is required');
    assert(topicList.length, 'Array of topics shall not be empty');
    if (options.groupId) checkKafkaNodeId('options.groupId', options.groupId);
    this.topics = [...topicList];
    this.client = this.createClient(options);
    try {
      this.checkOptionsOnClient(options);
    } catch (error) {
      // A refused option (strict mode) ends the constructor: the client it started must not go on connecting, with
      // nobody to hear its errors.
      this.client.close();
      throw error;
    }
    this.client.on('error', (error: Error) => this.emit('error', error));
    this.partitionCheck = new TopicPartitionCheck(
      options.topicPartitionCheckInterval,
      async () => partitionCounts(await clientCore(this.client).admin(), this.topics),
      () => {
        this.partitionCheck.stop();
        this.rejoin().catch((error: unknown) => {
          if (!this.closing) outsidePromise(() => this.emit('error', error));
        });
      },
      (error) => this.emit('error', new KafkaNodeError(`topic/partition change check failed: ${error.message}`)),
    );
    if (options.connectOnReady) this.client.once('ready', () => this.connect());
  }

  /** The options this backend only emulates or lacks: a warning each, or (strict mode) an error. */
  private checkOptionsOnClient(options: ResolvedGroupOptions): void {
    if (options.protocol.some((p) => typeof p !== 'string')) {
      clientCore(this.client).gap(
        'consumer-group.custom-protocol',
        "custom assignment protocols must call back synchronously and see every member's userData as their own",
      );
    }
    if (options.onRebalance)
      clientCore(this.client).gap(
        'consumer-group.onRebalance',
        'onRebalance is not called; listen to "rebalancing" instead',
      );
  }

  private createClient(options: ResolvedGroupOptions): KafkaClient {
    const clientOptions: KafkaClientOptions = {};
    const raw = options as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(raw)) {
      if (
        KNOWN_CLIENT_OPTIONS.has(name) &&
        !GROUP_OPTION_NAMES.has(name) &&
        value !== undefined &&
        !(name in KAFKA_NODE_GROUP_DEFAULTS)
      ) {
        (clientOptions as Record<string, unknown>)[name] = value;
      }
    }
    if (options.id !== undefined) clientOptions.clientId = options.id;
    if (options.host !== undefined && options.kafkaHost === undefined) {
      // kafka-node 3.x: `host` is a ZooKeeper connection string.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Client } = require('./zookeeper') as typeof import('./zookeeper');
      return new Client(options.host, clientOptions.clientId, options.zk, undefined, options.sslOptions, clientOptions);
    }
    return new KafkaClient(clientOptions);
  }

  private commonConfig(): ConsumerGroupConfig {
    const o = this.options;
    const protocols = o.protocol.map((p) => (typeof p === 'string' ? p : fromKafkaNodeProtocol(p)));
    return {
      groupId: o.groupId,
      topics: [...this.topics],
      fromOffset: o.fromOffset as StartPosition,
      outOfRangeOffset: o.outOfRangeOffset as StartPosition,
      protocols: protocols.length > 0 ? (protocols as ConsumerGroupConfig['protocols']) : ['roundrobin'],
      autoCommit: o.autoCommit,
      autoCommitIntervalMs: o.autoCommitIntervalMs,
      sessionTimeoutMs: o.sessionTimeout,
      heartbeatIntervalMs: o.heartbeatInterval,
      maxBytesPerPartition: o.fetchMaxBytes,
      maxWaitTimeMs: o.fetchMaxWaitMs,
    };
  }

  /** Joins the group (automatic unless connectOnReady is false). */
  connect(): void {
    if (this.joining || this.closing) return;
    this.joining = this.join();
    this.joining.catch((error: unknown) => {
      this.joining = null;
      if (!this.closing) outsidePromise(() => this.emit('error', error));
    });
  }

  private async join(): Promise<void> {
    // kafka-node joins with a topic Kafka cannot have and then sits idle; the kafkajs backend fails its subscription
    // with Kafka error 17. Both backends answer kafka-node's Error('InvalidTopic') on 'error' instead, before joining.
    for (const topic of this.topics) {
      const problem = topicNameProblem(topic);
      if (problem) throw new InvalidTopicError(topic, `ConsumerGroup topics: ${problem}`);
    }
    const kafka = await clientCore(this.client).backend();
    const group = kafka.consumerGroup(this.commonConfig());
    this.group = group;
    group.on('revoked', () => {
      this.ready = false;
      // Leaving on close revokes too; kafka-node announces only rejoins.
      if (!this.closing && this.group === group) this.emit('rebalancing');
    });
    group.on('assigned', (event) => {
      this.assigned = event.partitions;
      this.topicPayloads = event.partitions.map(({ topic, partition }) => ({
        topic,
        partition,
        offset: 0,
        maxBytes: this.options.fetchMaxBytes,
        metadata: 'm',
      }));
      this.generationId = event.generationId;
      this.memberId = event.memberId;
      this.ready = true;
      this.partitionCheck.start();
      this.emit('connect');
      this.emit('rebalanced');
    });
    // kafka-node announces every out-of-range position, then resets it to outOfRangeOffset.
    group.on('offsetReset', ({ topic, partition }) => this.emit('offsetOutOfRange', { topic, partition }));
    group.on('error', (error) => {
      if (error instanceof ClosingError || (this.closing && this.group !== group)) return;
      if (error instanceof OffsetOutOfRangeError) {
        this.emit('offsetOutOfRange', { topic: error.topic, partition: error.partition, message: error.message });
        this.emit(
          'error',
          new InvalidConsumerOffsetError(
            `Offset out of range for topic "${error.topic}" partition ${error.partition}`,
            error,
          ),
        );
        return;
      }
      this.emit('error', error);
    });
    // kafka-node announces its first join as a rebalance too.
    this.emit('rebalancing');
    await group.connect();
    if (this.paused) group.pause([...this.topics]);
    await group.run({ eachBatch: (batch) => this.deliver(batch) });
  }

  private deliver(batch: MessageBatch): void {
    // Once close() began, a new batch is refused (so neither emitted nor committed: the next owner gets it). A batch
    // already being emitted runs to its end, as kafka-node emits a whole fetch.
    if (this.closing) throw new ClosingError();
    const { encoding, keyEncoding } = this.options;
    let last = -1;
    for (const message of batch.messages) {
      this.emit('message', toKafkaNodeMessage(message, batch.highWatermark, encoding, keyEncoding));
      last = message.offset;
    }
    if (batch.messages.length > 0) {
      this.needToCommit = true;
      const payload = this.topicPayloads.find((p) => p.topic === batch.topic && p.partition === batch.partition);
      if (payload) payload.offset = last + 1;
    }
    // kafka-node's 'done' carries the last offset fetched per partition.
    this.emit('done', { [batch.topic]: { [batch.partition]: last } });
  }

  /**
   * kafka-node's commit: without force, 'Offset committing' within autoCommitIntervalMs of the previous commit and
   * 'Commit not needed' when nothing was consumed since; otherwise it commits and answers kafka-node's decoded
   * OffsetCommit response, { topic: { partition: <last partition>, errorCode: 0 } }.
   */
  commit(force: boolean | NodeCallback<CommitResult | string>, cb?: NodeCallback<CommitResult | string>): void {
    const callback = typeof force === 'function' ? force : cb;
    const forced = force === true;
    if (!forced) {
      if (this.committing) return callback?.(null, 'Offset committing');
      if (!this.needToCommit) return callback?.(null, 'Commit not needed');
    }
    this.needToCommit = false;
    this.committing = true;
    setTimeout(() => {
      this.committing = false;
    }, this.options.autoCommitIntervalMs).unref();
    const group = this.group;
    if (!group || this.assigned.length === 0) return callback?.(null, 'Nothing to be committed');
    const result: CommitResult = {};
    for (const { topic, partition } of [...this.assigned].sort((a, b) => a.partition - b.partition))
      result[topic] = { partition, errorCode: 0 };
    callbackOf(
      callback,
      group.commit().then(() => result),
    );
  }

  sendOffsetCommitRequest(
    commits: Array<{ topic: string; partition?: number; offset: number }>,
    cb: NodeCallback<unknown>,
  ): void {
    const group = this.group;
    if (!group || this.generationId === null) {
      cb(null, 'Nothing to be committed');
      return;
    }
    const offsets = commits.map((c) => ({ topic: c.topic, partition: c.partition ?? 0, offset: c.offset }));
    const result: CommitResult = {};
    for (const { topic, partition } of offsets) result[topic] = { partition, errorCode: 0 };
    callbackOf(
      cb,
      group.commit(offsets).then(() => result),
    );
  }

  setOffset(topic: string, partition: number, offset: number): void {
    this.group?.seek({ topic, partition, offset });
  }

  pause(): void {
    this.paused = true;
    this.group?.pause([...this.topics]);
  }

  resume(): void {
    this.paused = false;
    this.group?.resume([...this.topics]);
  }

  /** Emulated: the common group cannot change its subscription, so the member rejoins with the new topic list. */
  addTopics(topics: string[] | Topic[], cb?: NodeCallback<string[] | Topic[]>): void {
    const names = (topics as Array<string | Topic>).map((t) => (typeof t === 'string' ? t : t.topic));
    callbackOf(
      cb,
      this.resubscribe([...this.topics, ...names.filter((n) => !this.topics.includes(n))]).then(() => topics),
    );
  }

  removeTopics(topics: string | string[], cb: NodeCallback<number>): void {
    const names = Array.isArray(topics) ? topics : [topics];
    const remaining = this.topics.filter((t) => !names.includes(t));
    callbackOf(
      cb,
      this.resubscribe(remaining).then(() => names.length),
    );
  }

  /** kafka-node's (re)start of the topic/partition check; the group runs it after every assignment by itself. */
  scheduleTopicPartitionCheck(): void {
    if (this.ready && !this.closing) this.partitionCheck.start();
  }

  /** kafka-node's answer to a partition count change: commit (with autoCommit), leave, join again. */
  private async rejoin(): Promise<void> {
    const group = this.group;
    if (!group || this.closing) return;
    this.group = null;
    this.joining = null;
    this.ready = false;
    await group.close({ commit: this.options.autoCommit });
    if (this.closing) return;
    this.connect();
    await this.joining;
  }

  private async resubscribe(topics: string[]): Promise<void> {
    clientCore(this.client).gap(
      'consumer-group.change-topics',
      'addTopics/removeTopics rejoin the group with the new topic list (one extra rebalance)',
    );
    await new Promise<void>((resolve, reject) =>
      this.client.topicExists(topics, (error) => (error ? reject(error) : resolve())),
    );
    const group = this.group;
    this.topics = topics;
    if (!group) return;
    this.group = null;
    this.joining = null;
    await group.close({ commit: true });
    this.connect();
    await this.joining;
  }

  close(force: boolean | ErrorCallback, cb?: ErrorCallback): void {
    const commit = typeof force === 'boolean' ? force : false;
    const callback = typeof force === 'function' ? force : cb;
    this.closing = true;
    this.ready = false;
    this.partitionCheck.stop();
    const group = this.group;
    this.group = null;
    const work = (async () => {
      await this.joining?.catch(() => undefined);
      if (group) await group.close({ commit });
      await new Promise<void>((resolve) => this.client.close(() => resolve()));
      this.closed = true;
    })();
    work.then(
      () => outsidePromise(() => callback?.(null)),
      (error: Error) => outsidePromise(() => callback?.(error)),
    );
  }
}
