import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { CompressionCodec } from '../../protocol/compression';
import { defineApi, type RequestContext } from './types';
import type { PartitionLog } from '../log/partition-log';
import { downConvert, magicForFetchVersion } from '../log/down-convert';

// Fetch v0-11 (kafkajs 2.2.4 sends up to v11, kafka-node 5.0.0 up to v2; v12 is the first flexible version).
//   request  v0: replica_id, max_wait_ms, min_bytes, topics[topic, partitions[partition, fetch_offset INT64, partition_max_bytes]]
//            v1-2: same    v3: max_bytes after min_bytes    v4: isolation_level INT8 after max_bytes
//            v5: partition log_start_offset after fetch_offset    v6: same
//            v7: session_id, session_epoch after isolation_level; forgotten_topics_data[topic, partitions[INT32]] last
//            v8: same    v9: partition current_leader_epoch after partition    v10: same    v11: rack_id STRING last
//   response v0: responses[topic, partitions[partition, error_code, high_watermark, records]]
//            v1: throttle_time_ms first    v2-3: same    v4: last_stable_offset, aborted_transactions[producer_id, first_offset]
//            v5: log_start_offset after last_stable_offset    v6: same    v7: error_code, session_id after throttle
//            v8-10: same    v11: preferred_read_replica after aborted_transactions
// Record formats: v0-1 get magic 0, v2-3 magic 1 (down-converted), v4+ the stored magic-2 batches as they are.
// READ_COMMITTED (v4+) stops before the last stable offset (the first offset of the earliest open transaction) and
// lists the aborted transactions the returned batches overlap, which the client filters out.
// Sizes: v0-2 have no response limit and return a partial message when the first one exceeds partition_max_bytes;
// v3+ return the first batch of the first partition with data even when larger than the limits (KIP-74).
// Fetch sessions (v7+, KIP-227) are not kept: session 0 gets full responses with session_id 0, which Kafka answers too
// when its session cache is full; any other session id is FETCH_SESSION_ID_NOT_FOUND.
interface FetchPartitionRequest {
  partition: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  logStartOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { name: string; partitions: FetchPartitionRequest[] }[];
  forgottenTopics: { name: string; partitions: number[] }[];
  rackId: string;
}

interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** null: READ_UNCOMMITTED (Kafka sends a null array); empty: READ_COMMITTED with nothing aborted. */
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  records: Buffer[];
  recordsSize: number;
}

interface FetchResponse {
  errorCode: number;
  sessionId: number;
  topics: { name: string; partitions: FetchPartitionResponse[] }[];
}

const READ_COMMITTED = 1;
const NO_LIMIT = 0x7fffffff;

interface ReadOutcome {
  response: FetchResponse;
  bytes: number;
  anyError: boolean;
  /** Logs of the partitions that were readable, with what a wake-up measures. */
  waitable: { log: PartitionLog; fetchOffset: number; maxBytes: number; readCommitted: boolean }[];
}

function readPartitions(request: FetchRequest, context: RequestContext): ReadOutcome {
  const version = context.header.apiVersion;
  const magic = magicForFetchVersion(version);
  let remaining = version >= 3 ? Math.max(0, request.maxBytes) : NO_LIMIT;
  let bytes = 0;
  let anyError = false;
  const waitable: ReadOutcome['waitable'] = [];
  const topics = request.topics.map((topicRequest) => ({
    name: topicRequest.name,
    partitions: topicRequest.partitions.map((p): FetchPartitionResponse => {
      const result: FetchPartitionResponse = {
        partition: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        abortedTransactions: request.isolationLevel === READ_COMMITTED ? [] : null,
        records: [],
        recordsSize: 0,
      };
      const fail = (errorCode: number): FetchPartitionResponse => {
        anyError = true;
        result.errorCode = errorCode;
        return result;
      };
      const partition = context.cluster.getPartition(topicRequest.name, p.partition);
      if (!partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (partition.leader !== context.node.id) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch < partition.leaderEpoch)
        return fail(ErrorCode.FENCED_LEADER_EPOCH);
      if (p.currentLeaderEpoch > partition.leaderEpoch) return fail(ErrorCode.UNKNOWN_LEADER_EPOCH);
      const { log } = partition;
      result.highWatermark = log.highWatermark;
      result.lastStableOffset = log.lastStableOffset;
      result.logStartOffset = log.logStartOffset;
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark)
        return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
      const readCommitted = request.isolationLevel === READ_COMMITTED;
      waitable.push({ log, fetchOffset: p.fetchOffset, maxBytes: p.maxBytes, readCommitted });

      const limit = Math.max(0, Math.min(p.maxBytes, remaining));
      const minOneBatch = version >= 3 && bytes === 0;
      // read_committed stops at the last stable offset and learns which aborted transactions the data holds.
      const endOffset = readCommitted ? log.lastStableOffset : log.logEndOffset;
      const read = log.read(p.fetchOffset, limit, minOneBatch, endOffset);
      if (readCommitted && read.batches.length > 0) {
        const upperBound = read.batches[read.batches.length - 1]!.lastOffset + 1;
        result.abortedTransactions = log
          .abortedTransactions(p.fetchOffset, upperBound)
          .map(({ producerId, firstOffset }) => ({ producerId, firstOffset }));
      }
      if (version < 10 && read.batches.some((batch) => batch.codec === CompressionCodec.Zstd)) {
        return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      }
      if (magic === 2) {
        result.records = read.chunks;
        result.recordsSize = read.sizeInBytes;
      } else if (read.firstBatchTooLarge && version <= 2 && limit > 0) {
        // Old clients learn that a message is larger than their fetch size from the partial message they get.
        const first = log.read(p.fetchOffset, NO_LIMIT, true).batches.slice(0, 1);
        const converted = downConvert(log, first, p.fetchOffset, magic);
        const partial = converted.length > 0 ? converted[0]!.subarray(0, limit) : Buffer.alloc(0);
        result.records = [partial];
        result.recordsSize = partial.length;
      } else if (read.batches.length > 0) {
        result.records = downConvert(log, read.batches, p.fetchOffset, magic);
        result.recordsSize = result.records.reduce((sum, chunk) => sum + chunk.length, 0);
      }
      bytes += result.recordsSize;
      remaining = Math.max(0, remaining - result.recordsSize);
      return result;
    }),
  }));
  return { response: { errorCode: ErrorCode.NONE, sessionId: 0, topics }, bytes, anyError, waitable };
}

