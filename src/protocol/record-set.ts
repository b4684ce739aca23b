/**
 * A reader for any mix of the three message formats that can sit back to back in a log or a Fetch response: magic 0
 * and magic 1 message sets and magic 2 record batches, told apart by the magic byte of each entry.
 */
import { decodeLegacyEntry } from './message-set';
import { decodeRecordBatchAt } from './record-batch';
import { magicAt, type DecodedBatch, type DecodeOptions, type KafkaRecord } from './records';

export interface DecodedRecordSet {
  batches: DecodedBatch[];
  /** True when the input ends inside an entry (Fetch may return a partial last entry); decoding stopped there. */
  partialTail: boolean;
  /** Bytes of complete entries decoded. */
  bytesRead: number;
}

/** Decodes every complete entry of any format; stops at a partial trailing entry. */
export function decodeRecordSet(buffer: Buffer, options: DecodeOptions = {}): DecodedRecordSet {
  const batches: DecodedBatch[] = [];
  let position = 0;
  while (position < buffer.length) {
    const magic = magicAt(buffer, position);
    if (magic === null) break;
    const decoded =
      magic === 2 ? decodeRecordBatchAt(buffer, position, options) : decodeLegacyEntry(buffer, position, options);
    if (decoded === null) break;
    batches.push(decoded);
    position += decoded.sizeInBytes;
  }
  return { batches, partialTail: position < buffer.length, bytesRead: position };
}

/** All records of a decoded set, in order. */
export function recordsOf(batches: readonly DecodedBatch[]): KafkaRecord[] {
  const records: KafkaRecord[] = [];
  for (const batch of batches) for (const record of batch.records) records.push(record);
  return records;
}
