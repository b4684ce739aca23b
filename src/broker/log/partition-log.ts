/**
 * The log of one partition, stored as Kafka 3+ stores it: magic-2 record batches back to back, each keeping the bytes
 * its producer sent (compression included) with only baseOffset and partitionLeaderEpoch assigned by the broker, both
 * outside the CRC. A modern Fetch is served straight from those bytes; nothing on the produce or fetch path decodes a
 * record unless a conversion to an older format is needed.
 *
 * Memory: batches are copied into large shared chunks, so consecutive batches are usually one contiguous view and a
 * fetch of many batches is a handful of buffers. The whole log stays in memory (an embedded broker for development
 * and tests), also when persisted.
 *
 * Persistence (directory set): one segment file, `00000000000000000000.log` as Kafka names its first segment, in the
 * partition directory. Each batch is written to it synchronously before the append returns, so an acknowledged
 * produce survives a crash of the process (Kafka's default too: it leaves fsync to the OS). On open the file is scanned
 * and every batch checked (size, magic, CRC-32C, offsets); a torn or corrupt tail is truncated, as Kafka's log recovery
 * does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LOG_OVERHEAD, type DecodedBatch } from '../../protocol/records';
import { ControlRecordType, controlRecordType, encodeTransactionMarker } from '../../protocol/control-records';
import { PartitionProducerState, type AbortedTransaction, type ProducerAppendCheck } from '../txn/producer-state';
import {
  RECORD_BATCH_HEADER_SIZE,
  RECORD_BATCH_MAGIC,
  decodeRecordBatchAt,
  readRecordBatchHeader,
  recordBatchCrcMatches,
  type RecordBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
} from '../../protocol/record-batch';

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  /** Directory for this partition's segment file; null keeps the log in memory. */
  directory: string | null;
}

export interface AppendOptions {
  /** The partition's leader epoch, written into the batch as Kafka's leader does. */
  leaderEpoch?: number;
  /** Set for topics with message.timestamp.type=LogAppendTime: the batch's timestamps become this time. */
  logAppendTime?: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** One stored batch: where its bytes are and what the index needs. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly codec: number;
  readonly chunk: Buffer;
  readonly position: number;
  readonly size: number;
}

export interface LogRead {
  /** Views of the stored bytes, whole batches only; contiguous batches share one view. */
  chunks: Buffer[];
  sizeInBytes: number;
  batches: StoredBatch[];
  /** True when nothing was returned because the first batch alone is larger than the limit. */
  firstBatchTooLarge: boolean;
}

export class KafkaStorageError extends Error {
  override readonly name = 'KafkaStorageError';
}

