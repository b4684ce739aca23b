import type { BufferedDelivery, BufferedPartition, GroupSession } from '../common/consumer-group';
import { kafkaNode, type KafkaNodeConsumerGroup, type KafkaNodeMessage } from './kafka-node';

/** Fetches sized to the buffer's room never ask for less than this per partition. */
const MIN_FETCH_BYTES = 64 * 1024;
/** A message set entry's bytes besides key and value (offset, size, crc, magic, attributes, timestamp, lengths). */
const MESSAGE_OVERHEAD_BYTES = 34;

/**
 * One assigned partition's buffer plus what fetching it needs. Its position is in the session's OffsetTracker; its
 * 'none' out-of-range stop and its reset (outOfRangeOffset earliest/latest: the offset is being looked up, shown as
 * a hold) in the session's SubscriptionState.
 */
export interface PartitionState extends BufferedPartition<KafkaNodeMessage> {
  /** Fetching must restart here once the fetch in flight is done; until then its messages for this partition are dropped. */
  refetchFrom: number | null;
  /** Average and largest size of this partition's messages on the wire (0 until one arrived). */
  averageBytes: number;
  largestBytes: number;
  /** The fetch in flight asked for less than maxBytesPerPartition / at least one message arrived from it. */
  sizedDown: boolean;
  received: boolean;
  /** A sized-down fetch brought nothing (maybe the next message is larger): ask for the full size next time. */
  fullSizeNext: boolean;
}

export function newPartitionState(topic: string, partition: number): PartitionState {
  return {
    topic,
    partition,
    queue: [],
    retryAt: 0,
    refetchFrom: null,
    averageBytes: 0,
    largestBytes: 0,
    sizedDown: false,
    received: false,
    fullSizeNext: false,
  };
}

/**
 * kafka-node's fetch loop, limited to what the member wants now: only assigned partitions not paused, held or out of
 * range, nothing while the buffer holds maxBufferedMessages (until the handler drained it to half), each fetch sized
 * to about what fits. Messages that do not fit (or arrive for a paused topic) are dropped and fetched again.
 */
export class KafkaNodeFetcher {
  private readonly resumeAt: number;
  private blocked = false;

  constructor(
    private readonly session: GroupSession,
    private readonly delivery: BufferedDelivery<KafkaNodeMessage, PartitionState>,
    private readonly maxBuffered: number,
    private readonly group: () => KafkaNodeConsumerGroup | null,
  ) {
    this.resumeAt = Math.floor(maxBuffered / 2);
  }

  /** Puts this fetcher in kafka-node's place: its fetch(), its 'message' and 'done' events. */
  attach(group: KafkaNodeConsumerGroup): void {
    const fetch = kafkaNode.ConsumerGroup.prototype.fetch;
    group.fetch = () => this.fetchWanted(group, fetch);
    group.on('message', (message: KafkaNodeMessage) => this.onMessage(message));
    // After kafka-node's own 'done' listener (registered in its constructor), which advanced the fetch positions.
    group.on('done', () => this.onFetchDone(group));
  }

  /** A new assignment: the buffer is empty. */
  reset(): void {
    this.blocked = false;
  }

  /** kafka-node's fetch, for the partitions this member wants fetched right now only. */
  private fetchWanted(group: KafkaNodeConsumerGroup, fetch: () => void): void {
    if (!this.session.running || !this.delivery.active || this.blocked || group._isFetchPending) return;
    // A failed fetch ends without 'done': positions waiting for one are applied before the next fetch instead.
    this.onFetchDone(group);
    const all = group.topicPayloads;
    const wanted = all.filter((payload) => this.fetchable(payload.topic, Number(payload.partition)));
    // An empty fetch never completes in kafka-node (no 'done'), which would stop its fetch loop for good.
    if (wanted.length === 0) return;
    const room = Math.max(1, this.maxBuffered - this.delivery.buffered) / wanted.length;
    const sized = wanted.map((payload) => {
      const state = this.delivery.get(payload.topic, Number(payload.partition))!;
      return { state, payload: { ...payload, maxBytes: this.fetchBytes(state, room) } };
    });
    group.topicPayloads = sized.map(({ payload }) => payload);
    try {
      fetch.call(group);
    } finally {
      group.topicPayloads = all;
    }
    // kafka-node may have declined (not ready, rebalancing): only a fetch actually sent is judged by its result.
    if (!group._isFetchPending) return;
    for (const { state, payload } of sized) {
      state.sizedDown = payload.maxBytes < this.session.config.maxBytesPerPartition;
      state.received = false;
    }
  }

