import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { OffsetFetchInput, OffsetFetchResult } from '../groups/coordinator';
import { defineApi } from './types';

// OffsetFetch v0-5 (v6 is the first flexible version).
//   v0: group_id, topics[name, partition_indexes[]]
//       -> topics[name, partitions[partition_index, committed_offset, metadata, error_code]]
//       Reads "ZooKeeper", i.e. what OffsetCommit v0 stored.
//   v1: reads the broker's offset store (OffsetCommit v1+)
//   v2: topics may be null, meaning every partition the group committed; response + error_code at the end
//       (a group-level error is reported there with no topics; before v2 it is repeated in every partition)
//   v3: response starts with throttle_time_ms        v4: same as v3
//   v5: each partition + committed_leader_epoch after committed_offset
// A partition without a commit answers offset -1 and empty metadata.
export const offsetFetchApi = defineApi<OffsetFetchInput, OffsetFetchResult>({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 5,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const readTopic = (r: typeof reader): { name: string; partitions: number[] } => ({
      name: r.string(),
      partitions: r.array((pr) => pr.int32(), 4),
    });
    const topics = version >= 2 ? reader.nullableArray(readTopic, 6) : reader.array(readTopic, 6);
    return { groupId, topics, namespace: version === 0 ? 'zookeeper' : 'kafka' };
  },
  handle(request, { cluster, node, header }) {
    const result = cluster.groups.fetchOffsets(request, node.id);
    if (header.apiVersion >= 2 && result.errorCode !== ErrorCode.NONE)
      return { errorCode: result.errorCode, topics: [] };
    return result;
  },
  encodeResponse(writer, response, version) {
    if (version >= 3) writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset);
        if (version >= 5) pw.int32(p.leaderEpoch);
        pw.string(p.metadata).int16(p.errorCode);
      });
    });
    if (version >= 2) writer.int16(response.errorCode);
  },
});
