/**
 * Magic-2 record batches (Kafka 0.11+), the only format Kafka 3+ stores.
 *
 *   baseOffset INT64 | batchLength INT32 | partitionLeaderEpoch INT32 | magic INT8 (2) | crc UINT32 |
 *   attributes INT16 | lastOffsetDelta INT32 | baseTimestamp INT64 | maxTimestamp INT64 | producerId INT64 |
 *   producerEpoch INT16 | baseSequence INT32 | recordCount INT32 | records (compressed as one block when codec != 0)
 *
 * The CRC-32C covers attributes to the end, so the broker may rewrite baseOffset and partitionLeaderEpoch in place.
 * Attributes: bits 0-2 codec, bit 3 timestamp type, bit 4 transactional, bit 5 control.
 * Record: length VARINT | attributes INT8 | timestampDelta VARLONG | offsetDelta VARINT | key VARINT-bytes |
 *   value VARINT-bytes | headerCount VARINT | headers [key VARINT-string, value VARINT-bytes]
 */
import { Reader, Writer } from './primitives';
import { crc32c } from './crc';
import {
  COMPRESSION_CODEC_MASK,
  CompressionCodec,
  compress,
  decompress,
  UnsupportedCompressionError,
} from './compression';
import {
  CorruptRecordError,
  LOG_OVERHEAD,
  TimestampType,
  type DecodeOptions,
  type DecodedBatch,
  type KafkaRecord,
  type RecordHeader,
} from './records';

export const RECORD_BATCH_MAGIC = 2;
/** Bytes from baseOffset to the first record. */
export const RECORD_BATCH_HEADER_SIZE = 61;

const BATCH_LENGTH_AT = 8;
const PARTITION_LEADER_EPOCH_AT = 12;
const MAGIC_AT = 16;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const BASE_TIMESTAMP_AT = 27;
const MAX_TIMESTAMP_AT = 35;
const PRODUCER_ID_AT = 43;
const PRODUCER_EPOCH_AT = 51;
const BASE_SEQUENCE_AT = 53;
const RECORD_COUNT_AT = 57;

export const TIMESTAMP_TYPE_ATTRIBUTE = 0x08;
export const TRANSACTIONAL_ATTRIBUTE = 0x10;
export const CONTROL_ATTRIBUTE = 0x20;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/** The fixed-size part of a batch, readable without touching (or decompressing) the records. */
export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  codec: number;
  timestampType: TimestampType;
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the header of the batch at `position`; the caller has checked that 61 bytes are there. */
export function readRecordBatchHeader(buffer: Buffer, position = 0): RecordBatchHeader {
  const attributes = buffer.readInt16BE(position + ATTRIBUTES_AT);
  return {
    baseOffset: Number(buffer.readBigInt64BE(position)),
    batchLength: buffer.readInt32BE(position + BATCH_LENGTH_AT),
    partitionLeaderEpoch: buffer.readInt32BE(position + PARTITION_LEADER_EPOCH_AT),
    magic: buffer.readInt8(position + MAGIC_AT),
    crc: buffer.readUInt32BE(position + CRC_AT),
    attributes,
    codec: attributes & COMPRESSION_CODEC_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_ATTRIBUTE ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    transactional: (attributes & TRANSACTIONAL_ATTRIBUTE) !== 0,
    control: (attributes & CONTROL_ATTRIBUTE) !== 0,
    lastOffsetDelta: buffer.readInt32BE(position + LAST_OFFSET_DELTA_AT),
    baseTimestamp: Number(buffer.readBigInt64BE(position + BASE_TIMESTAMP_AT)),
    maxTimestamp: Number(buffer.readBigInt64BE(position + MAX_TIMESTAMP_AT)),
    producerId: Number(buffer.readBigInt64BE(position + PRODUCER_ID_AT)),
    producerEpoch: buffer.readInt16BE(position + PRODUCER_EPOCH_AT),
    baseSequence: buffer.readInt32BE(position + BASE_SEQUENCE_AT),
    recordCount: buffer.readInt32BE(position + RECORD_COUNT_AT),
  };
}

/** The CRC-32C a batch of `size` bytes (offset and length prefix included) at `position` should carry. */
export function computeRecordBatchCrc(buffer: Buffer, position: number, size: number): number {
  return crc32c(buffer.subarray(position + ATTRIBUTES_AT, position + size));
}

export function recordBatchCrcMatches(buffer: Buffer, position: number, size: number): boolean {
  return buffer.readUInt32BE(position + CRC_AT) === computeRecordBatchCrc(buffer, position, size);
}

