import type { ConsumerGroupState } from '../consumer-state';
import type { KafkaError } from '../errors';
import type { RebalanceEvent, RetryOptions, TopicPartition, TopicPartitionOffset } from '../types';
import type { ResolvedConsumerGroupConfig } from '../validation';
import type { HandlerRunner } from './handler-runner';
import type { OffsetTracker } from './offset-tracker';
import type { SubscriptionState } from './subscription-state';

/**
 * The contract between the library-free consumer-group core (DrivenConsumerGroup, src/common/consumer-group) and a
 * backend. The core implements the common ConsumerGroup interface once: argument checks, the lifecycle
 * (idle -> connected -> running -> failed | closing -> closed), run() and its first-assignment promise, pause/resume
 * and seek bookkeeping, commit() and close(), 'assigned'/'revoked'/'error' events, handler retry and the handled
 * positions. A backend writes only a driver: how its client library connects, joins, fetches or receives messages,
 * commits, pauses and disconnects.
 *
 * Two delivery styles fit:
 * - pull (kafkajs, @confluentinc/kafka-javascript's kafkajs-style API): the library calls back with a batch; the
 *   driver hands its messages to `session.handler` (runMessage/runBatch), records each success with
 *   `session.offsets.moved(topic, partition, offset + 1)`, and on a failure waits `failure.retryInMs` and lets the
 *   library fetch the same message again (never resolving/committing it).
 * - push (kafka-node): the library emits messages; the driver buffers them in a `BufferedDelivery` (one queue per
 *   partition, one delivery loop, back-pressure by maxBufferedMessages) which calls the handler and the auto-commit.
 *
 * Sequence, as the core calls the driver:
 * 1. connect() (from connect() or run(); at most one call in flight; not again once it resolved).
 * 2. run(): start(). The driver subscribes to `session.config.topics` and joins. When it owns a generation it calls
 *    `session.assigned(...)` (emits 'assigned'); once the partitions may be consumed (start positions settled, pending
 *    seeks applied: `session.subscription.takeSeek`), `session.firstAssignmentReady()`: run() resolves. A failure
 *    before that goes to `session.failFirstAssignment(error)` (run() rejects, then the core calls abort()).
 * 3. While running: pause/resume call pausesChanged(); seek() calls seek(), which returns false when the partition is
 *    not assigned and live (the core keeps it in `session.subscription` as a pending seek). commit() calls commit()
 *    with explicit offsets, or with `session.offsets` positions (the offset after each handled message).
 *    Before a rebalance the driver lets the handler finish, commits (autoCommit) and calls `session.revoked()`.
 * 4. close(): the core sets state 'closing', rejects a pending first assignment, then calls quiesce() (stop
 *    delivering, wait for the handler in progress), commitOnClose() (unless close({ commit: false }) or run() was never
 *    called: commit what was handled), disconnect() (leave, release everything); then emits 'revoked' and sets
 *    'closed'. A commitOnClose() failure is close()'s rejection, after the disconnect.
 *
 * Errors: every promise a driver returns rejects with a KafkaError (mapError translates library errors); errors the
 * user should hear about without a failing call go to `session.emitError`.
 */
export interface ConsumerGroupDriver {
  /** Connects to the cluster without joining. */
  connect(): Promise<void>;
  /** run(): subscribe and join; resolves once started (the core then waits for firstAssignmentReady). */
  start(): Promise<void>;
  /** run() failed before its first assignment: stop consuming and leave (a member that will never consume must not hold partitions). Never rejects. */
  abort(): Promise<void>;
  /** In a live generation: commit() and an explicit commit may be sent. */
  isMember(): boolean;
  /** Commits exactly these offsets (next offset to read) in the current generation. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** `session.subscription`'s paused topics changed: make fetching match (drop what is buffered for newly paused topics). */
  pausesChanged(paused: readonly string[], resumed: readonly string[]): void;
  /** Moves an assigned, live partition's position now (and `session.offsets.moved`); false: not possible now, keep it pending. */
  seek(position: TopicPartitionOffset): boolean;
  /** close(): stop delivering and fetching; resolves once the handler in progress finished. Never rejects. */
  quiesce(): Promise<void>;
  /** close({ commit: true }) after run(): commit what was handled (if still a member). */
  commitOnClose(): Promise<void>;
  /** close(): leave the group and release every resource (timers, connections). */
  disconnect(): Promise<void>;
  /** A library error (or anything thrown) as the KafkaError the common interface reports. */
  mapError(error: unknown): KafkaError;
}

/** The partitions of one generation, as 'assigned' and 'revoked' report them. */
export type Assignment = RebalanceEvent;

/** What the core offers its driver. */
export interface GroupSession {
  readonly config: ResolvedConsumerGroupConfig;
  /** The client's retry schedule (connect, commit and handler retries). */
  readonly retry: RetryOptions;
  readonly state: ConsumerGroupState;
  /** state 'running': run() was called and neither close() nor a fatal error happened: deliver, commit, rejoin. */
  readonly running: boolean;
  /** run() is still waiting for its first assignment. */
  readonly awaitingFirstAssignment: boolean;
  readonly subscription: SubscriptionState;
  readonly offsets: OffsetTracker;
  readonly handler: HandlerRunner;
  /** The partitions this member owns now; null before the first assignment and between revoke and the next one. */
  readonly assignment: Assignment | null;
  isAssigned(topic: string, partition: number): boolean;
  /** A new generation: remembers it and emits 'assigned' (after a 'revoked' for a previous one still current). */
  assigned(assignment: Assignment): void;
  /** The current assignment is gone: emits 'revoked' (once) and forgets it. */
  revoked(): void;
  /** run() resolves (no-op after the first time). */
  firstAssignmentReady(): void;
  /** run() rejects with `error` if it is still waiting for its first assignment; false when it was not waiting. */
  failFirstAssignment(error: unknown): boolean;
  /** The library gave up for good (no restart): state 'failed', nothing more is delivered. */
  failed(): void;
  /** Reports to 'error' listeners, if any. */
  emitError(error: unknown): void;
  /** outOfRangeOffset earliest/latest moved a partition's position: emits 'offsetReset'. */
  offsetReset(partition: TopicPartition): void;
  /** Counts fetched-but-unhandled messages for bufferStats. */
  countBuffered(count: number): void;
  countDropped(count: number): void;
}
