import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi, type RequestContext } from './types';
import { topicNameProblem } from '../topic-names';

// Metadata v0-6 (kafkajs 2.2.4 stops at v6; v9 is the first flexible version).
//   v0: topics[] (empty means all); brokers[id, host, port]; topics[error, name, partitions[error, id, leader, replicas, isr]]
//   v1: null topics means all, empty means none; broker rack; controller_id; topic is_internal
//   v2: cluster_id        v3: throttle_time_ms first        v4: allow_auto_topic_creation in the request
//   v5: partition offline_replicas        v6: same as v5
interface MetadataRequest {
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

interface PartitionMetadata {
  errorCode: number;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

interface TopicMetadata {
  errorCode: number;
  name: string;
  internal: boolean;
  partitions: PartitionMetadata[];
}

interface MetadataResponse {
  brokers: { id: number; host: string; port: number }[];
  clusterId: string;
  controllerId: number;
  topics: TopicMetadata[];
}

function describeTopic(name: string, context: RequestContext, autoCreate: boolean): TopicMetadata {
  const { cluster } = context;
  const problem = topicNameProblem(name);
  if (problem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, internal: false, partitions: [] };
  const existed = cluster.getTopic(name) !== undefined;
  const topic = cluster.topicForRequest(name, autoCreate);
  if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, internal: false, partitions: [] };
  if (!existed) {
    // Kafka answers the request that auto-created a topic before its leaders are elected; clients retry.
    return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, name, internal: false, partitions: [] };
  }
  const live = new Set(cluster.liveNodeIds());
  return {
    errorCode: ErrorCode.NONE,
    name,
    internal: topic.internal,
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partition: p.index,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      offline: p.replicas.filter((id) => !live.has(id)),
    })),
  };
}

export const metadataApi = defineApi<MetadataRequest, MetadataResponse>({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 6,
  decodeRequest(reader, version) {
    let topics = reader.nullableArray((r) => r.string(), 2);
    if (version === 0 && topics !== null && topics.length === 0) topics = null;
    const allowAutoTopicCreation = version >= 4 ? reader.boolean() : true;
    return { topics, allowAutoTopicCreation };
  },
  handle(request, context) {
    const { cluster } = context;
    const names = request.topics ?? [...cluster.topics.keys()];
    const topics = names.map((name) =>
      describeTopic(name, context, request.topics !== null && request.allowAutoTopicCreation),
    );
    const brokers = cluster.liveNodeIds().map((id) => {
      const node = cluster.nodes.get(id)!;
      return { id, host: node.host, port: node.port };
    });
    return { brokers, clusterId: cluster.clusterId, controllerId: cluster.controllerId(), topics };
  },
  encodeResponse(writer, response, version) {
    if (version >= 3) writer.int32(0);
    writer.array(response.brokers, (w, broker) => {
      w.int32(broker.id).string(broker.host).int32(broker.port);
      if (version >= 1) w.string(null);
    });
    if (version >= 2) writer.string(response.clusterId);
    if (version >= 1) writer.int32(response.controllerId);
    writer.array(response.topics, (w, topic) => {
      w.int16(topic.errorCode).string(topic.name);
      if (version >= 1) w.boolean(topic.internal);
      w.array(topic.partitions, (pw, p) => {
        pw.int16(p.errorCode).int32(p.partition).int32(p.leader);
        pw.array(p.replicas, (iw, id) => iw.int32(id));
        pw.array(p.isr, (iw, id) => iw.int32(id));
        if (version >= 5) pw.array(p.offline, (iw, id) => iw.int32(id));
      });
    });
  },
});