/** Rewrites fields outside the CRC: what a broker assigns on append. */
export function setBaseOffset(buffer: Buffer, position: number, baseOffset: number): void {
  buffer.writeBigInt64BE(BigInt(baseOffset), position);
}

export function setPartitionLeaderEpoch(buffer: Buffer, position: number, epoch: number): void {
  buffer.writeInt32BE(epoch, position + PARTITION_LEADER_EPOCH_AT);
}

/** Marks the batch as LogAppendTime with `timestamp` as its max timestamp, and re-seals the CRC (as Kafka does). */
export function setLogAppendTime(buffer: Buffer, position: number, size: number, timestamp: number): void {
  const attributes = buffer.readInt16BE(position + ATTRIBUTES_AT);
  buffer.writeInt16BE(attributes | TIMESTAMP_TYPE_ATTRIBUTE, position + ATTRIBUTES_AT);
  buffer.writeBigInt64BE(BigInt(timestamp), position + MAX_TIMESTAMP_AT);
  buffer.writeUInt32BE(computeRecordBatchCrc(buffer, position, size), position + CRC_AT);
}

/**
 * Decodes the batch at `position`. Returns null when the buffer ends inside it (a partial trailing batch); throws
 * CorruptRecordError for a bad CRC or a malformed batch, UnsupportedCompressionError for a codec this build lacks.
 */
export function decodeRecordBatchAt(
  buffer: Buffer,
  position: number,
  options: DecodeOptions = {},
): DecodedBatch | null {
  const remaining = buffer.length - position;
  if (remaining < LOG_OVERHEAD) return null;
  const batchLength = buffer.readInt32BE(position + BATCH_LENGTH_AT);
  if (batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new CorruptRecordError(
      `record batch length ${batchLength} is smaller than the ${RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD}-byte header`,
    );
  }
  const size = LOG_OVERHEAD + batchLength;
  if (size > remaining) return null;
  const header = readRecordBatchHeader(buffer, position);
  if (header.magic !== RECORD_BATCH_MAGIC) throw new CorruptRecordError(`expected magic 2, found ${header.magic}`);
  if (options.verifyCrc !== false && !recordBatchCrcMatches(buffer, position, size)) {
    throw new CorruptRecordError(
      `record batch at offset ${header.baseOffset} has CRC ${header.crc}, computed ${computeRecordBatchCrc(buffer, position, size)}`,
    );
  }
  if (header.recordCount < 0) throw new CorruptRecordError(`negative record count ${header.recordCount}`);
  let body = buffer.subarray(position + RECORD_BATCH_HEADER_SIZE, position + size);
  if (header.codec !== CompressionCodec.None) {
    try {
      body = decompress(header.codec, body);
    } catch (error) {
      if (error instanceof UnsupportedCompressionError) throw error;
      throw new CorruptRecordError(`record batch at offset ${header.baseOffset}: ${(error as Error).message}`);
    }
  }
  const records = decodeRecords(body, header);
  return {
    magic: RECORD_BATCH_MAGIC,
    baseOffset: header.baseOffset,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    codec: header.codec,
    timestampType: header.timestampType,
    sizeInBytes: size,
    maxTimestamp: header.maxTimestamp,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: header.transactional,
    control: header.control,
    records,
  };
}

function decodeRecords(body: Buffer, header: RecordBatchHeader): KafkaRecord[] {
  const reader = new Reader(body);
  // Each record takes at least 7 bytes; a count beyond that is corrupt, not a reason to allocate.
  if (header.recordCount > body.length)
    throw new CorruptRecordError(`record count ${header.recordCount} cannot fit in ${body.length} bytes`);
  const records: KafkaRecord[] = new Array(header.recordCount);
  const logAppendTime = header.timestampType === TimestampType.LogAppendTime;
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const start = reader.offset;
      if (length < 0 || length > reader.remaining)
        throw new CorruptRecordError(`record length ${length} overruns the batch`);
      reader.int8(); // record attributes: unused by every Kafka version so far
      const timestampDelta = Number(reader.varlong());
      const offsetDelta = reader.varint();
      const key = reader.varintBytes();
      const value = reader.varintBytes();
      const headerCount = reader.varint();
      if (headerCount < 0 || headerCount > reader.remaining)
        throw new CorruptRecordError(`invalid header count ${headerCount}`);
      const headers: RecordHeader[] = new Array(headerCount);
      for (let h = 0; h < headerCount; h++) {
        const keyBytes = reader.varintBytes();
        if (keyBytes === null) throw new CorruptRecordError('record header with a null key');
        headers[h] = { key: keyBytes.toString('utf8'), value: reader.varintBytes() };
      }
      if (reader.offset - start !== length) {
        throw new CorruptRecordError(`record declares ${length} bytes but holds ${reader.offset - start}`);
      }
      records[i] = {
        offset: header.baseOffset + offsetDelta,
        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      };
    }
  } catch (error) {
    if (error instanceof CorruptRecordError) throw error;
    throw new CorruptRecordError(`record batch at offset ${header.baseOffset}: ${(error as Error).message}`);
  }
  if (reader.remaining !== 0)
    throw new CorruptRecordError(`${reader.remaining} bytes left after ${header.recordCount} records`);
  return records;
}

