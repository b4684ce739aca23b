import { ApiKey } from '../../protocol/api-keys';
import { defineApi } from './types';
import { encodeTopicPartitionErrors } from './offset-commit-wire';
import { fencingErrorFor, type TopicPartitionErrors, type TopicPartitions } from '../txn/coordinator';

// AddPartitionsToTxn v0-2 (kafkajs 2.2.4 sends v0-1; v3 is the first flexible version).
//   request  v0: transactional_id, producer_id INT64, producer_epoch INT16, topics[name, partitions INT32[]]
//            v1-2: same
//   response v0: throttle_time_ms, results[name, results[partition_index, error_code]]    v1-2: same
// v2 may answer PRODUCER_FENCED where v0-1 get INVALID_PRODUCER_EPOCH.
interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  topics: TopicPartitions[];
}

export const addPartitionsToTxnApi = defineApi<AddPartitionsToTxnRequest, TopicPartitionErrors[]>({
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader) {
    const transactionalId = reader.string();
    const producerId = reader.int64Number();
    const producerEpoch = reader.int16();
    const topics = reader.array((r) => ({ name: r.string(), partitions: r.array((pr) => pr.int32(), 4) }), 6);
    return { transactionalId, producerId, producerEpoch, topics };
  },
  handle(request, { cluster, node, header }) {
    const { transactionalId, producerId, producerEpoch } = request;
    const results = cluster.transactions.addPartitions(
      { transactionalId, producerId, producerEpoch, nodeId: node.id },
      request.topics,
    );
    for (const topic of results)
      for (const p of topic.partitions) p.errorCode = fencingErrorFor(p.errorCode, header.apiVersion, 2);
    return results;
  },
  encodeResponse(writer, response) {
    writer.int32(0);
    encodeTopicPartitionErrors(writer, response);
  },
});
