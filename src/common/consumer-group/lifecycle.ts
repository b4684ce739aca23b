import { EventEmitter } from 'events';
import { ConfigurationError, KafkaError } from '../errors';
import {
  assertGroupOpen,
  checkCommitRequest,
  checkRunOptions,
  checkTopicList,
  emitGroupError,
  type ConsumerGroupState,
} from '../consumer-state';
import { deferred, type Deferred } from '../group-helpers';
import type {
  ConsumerGroup,
  ConsumerGroupEvents,
  RetryOptions,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../types';
import { validateTopicPartitionOffset, type ResolvedConsumerGroupConfig } from '../validation';
import type { Assignment, ConsumerGroupDriver, GroupSession } from './driver';
import { HandlerRunner } from './handler-runner';
import { OffsetTracker } from './offset-tracker';
import { SubscriptionState } from './subscription-state';

/** What a consumer group member holds in memory right now; for diagnostics and back-pressure tests. */
export interface BufferStats {
  /** Fetched messages not yet handled. */
  buffered: number;
  /** The most that were ever buffered at once. */
  maxBuffered: number;
  /** Messages dropped (and fetched again later) because the buffer was full or their topic paused (push drivers). */
  dropped: number;
}

/**
 * The common ConsumerGroup on any client library: every backend's consumer group is this class given the backend's
 * driver (see ConsumerGroupDriver for the contract and the order of calls).
 */
export class DrivenConsumerGroup implements ConsumerGroup {
  protected readonly driver: ConsumerGroupDriver;
  private readonly emitter = new EventEmitter();
  private readonly session: Session;
  private connecting: Promise<void> | null = null;
  private connected = false;
  private closing: Promise<void> | null = null;

  constructor(
    config: ResolvedConsumerGroupConfig,
    retry: RetryOptions,
    createDriver: (session: GroupSession) => ConsumerGroupDriver,
  ) {
    this.session = new Session(config, retry, this.emitter);
    this.driver = createDriver(this.session);
  }

  get groupId(): string {
    return this.session.config.groupId;
  }

  /** Buffered-message counters (not part of the common interface). */
  get bufferStats(): Readonly<BufferStats> {
    return { ...this.session.stats };
  }

  on<E extends keyof ConsumerGroupEvents>(event: E, listener: ConsumerGroupEvents[E]): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  async connect(): Promise<void> {
    assertGroupOpen(this.session.state, 'connect');
    if (this.connected) return;
    this.connecting ??= this.driver.connect().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
    this.connected = true;
    if (this.session.state === 'idle') this.session.state = 'connected';
  }

  async run(options: RunOptions): Promise<void> {
    const handlers = checkRunOptions(options);
    const session = this.session;
    assertGroupOpen(session.state, 'run');
    if (session.state === 'running' || session.state === 'failed')
      throw new ConfigurationError('run was already called on this consumer group');
    session.handler.use(handlers);
    const first = deferred();
    session.firstAssignment = first;
    session.state = 'running';
    try {
      await this.connect();
      await this.driver.start();
      await first.promise;
    } catch (error) {
      const mapped = this.driver.mapError(error);
      if (session.firstAssignment === first) session.firstAssignment = null;
      if (session.state === 'running') {
        session.state = 'failed';
        await this.driver.abort();
        session.revoked();
      }
      throw mapped;
    }
  }

  pause(topics: string[]): void {
    checkTopicList(topics, 'pause');
    this.session.subscription.pause(topics);
    this.driver.pausesChanged(topics, []);
  }

  resume(topics: string[]): void {
    checkTopicList(topics, 'resume');
    this.session.subscription.resume(topics);
    this.driver.pausesChanged([], topics);
  }

  seek(position: TopicPartitionOffset): void {
    validateTopicPartitionOffset(position, 'seek');
    const { topic, partition, offset } = position;
    if (!this.driver.seek({ topic, partition, offset }))
      this.session.subscription.deferSeek({ topic, partition, offset });
  }

  async commit(offsets?: TopicPartitionOffset[]): Promise<void> {
    checkCommitRequest(offsets, this.session.state === 'running' && this.driver.isMember());
    if (offsets === undefined) {
      await this.session.offsets.commit((handled) => this.driver.commit(handled), this.session.owns);
      return;
    }
    if (offsets.length > 0) await this.driver.commit(offsets);
  }

  close(options: { commit?: boolean } = {}): Promise<void> {
    if (this.session.state === 'closed') return Promise.resolve();
    this.closing ??= this.shutDown(options.commit ?? true);
    return this.closing;
  }

  /** The close template: stop, let the handler finish, commit (hook), disconnect (hook), revoke. */
  private async shutDown(commit: boolean): Promise<void> {
    const session = this.session;
    const wasRunning = session.state === 'running';
    session.state = 'closing';
    session.failFirstAssignment(
      new KafkaError('the consumer group was closed before its first assignment', { retriable: false }),
    );
    await this.driver.quiesce();
    if (this.connecting) await this.connecting.catch(() => undefined);
    let commitError: KafkaError | null = null;
    if (commit && wasRunning) {
      await this.driver.commitOnClose().catch((error: unknown) => {
        commitError = this.driver.mapError(error);
      });
    }
    try {
      await this.driver.disconnect();
    } finally {
      session.revoked();
      session.state = 'closed';
    }
    if (commitError) throw commitError;
  }
}

class Session implements GroupSession {
  state: ConsumerGroupState = 'idle';
  firstAssignment: Deferred | null = null;
  assignment: Assignment | null = null;
  readonly subscription = new SubscriptionState();
  readonly offsets: OffsetTracker;
  readonly handler: HandlerRunner;
  readonly stats: BufferStats = { buffered: 0, maxBuffered: 0, dropped: 0 };
  readonly owns = (topic: string, partition: number): boolean => this.isAssigned(topic, partition);

  constructor(
    readonly config: ResolvedConsumerGroupConfig,
    readonly retry: RetryOptions,
    private readonly emitter: EventEmitter,
  ) {
    this.offsets = new OffsetTracker(config.autoCommit, config.autoCommitIntervalMs);
    this.handler = new HandlerRunner(retry, (error) => this.emitError(error));
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get awaitingFirstAssignment(): boolean {
    return this.firstAssignment !== null;
  }

  isAssigned(topic: string, partition: number): boolean {
    return this.assignment?.partitions.some((p) => p.topic === topic && p.partition === partition) ?? false;
  }

  assigned(assignment: Assignment): void {
    if (this.assignment) this.revoked();
    this.assignment = copyAssignment(assignment);
    this.emitter.emit('assigned', copyAssignment(assignment));
  }

  revoked(): void {
    const previous = this.assignment;
    if (!previous) return;
    this.assignment = null;
    this.emitter.emit('revoked', copyAssignment(previous));
  }

  firstAssignmentReady(): void {
    const first = this.firstAssignment;
    if (!first) return;
    this.firstAssignment = null;
    first.resolve();
  }

  failFirstAssignment(error: unknown): boolean {
    const first = this.firstAssignment;
    if (!first) return false;
    this.firstAssignment = null;
    first.reject(error);
    return true;
  }

  failed(): void {
    if (this.state === 'running') this.state = 'failed';
  }

  emitError(error: unknown): void {
    emitGroupError(this.emitter, error);
  }

  offsetReset(partition: TopicPartition): void {
    this.emitter.emit('offsetReset', { topic: partition.topic, partition: partition.partition });
  }

  countBuffered(count: number): void {
    this.stats.buffered = count;
    if (count > this.stats.maxBuffered) this.stats.maxBuffered = count;
  }

  countDropped(count: number): void {
    this.stats.dropped += count;
  }
}

function copyAssignment(assignment: Assignment): Assignment {
  return {
    generationId: assignment.generationId,
    memberId: assignment.memberId,
    partitions: assignment.partitions.map((p) => ({ ...p })),
  };
}
