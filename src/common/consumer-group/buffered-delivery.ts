import { byTopicThenPartition, partitionKey } from '../group-helpers';
import type { ConsumedMessage, MessageBatch, TopicPartitionOffset } from '../types';
import type { GroupSession } from './driver';

/** One assigned partition's fetched-but-unhandled messages, as a push driver keeps them (it may add its own fields). */
export interface BufferedPartition<M> {
  readonly topic: string;
  readonly partition: number;
  /** Fetched, not yet handled, in offset order. */
  queue: M[];
  /** A failed handler is retried from this time on. */
  retryAt: number;
}

/** What the delivery loop needs from a push driver. */
export interface BufferedDeliveryHooks<M> {
  /** A library message as the handler sees it. */
  consumed(message: M): ConsumedMessage;
  highWatermark(message: M): number;
  /** In a live generation: auto-commits may be sent. */
  isMember(): boolean;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Messages left the buffer (handled or dropped): fetching may resume. */
  drained(): void;
  /** The loop found nothing to deliver while active (a chance to restart a stalled fetch loop). */
  idle(): void;
  /** How often an idle, active loop calls idle() even when nothing else happens (Infinity: never). */
  readonly idleCheckMs: number;
}

/**
 * The delivery loop of a push driver (the library emits messages whenever it fetched them): messages wait in a
 * queue per partition; one loop hands them to the handler one at a time (eachMessage; or a partition's queue at once
 * with eachBatch), round-robin over partitions, in offset order within each, skipping paused topics and partitions
 * waiting out a handler failure's backoff. A handled message leaves its queue and moves the partition's position; a
 * failed one stays first in its queue. Auto-commits run between deliveries. Deliveries happen only while `active`
 * (between an assignment and the next rebalance).
 */
export class BufferedDelivery<M, P extends BufferedPartition<M>> {
  /** Deliveries and auto-commits run only while true. */
  active = false;
  private readonly partitions = new Map<string, P>();
  private order: P[] = [];
  private cursor = 0;
  private count = 0;
  /** The partition whose first `count` buffered messages the handler has right now. */
  private delivering: { state: P; count: number } | null = null;
  private loop: Promise<void> | null = null;
  private handling: Promise<void> | null = null;
  private wakeLoop: (() => void) | null = null;
  private wakePending = false;

  constructor(
    private readonly session: GroupSession,
    private readonly hooks: BufferedDeliveryHooks<M>,
  ) {}

  /** Messages buffered now. */
  get buffered(): number {
    return this.count;
  }

  get(topic: string, partition: number): P | undefined {
    return this.partitions.get(partitionKey(topic, partition));
  }

  all(): IterableIterator<P> {
    return this.partitions.values();
  }

  /** `state` is still the current entry of its partition (not replaced by a new assignment). */
  isCurrent(state: P): boolean {
    return this.partitions.get(partitionKey(state.topic, state.partition)) === state;
  }

  /** A new assignment's partitions, empty queues. */
  assign(states: P[]): void {
    this.clear();
    for (const state of states) this.partitions.set(partitionKey(state.topic, state.partition), state);
    this.order = [...states].sort(byTopicThenPartition);
    this.cursor = 0;
  }

  /** Forgets every partition and its buffered messages. */
  clear(): void {
    this.partitions.clear();
    this.order = [];
    this.setCount(0);
  }

  push(state: P, message: M): void {
    state.queue.push(message);
    this.setCount(this.count + 1);
    this.wake();
  }

  /**
   * Empties a partition's queue, except (unless `all`) the messages the handler is working on; returns what went.
   */
  drop(state: P, all: boolean): M[] {
    const keep = !all && this.delivering?.state === state ? this.delivering.count : 0;
    const dropped = state.queue.slice(keep);
    state.queue = state.queue.slice(0, keep);
    this.setCount(this.count - dropped.length);
    return dropped;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Ends the loop after the handler in progress; never rejects. */
  async stop(): Promise<void> {
    this.active = false;
    this.wake();
    if (this.loop) await this.loop;
  }

  /** Resolves once the handler in progress (if any) returned. */
  async settled(): Promise<void> {
    if (this.handling) await this.handling;
  }

  wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = null;
    // A wake-up while the loop is busy elsewhere (an auto-commit, say) is kept for its next idle(): close() called
    // then would otherwise leave the loop idling with no timer, and close() waiting on it for ever.
    if (wake) wake();
    else this.wakePending = true;
  }

  private setCount(count: number): void {
    this.count = count;
    this.session.countBuffered(count);
  }

  private async run(): Promise<void> {
    while (this.session.running) {
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
        this.hooks.idle();
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
    for (const state of this.order)
      if (state.queue.length > 0 && state.retryAt > now) until = Math.min(until, state.retryAt);
    if (this.active) until = Math.min(until, this.session.offsets.autoCommitDueAt(now), now + this.hooks.idleCheckMs);
    return new Promise<void>((resolve) => {
      const timer = until === Infinity ? null : setTimeout(() => this.wake(), Math.max(1, until - now));
      this.wakeLoop = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }

  private nextDeliverable(): P | null {
    if (!this.active || !this.session.running) return null;
    const count = this.order.length;
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const state = this.order[(this.cursor + i) % count]!;
      if (state.queue.length > 0 && state.retryAt <= now && !this.session.subscription.isPaused(state.topic)) {
        this.cursor = (this.cursor + i + 1) % count;
        return state;
      }
    }
    return null;
  }

  private async deliver(state: P): Promise<void> {
    const { handler } = this.session;
    const messages = handler.batches ? [...state.queue] : [state.queue[0]!];
    const last = messages[messages.length - 1]!;
    this.delivering = { state, count: messages.length };
    let failure;
    try {
      if (handler.batches) {
        const batch: MessageBatch = {
          topic: state.topic,
          partition: state.partition,
          highWatermark: this.hooks.highWatermark(last),
          messages: messages.map((message) => this.hooks.consumed(message)),
        };
        failure = await handler.runBatch(batch);
      } else {
        failure = await handler.runMessage(this.hooks.consumed(last));
      }
    } finally {
      this.delivering = null;
    }
    if (failure) {
      state.retryAt = Date.now() + failure.retryInMs;
      return;
    }
    // seek() or a revocation replaced this partition's buffer meanwhile: the handled messages are no longer its head.
    if (state.queue[0] !== messages[0] || !this.isCurrent(state)) return;
    state.queue.splice(0, messages.length);
    this.setCount(this.count - messages.length);
    this.session.offsets.moved(state.topic, state.partition, this.hooks.consumed(last).offset + 1);
    state.retryAt = 0;
    this.hooks.drained();
    if (this.active) await this.autoCommitIfDue();
  }

  private async autoCommitIfDue(): Promise<void> {
    if (!this.hooks.isMember()) return;
    await this.session.offsets.autoCommitIfDue(
      (offsets) => this.hooks.commit(offsets),
      (error) => this.session.emitError(error),
    );
  }
}
