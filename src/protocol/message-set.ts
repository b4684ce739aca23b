/**
 * Kafka's message sets before 0.11 (magic 0 and magic 1):
 *
 *   offset INT64 | messageSize INT32 | crc UINT32 | magic INT8 | attributes INT8 | timestamp INT64 (magic 1 only) |
 *   key BYTES | value BYTES
 *
 * The CRC-32 covers magic to the end. Attributes: bits 0-2 codec, bit 3 timestamp type (magic 1). A compressed
 * message is a wrapper whose value is a whole compressed message set. Inner offsets: magic 0 carries absolute offsets;
 * magic 1 carries offsets relative to the first inner message, and the wrapper carries the absolute offset of the last
 * inner message (KIP-31), so absolute = wrapperOffset - lastInnerOffset + innerOffset.
 */
import { Writer } from './primitives';
import { crc32 } from './crc';
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
  NO_TIMESTAMP,
  TimestampType,
  type DecodeOptions,
  type DecodedBatch,
  type KafkaRecord,
} from './records';

const TIMESTAMP_TYPE_ATTRIBUTE = 0x08;
/** crc + magic + attributes + key length + value length. */
const MESSAGE_OVERHEAD_V0 = 14;
/** MESSAGE_OVERHEAD_V0 + timestamp. */
const MESSAGE_OVERHEAD_V1 = 22;

export type LegacyMagic = 0 | 1;

interface LegacyMessage {
  offset: number;
  magic: number;
  attributes: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  sizeInBytes: number;
}

/** Reads one message at `position`; null when the buffer ends inside it. */
function readMessage(buffer: Buffer, position: number, verifyCrc: boolean): LegacyMessage | null {
  const remaining = buffer.length - position;
  if (remaining < LOG_OVERHEAD) return null;
  const offset = Number(buffer.readBigInt64BE(position));
  const messageSize = buffer.readInt32BE(position + 8);
  if (messageSize < MESSAGE_OVERHEAD_V0) {
    throw new CorruptRecordError(
      `message at offset ${offset} has size ${messageSize}, below the ${MESSAGE_OVERHEAD_V0}-byte minimum`,
    );
  }
  const end = position + LOG_OVERHEAD + messageSize;
  if (end > buffer.length) return null;
  const crcAt = position + LOG_OVERHEAD;
  const storedCrc = buffer.readUInt32BE(crcAt);
  const magic = buffer.readInt8(crcAt + 4);
  if (magic !== 0 && magic !== 1)
    throw new CorruptRecordError(`message at offset ${offset} has magic ${magic}, expected 0 or 1`);
  if (magic === 1 && messageSize < MESSAGE_OVERHEAD_V1) {
    throw new CorruptRecordError(
      `magic-1 message at offset ${offset} has size ${messageSize}, below the ${MESSAGE_OVERHEAD_V1}-byte minimum`,
    );
  }
  if (verifyCrc) {
    const computed = crc32(buffer.subarray(crcAt + 4, end));
    if (computed !== storedCrc)
      throw new CorruptRecordError(`message at offset ${offset} has CRC ${storedCrc}, computed ${computed}`);
  }
  const attributes = buffer.readInt8(crcAt + 5);
  let at = crcAt + 6;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = Number(buffer.readBigInt64BE(at));
    at += 8;
  }
  const readBytes = (what: string): Buffer | null => {
    if (at + 4 > end) throw new CorruptRecordError(`message at offset ${offset}: ${what} length overruns the message`);
    const length = buffer.readInt32BE(at);
    at += 4;
    if (length === -1) return null;
    if (length < 0 || at + length > end)
      throw new CorruptRecordError(`message at offset ${offset}: ${what} of ${length} bytes overruns the message`);
    const bytes = buffer.subarray(at, at + length);
    at += length;
    return bytes;
  };
  const key = readBytes('key');
  const value = readBytes('value');
  if (at !== end) throw new CorruptRecordError(`message at offset ${offset} has ${end - at} bytes after its value`);
  return { offset, magic, attributes, timestamp, key, value, sizeInBytes: LOG_OVERHEAD + messageSize };
}

/**
 * Decodes the top-level message at `position` (a plain message, or a compressed wrapper with its inner messages).
 * Returns null when the buffer ends inside it, as a Fetch v0-3 response may.
 */
