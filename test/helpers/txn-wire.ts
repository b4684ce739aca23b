/** Raw requests of the idempotence and transaction APIs, for the broker's wire-level tests. */
import { ApiKey } from '../../src/protocol/api-keys';
import { encodeRecordBatch } from '../../src/protocol/record-batch';
import type { DecodedBatch } from '../../src/protocol/records';
import { decodeRecordSet } from '../../src/protocol/record-set';
import type { Reader } from '../../src/protocol/primitives';
import type { RawConnection } from './raw-client';

export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

export async function initProducerId(
  connection: RawConnection,
  transactionalId: string | null,
  { timeoutMs = 60000, version = 1 } = {},
): Promise<ProducerIdentity & { errorCode: number }> {
  const reader = await connection.request(ApiKey.InitProducerId, version, (w) =>
    w.string(transactionalId).int32(timeoutMs),
  );
  reader.int32();
  return { errorCode: reader.int16(), producerId: reader.int64Number(), producerEpoch: reader.int16() };
}

export interface BatchSpec {
  producer: ProducerIdentity;
  sequence: number;
  values: string[];
  transactional?: boolean;
}

export function batch({ producer, sequence, values, transactional = false }: BatchSpec): Buffer {
  return encodeRecordBatch({
    producerId: producer.producerId,
    producerEpoch: producer.producerEpoch,
    baseSequence: sequence,
    transactional,
    records: values.map((value) => ({ timestamp: 1_700_000_000_000, key: null, value: Buffer.from(value) })),
  });
}

/** Produce v7 (acks -1) of one batch to one partition; answers that partition's error code and base offset. */
export async function produce(
  connection: RawConnection,
  topic: string,
  partition: number,
  records: Buffer,
  transactionalId: string | null = null,
): Promise<{ errorCode: number; baseOffset: number }> {
  const reader = await connection.request(ApiKey.Produce, 7, (w) =>
    w
      .string(transactionalId)
      .int16(-1)
      .int32(5000)
      .array([topic], (tw, name) => tw.string(name).array([partition], (pw, index) => pw.int32(index).bytes(records))),
  );
  const topics = reader.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => {
      const result = { partition: p.int32(), errorCode: p.int16(), baseOffset: p.int64Number() };
      p.int64();
      p.int64();
      return result;
    }),
  }));
  const { errorCode, baseOffset } = topics[0]!.partitions[0]!;
  return { errorCode, baseOffset };
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  batches: DecodedBatch[];
}

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

/** Fetch v4 (the first with isolation levels) of one partition, no waiting. */
export async function fetch(
  connection: RawConnection,
  topic: string,
  partition: number,
  fetchOffset: number,
  isolationLevel: number,
): Promise<FetchedPartition> {
  const reader = await connection.request(ApiKey.Fetch, 4, (w) =>
    w
      .int32(-1)
      .int32(0)
      .int32(0)
      .int32(1 << 20)
      .int8(isolationLevel)
      .array([topic], (tw, name) =>
        tw.string(name).array([partition], (pw, index) =>
          pw
            .int32(index)
            .int64(fetchOffset)
            .int32(1 << 20),
        ),
      ),
  );
  reader.int32();
  const topics = reader.array((t) => ({ name: t.string(), partitions: t.array((p) => readFetchedPartition(p)) }));
  return topics[0]!.partitions[0]!;
}

function readFetchedPartition(reader: Reader): FetchedPartition {
  reader.int32();
  const errorCode = reader.int16();
  const highWatermark = reader.int64Number();
  const lastStableOffset = reader.int64Number();
  const count = reader.int32();
  const abortedTransactions =
    count < 0
      ? null
      : Array.from({ length: count }, () => ({ producerId: reader.int64Number(), firstOffset: reader.int64Number() }));
  const records = reader.bytes() ?? Buffer.alloc(0);
  return { errorCode, highWatermark, lastStableOffset, abortedTransactions, batches: decodeRecordSet(records).batches };
}

export interface TransactionalCall {
  transactionalId: string;
  producer: ProducerIdentity;
}

/** The throttle time, then per topic per partition an error code, keyed `topic/partition`. */
function readPartitionErrors(reader: Reader): Record<string, number> {
  reader.int32();
  const errors: Record<string, number> = {};
  reader.array((t) => {
    const name = t.string();
    t.array((p) => (errors[`${name}/${p.int32()}`] = p.int16()));
  });
  return errors;
}

export async function addPartitions(
  connection: RawConnection,
  call: TransactionalCall,
  topics: [string, number[]][],
  version = 1,
): Promise<Record<string, number>> {
  const reader = await connection.request(ApiKey.AddPartitionsToTxn, version, (w) =>
    w
      .string(call.transactionalId)
      .int64(call.producer.producerId)
      .int16(call.producer.producerEpoch)
      .array(topics, (tw, [name, partitions]) => tw.string(name).array(partitions, (pw, p) => pw.int32(p))),
  );
  return readPartitionErrors(reader);
}

export async function addOffsets(
  connection: RawConnection,
  call: TransactionalCall,
  groupId: string,
  version = 1,
): Promise<number> {
  const reader = await connection.request(ApiKey.AddOffsetsToTxn, version, (w) =>
    w.string(call.transactionalId).int64(call.producer.producerId).int16(call.producer.producerEpoch).string(groupId),
  );
  reader.int32();
  return reader.int16();
}

export async function txnOffsetCommit(
  connection: RawConnection,
  call: TransactionalCall,
  groupId: string,
  offsets: [string, number, number][],
  version = 1,
): Promise<Record<string, number>> {
  const reader = await connection.request(ApiKey.TxnOffsetCommit, version, (w) =>
    w
      .string(call.transactionalId)
      .string(groupId)
      .int64(call.producer.producerId)
      .int16(call.producer.producerEpoch)
      .array(offsets, (tw, [name, partition, offset]) =>
        tw.string(name).array([partition], (pw, p) => {
          pw.int32(p).int64(offset);
          if (version >= 2) pw.int32(-1);
          pw.string(null);
        }),
      ),
  );
  return readPartitionErrors(reader);
}

export async function endTxn(
  connection: RawConnection,
  call: TransactionalCall,
  commit: boolean,
  version = 1,
): Promise<number> {
  const reader = await connection.request(ApiKey.EndTxn, version, (w) =>
    w.string(call.transactionalId).int64(call.producer.producerId).int16(call.producer.producerEpoch).boolean(commit),
  );
  reader.int32();
  return reader.int16();
}

/** ListOffsets v2 (the first with isolation levels) for the latest offset of one partition. */
export async function latestOffset(
  connection: RawConnection,
  topic: string,
  partition: number,
  isolationLevel: number,
): Promise<{ errorCode: number; offset: number }> {
  const reader = await connection.request(ApiKey.ListOffsets, 2, (w) =>
    w
      .int32(-1)
      .int8(isolationLevel)
      .array([topic], (tw, name) => tw.string(name).array([partition], (pw, index) => pw.int32(index).int64(-1))),
  );
  reader.int32();
  const topics = reader.array((t) => {
    t.string();
    return t.array((p) => {
      p.int32();
      const errorCode = p.int16();
      p.int64();
      return { errorCode, offset: p.int64Number() };
    });
  });
  return topics[0]![0]!;
}
