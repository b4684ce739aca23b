/**
 * The wire parts OffsetCommit and TxnOffsetCommit share (and AddPartitionsToTxn's response): the committed offsets of
 * a request, and the per topic per partition error codes of a response.
 */
import type { Reader, Writer } from '../../protocol/primitives';

export interface CommittedOffsets {
  name: string;
  partitions: { partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }[];
}

/** Which optional partition fields a version carries, in wire order: offset, [leader epoch], [commit timestamp], metadata. */
export interface CommittedOffsetFields {
  leaderEpoch: boolean;
  /** OffsetCommit v1 only; read and ignored (the broker stamps commits itself). */
  commitTimestamp?: boolean;
}

export function decodeCommittedOffsets(reader: Reader, fields: CommittedOffsetFields): CommittedOffsets[] {
  return reader.array(
    (r) => ({
      name: r.string(),
      partitions: r.array((pr) => {
        const partition = pr.int32();
        const offset = pr.int64();
        const leaderEpoch = fields.leaderEpoch ? pr.int32() : -1;
        if (fields.commitTimestamp) pr.int64();
        return { partition, offset, leaderEpoch, metadata: pr.nullableString() };
      }, 14),
    }),
    6,
  );
}

export function encodeTopicPartitionErrors(
  writer: Writer,
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[],
): void {
  writer.array(topics, (w, topic) => {
    w.string(topic.name);
    w.array(topic.partitions, (pw, p) => {
      pw.int32(p.partition).int16(p.errorCode);
    });
  });
}
