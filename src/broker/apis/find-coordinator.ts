import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi } from './types';

// FindCoordinator v0-2 (v3 is the first flexible version, v4 batches keys).
//   v0: key (kafka-node's GroupCoordinator request) -> error_code, node_id, host, port
//   v1: + key_type (0 group, 1 transaction) -> throttle_time_ms first, error_message after error_code
//   v2: same as v1
// Kafka does not reject an empty group id here (only the membership APIs do), so neither does this broker.
interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

interface FindCoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

function failure(errorCode: number, errorMessage: string): FindCoordinatorResponse {
  return { errorCode, errorMessage, nodeId: -1, host: '', port: -1 };
}

export const findCoordinatorApi = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    const key = reader.string();
    const keyType = version >= 1 ? reader.int8() : GROUP_KEY;
    return { key, keyType };
  },
  handle(request, { cluster }) {
    if (request.keyType !== GROUP_KEY && request.keyType !== TRANSACTION_KEY) {
      return failure(
        ErrorCode.INVALID_REQUEST,
        `Unknown coordinator type ${request.keyType} in FindCoordinator request`,
      );
    }
    // Transaction coordinators are placed the same way (transactional ids hash onto __transaction_state's 50 partitions).
    const coordinator = cluster.coordinatorFor(request.key);
    const node = coordinator === -1 ? undefined : cluster.nodes.get(coordinator);
    if (!node) return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: node.id, host: node.host, port: node.port };
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode);
    if (version >= 1) writer.string(response.errorMessage);
    writer.int32(response.nodeId).string(response.host).int32(response.port);
  },
});
