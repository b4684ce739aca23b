/**
 * The record type every Kafka message format decodes to: magic 0 and magic 1 message sets (Kafka before 0.11,
 * message-set.ts) and magic 2 record batches (record-batch.ts). All three keep the magic byte at the same position
 * (17th byte of an entry), which is how record-set.ts tells them apart.
 */

export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

/** Timestamp of magic-0 messages, which have none (Kafka's RecordBatch.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;

/** Bytes before the magic byte in every format: offset (8), size (4), then CRC (4, magic 0/1) or leader epoch (4). */
export const MAGIC_OFFSET = 16;
/** offset + size prefix of every entry (Kafka's LOG_OVERHEAD). */
export const LOG_OVERHEAD = 12;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: number;
  /** Milliseconds since the epoch, or NO_TIMESTAMP (-1) for magic-0 messages. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** One decoded entry: a record batch, or one top-level message (a compressed wrapper carries several records). */
export interface DecodedBatch {
  magic: number;
  /** Offset of the first record (for a magic-0/1 wrapper: the first inner record). */
  baseOffset: number;
  lastOffset: number;
  codec: number;
  timestampType: TimestampType;
  /** Bytes the entry occupies, offset and size prefix included. */
  sizeInBytes: number;
  /** Largest timestamp in the entry (the wrapper's timestamp for magic 1, NO_TIMESTAMP for magic 0). */
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  control: boolean;
  records: KafkaRecord[];
}

/** Bytes that break the record format: bad CRC, impossible sizes, unknown magic, undecodable compressed payload. */
export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

export interface DecodeOptions {
  /** Check CRC-32 (magic 0/1) or CRC-32C (magic 2); on by default. */
  verifyCrc?: boolean;
}

/** The magic byte of the entry at `position`, or null when fewer than 17 bytes are left. */
export function magicAt(buffer: Buffer, position = 0): number | null {
  return buffer.length - position > MAGIC_OFFSET ? buffer.readInt8(position + MAGIC_OFFSET) : null;
}
