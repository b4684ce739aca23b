/**
 * What a partition leader checks before appending produced records (Kafka's LogValidator and ProduceRequest rules),
 * and the up-conversion of magic 0/1 message sets to the magic-2 batches Kafka 3+ stores.
 *
 * Magic-2 batches are checked from their header alone (size, CRC-32C, codec, offset/count consistency, no control
 * batches, sequence present for idempotent producers) and kept byte for byte; their records are only decoded for
 * compacted topics, whose records need keys. Old-format sets are decoded (CRC-32 of every message, wrapper and inner),
 * and all their records become one magic-2 batch with the producer's codec, as Kafka converts them: magic-0 records
 * get no timestamp (-1), inner offsets are ignored since the log assigns offsets.
 *
 * Malformed records answer CORRUPT_MESSAGE, as Kafka's log validation does for Produce versions below 8 (all this
 * broker serves). What Kafka refuses as an InvalidRecordException (v3+ with magic 0/1 messages, not exactly one batch,
 * control batches from a client) answers INVALID_RECORD, as Apache Kafka 4.4 does (test/broker/differential-kafka4.test.ts).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { CompressionCodec, UnsupportedCompressionError, isKnownCodec } from '../../protocol/compression';
import { CorruptRecordError, LOG_OVERHEAD, magicAt, type DecodedBatch } from '../../protocol/records';
import { decodeLegacyEntry } from '../../protocol/message-set';
import {
  RECORD_BATCH_HEADER_SIZE,
  decodeRecordBatchAt,
  encodeRecordBatch,
  readRecordBatchHeader,
  recordBatchCrcMatches,
} from '../../protocol/record-batch';

export interface AppendValidationContext {
  produceVersion: number;
  /** max.message.bytes of the topic (message.max.bytes of the broker by default). */
  maxMessageBytes: number;
  /** cleanup.policy includes compact: every record needs a key. */
  compacted: boolean;
}

export type ValidatedAppend =
  { errorCode: typeof ErrorCode.NONE; batches: Buffer[] } | { errorCode: number; message: string };

function failure(errorCode: number, message: string): ValidatedAppend {
  return { errorCode, message };
}

/** Checks the records of one partition of a Produce request; on success returns the magic-2 batches to append. */
export function validateProducedRecords(records: Buffer | null, context: AppendValidationContext): ValidatedAppend {
  const { produceVersion } = context;
  if (records === null || records.length === 0) {
    if (produceVersion >= 3) {
      return failure(
        ErrorCode.INVALID_RECORD,
        `Produce requests with version ${produceVersion} must contain exactly one record batch`,
      );
    }
    return { errorCode: ErrorCode.NONE, batches: [] };
  }

  const batches: Buffer[] = [];
  const legacy: DecodedBatch[] = [];
  let position = 0;
  while (position < records.length) {
    const magic = magicAt(records, position);
    if (magic === null)
      return failure(ErrorCode.CORRUPT_MESSAGE, `${records.length - position} trailing bytes are not a whole entry`);
    if (magic === 2) {
      if (legacy.length > 0)
        return failure(ErrorCode.CORRUPT_MESSAGE, 'a produce request mixes record batches with magic 0/1 messages');
      const checked = checkRecordBatch(records, position, context);
      if (typeof checked !== 'number') return checked;
      batches.push(records.subarray(position, position + checked));
      position += checked;
    } else if (magic === 0 || magic === 1) {
      if (produceVersion >= 3) {
        return failure(
          ErrorCode.INVALID_RECORD,
          `Produce requests with version ${produceVersion} are only allowed to contain record batches with magic version 2`,
        );
      }
      if (batches.length > 0)
        return failure(ErrorCode.CORRUPT_MESSAGE, 'a produce request mixes record batches with magic 0/1 messages');
      const decoded = decodeLegacy(records, position, context);
      if ('errorCode' in decoded) return decoded;
      legacy.push(decoded);
      position += decoded.sizeInBytes;
    } else {
      return failure(ErrorCode.CORRUPT_MESSAGE, `unknown magic ${magic} at byte ${position}`);
    }
  }
  if (produceVersion >= 3 && batches.length !== 1) {
    return failure(
      ErrorCode.INVALID_RECORD,
      `Produce requests with version ${produceVersion} must contain exactly one record batch`,
    );
  }
  if (legacy.length > 0) {
    const converted = upConvert(legacy);
    if (context.compacted && converted.missingKey)
      return failure(ErrorCode.CORRUPT_MESSAGE, 'Compacted topic cannot accept message without key');
    batches.push(converted.batch);
  }
  return { errorCode: ErrorCode.NONE, batches };
}

