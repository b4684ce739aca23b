import type { KafkaError } from '../errors';
import { partitionKey } from '../group-helpers';
import { backOff } from '../retry';
import type { RetryOptions, TopicPartitionOffset } from '../types';

/**
 * The positions a commit of "everything handled" commits (per partition, the offset after the last message the
 * handler finished, or where seek() or the assignment put it: Kafka's convention, the next offset to read), whether
 * anything changed since the last commit, and when the next auto-commit is due. Library-free: the commit itself is
 * the driver's `send`.
 */
export class OffsetTracker {
  private readonly positions = new Map<string, TopicPartitionOffset>();
  private changed = false;
  private nextAutoCommit = 0;

  constructor(
    private readonly autoCommit: boolean,
    private readonly autoCommitIntervalMs: number,
  ) {}

  /** Where a partition starts in a new generation (its committed offset; -1: none yet): not a change to commit. */
  started(topic: string, partition: number, offset: number): void {
    this.positions.set(partitionKey(topic, partition), { topic, partition, offset });
  }

  /** The handler finished everything before `next`, or seek() moved the position there. */
  moved(topic: string, partition: number, next: number): void {
    this.positions.set(partitionKey(topic, partition), { topic, partition, offset: next });
    this.changed = true;
  }

  /** The position of a partition (-1 when unknown). */
  position(topic: string, partition: number): number {
    return this.positions.get(partitionKey(topic, partition))?.offset ?? -1;
  }

  /** A new generation: positions of the previous one must not be committed in it (another member may be further). */
  clear(): void {
    this.positions.clear();
    this.changed = false;
  }

  get dirty(): boolean {
    return this.changed;
  }

  /** The positions to commit, for the partitions `owned` accepts. */
  committable(owned: (topic: string, partition: number) => boolean = () => true): TopicPartitionOffset[] {
    return [...this.positions.values()]
      .filter((p) => p.offset >= 0 && owned(p.topic, p.partition))
      .map((p) => ({ ...p }));
  }

  /** Commits every committable position with `send`; a failure leaves them to commit again. */
  async commit(
    send: (offsets: TopicPartitionOffset[]) => Promise<void>,
    owned?: (topic: string, partition: number) => boolean,
  ): Promise<void> {
    const offsets = this.committable(owned);
    this.changed = false;
    if (offsets.length === 0) return;
    try {
      await send(offsets);
    } catch (error) {
      this.changed = true;
      throw error;
    }
  }

  /**
   * commit(), retrying retriable failures (the coordinator's connection is being re-established, it moved...) on the
   * retry schedule while `stillMember()`, as the Java client's commitSync does before a rebalance or close.
   */
  async commitPersistently(
    send: (offsets: TopicPartitionOffset[]) => Promise<void>,
    retry: RetryOptions,
    mapError: (error: unknown) => KafkaError,
    stillMember: () => boolean,
  ): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await this.commit(send);
        return;
      } catch (error) {
        const mapped = mapError(error);
        if (!mapped.retriable || failures >= retry.retries || !stillMember()) throw mapped;
        await backOff(retry, failures + 1);
      }
    }
  }

  /** When the loop must wake for the next auto-commit (Infinity: nothing to commit). */
  autoCommitDueAt(now: number): number {
    return this.autoCommit && this.changed ? Math.max(this.nextAutoCommit, now + 1) : Infinity;
  }

  /** Commits (reporting failures to `onError`) when autoCommit is on, something changed and the interval passed. */
  async autoCommitIfDue(
    send: (offsets: TopicPartitionOffset[]) => Promise<void>,
    onError: (error: unknown) => void,
  ): Promise<void> {
    if (!this.autoCommit || !this.changed || Date.now() < this.nextAutoCommit) return;
    this.nextAutoCommit = Date.now() + this.autoCommitIntervalMs;
    await this.commit(send).catch(onError);
  }
}
