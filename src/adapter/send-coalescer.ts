/**
 * kafka-node programs often fire many `send`s without waiting for their callbacks; kafka-node turns each into a
 * produce request of its own. The sends to one partition (same topic, acks, timeout and compression) that reach the
 * common producer in the same tick (before any I/O or timer runs) are sent here as one request instead, and each send gets its
 * own share of the answer: the base offset of its first message (the merged batch's base offset plus the messages
 * queued before it), or the merged request's error. Only single-partition sends are merged, so an error still
 * reaches exactly the sends that wrote to the failing partition, as it would have one request each; messages keep
 * their order. A merged request stays under MAX_MERGED_BYTES so that merging never makes a request too large for
 * the broker when each send alone fits.
 */
import type { OutgoingMessage, PartitionBaseOffset, Producer, SendRequest } from '../common/types';

const MAX_MERGED_BYTES = 256 * 1024;

type Target = Pick<Producer, 'send'>;

interface Share {
  /** Messages of the merged request queued before this send's first. */
  start: number;
  resolve(offsets: PartitionBaseOffset[]): void;
  reject(error: unknown): void;
}

interface Merged {
  target: Target;
  /** Until a second send joins, the first send's own request (its messages array is not copied). */
  request: SendRequest & { messages: readonly OutgoingMessage[] };
  /** The messages array is the merge's own (copied when a second send joined), so more may be appended. */
  ownsMessages: boolean;
  partition: number;
  /** Key and value bytes so far; counted when a second send joins (a lone send is never measured). */
  bytes: number | undefined;
  shares: Share[];
}

function sizeOf(value: OutgoingMessage['value'] | OutgoingMessage['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

function bytesOf(messages: readonly OutgoingMessage[]): number {
  let bytes = 0;
  for (const message of messages) bytes += sizeOf(message.value) + sizeOf(message.key);
  return bytes;
}

/** The one partition every message names, if they all name the same one and would pass the common checks. */
function singlePartition(messages: readonly OutgoingMessage[]): number | undefined {
  const partition = messages[0]?.partition;
  if (partition === undefined) return undefined;
  for (const message of messages) {
    if (message.partition !== partition || message.headers !== undefined) return undefined;
    // A message the common producer would refuse is sent alone, so that the refusal stays its own send's.
    if (message.timestamp !== undefined && !(Number.isSafeInteger(message.timestamp) && message.timestamp >= 0))
      return undefined;
  }
  return partition;
}

export class SendCoalescer {
  private readonly open = new Map<string, Merged>();
  private flushScheduled = false;

  /** Resolves with this send's own base offsets, as `target.send(request)` alone would. */
  send(target: Target, request: SendRequest): Promise<PartitionBaseOffset[]> {
    const partition = singlePartition(request.messages);
    if (partition === undefined) return target.send(request);
    const id = `${request.topic}\u0000${partition}\u0000${request.acks}\u0000${request.timeoutMs}\u0000${request.compression}`;
    let merged = this.open.get(id);
    let share: Share;
    if (merged) {
      const bytes = bytesOf(request.messages);
      merged.bytes ??= bytesOf(merged.request.messages);
      if (merged.target !== target || merged.bytes + bytes > MAX_MERGED_BYTES) {
        this.open.delete(id);
        this.dispatch(merged);
        merged = undefined;
      } else {
        if (!merged.ownsMessages) {
          merged.request = { ...merged.request, messages: [...merged.request.messages] };
          merged.ownsMessages = true;
        }
        share = { start: merged.request.messages.length } as Share;
        const messages = merged.request.messages as OutgoingMessage[];
        for (const message of request.messages) messages.push(message);
        merged.bytes += bytes;
      }
    }
    if (!merged) {
      // The send's own request, uncopied, until another joins it: most sends are alone in their tick.
      merged = { target, request, ownsMessages: false, partition, bytes: undefined, shares: [] };
      share = { start: 0 } as Share;
      this.open.set(id, merged);
      this.scheduleFlush();
    }
    const joined = merged;
    return new Promise((resolve, reject) => {
      share.resolve = resolve;
      share.reject = reject;
      joined.shares.push(share);
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the microtask queue has drained: sends fired together in one tick reach this point after a few awaits of
    // their own, all within that drain (no I/O in between); a lone awaited send waits for no event-loop turn.
    process.nextTick(() => {
      this.flushScheduled = false;
      const all = [...this.open.values()];
      this.open.clear();
      for (const merged of all) this.dispatch(merged);
    });
  }

  private dispatch(merged: Merged): void {
    const { topic } = merged.request;
    merged.target.send(merged.request).then(
      (offsets) => {
        const base = offsets.find((o) => o.topic === topic && o.partition === merged.partition)?.baseOffset ?? -1;
        for (const share of merged.shares) {
          // acks=0 (-1): the broker said nothing, for any share.
          share.resolve([{ topic, partition: merged.partition, baseOffset: base < 0 ? base : base + share.start }]);
        }
      },
      (error: unknown) => {
        for (const share of merged.shares) share.reject(error);
      },
    );
  }
}
