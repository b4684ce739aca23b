/**
 * kafka-node's CommitStream (ConsumerStream#createCommitStream): a Transform of messages that tracks the next offset
 * per partition and commits them under the group id, every autoCommitMsgCount messages and every autoCommitIntervalMs;
 * it passes messages on only once something reads from it (`data` listener or pipe), as kafka-node's does.
 */
import { Transform, type TransformCallback } from 'stream';
import type { TopicPartitionOffset } from '../common/types';
import type { Message } from './types';
import { outsidePromise } from './client';

export interface CommitStreamOptions {
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  autoCommitMsgCount?: number;
  passthrough?: boolean;
  highWaterMark?: number;
}

const DEFAULTS = { autoCommit: true, autoCommitIntervalMs: 5000, autoCommitMsgCount: 100, passthrough: false };

type Commit = (offsets: TopicPartitionOffset[]) => Promise<void>;

export class CommitStream extends Transform {
  readonly options: Required<Omit<CommitStreamOptions, 'highWaterMark'>>;
  readonly groupId: string;
  topicPartionOffsets: Array<{ topic: string; partition: number; offset: number; metadata: string }>;
  committing = false;
  private messageCount = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly commitOffsets: Commit,
    topics: ReadonlyArray<{ topic: string; partition?: number; offset?: number } | string>,
    groupId: string,
    options: CommitStreamOptions = {},
  ) {
    super({ objectMode: true, highWaterMark: options.highWaterMark });
    this.options = { ...DEFAULTS, ...options } as CommitStream['options'];
    this.groupId = groupId;
    this.topicPartionOffsets = topics.map((t) => {
      const p = typeof t === 'object' ? t : { topic: t };
      return { topic: p.topic, partition: p.partition || 0, offset: p.offset || 0, metadata: 'm' };
    });
    this.timer =
      this.options.autoCommit && this.options.autoCommitIntervalMs
        ? setInterval(() => this.commit(), this.options.autoCommitIntervalMs)
        : null;
    this.timer?.unref();
  }

  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    if (event === 'data') this.options.passthrough = true;
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.options.passthrough = true;
    return super.pipe(destination, options);
  }

  override _transform(message: Message, _encoding: BufferEncoding, done: TransformCallback): void {
    const tracked = this.topicPartionOffsets.find(
      (p) => p.topic === message.topic && p.partition === message.partition,
    );
    if (tracked && typeof message.offset === 'number') tracked.offset = message.offset === -1 ? 0 : message.offset + 1;
    this.messageCount += 1;
    const finish = (): void => (this.options.passthrough ? done(null, message) : done());
    if (this.options.autoCommit && this.messageCount === this.options.autoCommitMsgCount) {
      this.messageCount = 0;
      this.commit(finish);
      return;
    }
    finish();
  }

  clearInterval(): void {
    if (this.timer) clearInterval(this.timer);
  }

  commit(cb: (error: Error | null, result?: unknown) => void = () => undefined): void {
    if (this.committing) return cb(null, 'Commit in progress');
    const commits = this.topicPartionOffsets.filter((p) => p.offset !== 0);
    if (commits.length === 0) return cb(null, 'Nothing to be committed');
    this.committing = true;
    this.commitOffsets(commits.map(({ topic, partition, offset }) => ({ topic, partition, offset }))).then(
      () => {
        this.committing = false;
        outsidePromise(() => this.emit('commitComplete', { group: this.groupId, commits }));
        outsidePromise(() => cb(null));
      },
      (error: Error) => {
        this.committing = false;
        outsidePromise(() => cb(error));
      },
    );
  }
}
