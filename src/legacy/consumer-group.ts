/**
 * The common ConsumerGroup on kafka-node's ConsumerGroup (KafkaClient-based).
 *
 * How the common contract maps onto kafka-node:
 * - kafka-node joins, syncs, heartbeats, fetches and emits 'message' events without waiting for anyone. Messages go
 *   into a buffer per partition; one loop hands them to the handler one at a time (eachMessage; or a partition's
 *   buffered messages at once with eachBatch), round-robin over partitions, in offset order within each.
 * - Back-pressure: kafka-node's `fetch` is wrapped on the instance so that it only asks for partitions this member
 *   wants now (assigned, topic not paused, not held after an out-of-range answer), and for none while the buffer holds
 *   maxBufferedMessages; fetching resumes once the handler drained it to half. The fetch in flight when the limit is
 *   reached can still deliver: whatever does not fit is dropped and its partition's fetch position rewound to the
 *   first dropped offset (applied on kafka-node's 'done', after kafka-node advanced it), so the buffer never holds more
 *   than maxBufferedMessages. Each fetch asks for about what fits (kafka-node decodes a whole response at once, so a
 *   larger one is only garbage). Paused topics are handled the same way: their buffered messages are dropped and
 *   re-fetched after resume().
 * - Offsets: kafka-node's own commits (autoCommit, commitOffsetsOnFirstJoin) are off; they would commit the fetch
 *   position, i.e. messages still in the buffer. This backend commits the position after the last message the handler
 *   finished (Kafka's convention: the next offset to read), on its own auto-commit interval, on commit(), before every
 *   rejoin or leave (kafka-node's onRebalance hook and leaveGroup, when autoCommit) and on close. A handler that
 *   throws leaves its message first in the buffer; it is retried after a backoff, never skipped and never committed.
 * - Committed offsets at assignment are read by client.ts fetchCommitted instead of kafka-node's decoder (which
 *   reports partition errors and offsets of 0 committed by other clients as "nothing committed").
 * - Offset out of range: kafka-node's own handler pauses the whole consumer and, for 'earliest', can drop messages
 *   its stale payloadMap considers old; it is replaced: the partition alone is held, reset to earliest/latest
 *   (Offset.fetch), or for 'none' held until seek() with an OffsetOutOfRangeError.
 * - Rebalance events: 'revoked' from kafka-node's onRebalance hook (after the handler in progress finished and the
 *   handled offsets were committed), 'assigned' from 'rebalanced' with kafka-node's topicPayloads.
 */
import { EventEmitter } from 'events';
import type { ResolvedKafkaConfig } from '../common/config';
import { ConfigurationError, KafkaError, KafkaProtocolError, NoCommittedOffsetError, OffsetOutOfRangeError, UnsupportedFeatureError } from '../common/errors';
import type {
  ConsumedMessage,
  ConsumerGroup,
  ConsumerGroupConfig,
  ConsumerGroupEvents,
  MessageBatch,
  RebalanceEvent,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../common/types';
import { resolveConsumerGroupConfig, validateTopicPartitionOffset, type ResolvedConsumerGroupConfig } from '../common/validation';
import { ErrorCode } from '../protocol/error-codes';
import { kafkaNodeProtocols } from './assignment';
import { coordinatorBroker, fetchCommitted, saslOptionsOf, sslOptionsOf, whenReady } from './client';
import { settle, toKafkaError } from './errors';
import { kafkaNode, type KafkaNodeConsumerGroup, type KafkaNodeConsumerGroupOptions, type KafkaNodeMessage } from './kafka-node';
import { assertGroupOpen, checkCommitRequest, checkRunOptions, checkTopicList, emitGroupError, type ConsumerGroupState } from '../common/consumer-state';
import { byTopicThenPartition, deferred, partitionKey, type Deferred } from '../common/group-helpers';

/** Messages fetched but not yet handled, per member, when the config does not say. */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 1000;

/** Metadata stored with our commits. Non-empty: kafka-node reads offset 0 with empty metadata as "nothing committed". */
export const COMMIT_METADATA = 'm';

/** Fetches sized to the buffer's room never ask for less than this per partition. */
const MIN_FETCH_BYTES = 64 * 1024;
/** A message set entry's bytes besides key and value (offset, size, crc, magic, attributes, timestamp, lengths). */
const MESSAGE_OVERHEAD_BYTES = 34;

/** How often an idle member makes sure kafka-node's fetch loop is still running. */
const FETCH_WATCHDOG_MS = 1000;

/** kafka-node's ListOffsets times. */
const EARLIEST_TIME = -2;
const LATEST_TIME = -1;

type State = ConsumerGroupState;

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Fetched, not yet handled, in offset order. */
  queue: KafkaNodeMessage[];
  /** The offset after the last handled message (or the start position): what a commit of "everything handled" commits. */
  position: number;
  failures: number;
  /** A failed handler is retried from this time on. */
  retryAt: number;
  /** Fetching must restart here once the fetch in flight is done; until then its messages for this partition are dropped. */
  refetchFrom: number | null;
  /** outOfRangeOffset 'none': not fetched until seek() or a new assignment. */
  outOfRange: boolean;
  /** outOfRangeOffset earliest/latest: the reset offset is being looked up. */
  resetting: boolean;
  /** Average and largest size of this partition's messages on the wire (0 until one arrived). */
  averageBytes: number;
  largestBytes: number;
  /** The fetch in flight asked for less than maxBytesPerPartition / at least one message arrived from it. */
  sizedDown: boolean;
  received: boolean;
  /** A sized-down fetch brought nothing (maybe the next message is larger): ask for the full size next time. */
  fullSizeNext: boolean;
}