  /**
   * How much to fetch for a partition: about what fits in the buffer's room (kafka-node decodes a whole response at
   * once, so fetching far more than fits only makes garbage), never below MIN_FETCH_BYTES or twice its largest
   * message (MIN_FETCH_BYTES while nothing is known), and the full maxBytesPerPartition after a smaller fetch brought
   * nothing (the next message may be larger).
   */
  private fetchBytes(state: PartitionState, roomInMessages: number): number {
    const full = this.session.config.maxBytesPerPartition;
    if (state.fullSizeNext) return full;
    const floor = Math.min(full, Math.max(MIN_FETCH_BYTES, 2 * state.largestBytes));
    if (state.averageBytes === 0) return floor;
    return Math.min(full, Math.max(floor, Math.ceil(roomInMessages * state.averageBytes * 1.25)));
  }

  private fetchable(topic: string, partition: number): boolean {
    return this.delivery.get(topic, partition) !== undefined && this.session.subscription.fetchable(topic, partition);
  }

  kick(): void {
    const group = this.group();
    if (group && this.session.running && this.delivery.active) group.fetch();
  }

  private onMessage(message: KafkaNodeMessage): void {
    if (!this.session.running || !this.delivery.active) return;
    const state = this.delivery.get(message.topic, Number(message.partition));
    if (!state) return;
    state.received = true;
    if (state.refetchFrom !== null) return;
    const { subscription } = this.session;
    if (
      this.delivery.buffered >= this.maxBuffered ||
      subscription.isPaused(state.topic) ||
      subscription.isOutOfRange(state.topic, state.partition)
    ) {
      state.refetchFrom = Number(message.offset);
      this.session.countDropped(1);
      return;
    }
    const bytes = (message.key?.length ?? 0) + (message.value?.length ?? 0) + MESSAGE_OVERHEAD_BYTES;
    state.averageBytes = state.averageBytes === 0 ? bytes : state.averageBytes * 0.9 + bytes * 0.1;
    state.largestBytes = Math.max(state.largestBytes, bytes);
    this.delivery.push(state, message);
    if (this.delivery.buffered >= this.maxBuffered) this.blocked = true;
  }

  private onFetchDone(group: KafkaNodeConsumerGroup): void {
    if (group._isFetchPending) return;
    for (const state of this.delivery.all()) {
      if (state.sizedDown) state.fullSizeNext = !state.received;
      state.sizedDown = false;
      if (state.refetchFrom === null) continue;
      this.moveFetchPosition(group, state, state.refetchFrom);
      state.refetchFrom = null;
    }
  }

  moveFetchPosition(group: KafkaNodeConsumerGroup, state: PartitionState, offset: number): void {
    group.setOffset(state.topic, state.partition, offset);
    // kafka-node drops fetched messages below payloadMap: keep it equal to the position it fetches from.
    (group.payloadMap[state.topic] ??= {})[String(state.partition)] = offset;
  }

  /** Fetching for `state` continues at `offset`: now, or when the fetch in flight (whose data is stale) is done. */
  fetchFrom(state: PartitionState, offset: number): void {
    const group = this.group();
    if (!group) return;
    if (group._isFetchPending) {
      state.refetchFrom = offset;
    } else {
      state.refetchFrom = null;
      this.moveFetchPosition(group, state, offset);
    }
  }

  /**
   * Drops what is buffered for a partition and fetches again from its first dropped message, or from `from` (seek:
   * then the messages the handler is working on go too, as the position moves past them).
   */
  drop(state: PartitionState, from?: number): void {
    const dropped = this.delivery.drop(state, from !== undefined);
    const offset = from ?? (dropped[0] ? Number(dropped[0].offset) : undefined);
    if (offset !== undefined) this.fetchFrom(state, offset);
  }

  maybeUnblock(): void {
    if (this.blocked && this.delivery.buffered <= this.resumeAt) {
      this.blocked = false;
      this.kick();
    }
  }

  /**
   * A message larger than a sized-down fetch makes kafka-node report MessageSizeTooLarge. That partition got nothing,
   * so its next fetch asks for the full size (onFetchDone): only an error from a full-size fetch is real.
   */
  causedBySizedDownFetch(error: unknown): boolean {
    if ((error as { name?: unknown } | null)?.name !== 'MessageSizeTooLarge') return false;
    const where = /on topic (.+) partition (\d+) at fetch offset/.exec(
      String((error as { message?: unknown }).message),
    );
    const state = where ? this.delivery.get(where[1]!, Number(where[2])) : undefined;
    return state !== undefined && state.sizedDown;
  }
}
