import type { TopicPartition } from './types';

/** Small pieces both consumer-group implementations need; they hold no library-specific logic. */

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections are awaited later (or deliberately dropped); never let one count as unhandled in between.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A map key for one partition of one topic. */
export function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

export function byTopicThenPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
