import { partitionKey } from '../group-helpers';
import type { TopicPartitionOffset } from '../types';

/**
 * What this member may fetch, independent of any client library: topics the user paused, assigned partitions held
 * until their start position is settled (or while it is being reset), partitions stopped after an out-of-range
 * answer with outOfRangeOffset 'none' (until seek() or a new assignment), and seeks asked for before their partition
 * was assigned and live.
 */
export class SubscriptionState {
  private readonly pausedTopics = new Set<string>();
  private readonly held = new Set<string>();
  private readonly outOfRange = new Set<string>();
  private readonly pendingSeeks = new Map<string, TopicPartitionOffset>();

  pause(topics: readonly string[]): void {
    for (const topic of topics) this.pausedTopics.add(topic);
  }

  resume(topics: readonly string[]): void {
    for (const topic of topics) this.pausedTopics.delete(topic);
  }

  isPaused(topic: string): boolean {
    return this.pausedTopics.has(topic);
  }

  hold(topic: string, partition: number): void {
    this.held.add(partitionKey(topic, partition));
  }

  /** Ends a hold; false if the partition was not held. */
  release(topic: string, partition: number): boolean {
    return this.held.delete(partitionKey(topic, partition));
  }

  isHeld(topic: string, partition: number): boolean {
    return this.held.has(partitionKey(topic, partition));
  }

  markOutOfRange(topic: string, partition: number): void {
    this.outOfRange.add(partitionKey(topic, partition));
  }

  /** Ends an out-of-range stop; false if the partition was not stopped. */
  clearOutOfRange(topic: string, partition: number): boolean {
    return this.outOfRange.delete(partitionKey(topic, partition));
  }

  isOutOfRange(topic: string, partition: number): boolean {
    return this.outOfRange.has(partitionKey(topic, partition));
  }

  /** Neither its topic paused, nor held, nor stopped out of range. */
  fetchable(topic: string, partition: number): boolean {
    const key = partitionKey(topic, partition);
    return !this.pausedTopics.has(topic) && !this.held.has(key) && !this.outOfRange.has(key);
  }

  /** The partitions of a (not paused) topic that must not be fetched: held or out of range. */
  stoppedPartitions(topic: string): number[] {
    const stopped: number[] = [];
    for (const key of new Set([...this.held, ...this.outOfRange])) {
      const colon = key.indexOf(':');
      if (key.slice(colon + 1) === topic) stopped.push(Number(key.slice(0, colon)));
    }
    return stopped;
  }

  /** A new assignment starts from scratch: no holds, no out-of-range stops (pending seeks and paused topics stay). */
  clearPartitionStops(): void {
    this.held.clear();
    this.outOfRange.clear();
  }

  deferSeek(position: TopicPartitionOffset): void {
    const { topic, partition, offset } = position;
    this.pendingSeeks.set(partitionKey(topic, partition), { topic, partition, offset });
  }

  /** The seek asked for this partition before it was live, if any (and forgets it). */
  takeSeek(topic: string, partition: number): TopicPartitionOffset | undefined {
    const key = partitionKey(topic, partition);
    const seek = this.pendingSeeks.get(key);
    this.pendingSeeks.delete(key);
    return seek;
  }
}
