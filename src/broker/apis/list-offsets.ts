import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi, type RequestContext } from './types';

// ListOffsets v0-4 (kafkajs 2.2.4 sends up to v3, kafka-node 5.0.0 v0 only; v6 is the first flexible version).
//   request  v0: replica_id, topics[name, partitions[index, timestamp INT64, max_num_offsets INT32]]
//            v1: max_num_offsets gone    v2: isolation_level INT8 after replica_id    v3: same
//            v4: partition current_leader_epoch INT32 after index
//   response v0: topics[name, partitions[index, error_code, old_style_offsets INT64[]]]
//            v1: partition timestamp, offset instead of the offsets array    v2: throttle_time_ms first    v3: same
//            v4: partition leader_epoch after offset
// Timestamps: -1 latest (the high watermark; the last stable offset for READ_COMMITTED), -2 earliest
// (log start offset), otherwise the first offset whose record timestamp is >= it (offset -1 when none).
interface ListOffsetsPartitionRequest {
  partition: number;
  currentLeaderEpoch: number;
  timestamp: number;
  maxNumOffsets: number;
}

interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: ListOffsetsPartitionRequest[] }[];
}

interface ListOffsetsPartitionResponse {
  partition: number;
  errorCode: number;
  oldStyleOffsets: number[];
  timestamp: number;
  offset: number;
  leaderEpoch: number;
}

interface ListOffsetsResponse {
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
const READ_COMMITTED = 1;

function listOffsets(
  topic: string,
  p: ListOffsetsPartitionRequest,
  request: ListOffsetsRequest,
  context: RequestContext,
): ListOffsetsPartitionResponse {
  const result: ListOffsetsPartitionResponse = {
    partition: p.partition,
    errorCode: ErrorCode.NONE,
    oldStyleOffsets: [],
    timestamp: -1,
    offset: -1,
    leaderEpoch: -1,
  };
  const partition = context.cluster.getPartition(topic, p.partition);
  if (!partition) return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (partition.leader !== context.node.id) return { ...result, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
  if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch < partition.leaderEpoch)
    return { ...result, errorCode: ErrorCode.FENCED_LEADER_EPOCH };
  if (p.currentLeaderEpoch > partition.leaderEpoch) return { ...result, errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH };
  const { log } = partition;
  if (context.header.apiVersion === 0) {
    return { ...result, oldStyleOffsets: log.legacyOffsetsBefore(p.timestamp, Math.max(0, p.maxNumOffsets)) };
  }
  result.leaderEpoch = partition.leaderEpoch;
  if (p.timestamp === LATEST_TIMESTAMP) {
    result.offset = request.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
  } else if (p.timestamp === EARLIEST_TIMESTAMP) {
    result.offset = log.logStartOffset;
  } else {
    const found = log.offsetForTimestamp(p.timestamp);
    if (found) {
      result.offset = found.offset;
      result.timestamp = found.timestamp;
    }
  }
  return result;
}

export const listOffsetsApi = defineApi<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const replicaId = reader.int32();
    const isolationLevel = version >= 2 ? reader.int8() : 0;
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.array((pr) => {
          const partition = pr.int32();
          const currentLeaderEpoch = version >= 4 ? pr.int32() : -1;
          const timestamp = pr.int64Number();
          const maxNumOffsets = version === 0 ? pr.int32() : 1;
          return { partition, currentLeaderEpoch, timestamp, maxNumOffsets };
        }, 12),
      }),
      6,
    );
    return { replicaId, isolationLevel, topics };
  },
  handle(request, context) {
    return {
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => listOffsets(topic.name, p, request, context)),
      })),
    };
  },
  encodeResponse(writer, response, version) {
    if (version >= 2) writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int16(p.errorCode);
        if (version === 0) {
          pw.array(p.oldStyleOffsets, (ow, offset) => ow.int64(offset));
          return;
        }
        pw.int64(p.timestamp).int64(p.offset);
        if (version >= 4) pw.int32(p.leaderEpoch);
      });
    });
  },
});
