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
import type { ResolvedKafkaConfig } from '../common/config';
import {
  BufferedDelivery,
  DrivenConsumerGroup,
  type ConsumerGroupDriver,
  type GroupSession,
} from '../common/consumer-group';
import {
  KafkaProtocolError,
  NoCommittedOffsetError,
  OffsetOutOfRangeError,
  UnsupportedFeatureError,
  type KafkaError,
} from '../common/errors';
import { byTopicThenPartition } from '../common/group-helpers';
import { backOff } from '../common/retry';
import type { ConsumerGroupConfig, TopicPartition, TopicPartitionOffset } from '../common/types';
import { resolveConsumerGroupConfig } from '../common/validation';
import { ErrorCode } from '../protocol/error-codes';
import { coordinatorBroker, fetchCommitted, whenReady } from './client';
import { settle, toKafkaError } from './errors';
import { kafkaNode, type KafkaNodeConsumerGroup, type KafkaNodeMessage } from './kafka-node';
import { KafkaNodeFetcher, newPartitionState, type PartitionState } from './fetcher';
import { closeKafkaNodeGroup, COMMIT_METADATA, consumedFromKafkaNode, kafkaNodeGroupOptions } from './kafka-node-group';

/** Messages fetched but not yet handled, per member, when the config does not say. */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 1000;

/** How often an idle member makes sure kafka-node's fetch loop is still running. */
const FETCH_WATCHDOG_MS = 1000;

/** kafka-node's ListOffsets times. */
const EARLIEST_TIME = -2;
const LATEST_TIME = -1;

export class LegacyConsumerGroup extends DrivenConsumerGroup {
  constructor(clientConfig: ResolvedKafkaConfig, config: ConsumerGroupConfig) {
    super(
      resolveConsumerGroupConfig(config),
      clientConfig.retry,
      (session) => new KafkaNodeGroupDriver(clientConfig, session),
    );
  }
}