interface Assignment {
  generationId: number;
  memberId: string;
  partitions: TopicPartition[];
}

export function toConsumedMessage(message: KafkaNodeMessage): ConsumedMessage {
  const timestamp = message.timestamp instanceof Date ? message.timestamp.getTime() : -1;
  return {
    topic: message.topic,
    partition: Number(message.partition),
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    // Magic-0 messages (Kafka 0.9, Fetch v0/v1) have none: Kafka's NO_TIMESTAMP.
    timestamp: Number.isFinite(timestamp) ? timestamp : -1,
    headers: {},
  };
}

/** Leaves the group (when a member) and closes kafka-node's client; a failing LeaveGroup is only logged by kafka-node. */
function closeKafkaNodeGroup(group: KafkaNodeConsumerGroup): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      group.close(false, () => resolve());
    } catch {
      resolve();
    }
  });
}

/** What the legacy consumer holds in memory right now; for diagnostics and back-pressure tests. */
export interface BufferStats {
  /** Fetched messages not yet handled. */
  buffered: number;
  /** The most that were ever buffered at once. */
  maxBuffered: number;
  /** Messages dropped (and fetched again later) because the buffer was full or their topic paused. */
  dropped: number;
}

/** kafka-node ConsumerGroup options from the common configs. */
export function kafkaNodeGroupOptions(
  clientConfig: ResolvedKafkaConfig,
  config: ResolvedConsumerGroupConfig,
  onRebalance: KafkaNodeConsumerGroupOptions['onRebalance'],
): KafkaNodeConsumerGroupOptions & { autoConnect: boolean } {
  const options: KafkaNodeConsumerGroupOptions & { autoConnect: boolean } = {
    kafkaHost: clientConfig.brokers.join(','),
    id: clientConfig.clientId,
    groupId: config.groupId,
    connectTimeout: clientConfig.connectTimeoutMs,
    requestTimeout: clientConfig.requestTimeoutMs,
    connectRetryOptions: {
      retries: clientConfig.retry.retries,
      factor: 2,
      minTimeout: clientConfig.retry.initialRetryTimeMs,
      maxTimeout: clientConfig.retry.maxRetryTimeMs,
      randomize: false,
    },
    autoConnect: false,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: config.heartbeatIntervalMs,
    protocol: kafkaNodeProtocols(config.protocols),
    fromOffset: config.fromOffset,
    outOfRangeOffset: config.outOfRangeOffset,
    autoCommit: false,
    commitOffsetsOnFirstJoin: false,
    fetchMaxWaitMs: config.maxWaitTimeMs,
    fetchMaxBytes: config.maxBytesPerPartition,
    encoding: 'buffer',
    keyEncoding: 'buffer',
    connectOnReady: false,
    // kafka-node's recovery schedule for group errors (coordinator moved, rebalance...): at least its own 10 tries.
    retries: Math.max(clientConfig.retry.retries, 10),
    retryMinTimeout: clientConfig.retry.initialRetryTimeMs,
    onRebalance,
  };
  const ssl = sslOptionsOf(clientConfig);
  if (ssl) options.sslOptions = ssl;
  const sasl = saslOptionsOf(clientConfig);
  if (sasl) options.sasl = sasl;
  return options;
}

export class LegacyConsumerGroup implements ConsumerGroup {
  private readonly config: ResolvedConsumerGroupConfig;
  private readonly maxBuffered: number;
  private readonly resumeAt: number;
  private readonly emitter = new EventEmitter();
  private group: KafkaNodeConsumerGroup | null = null;
  private connecting: Promise<void> | null = null;
  private state: State = 'idle';

