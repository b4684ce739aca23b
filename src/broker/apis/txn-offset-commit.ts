import { ApiKey } from '../../protocol/api-keys';
import { defineApi } from './types';
import { decodeCommittedOffsets, encodeTopicPartitionErrors } from './offset-commit-wire';
import type { TopicPartitionErrors, TxnOffsetInput } from '../txn/coordinator';

// TxnOffsetCommit v0-2 (kafkajs 2.2.4 sends v0-1; v3 is the first flexible version and adds group membership).
//   request  v0: transactional_id, group_id, producer_id INT64, producer_epoch INT16,
//                topics[name, partitions[partition_index, committed_offset INT64, committed_metadata NULLABLE_STRING]]
//            v1: same    v2: partition committed_leader_epoch INT32 after committed_offset
//   response v0: throttle_time_ms, topics[name, partitions[partition_index, error_code]]    v1-2: same
// Sent to the group's coordinator; the offsets become visible to OffsetFetch when the transaction commits.
interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  topics: TxnOffsetInput[];
}

export const txnOffsetCommitApi = defineApi<TxnOffsetCommitRequest, TopicPartitionErrors[]>({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    const transactionalId = reader.string();
    const groupId = reader.string();
    const producerId = reader.int64Number();
    const producerEpoch = reader.int16();
    const topics = decodeCommittedOffsets(reader, { leaderEpoch: version >= 2 });
    return { transactionalId, groupId, producerId, producerEpoch, topics };
  },
  handle(request, { cluster, node }) {
    const { transactionalId, producerId, producerEpoch } = request;
    return cluster.transactions.commitOffsets(
      { transactionalId, producerId, producerEpoch, nodeId: node.id },
      request.groupId,
      request.topics,
    );
  },
  encodeResponse(writer, response) {
    writer.int32(0);
    encodeTopicPartitionErrors(writer, response);
  },
});
