import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi } from './types';
import { notControllerError } from './controller';

// CreatePartitions v0-1 (v2 is the first flexible version).
//   v0: topics[name, count, assignments[broker_ids[]] (nullable)], timeout_ms, validate_only
//       -> throttle_time_ms, results[name, error_code, error_message]
//   v1: same as v0
interface CreatePartitionsRequest {
  topics: { name: string; count: number; assignments: number[][] | null }[];
  validateOnly: boolean;
}

interface CreatePartitionsResponse {
  results: { name: string; errorCode: number; errorMessage: string | null }[];
}

export const createPartitionsApi = defineApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const topics = reader.array(
      (r) => ({ name: r.string(), count: r.int32(), assignments: r.nullableArray((a) => a.array((b) => b.int32(), 4), 4) }),
      10,
    );
    reader.int32();
    const validateOnly = reader.boolean();
    return { topics, validateOnly };
  },
  handle(request, context) {
    const { cluster } = context;
    const notController = notControllerError(context);
    return {
      results: request.topics.map(({ name, count, assignments }) => {
        if (notController !== null) return { name, errorCode: notController, errorMessage: 'This is not the correct controller for this cluster.' };
        const topic = cluster.getTopic(name);
        if (!topic) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` };
        if (count <= topic.partitions.length) {
          return {
            name,
            errorCode: ErrorCode.INVALID_PARTITIONS,
            errorMessage: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${count}.`,
          };
        }
        if (assignments && assignments.length !== count - topic.partitions.length) {
          return {
            name,
            errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            errorMessage: `Increasing the number of partitions by ${count - topic.partitions.length} but ${assignments.length} assignments provided.`,
          };
        }
        if (assignments?.some((replicas) => replicas.length === 0 || replicas.some((id) => !cluster.nodes.has(id)))) {
          return { name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `Invalid replica assignment ${JSON.stringify(assignments)}.` };
        }
        if (request.validateOnly) return { name, errorCode: ErrorCode.NONE, errorMessage: null };
        const result = cluster.addPartitions(name, count, assignments ?? undefined);
        return { name, errorCode: result.errorCode, errorMessage: result.errorMessage };
      }),
    };
  },
  encodeResponse(writer, response) {
    writer.int32(0);
    writer.array(response.results, (w, result) => {
      w.string(result.name).int16(result.errorCode).string(result.errorMessage);
    });
  },
});
