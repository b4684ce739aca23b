/**
 * kafka-node's ConsumerGroupStream: a Readable over a ConsumerGroup that joins on the first read. With autoCommit (its
 * default) the group itself never commits: the stream queues the offset after every message it hands out as `data`,
 * commits the queue at most once per autoCommitIntervalMs, and commits what is left on close. So a new stream on the
 * same group starts after the last message read; messages buffered but not read are read again, as in kafka-node.
 */
import { Readable } from 'stream';
import type { KafkaClient } from './client';
import { ConsumerGroup } from './consumer-group';
import type { ConsumerGroupStreamOptions, Message, NodeCallback } from './types';
import { warnOnce } from './warnings';

type CommitQueue = Map<string, Map<number, number | null>>;

function commitPayload(queue: CommitQueue): Array<{ topic: string; partition: number; offset: number }> {
  const commits = [];
  for (const [topic, partitions] of queue)
    for (const [partition, offset] of partitions) if (offset !== null) commits.push({ topic, partition, offset });
  return commits;
}

export class ConsumerGroupStream extends Readable {
  readonly consumerGroup: ConsumerGroup;
  readonly client: KafkaClient;
  readonly autoCommit: boolean;
  private readonly commitQueue: CommitQueue = new Map();
  private committing = false;
  private autoCommitTimer: NodeJS.Timeout | null = null;

  constructor(options: ConsumerGroupStreamOptions, topics: string | string[]) {
    super({ objectMode: true, highWaterMark: options.highWaterMark ?? 100 });
    warnOnce(
      'consumer-group-stream.autocommit',
      'ConsumerGroupStream: offsets of the messages read are committed on the auto-commit interval and on close, not before a rebalance',
    );
    this.autoCommit = options.autoCommit ?? true;
    this.consumerGroup = new ConsumerGroup({ ...options, autoCommit: false, connectOnReady: false }, topics);
    this.client = this.consumerGroup.client;
    this.consumerGroup.on('message', (message: Message) => {
      if (!this.push(message)) this.consumerGroup.pause();
    });
    this.consumerGroup.on('connect', () => this.emit('connect'));
    this.consumerGroup.on('error', (error: Error) => this.emit('error', error));
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const message = args[0] as Message | undefined;
    if (event === 'data' && this.autoCommit && message) setImmediate(() => this.commit(message));
    return super.emit(event, ...args);
  }

  override _read(): void {
    if (!this.consumerGroup.ready) this.consumerGroup.connect();
    if (this.consumerGroup.paused) this.consumerGroup.resume();
  }

  /**
   * Queues the offset after `message` (when given) and commits the queue; without `force`, a commit within
   * autoCommitIntervalMs of the previous one is left to the interval's end, as kafka-node does.
   */
  commit(message: Message | null, force?: boolean, cb?: NodeCallback<unknown>): void {
    if (message && message.offset !== undefined && message.offset !== -1) {
      const partitions = this.commitQueue.get(message.topic) ?? new Map<number, number | null>();
      partitions.set(message.partition ?? 0, message.offset + 1);
      this.commitQueue.set(message.topic, partitions);
    }
    if (this.committing && !force) return cb?.(null);
    this.commitQueued(force === true, cb);
  }

  private commitQueued(force: boolean, cb?: NodeCallback<unknown>): void {
    if (!force) {
      this.committing = true;
      this.autoCommitTimer = setTimeout(() => {
        this.committing = false;
        if (commitPayload(this.commitQueue).length > 0) this.commitQueued(false);
      }, this.consumerGroup.options.autoCommitIntervalMs);
    }
    const commits = commitPayload(this.commitQueue);
    if (commits.length === 0) return cb?.(null);
    this.consumerGroup.sendOffsetCommitRequest(commits, (error) => {
      if (error) {
        if (cb) return cb(error);
        this.emit('error', error);
        return;
      }
      for (const { topic, partition, offset } of commits) {
        const partitions = this.commitQueue.get(topic);
        if (partitions?.get(partition) === offset) partitions.set(partition, null);
      }
      cb?.(null);
    });
  }

  transmitMessages(): void {
    this.consumerGroup.resume();
  }

  close(cb?: (error?: Error | null) => void): void {
    if (this.autoCommitTimer) clearTimeout(this.autoCommitTimer);
    const closeGroup = (): void =>
      this.consumerGroup.close(false, () => {
        this.push(null);
        this.emit('close');
        cb?.(null);
      });
    if (!this.autoCommit) return closeGroup();
    this.commit(null, true, (error) => (error ? cb?.(error as Error) : closeGroup()));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.close(() => callback(error));
  }
}