  /** The partitions this member owns (for events and commits); null before the first assignment and while rejoining. */
  private assignment: Assignment | null = null;
  /** Deliveries and fetches run only between 'rebalanced' and the next 'rebalancing'. */
  private active = false;
  private readonly partitions = new Map<string, PartitionState>();
  private order: PartitionState[] = [];
  private cursor = 0;
  private buffered = 0;
  private fetchBlocked = false;
  private readonly pausedTopics = new Set<string>();
  private readonly pendingSeeks = new Map<string, TopicPartitionOffset>();
  /** Committed offsets read at the last assignment, for NoCommittedOffsetError. */
  private lastCommitted = new Map<string, Map<number, number>>();

  private eachMessage: RunOptions['eachMessage'] | null = null;
  private eachBatch: RunOptions['eachBatch'] | null = null;
  private loop: Promise<void> | null = null;
  private handling: Promise<void> | null = null;
  /** The partition whose first `count` buffered messages the handler has right now. */
  private delivering: { state: PartitionState; count: number } | null = null;
  private wakeLoop: (() => void) | null = null;
  private wakePending = false;
  private firstAssignment: Deferred | null = null;
  private dirty = false;
  private nextAutoCommit = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private readonly stats: BufferStats = { buffered: 0, maxBuffered: 0, dropped: 0 };

  constructor(
    private readonly clientConfig: ResolvedKafkaConfig,
    config: ConsumerGroupConfig,
  ) {
    this.config = resolveConsumerGroupConfig(config);
    if (this.config.isolationLevel === 'read_committed') {
      throw new UnsupportedFeatureError('isolationLevel "read_committed"', 'kafka-node', "kafka-node's Fetch v0-v2 cannot skip aborted transactions");
    }
    this.maxBuffered = this.config.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    this.resumeAt = Math.floor(this.maxBuffered / 2);
  }

  get groupId(): string {
    return this.config.groupId;
  }

  /** Buffered-message counters (not part of the common interface). */
  get bufferStats(): Readonly<BufferStats> {
    return { ...this.stats };
  }

  on<E extends keyof ConsumerGroupEvents>(event: E, listener: ConsumerGroupEvents[E]): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  async connect(): Promise<void> {
    this.assertOpen('connect');
    if (this.group) return;
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  private async open(): Promise<void> {
    let group: KafkaNodeConsumerGroup;
    try {
      const options = kafkaNodeGroupOptions(this.clientConfig, this.config, (_isMember, done) => this.beforeRejoin(done));
      group = new kafkaNode.ConsumerGroup(options, [...this.config.topics]);
    } catch (error) {
      throw toKafkaError(error);
    }
    group.on('error', (error: unknown) => this.onGroupError(error));
    try {
      await whenReady(group.client, () => group.client.connect());
    } catch (error) {
      await closeKafkaNodeGroup(group);
      throw error;
    }
    this.group = group;
    if (this.state === 'idle') this.state = 'connected';
  }

  async run(options: RunOptions): Promise<void> {
    const { eachMessage, eachBatch } = checkRunOptions(options);
    this.assertOpen('run');
    if (this.state === 'running' || this.state === 'failed') throw new ConfigurationError('run was already called on this consumer group');
    this.eachMessage = eachMessage ?? null;
    this.eachBatch = eachBatch ?? null;
    const first = deferred();
    this.firstAssignment = first;
    this.state = 'running';
    try {
      await this.connect();
      const group = this.group!;
      this.install(group);
      this.loop = this.deliveryLoop();
      group.connect();
      await first.promise;
    } catch (error) {
      const mapped = toKafkaError(error);
      if (this.firstAssignment === first) this.firstAssignment = null;
      if (this.state === 'running') {
        this.state = 'failed';
        this.active = false;
        this.wake();
        await this.loop;
        // kafka-node may still be retrying its join; a member that will never consume must not hold partitions.
        const group = this.group;
        this.group = null;
        if (group) await closeKafkaNodeGroup(group);
      }
      throw mapped;
    }
  }

  pause(topics: string[]): void {
    checkTopicList(topics, 'pause');
    for (const topic of topics) {
      this.pausedTopics.add(topic);
      for (const state of this.partitions.values()) if (state.topic === topic) this.dropBuffered(state);
    }
    this.maybeUnblock();
  }

  resume(topics: string[]): void {
    checkTopicList(topics, 'resume');
    for (const topic of topics) this.pausedTopics.delete(topic);
    this.kickFetch();
    this.wake();
  }

  seek(position: TopicPartitionOffset): void {
    validateTopicPartitionOffset(position, 'seek');
    const { topic, partition, offset } = position;
    const state = this.active ? this.partitions.get(partitionKey(topic, partition)) : undefined;
    if (!state) {
      this.pendingSeeks.set(partitionKey(topic, partition), { topic, partition, offset });
      return;
    }
    this.dropBuffered(state, offset);
    state.position = offset;
    state.outOfRange = false;
    state.resetting = false;
    state.failures = 0;
    state.retryAt = 0;
    this.dirty = true;
    this.maybeUnblock();
    this.kickFetch();
  }

  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    checkCommitRequest(offsets, this.state === 'running' && this.hasGeneration());
    if (offsets === undefined) {
      await this.commitPositions();
      return;
    }
    if (offsets.length > 0) await this.sendCommit(offsets);
  }

