import { ApiKey } from '../../protocol/api-keys';
import { defineApi } from './types';
import { fencingErrorFor } from '../txn/coordinator';

// EndTxn v0-2 (kafkajs 2.2.4 sends v0-1; v3 is the first flexible version).
//   request  v0: transactional_id, producer_id INT64, producer_epoch INT16, committed BOOLEAN    v1-2: same
//   response v0: throttle_time_ms, error_code    v1-2: same (v2 may answer PRODUCER_FENCED)
interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  committed: boolean;
}

export const endTxnApi = defineApi<EndTxnRequest, { errorCode: number }>({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader) {
    return {
      transactionalId: reader.string(),
      producerId: reader.int64Number(),
      producerEpoch: reader.int16(),
      committed: reader.boolean(),
    };
  },
  handle(request, { cluster, node, header }) {
    const { transactionalId, producerId, producerEpoch } = request;
    const errorCode = cluster.transactions.endTransaction(
      { transactionalId, producerId, producerEpoch, nodeId: node.id },
      request.committed,
    );
    return { errorCode: fencingErrorFor(errorCode, header.apiVersion, 2) };
  },
  encodeResponse(writer, response) {
    writer.int32(0).int16(response.errorCode);
  },
});