export const SEGMENT_FILE_NAME = '00000000000000000000.log';
const CHUNK_SIZE = 1024 * 1024;
/** Batches above this get a buffer of their own instead of wasting the rest of a chunk. */
const OWN_BUFFER_THRESHOLD = CHUNK_SIZE / 4;

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  /** baseOffsets[i] === batches[i].baseOffset, kept apart so the binary search touches one flat array. */
  private readonly baseOffsets: number[] = [];
  /** Bytes stored before batch i (prefix sums), so "bytes available from offset X" is one subtraction. */
  private readonly bytesBefore: number[] = [];
  /** Largest max timestamp of batches 0..i: monotonic, so a timestamp lookup is a binary search, like Kafka's time index. */
  private readonly runningMaxTimestamps: number[] = [];
  private totalBytes = 0;
  private endOffset = 0;
  private startOffset = 0;
  private lastAppendWallClock = 0;
  private chunk: Buffer | null = null;
  private chunkUsed = 0;
  private fd: number | null = null;
  private fileSize = 0;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  private readonly producers = new PartitionProducerState();
  /** Bytes cut from a torn or corrupt segment tail when the log was opened, and why. */
  truncatedOnOpen = 0;
  truncationReason: string | null = null;

  private constructor(readonly options: PartitionLogOptions) {}

  static open(options: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(options);
    if (options.directory) log.load(options.directory);
    return log;
  }

  get topic(): string {
    return this.options.topic;
  }

  get partition(): number {
    return this.options.partition;
  }

  /** Offset of the first record still in the log. */
  get logStartOffset(): number {
    return this.startOffset;
  }

  /** Offset the next record gets. */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Replication is simulated with one shared log, so every in-sync replica has everything: HW = LEO. */
  get highWatermark(): number {
    return this.endOffset;
  }

  /** Where read_committed readers stop: the first offset of the earliest open transaction, else the high watermark. */
  get lastStableOffset(): number {
    return this.producers.firstUnstableOffset() ?? this.highWatermark;
  }

  /** Whether a produced batch may be appended, given its producer's epoch and sequence (see PartitionProducerState). */
  checkProducerAppend(header: RecordBatchHeader): ProducerAppendCheck {
    return this.producers.check(header);
  }

  /** Aborted transactions a read_committed fetch of [fetchOffset, upperBound) must be told about. */
  abortedTransactions(fetchOffset: number, upperBound: number): AbortedTransaction[] {
    return this.producers.abortedBetween(fetchOffset, upperBound);
  }

  /** The producer's epoch as this partition last saw it (-1: never wrote here). */
  producerEpoch(producerId: number): number {
    return this.producers.epochOf(producerId);
  }

  get sizeInBytes(): number {
    return this.totalBytes;
  }

  get batchCount(): number {
    return this.batches.length;
  }

  /**
   * Appends one validated magic-2 batch: copies it, assigns offsets from the log end, and (when persistent) writes it to
   * the segment file before returning.
   */
  append(batch: Buffer, options: AppendOptions = {}): AppendResult {
    if (this.closed) throw new KafkaStorageError(`log of ${this.topic}-${this.partition} is closed`);
    const size = batch.length;
    const header = readRecordBatchHeader(batch, 0);
    const baseOffset = this.endOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    const { chunk, position } = this.allocate(size);
    batch.copy(chunk, position);
    setBaseOffset(chunk, position, baseOffset);
    if (options.leaderEpoch !== undefined) setPartitionLeaderEpoch(chunk, position, options.leaderEpoch);
    let maxTimestamp = header.maxTimestamp;
    if (options.logAppendTime !== undefined) {
      setLogAppendTime(chunk, position, size, options.logAppendTime);
      maxTimestamp = options.logAppendTime;
    }
    if (this.fd !== null) this.writeToSegment(chunk, position, size);
    this.chunkUsed = chunk === this.chunk ? position + size : this.chunkUsed;
    this.index({ baseOffset, lastOffset, maxTimestamp, codec: header.codec, chunk, position, size }, header);
    this.lastAppendWallClock = Date.now();
    for (const listener of this.listeners) listener();
    return { baseOffset, lastOffset };
  }

  private allocate(size: number): { chunk: Buffer; position: number } {
    if (size > OWN_BUFFER_THRESHOLD) return { chunk: Buffer.allocUnsafe(size), position: 0 };
    if (this.chunk === null || this.chunkUsed + size > this.chunk.length) {
      this.chunk = Buffer.allocUnsafe(CHUNK_SIZE);
      this.chunkUsed = 0;
    }
    return { chunk: this.chunk, position: this.chunkUsed };
  }

  private index(batch: StoredBatch, header: RecordBatchHeader): void {
    const previousMax = this.runningMaxTimestamps[this.runningMaxTimestamps.length - 1] ?? -1;
    this.batches.push(batch);
    this.baseOffsets.push(batch.baseOffset);
    this.bytesBefore.push(this.totalBytes);
    this.runningMaxTimestamps.push(Math.max(previousMax, batch.maxTimestamp));
    this.totalBytes += batch.size;
    this.endOffset = batch.lastOffset + 1;
    if (header.producerId >= 0) {
      const markerType = header.control ? controlRecordType(this.decode(batch).records[0]?.key ?? null) : null;
      this.producers.appended(header, batch.baseOffset, batch.lastOffset, markerType);
    }
  }

  private writeToSegment(chunk: Buffer, position: number, size: number): void {
    try {
      let written = 0;
      while (written < size) written += fs.writeSync(this.fd!, chunk, position + written, size - written);
      this.fileSize += size;
    } catch (error) {
      // Leave no half batch behind: the next open would cut it anyway, but later appends would follow it.
      try {
        fs.ftruncateSync(this.fd!, this.fileSize);
      } catch {
        // The original failure is the one worth reporting.
      }
      throw new KafkaStorageError(`cannot write ${this.topic}-${this.partition}: ${(error as Error).message}`);
    }
  }

  /** Index of the batch holding `offset` (or the first one after it), -1 when offset >= log end. */
  batchIndexFor(offset: number): number {
    if (offset >= this.endOffset || this.batches.length === 0) return -1;
    const offsets = this.baseOffsets;
    let low = 0;
    let high = offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (offsets[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    if (offsets[low]! > offset) return low;
    return this.batches[low]!.lastOffset >= offset ? low : low + 1 < offsets.length ? low + 1 : -1;
  }

  /**
   * Bytes of whole batches from the one holding `offset` up to `endOffset` (default: the log end): what a Fetch
   * long-poll measures.
   */
  bytesAvailableFrom(offset: number, endOffset = this.endOffset): number {
    if (offset >= endOffset) return 0;
    const index = this.batchIndexFor(offset);
    if (index === -1) return 0;
    const endIndex = this.batchIndexFor(endOffset);
    return (endIndex === -1 ? this.totalBytes : this.bytesBefore[endIndex]!) - this.bytesBefore[index]!;
  }

  /**
   * Whole batches from the one holding `fetchOffset`, as many as fit in `maxBytes`. With `minOneBatch` the first
   * batch is returned even when larger (Fetch v3+), otherwise nothing is and `firstBatchTooLarge` says why. Batches
   * starting at or after `endOffset` (the last stable offset for read_committed) are left out.
   */
  read(fetchOffset: number, maxBytes: number, minOneBatch: boolean, endOffset = this.endOffset): LogRead {
    const result: LogRead = { chunks: [], sizeInBytes: 0, batches: [], firstBatchTooLarge: false };
    const first = this.batchIndexFor(fetchOffset);
    if (first === -1) return result;
    let runStart = -1;
    let runEnd = -1;
    let runChunk: Buffer | null = null;
    for (let i = first; i < this.batches.length; i++) {
      const batch = this.batches[i]!;
      if (batch.baseOffset >= endOffset) break;
      if (result.sizeInBytes + batch.size > maxBytes && !(i === first && minOneBatch)) {
        result.firstBatchTooLarge = i === first;
        break;
      }
      if (runChunk === batch.chunk && runEnd === batch.position) {
        runEnd += batch.size;
      } else {
        if (runChunk !== null) result.chunks.push(runChunk.subarray(runStart, runEnd));
        runChunk = batch.chunk;
        runStart = batch.position;
        runEnd = batch.position + batch.size;
      }
      result.batches.push(batch);
      result.sizeInBytes += batch.size;
    }
    if (runChunk !== null) result.chunks.push(runChunk.subarray(runStart, runEnd));
    return result;
  }

  /** The stored bytes of one batch (a view). */
  bytesOf(batch: StoredBatch): Buffer {
    return batch.chunk.subarray(batch.position, batch.position + batch.size);
  }

  decode(batch: StoredBatch): DecodedBatch {
    return decodeRecordBatchAt(this.bytesOf(batch), 0, { verifyCrc: false })!;
  }

  /**
   * ListOffsets by timestamp (v1+): the first record, in offset order, whose timestamp is >= `timestamp`, found as
   * Kafka does: first batch whose max timestamp reaches it, then the first such record inside. Null when none.
   */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    const maxima = this.runningMaxTimestamps;
    if (maxima.length === 0 || maxima[maxima.length - 1]! < timestamp) return null;
    let low = 0;
    let high = maxima.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (maxima[middle]! >= timestamp) high = middle;
      else low = middle + 1;
    }
    for (let i = low; i < this.batches.length; i++) {
      const batch = this.batches[i]!;
      if (batch.maxTimestamp < timestamp) continue;
      let decoded: DecodedBatch;
      try {
        decoded = this.decode(batch);
      } catch {
        // A codec this build cannot open (zstd): the batch's first offset and max timestamp are the best answer.
        return { offset: batch.baseOffset, timestamp: batch.maxTimestamp };
      }
      for (const record of decoded.records) {
        if (record.timestamp >= timestamp && record.offset >= this.startOffset)
          return { offset: record.offset, timestamp: record.timestamp };
      }
    }
    return null;
  }

  /**
   * ListOffsets v0 (the pre-0.10.1 "offsets before" query) answered as Kafka does for a log of one segment: candidate
   * offsets are the segment's base offset (time: its last modification) and, when the log is not empty, the log end
   * offset (time: now); the answer lists those whose time is <= `timestamp` (all for -1 latest, the first for -2
   * earliest), newest first, at most `maxNumOffsets`.
   */
  legacyOffsetsBefore(timestamp: number, maxNumOffsets: number): number[] {
    const candidates: { offset: number; time: number }[] = [
      { offset: this.startOffset, time: this.lastAppendWallClock },
    ];
    if (this.totalBytes > 0) candidates.push({ offset: this.endOffset, time: Date.now() });
    let last: number;
    if (timestamp === -1) last = candidates.length - 1;
    else if (timestamp === -2) last = 0;
    else {
      last = -1;
      for (let i = 0; i < candidates.length; i++) if (candidates[i]!.time <= timestamp) last = i;
    }
    const offsets: number[] = [];
    for (let i = last; i >= 0 && offsets.length < maxNumOffsets; i--) offsets.push(candidates[i]!.offset);
    return offsets;
  }

  /** Calls `listener` after every append (synchronously: keep it cheap). Returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    // Wake long-polls so they answer now instead of holding a request on a closed log.
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  /** Closes and deletes the partition directory, as Kafka does for a deleted topic. */
  destroy(): void {
    this.close();
    if (this.options.directory) fs.rmSync(this.options.directory, { recursive: true, force: true });
  }

  private load(directory: string): void {
    fs.mkdirSync(directory, { recursive: true });
    const file = path.join(directory, SEGMENT_FILE_NAME);
    const bytes = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
    let position = 0;
    while (position < bytes.length) {
      this.truncationReason = this.recoverBatch(bytes, position);
      if (this.truncationReason !== null) break;
      position += LOG_OVERHEAD + bytes.readInt32BE(position + 8);
    }
    if (position < bytes.length) {
      this.truncatedOnOpen = bytes.length - position;
      fs.truncateSync(file, position);
    }
    this.startOffset = this.batches[0]?.baseOffset ?? 0;
    this.fileSize = position;
    this.lastAppendWallClock = bytes.length > 0 ? fs.statSync(file).mtimeMs : 0;
    this.fd = fs.openSync(file, 'a');
    this.abortTransactionsLeftOpen();
  }

  /**
   * Transaction coordinators keep their state in memory, so no coordinator will ever end a transaction this log held
   * open when the broker stopped: it is aborted now, or read_committed readers would wait at it forever.
   */
  private abortTransactionsLeftOpen(): void {
    for (const { producerId, producerEpoch } of this.producers.producersWithOpenTransactions()) {
      this.append(
        encodeTransactionMarker({
          producerId,
          producerEpoch,
          type: ControlRecordType.Abort,
          coordinatorEpoch: 0,
          timestamp: Date.now(),
        }),
      );
    }
  }

  /** Indexes the batch at `position` of a segment file; returns why it cannot be, or null. */
  private recoverBatch(bytes: Buffer, position: number): string | null {
    const remaining = bytes.length - position;
    if (remaining < RECORD_BATCH_HEADER_SIZE) return `${remaining} bytes left, less than a batch header`;
    const header = readRecordBatchHeader(bytes, position);
    const size = LOG_OVERHEAD + header.batchLength;
    if (header.batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD || size > remaining)
      return `batch of ${size} bytes is cut short`;
    if (header.magic !== RECORD_BATCH_MAGIC) return `magic ${header.magic}`;
    if (header.baseOffset < this.endOffset || header.lastOffsetDelta < 0)
      return `offset ${header.baseOffset} out of sequence`;
    if (!recordBatchCrcMatches(bytes, position, size)) return 'CRC mismatch';
    this.index(
      {
        baseOffset: header.baseOffset,
        lastOffset: header.baseOffset + header.lastOffsetDelta,
        maxTimestamp: header.maxTimestamp,
        codec: header.codec,
        chunk: bytes,
        position,
        size,
      },
      header,
    );
    return null;
  }
}
