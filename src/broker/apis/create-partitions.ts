import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { Cluster } from '../cluster';
import { defineApi } from './types';
import { notControllerError } from './controller';

// CreatePartitions v0-1 (v2 is the first flexible version).
//   v0: topics[name, count, assignments[broker_ids[]] (nullable)], timeout_ms, validate_only
//       -> throttle_time_ms, results[name, error_code, error_message]
//   v1: same as v0
interface TopicPartitionsRequest {
  name: string;
  count: number;
  assignments: number[][] | null;
}

interface CreatePartitionsRequest {
  topics: TopicPartitionsRequest[];
  timeoutMs: number;
  validateOnly: boolean;
}

interface PartitionsResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

interface CreatePartitionsResponse {
  results: PartitionsResult[];
}

/** Kafka's checks of a partition increase, in its order; null when the cluster may add the partitions. */
function increaseProblem(
  { name, count, assignments }: TopicPartitionsRequest,
  cluster: Cluster,
): { errorCode: number; errorMessage: string } | null {
  const topic = cluster.getTopic(name);
  if (!topic)
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `The topic '${name}' does not exist.` };
  const current = topic.partitions.length;
  if (count < current) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${count}.`,
    };
  }
  if (count === current)
    return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `Topic already has ${current} partitions.` };
  if (count > cluster.settings.maxPartitionsPerTopic) {
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: `${count} partitions exceed this embedded broker's limit of ${cluster.settings.maxPartitionsPerTopic} per topic (option maxPartitionsPerTopic).`,
    };
  }
  if (!assignments) return null;
  if (assignments.length !== count - current) {
    return {
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `Increasing the number of partitions by ${count - current} but ${assignments.length} assignments provided.`,
    };
  }
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 1;
  for (const replicas of assignments) {
    const unknown = replicas.filter((id) => !cluster.nodes.has(id));
    if (unknown.length > 0)
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`,
      };
    if (new Set(replicas).size !== replicas.length) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')}.`,
      };
    }
    if (replicas.length !== replicationFactor) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: `Inconsistent replication factor between partitions: the topic has ${replicationFactor}, the assignment [${replicas.join(', ')}] has ${replicas.length}.`,
      };
    }
  }
  return null;
}

export const createPartitionsApi = defineApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest(reader) {
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        count: r.int32(),
        assignments: r.nullableArray((a) => a.array((b) => b.int32(), 4), 4),
      }),
      10,
    );
    const timeoutMs = reader.int32();
    const validateOnly = reader.boolean();
    return { topics, timeoutMs, validateOnly };
  },
  handle(request, context) {
    const { cluster } = context;
    const notController = notControllerError(context);
    const seen = new Map<string, number>();
    for (const topic of request.topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);
    return {
      results: request.topics.map((topic): PartitionsResult => {
        const { name } = topic;
        if (notController !== null)
          return {
            name,
            errorCode: notController,
            errorMessage: 'This is not the correct controller for this cluster.',
          };
        if (seen.get(name)! > 1)
          return { name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' };
        const problem = increaseProblem(topic, cluster);
        if (problem) return { name, ...problem };
        if (request.validateOnly) return { name, errorCode: ErrorCode.NONE, errorMessage: null };
        const result = cluster.addPartitions(name, topic.count, topic.assignments ?? undefined);
        // As Kafka: with timeout_ms <= 0 it does not wait for the new partitions and answers REQUEST_TIMED_OUT.
        if (result.errorCode === ErrorCode.NONE && request.timeoutMs <= 0)
          return { name, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null };
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
