/**
 * What a partition leader remembers about the idempotent and transactional producers writing to it, as Kafka's
 * ProducerStateManager does: per producer id the current epoch and the sequence ranges of its last five batches
 * (a retry of any of those is answered with the original offsets instead of being written twice), the first offset
 * of each open transaction (the last stable offset stops before the earliest one), and the aborted transactions that
 * read_committed fetchers must skip.
 *
 * The state is rebuilt from the batch headers whenever a persisted log is reopened, so it needs no file of its own.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { RecordBatchHeader } from '../../protocol/record-batch';

/** Kafka keeps this many batches per producer for duplicate detection (max.in.flight.requests.per.connection <= 5). */
export const RETAINED_BATCHES_PER_PRODUCER = 5;
const MAX_SEQUENCE = 0x7fffffff;

interface BatchSequence {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchSequence[];
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export type ProducerAppendCheck =
  | { outcome: 'append' }
  | { outcome: 'duplicate'; baseOffset: number; lastOffset: number }
  | { outcome: 'reject'; errorCode: number; message: string };

function nextSequence(sequence: number): number {
  return sequence === MAX_SEQUENCE ? 0 : sequence + 1;
}

function lastSequenceOf(header: RecordBatchHeader): number {
  const last = header.baseSequence + header.lastOffsetDelta;
  return last > MAX_SEQUENCE ? last - MAX_SEQUENCE - 1 : last;
}

export class PartitionProducerState {
  private readonly producers = new Map<number, ProducerEntry>();
  private readonly aborted: AbortedTransaction[] = [];
  /** First offset of each open transaction by producer id (few at a time, unlike producers): what the LSO reads. */
  private readonly openTransactions = new Map<number, number>();

  /**
   * Whether a produced batch may be appended (answers before any write): data batches without a producer id always
   * may; others must carry the producer's current epoch (or a newer one starting at sequence 0) and the sequence
   * right after its last batch. A repeat of one of the last five batches is a duplicate. The first batch of a
   * producer unknown here may carry any sequence.
   */
  check(header: RecordBatchHeader): ProducerAppendCheck {
    if (header.producerId < 0) return { outcome: 'append' };
    const entry = this.producers.get(header.producerId);
    const firstSequence = header.baseSequence;
    // A producer this partition has no state for may start anywhere, as Kafka accepts (its state may have expired).
    if (!entry) return { outcome: 'append' };
    if (header.producerEpoch < entry.epoch) {
      return reject(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${header.producerId} epoch ${header.producerEpoch} is older than the current epoch ${entry.epoch}`,
      );
    }
    if (header.producerEpoch > entry.epoch || entry.batches.length === 0) {
      if (firstSequence !== 0) {
        return reject(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `producer ${header.producerId} epoch ${header.producerEpoch} must start at sequence 0, not ${firstSequence}`,
        );
      }
      return { outcome: 'append' };
    }
    const lastSequence = lastSequenceOf(header);
    const duplicate = entry.batches.find((b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence);
    if (duplicate) return { outcome: 'duplicate', baseOffset: duplicate.baseOffset, lastOffset: duplicate.lastOffset };
    const expected = nextSequence(entry.batches[entry.batches.length - 1]!.lastSequence);
    if (firstSequence !== expected) {
      return reject(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `producer ${header.producerId}: expected sequence ${expected}, got ${firstSequence}`,
      );
    }
    return { outcome: 'append' };
  }

  /** Updates the state after a batch (data or marker) went into the log at baseOffset..lastOffset. */
  appended(header: RecordBatchHeader, baseOffset: number, lastOffset: number, firstRecordKeyType: number | null): void {
    if (header.producerId < 0) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) {
      entry = { epoch: header.producerEpoch, batches: [] };
      this.producers.set(header.producerId, entry);
    }
    if (header.control) {
      const firstOffset = this.openTransactions.get(header.producerId);
      if (firstOffset !== undefined && firstRecordKeyType === 0) {
        this.aborted.push({ producerId: header.producerId, firstOffset, lastOffset: baseOffset });
      }
      this.openTransactions.delete(header.producerId);
      return;
    }
    if (header.transactional && !this.openTransactions.has(header.producerId))
      this.openTransactions.set(header.producerId, baseOffset);
    entry.batches.push({
      firstSequence: header.baseSequence,
      lastSequence: lastSequenceOf(header),
      baseOffset,
      lastOffset,
    });
    if (entry.batches.length > RETAINED_BATCHES_PER_PRODUCER) entry.batches.shift();
  }

  /** Earliest first offset of an open transaction, or null when none is open. */
  firstUnstableOffset(): number | null {
    let first: number | null = null;
    for (const offset of this.openTransactions.values()) if (first === null || offset < first) first = offset;
    return first;
  }

  /** Producers with a transaction open on this partition, with their current epoch. */
  producersWithOpenTransactions(): { producerId: number; producerEpoch: number }[] {
    return [...this.openTransactions.keys()].map((producerId) => ({
      producerId,
      producerEpoch: this.producers.get(producerId)?.epoch ?? 0,
    }));
  }

  /** Aborted transactions overlapping [fetchOffset, upperBound): what a read_committed Fetch response lists. */
  abortedBetween(fetchOffset: number, upperBound: number): AbortedTransaction[] {
    return this.aborted.filter((t) => t.lastOffset >= fetchOffset && t.firstOffset < upperBound);
  }

  /** Current epoch of a producer on this partition, or -1 when it never wrote here. */
  epochOf(producerId: number): number {
    return this.producers.get(producerId)?.epoch ?? -1;
  }
}

function reject(errorCode: number, message: string): ProducerAppendCheck {
  return { outcome: 'reject', errorCode, message };
}
