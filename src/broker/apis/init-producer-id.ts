import { ApiKey } from '../../protocol/api-keys';
import { defineApi } from './types';
import type { ProducerIdResult } from '../txn/coordinator';

// InitProducerId v0-1 (kafkajs 2.2.4 sends v0-1; v2 is the first flexible version, v3 adds the current id and epoch).
//   request  v0: transactional_id NULLABLE_STRING, transaction_timeout_ms INT32    v1: same
//   response v0: throttle_time_ms, error_code, producer_id INT64, producer_epoch INT16    v1: same
// Without a transactional id any broker hands out a fresh id (idempotent producer); with one, only its coordinator.
interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export const initProducerIdApi = defineApi<InitProducerIdRequest, ProducerIdResult>({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    return { transactionalId: reader.nullableString(), transactionTimeoutMs: reader.int32() };
  },
  handle(request, { cluster, node }) {
    return cluster.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, node.id);
  },
  encodeResponse(writer, response) {
    writer.int32(0).int16(response.errorCode).int64(response.producerId).int16(response.producerEpoch);
  },
});