export interface RecordInput {
  /** Absolute offset; defaults to baseOffset + index. */
  offset?: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: readonly RecordHeader[];
}

export interface RecordBatchInput {
  /** Defaults to the first record's offset, or 0. */
  baseOffset?: number;
  codec?: number;
  timestampType?: TimestampType;
  /** With TimestampType.LogAppendTime: the broker's append time, which becomes every record's timestamp. */
  logAppendTime?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  records: readonly RecordInput[];
}

function varintSize(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let size = 1;
  while (zigzag > 0x7f) {
    zigzag >>>= 7;
    size++;
  }
  return size;
}

function varlongSize(value: number): number {
  // Zig-zag in floating point: exact for every safe integer, which timestamp deltas are.
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (zigzag > 0x7f) {
    zigzag = Math.floor(zigzag / 128);
    size++;
  }
  return size;
}

function varintBytesSize(value: Buffer | null): number {
  return value === null ? 1 : varintSize(value.length) + value.length;
}

/** Encodes one batch; compressed batches compress all records as one block, as every Kafka client does. */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  const { records } = input;
  const baseOffset = input.baseOffset ?? records[0]?.offset ?? 0;
  const codec = input.codec ?? CompressionCodec.None;
  const timestampType = input.timestampType ?? TimestampType.CreateTime;
  const appendTime = timestampType === TimestampType.LogAppendTime ? input.logAppendTime : undefined;
  const timestampOf = (record: RecordInput): number => appendTime ?? record.timestamp;
  const baseTimestamp = records.length > 0 ? timestampOf(records[0]!) : -1;
  let maxTimestamp = -1;
  let lastOffsetDelta = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    maxTimestamp = Math.max(maxTimestamp, timestampOf(record));
    lastOffsetDelta = (record.offset ?? baseOffset + i) - baseOffset;
  }

  let attributes = codec & COMPRESSION_CODEC_MASK;
  if (timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_ATTRIBUTE;
  if (input.transactional) attributes |= TRANSACTIONAL_ATTRIBUTE;
  if (input.control) attributes |= CONTROL_ATTRIBUTE;

  const writer = new Writer(RECORD_BATCH_HEADER_SIZE + 64 * records.length);
  writer.int64(baseOffset);
  const lengthAt = writer.reserveInt32();
  writer.int32(input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH).int8(RECORD_BATCH_MAGIC);
  const crcAt = writer.reserveInt32();
  writer
    .int16(attributes)
    .int32(lastOffsetDelta)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(input.producerId ?? NO_PRODUCER_ID)
    .int16(input.producerEpoch ?? NO_PRODUCER_EPOCH)
    .int32(input.baseSequence ?? NO_SEQUENCE)
    .int32(records.length);

  const recordWriter = codec === CompressionCodec.None ? writer : new Writer(64 * records.length + 16);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const timestampDelta = timestampOf(record) - baseTimestamp;
    const offsetDelta = (record.offset ?? baseOffset + i) - baseOffset;
    const headers = record.headers ?? [];
    let headersSize = varintSize(headers.length);
    for (const header of headers) {
      const keyLength = Buffer.byteLength(header.key, 'utf8');
      headersSize += varintSize(keyLength) + keyLength + varintBytesSize(header.value);
    }
    const bodySize =
      1 +
      varlongSize(timestampDelta) +
      varintSize(offsetDelta) +
      varintBytesSize(record.key) +
      varintBytesSize(record.value) +
      headersSize;
    recordWriter
      .varint(bodySize)
      .int8(0)
      .varlong(timestampDelta)
      .varint(offsetDelta)
      .varintBytes(record.key)
      .varintBytes(record.value);
    recordWriter.varint(headers.length);
    for (const header of headers) recordWriter.varintBytes(Buffer.from(header.key, 'utf8')).varintBytes(header.value);
  }
  if (recordWriter !== writer) writer.raw(compress(codec, recordWriter.toBuffer()));

  writer.patchInt32(lengthAt, writer.length - LOG_OVERHEAD);
  writer.patchUInt32(crcAt, crc32c(writer.slice(ATTRIBUTES_AT)));
  return writer.toBuffer();
}