export function decodeLegacyEntry(buffer: Buffer, position: number, options: DecodeOptions = {}): DecodedBatch | null {
  const verifyCrc = options.verifyCrc !== false;
  const message = readMessage(buffer, position, verifyCrc);
  if (message === null) return null;
  const codec = message.attributes & COMPRESSION_CODEC_MASK;
  const timestampType =
    message.magic === 1 && message.attributes & TIMESTAMP_TYPE_ATTRIBUTE
      ? TimestampType.LogAppendTime
      : TimestampType.CreateTime;
  const entry: DecodedBatch = {
    magic: message.magic,
    baseOffset: message.offset,
    lastOffset: message.offset,
    codec,
    timestampType,
    sizeInBytes: message.sizeInBytes,
    maxTimestamp: message.timestamp,
    partitionLeaderEpoch: -1,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    transactional: false,
    control: false,
    records: [],
  };
  if (codec === CompressionCodec.None) {
    entry.records.push({
      offset: message.offset,
      timestamp: message.timestamp,
      key: message.key,
      value: message.value,
      headers: [],
    });
    return entry;
  }

  if (message.value === null)
    throw new CorruptRecordError(`compressed message at offset ${message.offset} has a null value`);
  let inner: Buffer;
  try {
    inner = decompress(codec, message.value);
  } catch (error) {
    if (error instanceof UnsupportedCompressionError) throw error;
    throw new CorruptRecordError(`compressed message at offset ${message.offset}: ${(error as Error).message}`);
  }
  const innerMessages: LegacyMessage[] = [];
  for (let at = 0; at < inner.length;) {
    const innerMessage = readMessage(inner, at, verifyCrc);
    if (innerMessage === null)
      throw new CorruptRecordError(`compressed message at offset ${message.offset} ends inside an inner message`);
    if ((innerMessage.attributes & COMPRESSION_CODEC_MASK) !== CompressionCodec.None) {
      throw new CorruptRecordError(`compressed message at offset ${message.offset} nests another compressed message`);
    }
    innerMessages.push(innerMessage);
    at += innerMessage.sizeInBytes;
  }
  if (innerMessages.length === 0)
    throw new CorruptRecordError(`compressed message at offset ${message.offset} holds no messages`);
  const lastInnerOffset = innerMessages[innerMessages.length - 1]!.offset;
  const shift = message.magic > 0 ? message.offset - lastInnerOffset : 0;
  for (const innerMessage of innerMessages) {
    let timestamp = innerMessage.magic > 0 ? innerMessage.timestamp : NO_TIMESTAMP;
    if (message.magic > 0 && timestampType === TimestampType.LogAppendTime) timestamp = message.timestamp;
    entry.records.push({
      offset: innerMessage.offset + shift,
      timestamp,
      key: innerMessage.key,
      value: innerMessage.value,
      headers: [],
    });
  }
  entry.baseOffset = entry.records[0]!.offset;
  entry.lastOffset = entry.records[entry.records.length - 1]!.offset;
  return entry;
}

export interface MessageSetOptions {
  magic: LegacyMagic;
  codec?: number;
  timestampType?: TimestampType;
  /** With TimestampType.LogAppendTime (magic 1): the broker's append time, which every message then carries. */
  logAppendTime?: number;
}

type MessageInput = Pick<KafkaRecord, 'offset' | 'timestamp' | 'key' | 'value'>;

function writeMessage(
  writer: Writer,
  offset: number,
  magic: LegacyMagic,
  attributes: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
): void {
  writer.int64(offset);
  const sizeAt = writer.reserveInt32();
  const crcAt = writer.reserveInt32();
  writer.int8(magic).int8(attributes);
  if (magic === 1) writer.int64(timestamp);
  writer.bytes(key).bytes(value);
  writer.patchInt32(sizeAt, writer.length - crcAt);
  writer.patchUInt32(crcAt, crc32(writer.slice(crcAt + 4)));
}

/**
 * Encodes records as a magic 0 or 1 message set, each record at its own offset. Compressed: one wrapper holding all
 * records (relative inner offsets for magic 1, absolute for magic 0), at the offset of the last record.
 */
export function encodeMessageSet(records: readonly MessageInput[], options: MessageSetOptions): Buffer {
  const { magic } = options;
  const codec = options.codec ?? CompressionCodec.None;
  const logAppendTime =
    magic === 1 && options.timestampType === TimestampType.LogAppendTime
      ? (options.logAppendTime ?? Date.now())
      : undefined;
  const typeBit = logAppendTime !== undefined ? TIMESTAMP_TYPE_ATTRIBUTE : 0;
  const timestampOf = (record: MessageInput): number =>
    magic === 0 ? NO_TIMESTAMP : (logAppendTime ?? record.timestamp);
  const overhead = LOG_OVERHEAD + (magic === 0 ? MESSAGE_OVERHEAD_V0 : MESSAGE_OVERHEAD_V1);

  const plain = new Writer(records.length * (overhead + 32) + 16);
  const firstOffset = records[0]?.offset ?? 0;
  for (const record of records) {
    const offset = codec === CompressionCodec.None || magic === 0 ? record.offset : record.offset - firstOffset;
    writeMessage(plain, offset, magic, typeBit, timestampOf(record), record.key, record.value);
  }
  if (codec === CompressionCodec.None || records.length === 0) return plain.toBuffer();

  let maxTimestamp = NO_TIMESTAMP;
  for (const record of records) maxTimestamp = Math.max(maxTimestamp, timestampOf(record));
  const compressed = compress(codec, plain.toBuffer(), { legacyLz4HeaderChecksum: magic === 0 });
  const wrapper = new Writer(compressed.length + overhead);
  const lastOffset = records[records.length - 1]!.offset;
  writeMessage(wrapper, lastOffset, magic, (codec & COMPRESSION_CODEC_MASK) | typeBit, maxTimestamp, null, compressed);
  return wrapper.toBuffer();
}

/** Decodes a whole message set; stops at a partial trailing message. */
export function decodeMessageSet(
  buffer: Buffer,
  options: DecodeOptions = {},
): { batches: DecodedBatch[]; partialTail: boolean } {
  const batches: DecodedBatch[] = [];
  let position = 0;
  while (position < buffer.length) {
    const entry = decodeLegacyEntry(buffer, position, options);
    if (entry === null) break;
    batches.push(entry);
    position += entry.sizeInBytes;
  }
  return { batches, partialTail: position < buffer.length };
}
