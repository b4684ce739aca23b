import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { Reader } from '../../protocol/primitives';
import { defineApi } from './types';
import { notControllerError } from './controller';

// CreateTopics v0-4 (v5 is the first flexible version).
//   v0: topics[name, num_partitions, replication_factor, assignments[partition, broker_ids[]], configs[name, value]],
//       timeout_ms -> topics[name, error_code]
//   v1: validate_only in the request; error_message per topic in the response
//   v2: throttle_time_ms first in the response        v3: same as v2
//   v4: num_partitions / replication_factor may be -1 for the broker defaults (the broker resolves -1 whatever the
//       version, as Kafka does; kafkajs sends -1 on v3 when the caller gives no value)
interface TopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partition: number; brokerIds: number[] }[];
  configs: Record<string, string>;
}

interface CreateTopicsRequest {
  topics: TopicToCreate[];
  validateOnly: boolean;
}

interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

function readTopic(reader: Reader): TopicToCreate {
  const name = reader.string();
  const numPartitions = reader.int32();
  const replicationFactor = reader.int16();
  const assignments = reader.array((r) => ({ partition: r.int32(), brokerIds: r.array((b) => b.int32(), 4) }), 8);
  const configs: Record<string, string> = {};
  for (const { key, value } of reader.array((r) => ({ key: r.string(), value: r.nullableString() }), 4)) {
    if (value !== null) configs[key] = value;
  }
  return { name, numPartitions, replicationFactor, assignments, configs };
}

export const createTopicsApi = defineApi<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const topics = reader.array(readTopic, 12);
    reader.int32();
    const validateOnly = version >= 1 ? reader.boolean() : false;
    return { topics, validateOnly };
  },
  handle(request, context) {
    const { cluster } = context;
    const notController = notControllerError(context);
    const seen = new Map<string, number>();
    for (const topic of request.topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);
    return {
      topics: request.topics.map((topic) => {
        const fail = (errorCode: number, errorMessage: string) => ({ name: topic.name, errorCode, errorMessage });
        if (notController !== null) return fail(notController, 'This is not the correct controller for this cluster.');
        if (seen.get(topic.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `Create topics request from client contains duplicate topic ${topic.name}.`);
        const numPartitions = topic.numPartitions === -1 ? cluster.settings.defaultPartitions : topic.numPartitions;
        const replicationFactor =
          topic.replicationFactor === -1 ? Math.min(cluster.settings.defaultReplicationFactor, cluster.liveNodeIds().length) : topic.replicationFactor;
        if (topic.assignments.length > 0 && (topic.numPartitions !== -1 || topic.replicationFactor !== -1)) {
          return fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
        }
        const sorted = [...topic.assignments].sort((a, b) => a.partition - b.partition);
        if (sorted.some((a, i) => a.partition !== i)) {
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence.');
        }
        const creation = {
          name: topic.name,
          numPartitions,
          replicationFactor,
          configs: topic.configs,
          ...(sorted.length > 0 ? { assignments: sorted.map((a) => a.brokerIds) } : {}),
        };
        const result = request.validateOnly ? cluster.validateTopicCreation(creation) : cluster.createTopic(creation);
        return { name: topic.name, errorCode: result?.errorCode ?? ErrorCode.NONE, errorMessage: result?.errorMessage ?? null };
      }),
    };
  },
  encodeResponse(writer, response, version) {
    if (version >= 2) writer.int32(0);
    writer.array(response.topics, (w, topic) => {
      w.string(topic.name).int16(topic.errorCode);
      if (version >= 1) w.string(topic.errorMessage);
    });
  },
});