/** Waits until the readable partitions hold min_bytes (as Kafka's DelayedFetch measures) or max_wait_ms passes. */
function waitForData(request: FetchRequest, waitable: ReadOutcome['waitable']): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const check = (): void => {
      let available = 0;
      for (const { log, fetchOffset, maxBytes, readCommitted } of waitable) {
        available += Math.min(
          log.bytesAvailableFrom(fetchOffset, readCommitted ? log.lastStableOffset : log.logEndOffset),
          maxBytes,
        );
      }
      if (available >= request.minBytes) finish();
    };
    const timer = setTimeout(finish, request.maxWaitMs);
    // A pending long-poll must not keep a process alive on its own.
    timer.unref();
    for (const { log } of waitable) unsubscribes.push(log.onAppend(check));
  });
}

export const fetchApi = defineApi<FetchRequest, FetchResponse>({
  apiKey: ApiKey.Fetch,
  minVersion: 0,
  maxVersion: 11,
  decodeRequest(reader, version) {
    const replicaId = reader.int32();
    const maxWaitMs = reader.int32();
    const minBytes = reader.int32();
    const maxBytes = version >= 3 ? reader.int32() : NO_LIMIT;
    const isolationLevel = version >= 4 ? reader.int8() : 0;
    const sessionId = version >= 7 ? reader.int32() : 0;
    const sessionEpoch = version >= 7 ? reader.int32() : -1;
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((pr) => {
          const partition = pr.int32();
          const currentLeaderEpoch = version >= 9 ? pr.int32() : -1;
          const fetchOffset = pr.int64Number();
          const logStartOffset = version >= 5 ? pr.int64Number() : -1;
          const maxBytes = pr.int32();
          return { partition, currentLeaderEpoch, fetchOffset, logStartOffset, maxBytes };
        }, 16),
      }),
      6,
    );
    const forgottenTopics =
      version >= 7 ? reader.array((r) => ({ name: r.string(), partitions: r.array((pr) => pr.int32(), 4) }), 6) : [];
    const rackId = version >= 11 ? reader.string() : '';
    return {
      replicaId,
      maxWaitMs,
      minBytes,
      maxBytes,
      isolationLevel,
      sessionId,
      sessionEpoch,
      topics,
      forgottenTopics,
      rackId,
    };
  },
  async handle(request, context) {
    if (context.header.apiVersion >= 7 && request.sessionId !== 0) {
      return { errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, topics: [] };
    }
    if (context.header.apiVersion >= 7 && request.sessionEpoch > 0) {
      return { errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, topics: [] };
    }
    const first = readPartitions(request, context);
    const respondNow =
      request.maxWaitMs <= 0 ||
      request.topics.length === 0 ||
      first.bytes >= request.minBytes ||
      first.anyError ||
      first.waitable.length === 0;
    if (respondNow) return first.response;
    await waitForData(request, first.waitable);
    return readPartitions(request, context).response;
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    if (version >= 7) writer.int16(response.errorCode).int32(response.sessionId);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode).int64(p.highWatermark);
        if (version >= 4) pw.int64(p.lastStableOffset);
        if (version >= 5) pw.int64(p.logStartOffset);
        if (version >= 4) pw.array(p.abortedTransactions, (aw, t) => aw.int64(t.producerId).int64(t.firstOffset));
        if (version >= 11) pw.int32(-1);
        pw.int32(p.recordsSize);
        // Stored batches are never modified once appended, so the response can point at them until it is sent.
        for (const chunk of p.records) pw.reference(chunk);
      });
    });
  },
});
