/**
 * The common ConsumerGroup on a kafkajs consumer.
 *
 * How the common contract maps onto kafkajs:
 * - Delivery runs through kafkajs's `eachBatch` with auto-resolve off: an offset is resolved (and so becomes
 *   committable and the next fetch position) only once the handler returned for that message. A handler that throws
 *   leaves its message unresolved, so kafkajs fetches it again: retried after a backoff, never skipped or committed.
 * - Back-pressure: kafkajs fetches again only after every batch of the previous response was handled, so at most one
 *   fetch response per broker is held (maxBytesPerPartition per partition). Nothing else buffers.
 * - Start positions: kafkajs has one flag (fromBeginning) for both "no committed offset" and "offset out of range".
 *   It is set from outOfRangeOffset; fromOffset is applied here: each newly assigned partition is held (paused)
 *   until its committed offset is checked, then sought to earliest/latest when there is none, or failed with
 *   NoCommittedOffsetError for 'none'. When fromOffset equals outOfRangeOffset (not 'none') kafkajs's flag already
 *   starts right, and nothing is held. outOfRangeOffset 'none' is detected from kafkajs's reset (see onLogEntry).
 * - Rebalance events come from kafkajs instrumentation (GROUP_JOIN, REBALANCING, CRASH); the generation id from
 *   kafkajs's "Received assignment" debug entry, the only place kafkajs exposes it (-1 if it could not be read).
 */
import { EventEmitter } from 'events';
import type {
  Admin as KafkajsAdmin,
  Batch,
  Consumer as KafkajsConsumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  LogEntry,
} from 'kafkajs';
import type { ResolvedKafkaConfig } from '../common/config';
import { ConfigurationError, KafkaError, NoCommittedOffsetError, OffsetOutOfRangeError } from '../common/errors';
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
import { kafkajsAssigner, resolveProtocols } from './assignment';
import { createKafkajsClient } from './client';
import { registerCompressionCodecs } from './compression';
import { toKafkaError, translated } from './errors';
import type { LoggingOptions } from './logging';
import { assertGroupOpen, checkCommitRequest, checkRunOptions, checkTopicList, emitGroupError, type ConsumerGroupState } from '../common/consumer-state';
import { byTopicThenPartition, deferred, partitionKey, type Deferred } from '../common/group-helpers';

type State = ConsumerGroupState;

interface Assignment {
  memberId: string;
  generationId: number;
  partitions: TopicPartition[];
  /** Changes with every assignment, so work started for an older one can tell it is stale. */
  token: number;
}

function headersOf(headers: IHeaders | undefined): Record<string, Buffer> {
  const converted: Record<string, Buffer> = {};
  if (!headers) return converted;
  for (const [name, value] of Object.entries(headers)) {
    // Repeated header names arrive as an array: keep the last, as Kafka's Headers.lastHeader does.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined || last === null) continue;
    converted[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return converted;
}

export function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: headersOf(message.headers),
  };
}

/** What the modern consumer holds in memory right now; for diagnostics and back-pressure tests. */
export interface BufferStats {
  /** Fetched messages handed to this member and not yet handled. */
  buffered: number;
  /** The most that were ever buffered at once. */
  maxBuffered: number;
}

const ADMIN_RETRY_MS = 1000;

export class ModernConsumerGroup implements ConsumerGroup {
  private readonly config: ResolvedConsumerGroupConfig;
  private readonly kafka: Kafka;
  private readonly consumer: KafkajsConsumer;
  private readonly emitter = new EventEmitter();
  private admin: KafkajsAdmin | null = null;
  private adminConnected: Promise<void> | null = null;

  private state: State = 'idle';
  private connectedOnce = false;
  /** kafkajs has a live consumer group: pause, seek and commit can reach it. */
  private groupActive = false;
  private assignment: Assignment | null = null;
  private assignmentCounter = 0;
  private readonly generations = new Map<string, number>();
  private firstAssignment: Deferred | null = null;

  private readonly pausedTopics = new Set<string>();
  /** Assigned partitions whose start position is not settled yet; nothing is fetched for them. */
  private readonly held = new Set<string>();
  /** outOfRangeOffset 'none': partitions whose position fell outside the log, held until seek() or a rebalance. */
  private readonly outOfRange = new Set<string>();
  private readonly pendingSeeks = new Map<string, TopicPartitionOffset>();
  /** Next offset to read per assigned partition, for what the handler finished: what commit() and close() commit. */
  private readonly handled = new Map<string, TopicPartitionOffset>();
  private readonly failures = new Map<string, number>();

