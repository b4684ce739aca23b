/**
 * Down-conversion for old fetchers, as Kafka's RecordsUtil.downConvert does it: Fetch v0-1 gets magic 0, v2-3 gets
 * magic 1. Each stored batch becomes one message set with the batch's own codec (a compressed batch becomes one
 * wrapper message); keys, values, offsets and (magic 1) timestamps and timestamp type carry over, headers are dropped
 * since the old formats have none, control batches are skipped. Records before the fetch offset are dropped from
 * uncompressed batches only: a compressed wrapper keeps all its records, as in Kafka.
 */
import { CompressionCodec } from '../../protocol/compression';
import { encodeMessageSet, type LegacyMagic } from '../../protocol/message-set';
import type { PartitionLog, StoredBatch } from './partition-log';

/** The message format a Fetch version understands. */
export function magicForFetchVersion(version: number): LegacyMagic | 2 {
  if (version <= 1) return 0;
  if (version <= 3) return 1;
  return 2;
}

/** Converts stored batches to `magic`; returns one buffer per batch that kept records. */
export function downConvert(
  log: PartitionLog,
  batches: readonly StoredBatch[],
  fetchOffset: number,
  magic: LegacyMagic,
): Buffer[] {
  const converted: Buffer[] = [];
  for (const stored of batches) {
    const batch = log.decode(stored);
    if (batch.control) continue;
    const records =
      batch.codec === CompressionCodec.None
        ? batch.records.filter((record) => record.offset >= fetchOffset)
        : batch.records;
    if (records.length === 0) continue;
    converted.push(
      encodeMessageSet(records, {
        magic,
        codec: batch.codec,
        timestampType: batch.timestampType,
        logAppendTime: batch.maxTimestamp,
      }),
    );
  }
  return converted;
}