class KafkaNodeGroupDriver implements ConsumerGroupDriver {
  private readonly fetcher: KafkaNodeFetcher;
  private readonly delivery: BufferedDelivery<KafkaNodeMessage, PartitionState>;
  private group: KafkaNodeConsumerGroup | null = null;
  /** Committed offsets read at the last assignment, for NoCommittedOffsetError. */
  private lastCommitted = new Map<string, Map<number, number>>();
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clientConfig: ResolvedKafkaConfig,
    private readonly session: GroupSession,
  ) {
    const { config } = session;
    if (config.isolationLevel === 'read_committed') {
      throw new UnsupportedFeatureError(
        'isolationLevel "read_committed"',
        'kafka-node',
        "kafka-node's Fetch v0-v2 cannot skip aborted transactions",
      );
    }
    this.delivery = new BufferedDelivery(session, {
      consumed: consumedFromKafkaNode,
      highWatermark: (message) => Number(message.highWaterOffset),
      isMember: () => this.isMember(),
      commit: (offsets) => this.commit(offsets),
      drained: () => this.fetcher.maybeUnblock(),
      // kafka-node's fetch loop ends after a failed fetch until something calls fetch() again.
      idle: () => this.fetcher.kick(),
      idleCheckMs: FETCH_WATCHDOG_MS,
    });
    const maxBuffered = config.maxBufferedMessages ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    this.fetcher = new KafkaNodeFetcher(session, this.delivery, maxBuffered, () => this.group);
  }

  // ---- the driver contract ----

  async connect(): Promise<void> {
    let group: KafkaNodeConsumerGroup;
    try {
      const options = kafkaNodeGroupOptions(this.clientConfig, this.session.config, (_isMember, done) =>
        this.beforeRejoin(done),
      );
      group = new kafkaNode.ConsumerGroup(options, [...this.session.config.topics]);
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
  }

  async start(): Promise<void> {
    const group = this.group!;
    this.install(group);
    this.delivery.start();
    group.connect();
  }

  async abort(): Promise<void> {
    await this.delivery.stop();
    // kafka-node may still be retrying its join; a member that will never consume must not hold partitions.
    const group = this.group;
    this.group = null;
    if (group) await closeKafkaNodeGroup(group);
  }

  isMember(): boolean {
    const group = this.group;
    return !!group && group.generationId !== null && group.generationId !== undefined && !!group.memberId;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const group = this.group;
    if (!group || !this.isMember()) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, 'this member has no current generation to commit in');
    }
    const commits = offsets.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset,
      metadata: COMMIT_METADATA,
    }));
    // kafka-node forgets the coordinator when a connection drops and, until the group rejoins, sends group requests to
    // whichever broker comes first (NOT_COORDINATOR on every retry): look it up again before committing.
    await coordinatorBroker(group.client, this.session.config.groupId);
    const answer = await settle((callback) => group.sendOffsetCommitRequest(commits, callback));
    if (typeof answer === 'string')
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, `nothing committed: ${answer}`);
    // kafka-node's decoder keeps one error code per topic (its last partition's).
    for (const [topic, result] of Object.entries(answer ?? {})) {
      if (result && typeof result.errorCode === 'number' && result.errorCode !== ErrorCode.NONE) {
        if (result.errorCode === ErrorCode.NOT_COORDINATOR) delete group.client.coordinatorId;
        throw new KafkaProtocolError(result.errorCode, `committing offsets of ${topic}`);
      }
    }
  }

  pausesChanged(paused: readonly string[], resumed: readonly string[]): void {
    if (paused.length > 0) {
      for (const state of this.delivery.all()) if (paused.includes(state.topic)) this.fetcher.drop(state);
      this.fetcher.maybeUnblock();
    }
    if (resumed.length > 0) {
      this.fetcher.kick();
      this.delivery.wake();
    }
  }

  seek(position: TopicPartitionOffset): boolean {
    const { topic, partition, offset } = position;
    const state = this.delivery.active ? this.delivery.get(topic, partition) : undefined;
    if (!state) return false;
    this.fetcher.drop(state, offset);
    this.session.offsets.moved(topic, partition, offset);
    this.session.subscription.clearOutOfRange(topic, partition);
    this.session.subscription.release(topic, partition);
    this.session.handler.reset(topic, partition);
    state.retryAt = 0;
    this.fetcher.maybeUnblock();
    this.fetcher.kick();
    return true;
  }

  async quiesce(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await this.delivery.stop();
  }

  async commitOnClose(): Promise<void> {
    if (this.session.assignment && this.isMember()) await this.commitPersistently();
  }

  async disconnect(): Promise<void> {
    const group = this.group;
    this.group = null;
    try {
      if (group) await closeKafkaNodeGroup(group);
    } finally {
      this.revoke();
    }
  }

  mapError(error: unknown): KafkaError {
    return toKafkaError(error);
  }

  // ---- kafka-node hooks ----

  private install(group: KafkaNodeConsumerGroup): void {
    this.fetcher.attach(group);
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
    group.on('rebalancing', () => {
      this.delivery.active = false;
    });
    group.on('rebalanced', () => this.onRebalanced(group));
  }

  private async committedOffsets(
    group: KafkaNodeConsumerGroup,
    partitions: Record<string, number[]>,
  ): Promise<Record<string, Record<string, number>>> {
    const requested = new Map(Object.entries(partitions).map(([topic, ids]) => [topic, ids.map(Number)] as const));
    const committed = await fetchCommitted(
      group.client,
      this.session.config.groupId,
      requested,
      this.clientConfig.retry,
    );
    const offsets: Record<string, Record<string, number>> = {};
    for (const [topic, ids] of requested) {
      offsets[topic] = {};
      for (const id of ids) offsets[topic][id] = committed.get(topic)?.get(id) ?? -1;
    }
    this.lastCommitted = new Map(
      [...requested].map(([topic, ids]) => [topic, new Map(ids.map((id) => [id, offsets[topic]![id]!] as const))]),
    );
    return offsets;
  }

  private onOffsetOutOfRange(error: unknown): void {
    const { topic, partition } = error as { topic?: unknown; partition?: unknown };
    if (typeof topic !== 'string' || !this.delivery.active) return;
    const state = this.delivery.get(topic, Number(partition));
    const { subscription } = this.session;
    if (!state || subscription.isOutOfRange(topic, state.partition) || subscription.isHeld(topic, state.partition))
      return;
    const position =
      this.group?.topicPayloads.find((p) => p.topic === topic && Number(p.partition) === state.partition)?.offset ?? -1;
    if (this.session.config.outOfRangeOffset === 'none') {
      subscription.markOutOfRange(topic, state.partition);
      this.session.emitError(new OffsetOutOfRangeError(topic, state.partition, Number(position)));
      return;
    }
    subscription.hold(topic, state.partition);
    this.session.offsetReset({ topic, partition: state.partition });
    void this.resetPosition(state);
  }

  /** outOfRangeOffset earliest/latest: look the offset up and fetch from there (retrying while it stays relevant). */
  private async resetPosition(state: PartitionState): Promise<void> {
    const { config, subscription } = this.session;
    const time = config.outOfRangeOffset === 'earliest' ? EARLIEST_TIME : LATEST_TIME;
    for (let failures = 0; ; failures++) {
      const group = this.group;
      const current = (): boolean =>
        this.session.running && subscription.isHeld(state.topic, state.partition) && this.delivery.isCurrent(state);
      if (!group || !current()) return;
      try {
        const answer = await settle<Record<string, Record<string, number[]>>>((callback) =>
          group.getOffset().fetch([{ topic: state.topic, partition: state.partition, time, maxNum: 1 }], callback),
        );
        const offset = answer[state.topic]?.[String(state.partition)]?.[0];
        if (typeof offset !== 'number')
          throw new KafkaProtocolError(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `no ${config.outOfRangeOffset} offset for ${state.topic}/${state.partition}`,
          );
        if (!current()) return;
        subscription.release(state.topic, state.partition);
        this.fetcher.fetchFrom(state, offset);
        this.fetcher.kick();
        return;
      } catch (error) {
        if (!current()) return;
        this.session.emitError(toKafkaError(error));
        await backOff(this.clientConfig.retry, failures + 1);
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
    this.delivery.active = false;
    await this.delivery.settled();
    const { session } = this;
    if (
      session.assignment &&
      session.config.autoCommit &&
      session.offsets.dirty &&
      session.running &&
      this.isMember()
    ) {
      await this.commitPersistently().catch((error: unknown) => session.emitError(toKafkaError(error)));
    }
  }

  private commitPersistently(): Promise<void> {
    return this.session.offsets.commitPersistently(
      (offsets) => this.commit(offsets),
      this.clientConfig.retry,
      toKafkaError,
      () => this.isMember(),
    );
  }

  private onRebalanced(group: KafkaNodeConsumerGroup): void {
    const { session } = this;
    if (!session.running) return;
    this.clearPartitions();
    const states: PartitionState[] = [];
    for (const payload of group.topicPayloads) {
      const state = newPartitionState(payload.topic, Number(payload.partition));
      states.push(state);
      const seek = session.subscription.takeSeek(state.topic, state.partition);
      session.offsets.started(state.topic, state.partition, seek ? seek.offset : Number(payload.offset));
      if (seek) this.fetcher.moveFetchPosition(group, state, seek.offset);
    }
    this.delivery.assign(states);
    const partitions: TopicPartition[] = states
      .map(({ topic, partition }) => ({ topic, partition }))
      .sort(byTopicThenPartition);
    this.delivery.active = true;
    session.assigned({
      generationId: Number(group.generationId ?? -1),
      memberId: String(group.memberId ?? ''),
      partitions,
    });
    session.firstAssignmentReady();
    this.fetcher.kick();
    this.delivery.wake();
  }

  /** Forgets the assignment's partitions: buffers, positions, holds. */
  private clearPartitions(): void {
    this.delivery.clear();
    this.fetcher.reset();
    this.session.offsets.clear();
    this.session.subscription.clearPartitionStops();
  }

  private revoke(): void {
    this.delivery.active = false;
    this.clearPartitions();
    this.session.revoked();
  }

  private onGroupError(error: unknown): void {
    if (this.fetcher.causedBySizedDownFetch(error)) return;
    let mapped = toKafkaError(error);
    if (/no saved offsets/.test(mapped.message)) {
      const missing: TopicPartition[] = [];
      for (const [topic, offsets] of this.lastCommitted) {
        for (const [partition, offset] of offsets) if (offset < 0) missing.push({ topic, partition });
      }
      mapped = new NoCommittedOffsetError(this.session.config.groupId, missing.sort(byTopicThenPartition));
    }
    if (this.session.failFirstAssignment(mapped)) return;
    if (!this.session.running) return;
    this.session.emitError(mapped);
    this.restartIfStopped(mapped);
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
      if (this.session.running && !group.ready && !group.connecting) group.connect();
    }, this.clientConfig.retry.maxRetryTimeMs);
  }
}