  private eachMessage: RunOptions['eachMessage'] | null = null;
  private eachBatch: RunOptions['eachBatch'] | null = null;
  private handling: Promise<void> | null = null;
  private wakeBackoff: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly stats: BufferStats = { buffered: 0, maxBuffered: 0 };

  constructor(
    private readonly clientConfig: ResolvedKafkaConfig,
    config: ConsumerGroupConfig,
    logging: LoggingOptions = {},
  ) {
    this.config = resolveConsumerGroupConfig(config);
    const protocols = resolveProtocols(this.config.protocols);
    this.kafka = createKafkajsClient(clientConfig, {
      logging,
      observeLog: (entry) => this.onLogEntry(entry),
      observeLevel: 'debug',
    });
    const { retry } = clientConfig;
    try {
      this.consumer = this.kafka.consumer({
        groupId: this.config.groupId,
        partitionAssigners: protocols.map(kafkajsAssigner),
        sessionTimeout: this.config.sessionTimeoutMs,
        heartbeatInterval: this.config.heartbeatIntervalMs,
        maxBytesPerPartition: this.config.maxBytesPerPartition,
        maxWaitTimeInMs: this.config.maxWaitTimeMs,
        readUncommitted: this.config.isolationLevel === 'read_uncommitted',
        retry: {
          retries: retry.retries,
          initialRetryTime: retry.initialRetryTimeMs,
          maxRetryTime: retry.maxRetryTimeMs,
          // kafkajs restarts a crashed consumer by itself; only while we are running and past the first assignment
          // (a failure before it is reported by run() instead).
          restartOnFailure: async () => this.state === 'running' && this.firstAssignment === null,
        },
      });
    } catch (error) {
      throw toKafkaError(error);
    }
    const { GROUP_JOIN, REBALANCING, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event) => this.onGroupJoin(event.payload));
    this.consumer.on(REBALANCING, () => this.revoke());
    this.consumer.on(CRASH, (event) => this.onCrash(event.payload.error, event.payload.restart));
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
    if (this.connectedOnce) return;
    await translated(() => this.consumer.connect());
    this.connectedOnce = true;
    if (this.state === 'idle') this.state = 'connected';
  }

  async run(options: RunOptions): Promise<void> {
    const { eachMessage, eachBatch } = checkRunOptions(options);
    this.assertOpen('run');
    if (this.state === 'running' || this.state === 'failed') throw new ConfigurationError('run was already called on this consumer group');
    this.eachMessage = eachMessage ?? null;
    this.eachBatch = eachBatch ?? null;
    registerCompressionCodecs();
    const first = deferred();
    this.firstAssignment = first;
    this.state = 'running';
    try {
      await this.connect();
      await translated(() => this.consumer.subscribe({ topics: this.config.topics, fromBeginning: this.config.outOfRangeOffset === 'earliest' }));
      await translated(() =>
        this.consumer.run({
          autoCommit: this.config.autoCommit,
          autoCommitInterval: this.config.autoCommitIntervalMs,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => this.deliver(payload),
        }),
      );
      await first.promise;
    } catch (error) {
      const mapped = toKafkaError(error);
      if (this.firstAssignment === first) this.firstAssignment = null;
      if (this.state === 'running') {
        this.state = 'failed';
        await this.consumer.stop().catch(() => undefined);
        this.revoke();
      }
      throw mapped;
    }
  }

  pause(topics: string[]): void {
    checkTopicList(topics, 'pause');
    for (const topic of topics) this.pausedTopics.add(topic);
    this.applyPauses();
  }

  resume(topics: string[]): void {
    checkTopicList(topics, 'resume');
    for (const topic of topics) this.pausedTopics.delete(topic);
    this.applyPauses();
  }

  seek(position: TopicPartitionOffset): void {
    validateTopicPartitionOffset(position, 'seek');
    const { topic, partition, offset } = position;
    const key = partitionKey(topic, partition);
    if (this.groupActive && this.isAssigned(key) && !this.held.has(key)) {
      this.seekNow({ topic, partition, offset });
      if (this.outOfRange.delete(key)) this.applyPauses();
    } else {
      this.pendingSeeks.set(key, { topic, partition, offset });
    }
  }

  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    checkCommitRequest(offsets, this.state === 'running' && this.groupActive);
    const toCommit = offsets ?? this.handledOffsets();
    if (toCommit.length === 0) return;
    await translated(() =>
      this.consumer.commitOffsets(toCommit.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) }))),
    );
  }

  close(options: { commit?: boolean } = {}): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.closing ??= this.shutDown(options.commit ?? true);
    return this.closing;
  }

  // ---- delivery ----

  private async deliver(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.state !== 'running' || batch.messages.length === 0) return;
    const work = this.eachBatch ? this.deliverBatch(payload) : this.deliverMessages(payload);
    this.handling = work;
    try {
      await work;
    } finally {
      this.handling = null;
      this.stats.buffered = 0;
    }
  }

  private deliverable(topic: string, partition: number): boolean {
    const key = partitionKey(topic, partition);
    return this.state === 'running' && !this.pausedTopics.has(topic) && !this.held.has(key) && !this.outOfRange.has(key);
  }

  private countBuffered(count: number): void {
    this.stats.buffered = count;
    if (count > this.stats.maxBuffered) this.stats.maxBuffered = count;
  }

  private async deliverMessages(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    const handler = this.eachMessage!;
    let remaining = batch.messages.length;
    this.countBuffered(remaining);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !this.deliverable(topic, partition)) return;
      try {
        await handler(toConsumedMessage(topic, partition, message));
      } catch (error) {
        await this.handlerFailed(error, key, heartbeat);
        return;
      }
      resolveOffset(message.offset);
      this.markHandled(batch, message);
      this.countBuffered(--remaining);
      await heartbeat();
      if (this.config.autoCommit) await commitOffsetsIfNecessary();
    }
  }

  private async deliverBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || !this.deliverable(topic, partition)) return;
    const key = partitionKey(topic, partition);
    const messages = batch.messages.map((message) => toConsumedMessage(topic, partition, message));
    this.countBuffered(messages.length);
    const delivered: MessageBatch = { topic, partition, highWatermark: Number(batch.highWatermark), messages };
    try {
      await this.eachBatch!(delivered);
    } catch (error) {
      await this.handlerFailed(error, key, heartbeat);
      return;
    }
    const last = batch.messages[batch.messages.length - 1]!;
    resolveOffset(last.offset);
    this.markHandled(batch, last);
    await heartbeat();
  }

  /** The position after `message`: past trailing control records too when it is the batch's last message. */
  private markHandled(batch: Batch, message: KafkaMessage): void {
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    const isLast = batch.messages[batch.messages.length - 1] === message;
    const offset = (isLast ? Math.max(Number(batch.lastOffset()), Number(message.offset)) : Number(message.offset)) + 1;
    this.handled.set(key, { topic, partition, offset });
    this.failures.delete(key);
  }

  /** The handler threw: report it, wait (heartbeating), and let kafkajs fetch the same message again. */
  private async handlerFailed(error: unknown, key: string, heartbeat: () => Promise<void>): Promise<void> {
    this.emitError(error);
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const { initialRetryTimeMs, maxRetryTimeMs } = this.clientConfig.retry;
    let remaining = Math.min(initialRetryTimeMs * 2 ** Math.min(attempt - 1, 20), maxRetryTimeMs);
    while (remaining > 0 && this.state === 'running') {
      const step = Math.min(remaining, this.config.heartbeatIntervalMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, step);
        this.wakeBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeBackoff = null;
      remaining -= step;
      if (this.state === 'running') await heartbeat();
    }
  }

  // ---- group membership ----

  private onLogEntry(entry: LogEntry): void {
    const log = entry.log as { message?: unknown; memberId?: unknown; generationId?: unknown; topic?: unknown; partition?: unknown };
    if (log.message === 'Received assignment' && typeof log.memberId === 'string' && typeof log.generationId === 'number') {
      this.generations.set(log.memberId, log.generationId);
    } else if (log.message === 'Offset out of range, resetting to default offset' && typeof log.topic === 'string' && typeof log.partition === 'number') {
      if (this.config.outOfRangeOffset === 'none') this.onOffsetOutOfRange(log.topic, log.partition);
      else this.emitter.emit('offsetReset', { topic: log.topic, partition: log.partition });
    }
  }

  /**
   * outOfRangeOffset 'none': kafkajs is about to reset the position, which 'none' forbids. Hold the partition so
   * nothing is read from the reset position (until seek() or a rebalance), and report where it was. kafkajs also
   * commits its reset marker for the partition; that cannot be prevented from outside kafkajs.
   */
  private onOffsetOutOfRange(topic: string, partition: number): void {
    const key = partitionKey(topic, partition);
    this.outOfRange.add(key);
    this.applyPauses();
    const position = this.handled.get(key)?.offset ?? -1;
    this.emitError(new OffsetOutOfRangeError(topic, partition, position));
  }

  private onGroupJoin(payload: { memberId: string; memberAssignment: Record<string, number[]> }): void {
    if (this.assignment) this.revoke();
    const partitions: TopicPartition[] = [];
    for (const [topic, ids] of Object.entries(payload.memberAssignment ?? {})) {
      for (const partition of ids) partitions.push({ topic, partition });
    }
    partitions.sort(byTopicThenPartition);
    const assignment: Assignment = {
      memberId: payload.memberId,
      generationId: this.generations.get(payload.memberId) ?? -1,
      partitions,
      token: ++this.assignmentCounter,
    };
    this.assignment = assignment;
    this.groupActive = true;
    const assigned = new Set(partitions.map(({ topic, partition }) => partitionKey(topic, partition)));
    // Positions belong to a generation: kafkajs starts every generation at the committed offsets, and a partition
    // this member gets back may have been read and committed further by another member meanwhile (this member may
    // not even have seen it revoked, e.g. after losing its session). Committing an older generation's position
    // would move the group's offset backwards.
    this.handled.clear();
    this.held.clear();
    this.outOfRange.clear();
    // When fromOffset is where kafkajs's own flag already sends a partition without a committed offset, holding the
    // partitions for the check only costs time: kafkajs, finding every partition paused, sleeps maxWaitTime before
    // its next fetch, which delayed the first messages of every join (latency p99 42-78 ms against 4-15 ms raw).
    const kafkajsStartsRight = this.config.fromOffset === this.config.outOfRangeOffset && this.config.fromOffset !== 'none';
    if (!kafkajsStartsRight) for (const key of assigned) this.held.add(key);
    this.applyPauses();
    this.emitter.emit('assigned', this.rebalanceEvent(assignment));
    if (kafkajsStartsRight) {
      this.releaseHeld(assignment);
      this.resolveFirstAssignment();
    } else {
      void this.settleStartPositions(assignment);
    }
  }

  private rebalanceEvent(assignment: Assignment): RebalanceEvent {
    return { generationId: assignment.generationId, memberId: assignment.memberId, partitions: assignment.partitions.map((p) => ({ ...p })) };
  }

  private revoke(): void {
    const previous = this.assignment;
    if (!previous) return;
    this.assignment = null;
    this.emitter.emit('revoked', this.rebalanceEvent(previous));
  }

  private onCrash(error: unknown, restart: boolean): void {
    this.groupActive = false;
    this.revoke();
    const mapped = toKafkaError(error);
    const first = this.firstAssignment;
    if (first) {
      this.firstAssignment = null;
      first.reject(mapped);
      return;
    }
    if (!restart && this.state === 'running') this.state = 'failed';
    if (this.state === 'running' || this.state === 'failed') this.emitError(mapped);
  }

  /**
   * Settles where each newly assigned partition starts: its committed offset if there is one, else fromOffset
   * (earliest/latest, sought explicitly; 'none' fails). Then the partitions are released for fetching.
   */
  private async settleStartPositions(assignment: Assignment): Promise<void> {
    const current = (): boolean => this.assignment?.token === assignment.token && this.state === 'running';
    for (;;) {
      try {
        await this.positionPartitions(assignment, current);
        if (!current()) return;
        this.releaseHeld(assignment);
        this.resolveFirstAssignment();
        return;
      } catch (error) {
        if (!current()) return;
        const mapped = toKafkaError(error);
        const first = this.firstAssignment;
        if (first) {
          this.firstAssignment = null;
          first.reject(mapped);
          return;
        }
        this.emitError(mapped);
        // A missing offset stays missing until someone commits one: keep those partitions held until the next
        // rebalance. Anything else (the coordinator moved, a broker restarted) is worth another try.
        if (mapped instanceof NoCommittedOffsetError) return;
        await new Promise((resolve) => setTimeout(resolve, ADMIN_RETRY_MS));
        if (!current()) return;
      }
    }
  }

  private async positionPartitions(assignment: Assignment, current: () => boolean): Promise<void> {
    if (assignment.partitions.length === 0) return;
    const admin = await this.connectedAdmin();
    const topics = [...new Set(assignment.partitions.map((p) => p.topic))];
    const committed = await admin.fetchOffsets({ groupId: this.config.groupId, topics });
    if (!current()) return;
    const committedOffset = new Map<string, number>();
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) committedOffset.set(partitionKey(topic, partition), Number(offset));
    }
    const missing = assignment.partitions.filter(({ topic, partition }) => (committedOffset.get(partitionKey(topic, partition)) ?? -1) < 0);
    if (missing.length === 0) return;
    if (this.config.fromOffset === 'none') throw new NoCommittedOffsetError(this.config.groupId, missing);
    const targets: TopicPartitionOffset[] = [];
    for (const topic of new Set(missing.map((p) => p.topic))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (!current()) return;
      for (const { partition } of missing.filter((p) => p.topic === topic)) {
        const entry = offsets.find((o) => o.partition === partition);
        if (!entry) continue;
        targets.push({ topic, partition, offset: Number(this.config.fromOffset === 'earliest' ? entry.low : entry.high) });
      }
    }
    for (const target of targets) {
      this.seekNow(target);
    }
  }

  private releaseHeld(assignment: Assignment): void {
    for (const { topic, partition } of assignment.partitions) {
      const key = partitionKey(topic, partition);
      const seek = this.pendingSeeks.get(key);
      if (seek) {
        this.pendingSeeks.delete(key);
        this.seekNow(seek);
      }
      this.held.delete(key);
    }
    this.applyPauses();
  }

  private resolveFirstAssignment(): void {
    const first = this.firstAssignment;
    if (!first) return;
    this.firstAssignment = null;
    first.resolve();
  }

  private seekNow(position: TopicPartitionOffset): void {
    const { topic, partition, offset } = position;
    try {
      this.consumer.seek({ topic, partition, offset: String(offset) });
    } catch (error) {
      throw toKafkaError(error);
    }
    // The position is where a commit of "everything handled" now points, as a Java consumer's position would.
    this.handled.set(partitionKey(topic, partition), { topic, partition, offset });
  }

  /** Makes kafkajs's pause state match ours: paused topics whole, plus held partitions of the others. */
  private applyPauses(): void {
    if (!this.groupActive) return;
    try {
      for (const topic of this.config.topics) {
        if (this.pausedTopics.has(topic)) {
          this.consumer.pause([{ topic }]);
          continue;
        }
        this.consumer.resume([{ topic }]);
        const held = [...this.held, ...this.outOfRange]
          .filter((key) => key.slice(key.indexOf(':') + 1) === topic)
          .map((key) => Number(key.slice(0, key.indexOf(':'))));
        if (held.length > 0) this.consumer.pause([{ topic, partitions: held }]);
      }
    } catch {
      // kafkajs has no live group right now (between a crash and its restart); GROUP_JOIN applies the state again.
    }
  }

  private isAssigned(key: string): boolean {
    return this.assignment?.partitions.some(({ topic, partition }) => partitionKey(topic, partition) === key) ?? false;
  }

  private handledOffsets(): TopicPartitionOffset[] {
    return [...this.handled].filter(([key]) => this.isAssigned(key)).map(([, position]) => ({ ...position }));
  }

  private async connectedAdmin(): Promise<KafkajsAdmin> {
    this.admin ??= this.kafka.admin({
      retry: {
        retries: this.clientConfig.retry.retries,
        initialRetryTime: this.clientConfig.retry.initialRetryTimeMs,
        maxRetryTime: this.clientConfig.retry.maxRetryTimeMs,
      },
    });
    const admin = this.admin;
    this.adminConnected ??= admin.connect().catch((error: unknown) => {
      this.adminConnected = null;
      throw error;
    });
    await this.adminConnected;
    return admin;
  }

  // ---- shutdown ----

  private async shutDown(commit: boolean): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'closing';
    this.wakeBackoff?.();
    const first = this.firstAssignment;
    if (first) {
      this.firstAssignment = null;
      first.reject(new KafkaError('the consumer group was closed before its first assignment', { retriable: false }));
    }
    if (this.handling) await this.handling.catch(() => undefined);
    let commitError: KafkaError | null = null;
    if (commit && wasRunning && this.groupActive) {
      const offsets = this.handledOffsets();
      if (offsets.length > 0) {
        try {
          await this.consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })));
        } catch (error) {
          commitError = toKafkaError(error);
        }
      }
    }
    try {
      await translated(() => this.consumer.disconnect());
    } finally {
      this.groupActive = false;
      this.revoke();
      const admin = this.admin;
      this.admin = null;
      if (admin && this.adminConnected) await admin.disconnect().catch(() => undefined);
      this.adminConnected = null;
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