/** Returns the batch size, or the failure. */
function checkRecordBatch(
  records: Buffer,
  position: number,
  context: AppendValidationContext,
): number | ValidatedAppend {
  const remaining = records.length - position;
  if (remaining < RECORD_BATCH_HEADER_SIZE)
    return failure(ErrorCode.CORRUPT_MESSAGE, `record batch cut short: ${remaining} bytes`);
  const header = readRecordBatchHeader(records, position);
  const size = LOG_OVERHEAD + header.batchLength;
  if (header.batchLength < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD || size > remaining) {
    return failure(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch length ${header.batchLength} does not match the ${remaining} bytes sent`,
    );
  }
  if (size > context.maxMessageBytes) {
    return failure(
      ErrorCode.MESSAGE_TOO_LARGE,
      `record batch of ${size} bytes exceeds the maximum of ${context.maxMessageBytes}`,
    );
  }
  if (!recordBatchCrcMatches(records, position, size)) {
    return failure(ErrorCode.CORRUPT_MESSAGE, `record batch CRC ${header.crc} does not match its contents`);
  }
  if (!isKnownCodec(header.codec))
    return failure(ErrorCode.CORRUPT_MESSAGE, `unknown compression codec ${header.codec}`);
  if (header.codec === CompressionCodec.Zstd && context.produceVersion < 7) {
    return failure(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `Produce requests with version ${context.produceVersion} are not allowed to use ZStandard compression`,
    );
  }
  if (header.recordCount <= 0 || header.lastOffsetDelta + 1 !== header.recordCount) {
    return failure(
      ErrorCode.CORRUPT_MESSAGE,
      `inconsistent record batch: lastOffsetDelta ${header.lastOffsetDelta}, ${header.recordCount} records`,
    );
  }
  if (header.control) return failure(ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records');
  if (header.producerId >= 0 && header.baseSequence < 0) {
    return failure(
      ErrorCode.CORRUPT_MESSAGE,
      `producer id ${header.producerId} with an invalid sequence ${header.baseSequence}`,
    );
  }
  if (context.compacted) {
    let decoded: DecodedBatch | null;
    try {
      decoded = decodeRecordBatchAt(records, position, { verifyCrc: false });
    } catch (error) {
      if (error instanceof UnsupportedCompressionError) {
        return failure(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, error.message);
      }
      return failure(ErrorCode.CORRUPT_MESSAGE, (error as Error).message);
    }
    if (decoded!.records.some((record) => record.key === null)) {
      return failure(ErrorCode.CORRUPT_MESSAGE, 'Compacted topic cannot accept message without key');
    }
  }
  return size;
}

function decodeLegacy(
  records: Buffer,
  position: number,
  context: AppendValidationContext,
): DecodedBatch | ValidatedAppend {
  if (records.length - position >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + records.readInt32BE(position + 8);
    if (size > context.maxMessageBytes) {
      return failure(
        ErrorCode.MESSAGE_TOO_LARGE,
        `message of ${size} bytes exceeds the maximum of ${context.maxMessageBytes}`,
      );
    }
  }
  try {
    const decoded = decodeLegacyEntry(records, position);
    if (decoded === null) return failure(ErrorCode.CORRUPT_MESSAGE, 'message set ends inside a message');
    return decoded;
  } catch (error) {
    if (error instanceof UnsupportedCompressionError) {
      return error.codec === CompressionCodec.Zstd
        ? failure(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, error.message)
        : failure(ErrorCode.CORRUPT_MESSAGE, error.message);
    }
    if (error instanceof CorruptRecordError) return failure(ErrorCode.CORRUPT_MESSAGE, error.message);
    throw error;
  }
}

/** All records of the old-format entries as one magic-2 batch, compressed with the producer's codec. */
function upConvert(entries: DecodedBatch[]): { batch: Buffer; missingKey: boolean } {
  let codec: number = CompressionCodec.None;
  let missingKey = false;
  const records = [];
  for (const entry of entries) {
    if (entry.codec !== CompressionCodec.None) codec = entry.codec;
    for (const record of entry.records) {
      if (record.key === null) missingKey = true;
      records.push({ offset: records.length, timestamp: record.timestamp, key: record.key, value: record.value });
    }
  }
  return { batch: encodeRecordBatch({ baseOffset: 0, codec, records }), missingKey };
}
