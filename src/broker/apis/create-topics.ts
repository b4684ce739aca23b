import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { Reader } from '../../protocol/primitives';
import type { Cluster, TopicCreation } from '../cluster';
import { topicNameProblem } from '../topic-names';
import { topicConfigProblem } from '../topic-configs';
import { defineApi } from './types';
import { notControllerError } from './controller';

// CreateTopics v0-4 (v5 is the first flexible version).
//   v0: topics[name, num_partitions, replication_factor, assignments[partition, broker_ids[]], configs[name, value]],
//       timeout_ms -> topics[name, error_code]
//   v1: validate_only in the request; error_message per topic in the response
//   v2: throttle_time_ms first in the response        v3: same as v2
//   v4: num_partitions / replication_factor may be -1 for the broker defaults (the broker resolves -1 whatever the
//       version, as Kafka does; kafkajs sends -1 on v3 when the caller gives no value)
// Each topic is checked in Kafka's order: name, existence, null configs, assignment shape, '.'/'_' collisions, config
// names and values (INVALID_CONFIG), then partitions/replication factor against the live brokers (cluster).
interface TopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partition: number; brokerIds: number[] }[];
  configs: Record<string, string>;
  /** Config names sent with a null value, which Kafka refuses for topics. */
  nullConfigs: string[];
}

interface CreateTopicsRequest {
  topics: TopicToCreate[];
  timeoutMs: number;
  validateOnly: boolean;
}

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

interface CreateTopicsResponse {
  topics: TopicResult[];
}

function readTopic(reader: Reader): TopicToCreate {
  const name = reader.string();
  const numPartitions = reader.int32();
  const replicationFactor = reader.int16();
  const assignments = reader.array((r) => ({ partition: r.int32(), brokerIds: r.array((b) => b.int32(), 4) }), 8);
  const configs: Record<string, string> = {};
  const nullConfigs: string[] = [];
  for (const { key, value } of reader.array((r) => ({ key: r.string(), value: r.nullableString() }), 4)) {
    if (value === null) nullConfigs.push(key);
    else configs[key] = value;
  }
  return { name, numPartitions, replicationFactor, assignments, configs, nullConfigs };
}

/** Kafka refuses a topic whose name equals an existing one once '.' and '_' are treated alike (metric names clash). */
function collidingTopic(name: string, cluster: Cluster): string | undefined {
  const normalized = name.replace(/\./g, '_');
  for (const existing of cluster.topics.keys()) {
    if (existing !== name && existing.replace(/\./g, '_') === normalized) return existing;
  }
  return undefined;
}

/** The checks Kafka makes before its topic validation proper; null when the topic may go on to the cluster. */
function requestProblem(topic: TopicToCreate, cluster: Cluster): { errorCode: number; errorMessage: string } | null {
  const nameProblem = topicNameProblem(topic.name);
  if (nameProblem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: nameProblem };
  if (cluster.getTopic(topic.name))
    return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${topic.name}' already exists.` };
  if (topic.nullConfigs.length > 0) {
    return {
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: `Null value not supported for topic configs: ${topic.nullConfigs.join(',')}`,
    };
  }
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage:
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      };
    }
    const sorted = [...topic.assignments].sort((a, b) => a.partition - b.partition);
    if (sorted.some((a, i) => a.partition !== i)) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: 'Partitions should be a consecutive 0-based integer sequence.',
      };
    }
    if (new Set(sorted.map((a) => a.brokerIds.length)).size > 1) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: 'All partitions should have the same number of replicas.',
      };
    }
  }
  const colliding = collidingTopic(topic.name, cluster);
  if (colliding !== undefined) {
    return {
      errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      errorMessage: `Topic '${topic.name}' collides with existing topic: ${colliding}`,
    };
  }
  const configProblem = topicConfigProblem(topic.configs);
  if (configProblem) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: configProblem };
  return null;
}

function createOne(topic: TopicToCreate, validateOnly: boolean, cluster: Cluster): TopicResult {
  const problem = requestProblem(topic, cluster);
  if (problem) return { name: topic.name, ...problem };
  const { settings } = cluster;
  const creation: TopicCreation = {
    name: topic.name,
    // -1 means the broker's default (num.partitions, default.replication.factor), whatever the request version.
    numPartitions: topic.numPartitions === -1 ? settings.defaultPartitions : topic.numPartitions,
    replicationFactor:
      topic.replicationFactor === -1
        ? Math.min(settings.defaultReplicationFactor, cluster.liveNodeIds().length)
        : topic.replicationFactor,
    configs: topic.configs,
  };
  if (topic.assignments.length > 0)
    creation.assignments = [...topic.assignments].sort((a, b) => a.partition - b.partition).map((a) => a.brokerIds);
  const result = validateOnly ? cluster.validateTopicCreation(creation) : cluster.createTopic(creation);
  return {
    name: topic.name,
    errorCode: result?.errorCode ?? ErrorCode.NONE,
    errorMessage: result?.errorMessage ?? null,
  };
}

export const createTopicsApi = defineApi<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const topics = reader.array(readTopic, 12);
    const timeoutMs = reader.int32();
    const validateOnly = version >= 1 ? reader.boolean() : false;
    return { topics, timeoutMs, validateOnly };
  },
  handle(request, context) {
    const { cluster } = context;
    const notController = notControllerError(context);
    const seen = new Map<string, number>();
    for (const topic of request.topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);
    return {
      topics: request.topics.map((topic) => {
        if (notController !== null)
          return {
            name: topic.name,
            errorCode: notController,
            errorMessage: 'This is not the correct controller for this cluster.',
          };
        if (seen.get(topic.name)! > 1) {
          return {
            name: topic.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Create topics request from client contains duplicate topic ${topic.name}.`,
          };
        }
        const result = createOne(topic, request.validateOnly, cluster);
        // Kafka does not wait for the new topic's leaders when timeout_ms <= 0 and says so with REQUEST_TIMED_OUT
        // (the topic is created all the same).
        if (result.errorCode === ErrorCode.NONE && !request.validateOnly && request.timeoutMs <= 0) {
          return { ...result, errorCode: ErrorCode.REQUEST_TIMED_OUT };
        }
        return result;
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
