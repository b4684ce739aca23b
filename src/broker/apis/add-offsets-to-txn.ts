import { ApiKey } from '../../protocol/api-keys';
import { defineApi } from './types';
import { fencingErrorFor } from '../txn/coordinator';

// AddOffsetsToTxn v0-2 (kafkajs 2.2.4 sends v0-1; v3 is the first flexible version).
//   request  v0: transactional_id, producer_id INT64, producer_epoch INT16, group_id    v1-2: same
//   response v0: throttle_time_ms, error_code    v1-2: same (v2 may answer PRODUCER_FENCED)
interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export const addOffsetsToTxnApi = defineApi<AddOffsetsToTxnRequest, { errorCode: number }>({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader) {
    return {
      transactionalId: reader.string(),
      producerId: reader.int64Number(),
      producerEpoch: reader.int16(),
      groupId: reader.string(),
    };
  },
  handle(request, { cluster, node, header }) {
    const { transactionalId, producerId, producerEpoch } = request;
    const errorCode = cluster.transactions.addOffsets(
      { transactionalId, producerId, producerEpoch, nodeId: node.id },
      request.groupId,
    );
    return { errorCode: fencingErrorFor(errorCode, header.apiVersion, 2) };
  },
  encodeResponse(writer, response) {
    writer.int32(0).int16(response.errorCode);
  },
});
