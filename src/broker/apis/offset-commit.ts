import { ApiKey } from '../../protocol/api-keys';
import type { OffsetCommitInput, PartitionErrors } from '../groups/coordinator';
import { defineApi } from './types';
import { decodeCommittedOffsets, encodeTopicPartitionErrors } from './offset-commit-wire';

// OffsetCommit v0-7 (v8 is the first flexible version).
//   v0: group_id, topics[name, partitions[partition_index, committed_offset, committed_metadata]]
//       -> topics[name, partitions[partition_index, error_code]]
//       Stored in "ZooKeeper" as Kafka did: no group membership check, read back only by OffsetFetch v0.
//   v1: + generation_id, member_id; each partition + commit_timestamp before the metadata
//   v2: commit_timestamp gone; + retention_time_ms after member_id (v2-4; offsets here are kept until the group is
//       deleted, so it is read and ignored)
//   v3: response starts with throttle_time_ms        v4: same as v3
//   v5: retention_time_ms gone
//   v6: each partition + committed_leader_epoch after committed_offset
//   v7: + group_instance_id after member_id
export const offsetCommitApi = defineApi<OffsetCommitInput, PartitionErrors[]>({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 7,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const generationId = version >= 1 ? reader.int32() : -1;
    const memberId = version >= 1 ? reader.string() : '';
    const groupInstanceId = version >= 7 ? reader.nullableString() : null;
    if (version >= 2 && version <= 4) reader.int64();
    const topics = decodeCommittedOffsets(reader, { leaderEpoch: version >= 6, commitTimestamp: version === 1 });
    return {
      groupId,
      generationId,
      memberId,
      groupInstanceId,
      namespace: version === 0 ? 'zookeeper' : 'kafka',
      topics,
    };
  },
  handle(request, { cluster, node }) {
    return cluster.groups.commitOffsets(request, node.id);
  },
  encodeResponse(writer, response, version) {
    if (version >= 3) writer.int32(0);
    encodeTopicPartitionErrors(writer, response);
  },
});