  close(options: { commit?: boolean } = {}): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.closing ??= this.shutDown(options.commit ?? true);
    return this.closing;
  }

  // ---- kafka-node hooks ----

  private install(group: KafkaNodeConsumerGroup): void {
    const fetch = kafkaNode.ConsumerGroup.prototype.fetch;
    group.fetch = () => this.fetchWanted(group, fetch);
    // kafka-node leaves before rejoining when its leader sees partitions added: commit first, as before any rejoin.
    const leaveGroup = kafkaNode.ConsumerGroup.prototype.leaveGroup;
    group.leaveGroup = (callback) => {
      this.settleBeforeLeaving().then(() => leaveGroup.call(group, callback));
    };
    group.fetchOffset = (partitions, callback) => {
      this.committedOffsets(group, partitions).then(
        (offsets) => callback(null, offsets),
        (error: unknown) => callback(error),
      );
    };
    group.removeAllListeners('offsetOutOfRange');
    group.on('offsetOutOfRange', (error: unknown) => this.onOffsetOutOfRange(error));
    group.on('message', (message: KafkaNodeMessage) => this.onMessage(message));
    // After kafka-node's own 'done' listener (registered in its constructor), which advanced the fetch positions.
    group.on('done', () => this.onFetchDone(group));
    group.on('rebalancing', () => {
      this.active = false;
    });
    group.on('rebalanced', () => this.onRebalanced(group));
  }

  /** kafka-node's fetch, for the partitions this member wants fetched right now only. */
  private fetchWanted(group: KafkaNodeConsumerGroup, fetch: () => void): void {
    if (this.state !== 'running' || !this.active || this.fetchBlocked || group._isFetchPending) return;
    // A failed fetch ends without 'done': positions waiting for one are applied before the next fetch instead.
    this.onFetchDone(group);
    const all = group.topicPayloads;
    const wanted = all.filter((payload) => this.fetchable(payload.topic, Number(payload.partition)));
    // An empty fetch never completes in kafka-node (no 'done'), which would stop its fetch loop for good.
    if (wanted.length === 0) return;
    const room = Math.max(1, this.maxBuffered - this.buffered) / wanted.length;
    const sized = wanted.map((payload) => {
      const state = this.partitions.get(partitionKey(payload.topic, Number(payload.partition)))!;
      return { state, payload: { ...payload, maxBytes: this.fetchBytes(state, room) } };
    });
    group.topicPayloads = sized.map(({ payload }) => payload);
    try {
      fetch.call(group);
    } finally {
      group.topicPayloads = all;
    }
    // kafka-node may have declined (not ready, rebalancing): only a fetch actually sent is judged by its result.
    if (!group._isFetchPending) return;
    for (const { state, payload } of sized) {
      state.sizedDown = payload.maxBytes < this.config.maxBytesPerPartition;
      state.received = false;
    }
  }

  /**
   * How much to fetch for a partition: about what fits in the buffer's room (kafka-node decodes a whole response at
   * once, so fetching far more than fits only makes garbage), never below MIN_FETCH_BYTES or twice its largest
   * message (MIN_FETCH_BYTES while nothing is known), and the full maxBytesPerPartition after a smaller fetch brought
   * nothing (the next message may be larger).
   */
  private fetchBytes(state: PartitionState, roomInMessages: number): number {
    const full = this.config.maxBytesPerPartition;
    if (state.fullSizeNext) return full;
    const floor = Math.min(full, Math.max(MIN_FETCH_BYTES, 2 * state.largestBytes));
    if (state.averageBytes === 0) return floor;
    return Math.min(full, Math.max(floor, Math.ceil(roomInMessages * state.averageBytes * 1.25)));
  }

  private fetchable(topic: string, partition: number): boolean {
    const state = this.partitions.get(partitionKey(topic, partition));
    return state !== undefined && !this.pausedTopics.has(topic) && !state.outOfRange && !state.resetting;
  }

  private kickFetch(): void {
    const group = this.group;
    if (group && this.state === 'running' && this.active) group.fetch();
  }

  private async committedOffsets(group: KafkaNodeConsumerGroup, partitions: Record<string, number[]>): Promise<Record<string, Record<string, number>>> {
    const requested = new Map(Object.entries(partitions).map(([topic, ids]) => [topic, ids.map(Number)] as const));
    const committed = await fetchCommitted(group.client, this.config.groupId, requested, this.clientConfig.retry);
    const offsets: Record<string, Record<string, number>> = {};
    for (const [topic, ids] of requested) {
      offsets[topic] = {};
      for (const id of ids) offsets[topic][id] = committed.get(topic)?.get(id) ?? -1;
    }
    this.lastCommitted = new Map([...requested].map(([topic, ids]) => [topic, new Map(ids.map((id) => [id, offsets[topic]![id]!] as const))]));
    return offsets;
  }

  private onMessage(message: KafkaNodeMessage): void {
    if (this.state !== 'running' || !this.active) return;
    const state = this.partitions.get(partitionKey(message.topic, Number(message.partition)));
    if (!state) return;
    state.received = true;
    if (state.refetchFrom !== null) return;
    if (this.buffered >= this.maxBuffered || this.pausedTopics.has(state.topic) || state.outOfRange) {
      state.refetchFrom = Number(message.offset);
      this.stats.dropped++;
      return;
    }
    const bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0) + MESSAGE_OVERHEAD_BYTES;
    state.averageBytes = state.averageBytes === 0 ? bytes : state.averageBytes * 0.9 + bytes * 0.1;
    state.largestBytes = Math.max(state.largestBytes, bytes);
    state.queue.push(message);
    this.buffered++;
    this.stats.buffered = this.buffered;
    if (this.buffered > this.stats.maxBuffered) this.stats.maxBuffered = this.buffered;
    if (this.buffered >= this.maxBuffered) this.fetchBlocked = true;
    this.wake();
  }

  private onFetchDone(group: KafkaNodeConsumerGroup): void {
    if (group._isFetchPending) return;
    for (const state of this.partitions.values()) {
      if (state.sizedDown) state.fullSizeNext = !state.received;
      state.sizedDown = false;
      if (state.refetchFrom === null) continue;
      this.moveFetchPosition(group, state, state.refetchFrom);
      state.refetchFrom = null;
    }
  }

  private moveFetchPosition(group: KafkaNodeConsumerGroup, state: PartitionState, offset: number): void {
    group.setOffset(state.topic, state.partition, offset);
    // kafka-node drops fetched messages below payloadMap: keep it equal to the position it fetches from.
    (group.payloadMap[state.topic] ??= {})[String(state.partition)] = offset;
  }

  /** Fetching for `state` continues at `offset`: now, or when the fetch in flight (whose data is stale) is done. */
  private fetchFrom(state: PartitionState, offset: number): void {
    const group = this.group;
    if (!group) return;
    if (group._isFetchPending) {
      state.refetchFrom = offset;
    } else {
      state.refetchFrom = null;
      this.moveFetchPosition(group, state, offset);
    }
  }

  /**
   * Drops what is buffered for a partition and fetches again from its first dropped message, or from `from` (seek:
   * then the messages the handler is working on go too, as the position moves past them).
   */
  private dropBuffered(state: PartitionState, from?: number): void {
    const keep = from === undefined && this.delivering?.state === state ? this.delivering.count : 0;
    const dropped = state.queue.slice(keep);
    this.buffered -= dropped.length;
    this.stats.buffered = this.buffered;
    state.queue = state.queue.slice(0, keep);
    const offset = from ?? (dropped[0] ? Number(dropped[0].offset) : undefined);
    if (offset !== undefined) this.fetchFrom(state, offset);
  }

  private maybeUnblock(): void {
    if (this.fetchBlocked && this.buffered <= this.resumeAt) {
      this.fetchBlocked = false;
      this.kickFetch();
    }
  }

  private onOffsetOutOfRange(error: unknown): void {
    const { topic, partition } = error as { topic?: unknown; partition?: unknown };
    if (typeof topic !== 'string' || !this.active) return;
    const state = this.partitions.get(partitionKey(topic, Number(partition)));
    if (!state || state.outOfRange || state.resetting) return;
    const position = this.group?.topicPayloads.find((p) => p.topic === topic && Number(p.partition) === state.partition)?.offset ?? -1;
    if (this.config.outOfRangeOffset === 'none') {
      state.outOfRange = true;
      this.emitError(new OffsetOutOfRangeError(topic, state.partition, Number(position)));
      return;
    }
    state.resetting = true;
    this.emitter.emit('offsetReset', { topic, partition: state.partition });
    void this.resetPosition(state);
  }

  /** outOfRangeOffset earliest/latest: look the offset up and fetch from there (retrying while it stays relevant). */
  private async resetPosition(state: PartitionState): Promise<void> {
    const time = this.config.outOfRangeOffset === 'earliest' ? EARLIEST_TIME : LATEST_TIME;
    const { initialRetryTimeMs, maxRetryTimeMs } = this.clientConfig.retry;
    for (let failures = 0; ; failures++) {
      const group = this.group;
      const current = (): boolean => this.state === 'running' && state.resetting && this.partitions.get(partitionKey(state.topic, state.partition)) === state;
      if (!group || !current()) return;
      try {
        const answer = await settle<Record<string, Record<string, number[]>>>((callback) =>
          group.getOffset().fetch([{ topic: state.topic, partition: state.partition, time, maxNum: 1 }], callback),
        );
        const offset = answer[state.topic]?.[String(state.partition)]?.[0];
        if (typeof offset !== 'number') throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `no ${this.config.outOfRangeOffset} offset for ${state.topic}/${state.partition}`);
        if (!current()) return;
        state.resetting = false;
        this.fetchFrom(state, offset);
        this.kickFetch();
        return;
      } catch (error) {
        if (!current()) return;
        this.emitError(toKafkaError(error));
        await new Promise((resolve) => setTimeout(resolve, Math.min(initialRetryTimeMs * 2 ** failures, maxRetryTimeMs)));
      }
    }
  }

  /** kafka-node's onRebalance: before every (re)join. Lets the handler finish, commits what it handled, revokes. */
  private beforeRejoin(done: (error?: unknown) => void): void {
    // A failure here must not reach kafka-node: it would abandon the join for good.
    this.settleBeforeLeaving().then(() => {
      this.revoke();
      done();
    });
  }

  /** Stops deliveries, waits for the handler in progress and (autoCommit) commits what was handled. Never rejects. */
  private async settleBeforeLeaving(): Promise<void> {
    this.active = false;
    if (this.handling) await this.handling;
    if (this.assignment && this.config.autoCommit && this.dirty && this.state === 'running' && this.hasGeneration()) {
      await this.commitPositionsPersistently().catch((error: unknown) => this.emitError(toKafkaError(error)));
    }
  }

  private onRebalanced(group: KafkaNodeConsumerGroup): void {
    if (this.state !== 'running') return;
    this.clearPartitions();
    const partitions: TopicPartition[] = [];
    for (const payload of group.topicPayloads) {
      const state: PartitionState = {
        topic: payload.topic,
        partition: Number(payload.partition),
        queue: [],
        position: Number(payload.offset),
        failures: 0,
        retryAt: 0,
        refetchFrom: null,
        outOfRange: false,
        resetting: false,
        averageBytes: 0,
        largestBytes: 0,
        sizedDown: false,
        received: false,
        fullSizeNext: false,
      };
      const key = partitionKey(state.topic, state.partition);
      this.partitions.set(key, state);
      partitions.push({ topic: state.topic, partition: state.partition });
      const seek = this.pendingSeeks.get(key);
      if (seek) {
        this.pendingSeeks.delete(key);
        state.position = seek.offset;
        this.moveFetchPosition(group, state, seek.offset);
      }
    }
    partitions.sort(byTopicThenPartition);
    this.order = partitions.map(({ topic, partition }) => this.partitions.get(partitionKey(topic, partition))!);
    this.cursor = 0;
    this.assignment = { generationId: Number(group.generationId ?? -1), memberId: String(group.memberId ?? ''), partitions };
    this.active = true;
    this.emitter.emit('assigned', this.rebalanceEvent(this.assignment));
    const first = this.firstAssignment;
    if (first) {
      this.firstAssignment = null;
      first.resolve();
    }
    this.kickFetch();
    this.wake();
  }

  private onGroupError(error: unknown): void {
    if (this.causedBySizedDownFetch(error)) return;
    let mapped = toKafkaError(error);
    if (/no saved offsets/.test(mapped.message)) {
      const missing: TopicPartition[] = [];
      for (const [topic, offsets] of this.lastCommitted) {
        for (const [partition, offset] of offsets) if (offset < 0) missing.push({ topic, partition });
      }
      mapped = new NoCommittedOffsetError(this.config.groupId, missing.sort(byTopicThenPartition));
    }
    const first = this.firstAssignment;
    if (first) {
      this.firstAssignment = null;
      first.reject(mapped);
      return;
    }
    if (this.state !== 'running') return;
    this.emitError(mapped);
    this.restartIfStopped(mapped);
  }

  /**
   * A message larger than a sized-down fetch makes kafka-node report MessageSizeTooLarge. That partition got nothing,
   * so its next fetch asks for the full size (onFetchDone): only an error from a full-size fetch is real.
   */
  private causedBySizedDownFetch(error: unknown): boolean {
    if ((error as { name?: unknown } | null)?.name !== 'MessageSizeTooLarge') return false;
    const where = /on topic (.+) partition (\d+) at fetch offset/.exec(String((error as { message?: unknown }).message));
    const state = where ? this.partitions.get(partitionKey(where[1]!, Number(where[2]))) : undefined;
    return state !== undefined && state.sizedDown;
  }

  /**
   * kafka-node gives a group up after its recovery retries (or for an error it does not know): rejoin later, as
   * kafkajs restarts a crashed consumer. A missing committed offset stays missing until someone commits: no rejoin.
   */
  private restartIfStopped(error: KafkaError): void {
    const group = this.group as (KafkaNodeConsumerGroup & { connecting?: boolean; reconnectTimer?: unknown }) | null;
    if (!group || error instanceof NoCommittedOffsetError || this.restartTimer) return;
    if (group.ready || group.connecting || group.reconnectTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.state === 'running' && !group.ready && !group.connecting) group.connect();
    }, this.clientConfig.retry.maxRetryTimeMs);
  }

  // ---- delivery ----

  private wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    // A wake-up while the loop is busy elsewhere (an auto-commit, say) is kept for its next idle(): close() called
    // then would otherwise leave the loop idling with no timer, and close() waiting on it for ever.
    if (wake) wake();
    else this.wakePending = true;
  }

  private async deliveryLoop(): Promise<void> {
    while (this.state === 'running') {
      const next = this.nextDeliverable();
      if (next) {
        const work = this.deliver(next);
        this.handling = work;
        await work;
        this.handling = null;
        continue;
      }
      if (this.active) {
        await this.autoCommitIfDue();
        // kafka-node's fetch loop ends after a failed fetch until something calls fetch() again.
        this.kickFetch();
      }
      await this.idle();
    }
  }

  /** Waits for new work: a message, a state change, a retry coming due or the next auto-commit. */
  private idle(): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    const now = Date.now();
    let until = Infinity;
    for (const state of this.order) if (state.queue.length > 0 && state.retryAt > now) until = Math.min(until, state.retryAt);
    if (this.config.autoCommit && this.dirty && this.active) until = Math.min(until, Math.max(this.nextAutoCommit, now + 1));
    if (this.active) until = Math.min(until, now + FETCH_WATCHDOG_MS);
    return new Promise<void>((resolve) => {
      const timer = until === Infinity ? null : setTimeout(() => this.wake(), Math.max(1, until - now));
      this.wakeLoop = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }

  private nextDeliverable(): PartitionState | null {
    if (!this.active || this.state !== 'running') return null;
    const count = this.order.length;
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const state = this.order[(this.cursor + i) % count]!;
      if (state.queue.length > 0 && state.retryAt <= now && !this.pausedTopics.has(state.topic)) {
        this.cursor = (this.cursor + i + 1) % count;
        return state;
      }
    }
    return null;
  }

  private async deliver(state: PartitionState): Promise<void> {
    const messages = this.eachBatch ? [...state.queue] : [state.queue[0]!];
    const last = messages[messages.length - 1]!;
    this.delivering = { state, count: messages.length };
    try {
      if (this.eachBatch) {
        const batch: MessageBatch = {
          topic: state.topic,
          partition: state.partition,
          highWatermark: Number(last.highWaterOffset),
          messages: messages.map(toConsumedMessage),
        };
        await this.eachBatch(batch);
      } else {
        await this.eachMessage!(toConsumedMessage(last));
      }
    } catch (error) {
      this.handlerFailed(state, error);
      return;
    } finally {
      this.delivering = null;
    }
    // seek() or a revocation replaced this partition's buffer meanwhile: the handled messages are no longer its head.
    if (state.queue[0] !== messages[0] || this.partitions.get(partitionKey(state.topic, state.partition)) !== state) return;
    state.queue.splice(0, messages.length);
    this.buffered -= messages.length;
    this.stats.buffered = this.buffered;
    state.position = Number(last.offset) + 1;
    state.failures = 0;
    state.retryAt = 0;
    this.dirty = true;
    this.maybeUnblock();
    if (this.active) await this.autoCommitIfDue();
  }

  private handlerFailed(state: PartitionState, error: unknown): void {
    this.emitError(error);
    state.failures++;
    const { initialRetryTimeMs, maxRetryTimeMs } = this.clientConfig.retry;
    state.retryAt = Date.now() + Math.min(initialRetryTimeMs * 2 ** Math.min(state.failures - 1, 20), maxRetryTimeMs);
  }

  // ---- commits ----

  private hasGeneration(): boolean {
    const group = this.group;
    return !!group && group.generationId !== null && group.generationId !== undefined && !!group.memberId;
  }

  private async autoCommitIfDue(): Promise<void> {
    if (!this.config.autoCommit || !this.dirty || Date.now() < this.nextAutoCommit || !this.hasGeneration()) return;
    this.nextAutoCommit = Date.now() + this.config.autoCommitIntervalMs;
    await this.commitPositions().catch((error: unknown) => this.emitError(toKafkaError(error)));
  }

  /** Commits the position of every owned partition: the offset after what the handler finished. */
  private async commitPositions(): Promise<void> {
    const offsets = [...this.partitions.values()]
      .filter((state) => state.position >= 0)
      .map(({ topic, partition, position }) => ({ topic, partition, offset: position }));
    this.dirty = false;
    if (offsets.length === 0) return;
    try {
      await this.sendCommit(offsets);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  /**
   * commitPositions, retrying retriable failures (the coordinator's connection is being re-established, it moved...)
   * with the config's schedule, as the Java client's commitSync does before a rebalance or close.
   */
  private async commitPositionsPersistently(): Promise<void> {
    const { retries, initialRetryTimeMs, maxRetryTimeMs } = this.clientConfig.retry;
    for (let failures = 0; ; failures++) {
      try {
        await this.commitPositions();
        return;
      } catch (error) {
        const mapped = toKafkaError(error);
        if (!mapped.retriable || failures >= retries || !this.hasGeneration()) throw mapped;
        await new Promise((resolve) => setTimeout(resolve, Math.min(initialRetryTimeMs * 2 ** failures, maxRetryTimeMs)));
      }
    }
  }

  private async sendCommit(offsets: TopicPartitionOffset[]): Promise<void> {
    const group = this.group;
    if (!group || !this.hasGeneration()) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, 'this member has no current generation to commit in');
    }
    const commits = offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset, metadata: COMMIT_METADATA }));
    // kafka-node forgets the coordinator when a connection drops and, until the group rejoins, sends group requests to
    // whichever broker comes first (NOT_COORDINATOR on every retry): look it up again before committing.
    await coordinatorBroker(group.client, this.config.groupId);
    const answer = await settle((callback) => group.sendOffsetCommitRequest(commits, callback));
    if (typeof answer === 'string') throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, `nothing committed: ${answer}`);
    // kafka-node's decoder keeps one error code per topic (its last partition's).
    for (const [topic, result] of Object.entries(answer ?? {})) {
      if (result && typeof result.errorCode === 'number' && result.errorCode !== ErrorCode.NONE) {
        if (result.errorCode === ErrorCode.NOT_COORDINATOR) delete group.client.coordinatorId;
        throw new KafkaProtocolError(result.errorCode, `committing offsets of ${topic}`);
      }
    }
  }

  // ---- assignment bookkeeping ----

  private rebalanceEvent(assignment: Assignment): RebalanceEvent {
    return { generationId: assignment.generationId, memberId: assignment.memberId, partitions: assignment.partitions.map((p) => ({ ...p })) };
  }

  private clearPartitions(): void {
    this.partitions.clear();
    this.order = [];
    this.buffered = 0;
    this.stats.buffered = 0;
    this.fetchBlocked = false;
    this.dirty = false;
  }

  private revoke(): void {
    const previous = this.assignment;
    this.assignment = null;
    this.active = false;
    this.clearPartitions();
    if (previous) this.emitter.emit('revoked', this.rebalanceEvent(previous));
  }

  // ---- shutdown ----

  private async shutDown(commit: boolean): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'closing';
    this.active = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const first = this.firstAssignment;
    if (first) {
      this.firstAssignment = null;
      first.reject(new KafkaError('the consumer group was closed before its first assignment', { retriable: false }));
    }
    this.wake();
    if (this.loop) await this.loop;
    if (this.connecting) await this.connecting.catch(() => undefined);
    let commitError: KafkaError | null = null;
    if (commit && wasRunning && this.assignment && this.hasGeneration()) {
      await this.commitPositionsPersistently().catch((error: unknown) => {
        commitError = toKafkaError(error);
      });
    }
    const group = this.group;
    this.group = null;
    try {
      if (group) await closeKafkaNodeGroup(group);
    } finally {
      this.revoke();
      this.state = 'closed';
    }
    if (commitError) throw commitError;
  }

  // ---- helpers ----

  private emitError(error: unknown): void {
    emitGroupError(this.emitter, error);
  }

  private assertOpen(action: string): void {
    assertGroupOpen(this.state, action);
  }
}
