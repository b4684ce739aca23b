/**
 * Which requests each engine sends, at which versions: the facts the probe checks a cluster's ApiVersions against.
 * kafka-node 5.0.0's come from its lib/protocol (the encoders' header versions and protocolVersions' apiMap) and
 * lib/kafkaClient (version negotiation: `usable = min(kafka-node's highest, the broker's max)`, the broker's minimum
 * never consulted; no ApiVersions answer within 500 ms and it falls back to its built-in Kafka 0.9 table). kafkajs
 * 2.2.4 negotiates the same way (protocol/requests/index.js `lookup`), over the versions each request module has,
 * and refuses a broker that does not answer ApiVersions.
 */
import { ApiKey } from '../protocol/api-keys';
import type { ApiVersionRange } from '../protocol/api-versions';
import type { BackendName } from '../common/types';

/**
 * core: what a producer or a ConsumerGroup needs; other: the rest of the everyday API (plain Consumer, Offset.commit,
 * idempotence); admin: Admin and topic creation; sasl: only with SASL configured.
 */
export type RequestRole = 'core' | 'other' | 'admin' | 'sasl';

export interface EngineRequest {
  apiKey: ApiKey;
  /** Always this version, whatever the broker says. */
  fixed?: number;
  /** Negotiated: min(upTo, the broker's max). */
  upTo?: number;
  /** Lowest version the engine implements (a negotiated version below it cannot be sent). */
  from?: number;
  /** kafka-node's pick when the broker did not answer ApiVersions (its built-in Kafka 0.9 table). */
  withoutApiVersions?: number;
  /** Sent only when the engine's version of another request reaches this (kafka-node: SaslAuthenticate after SaslHandshake v1). */
  onlyAfter?: { apiKey: ApiKey; version: number };
  usedBy: string;
  role: RequestRole;
}

export interface EngineFacts {
  engine: string;
  /** Whether the engine can work with a broker that does not answer ApiVersions (Kafka 0.9 and older). */
  worksWithoutApiVersions: boolean;
  requests: readonly EngineRequest[];
}

/** kafka-node 5.0.0, in the order a program meets them: connect, produce, join a group, consume, commit, admin. */
export const KAFKA_NODE_REQUESTS: EngineFacts = {
  engine: 'kafka-node 5.0.0',
  worksWithoutApiVersions: true,
  requests: [
    {
      apiKey: ApiKey.ApiVersions,
      fixed: 0,
      usedBy: 'every connection (no answer within 500 ms: kafka-node assumes Kafka 0.9)',
      role: 'core',
    },
    { apiKey: ApiKey.Metadata, fixed: 0, usedBy: 'KafkaClient connect (the broker list)', role: 'core' },
    {
      apiKey: ApiKey.Metadata,
      upTo: 1,
      withoutApiVersions: 0,
      usedBy: 'topic metadata: Producer.send, ConsumerGroup, topicExists, Admin.listTopics',
      role: 'core',
    },
    {
      apiKey: ApiKey.Produce,
      upTo: 2,
      withoutApiVersions: 1,
      usedBy: 'Producer.send, HighLevelProducer.send',
      role: 'core',
    },
    {
      apiKey: ApiKey.ListOffsets,
      fixed: 0,
      usedBy: 'Offset.fetch/fetchLatestOffsets, ConsumerGroup fromOffset and offset resets',
      role: 'core',
    },
    { apiKey: ApiKey.FindCoordinator, fixed: 0, usedBy: 'ConsumerGroup, Offset.fetchCommits', role: 'core' },
    { apiKey: ApiKey.JoinGroup, fixed: 0, usedBy: 'ConsumerGroup', role: 'core' },
    { apiKey: ApiKey.SyncGroup, fixed: 0, usedBy: 'ConsumerGroup', role: 'core' },
    { apiKey: ApiKey.Heartbeat, fixed: 0, usedBy: 'ConsumerGroup', role: 'core' },
    {
      apiKey: ApiKey.OffsetFetch,
      fixed: 1,
      usedBy: 'ConsumerGroup start positions, Offset.fetchCommits',
      role: 'core',
    },
    { apiKey: ApiKey.Fetch, upTo: 2, withoutApiVersions: 1, usedBy: 'ConsumerGroup, Consumer', role: 'core' },
    { apiKey: ApiKey.OffsetCommit, fixed: 2, usedBy: 'ConsumerGroup commits', role: 'core' },
    { apiKey: ApiKey.LeaveGroup, fixed: 0, usedBy: 'ConsumerGroup.close', role: 'core' },
    {
      apiKey: ApiKey.OffsetFetch,
      fixed: 0,
      usedBy: 'Consumer with a groupId (start offsets), ConsumerStream',
      role: 'other',
    },
    { apiKey: ApiKey.OffsetCommit, fixed: 0, usedBy: 'Offset.commit, Consumer autoCommit', role: 'other' },
    {
      apiKey: ApiKey.CreateTopics,
      upTo: 1,
      withoutApiVersions: 0,
      usedBy: 'Admin.createTopics, client.createTopics',
      role: 'admin',
    },
    { apiKey: ApiKey.DescribeConfigs, upTo: 2, withoutApiVersions: 0, usedBy: 'Admin.describeConfigs', role: 'admin' },
    { apiKey: ApiKey.ListGroups, fixed: 0, usedBy: 'Admin.listGroups', role: 'admin' },
    { apiKey: ApiKey.DescribeGroups, fixed: 0, usedBy: 'Admin.describeGroups', role: 'admin' },
    { apiKey: ApiKey.SaslHandshake, upTo: 1, withoutApiVersions: 0, usedBy: 'SASL authentication', role: 'sasl' },
    {
      apiKey: ApiKey.SaslAuthenticate,
      fixed: 0,
      onlyAfter: { apiKey: ApiKey.SaslHandshake, version: 1 },
      usedBy: 'SASL authentication (after SaslHandshake v1; raw tokens after v0)',
      role: 'sasl',
    },
  ],
};

/** kafkajs 2.2.4 as the kafkajs backend uses it. */
export const KAFKAJS_REQUESTS: EngineFacts = {
  engine: 'kafkajs 2.2.4',
  worksWithoutApiVersions: false,
  requests: [
    { apiKey: ApiKey.ApiVersions, upTo: 2, usedBy: 'every connection', role: 'core' },
    { apiKey: ApiKey.Metadata, upTo: 6, usedBy: 'every client', role: 'core' },
    { apiKey: ApiKey.Produce, upTo: 7, usedBy: 'producer', role: 'core' },
    { apiKey: ApiKey.ListOffsets, upTo: 3, usedBy: 'consumer start positions, offsets', role: 'core' },
    { apiKey: ApiKey.FindCoordinator, upTo: 2, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.JoinGroup, upTo: 5, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.SyncGroup, upTo: 3, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.Heartbeat, upTo: 3, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.OffsetFetch, upTo: 4, from: 1, usedBy: 'consumer group start positions', role: 'core' },
    { apiKey: ApiKey.Fetch, upTo: 11, usedBy: 'consumer', role: 'core' },
    { apiKey: ApiKey.OffsetCommit, upTo: 5, usedBy: 'consumer group commits', role: 'core' },
    { apiKey: ApiKey.LeaveGroup, upTo: 3, usedBy: 'consumer group close', role: 'core' },
    { apiKey: ApiKey.InitProducerId, upTo: 1, usedBy: 'idempotent and transactional producers', role: 'other' },
    { apiKey: ApiKey.CreateTopics, upTo: 3, usedBy: 'admin createTopics', role: 'admin' },
    { apiKey: ApiKey.DeleteTopics, upTo: 1, usedBy: 'admin deleteTopics', role: 'admin' },
    { apiKey: ApiKey.CreatePartitions, upTo: 1, usedBy: 'admin createPartitions', role: 'admin' },
    { apiKey: ApiKey.DescribeConfigs, upTo: 2, usedBy: 'admin describeConfigs', role: 'admin' },
    { apiKey: ApiKey.ListGroups, upTo: 2, usedBy: 'admin listGroups', role: 'admin' },
    { apiKey: ApiKey.DescribeGroups, upTo: 2, usedBy: 'admin describeGroups', role: 'admin' },
    { apiKey: ApiKey.SaslHandshake, upTo: 1, usedBy: 'SASL authentication', role: 'sasl' },
    { apiKey: ApiKey.SaslAuthenticate, upTo: 1, usedBy: 'SASL authentication', role: 'sasl' },
  ],
};

/**
 * librdkafka 2.15.1 (under @confluentinc/kafka-javascript 1.10.1) as the confluent backend uses it: the highest version
 * each request builder asks `rd_kafka_broker_ApiVersion_supported` for (its src/rdkafka_request.c, rdkafka_fetcher.c,
 * rdkafka_msgset_writer.c). Like kafkajs it sends the highest version both sides have; with no ApiVersions answer it
 * assumes a 0.10.0 broker (`broker.version.fallback`) and sends requests Kafka 0.9 does not take.
 */
export const LIBRDKAFKA_REQUESTS: EngineFacts = {
  engine: 'librdkafka 2.15.1',
  worksWithoutApiVersions: false,
  requests: [
    { apiKey: ApiKey.ApiVersions, upTo: 3, usedBy: 'every connection', role: 'core' },
    { apiKey: ApiKey.Metadata, upTo: 13, usedBy: 'every client', role: 'core' },
    { apiKey: ApiKey.Produce, upTo: 10, usedBy: 'producer', role: 'core' },
    { apiKey: ApiKey.ListOffsets, upTo: 7, usedBy: 'consumer start positions, offsets', role: 'core' },
    { apiKey: ApiKey.FindCoordinator, upTo: 2, usedBy: 'consumer group, transactions', role: 'core' },
    { apiKey: ApiKey.JoinGroup, upTo: 5, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.SyncGroup, upTo: 3, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.Heartbeat, upTo: 3, usedBy: 'consumer group', role: 'core' },
    { apiKey: ApiKey.OffsetFetch, upTo: 9, usedBy: 'consumer group start positions', role: 'core' },
    { apiKey: ApiKey.Fetch, upTo: 16, usedBy: 'consumer', role: 'core' },
    { apiKey: ApiKey.OffsetCommit, upTo: 9, usedBy: 'consumer group commits', role: 'core' },
    { apiKey: ApiKey.LeaveGroup, upTo: 1, usedBy: 'consumer group close', role: 'core' },
    { apiKey: ApiKey.InitProducerId, upTo: 4, usedBy: 'idempotent and transactional producers', role: 'other' },
    { apiKey: ApiKey.EndTxn, upTo: 1, usedBy: 'transactional producers', role: 'other' },
    { apiKey: ApiKey.TxnOffsetCommit, upTo: 3, usedBy: 'transactional producers (sendOffsets)', role: 'other' },
    { apiKey: ApiKey.CreateTopics, upTo: 4, usedBy: 'admin createTopics', role: 'admin' },
    { apiKey: ApiKey.DeleteTopics, upTo: 4, usedBy: 'admin deleteTopics', role: 'admin' },
    { apiKey: ApiKey.CreatePartitions, upTo: 2, usedBy: 'admin createPartitions', role: 'admin' },
    { apiKey: ApiKey.ListGroups, upTo: 5, usedBy: 'admin listGroups', role: 'admin' },
    { apiKey: ApiKey.DescribeGroups, upTo: 5, usedBy: 'admin describeGroups', role: 'admin' },
    { apiKey: ApiKey.SaslHandshake, upTo: 1, usedBy: 'SASL authentication', role: 'sasl' },
    { apiKey: ApiKey.SaslAuthenticate, upTo: 1, usedBy: 'SASL authentication', role: 'sasl' },
  ],
};

/**
 * What Apache Kafka 0.9.0 accepts (its ApiKeys at the 0.9.0 tag; the broker cannot say so itself): the ranges the
 * probe assumes for a broker that does not answer ApiVersions.
 */
export const KAFKA_0_9_API_RANGES: readonly ApiVersionRange[] = [
  [ApiKey.Produce, 0, 1],
  [ApiKey.Fetch, 0, 1],
  [ApiKey.ListOffsets, 0, 0],
  [ApiKey.Metadata, 0, 0],
  [ApiKey.OffsetCommit, 0, 2],
  [ApiKey.OffsetFetch, 0, 1],
  [ApiKey.FindCoordinator, 0, 0],
  [ApiKey.JoinGroup, 0, 0],
  [ApiKey.Heartbeat, 0, 0],
  [ApiKey.LeaveGroup, 0, 0],
  [ApiKey.SyncGroup, 0, 0],
  [ApiKey.DescribeGroups, 0, 0],
  [ApiKey.ListGroups, 0, 0],
].map(([apiKey, minVersion, maxVersion]) => ({ apiKey: apiKey!, minVersion: minVersion!, maxVersion: maxVersion! }));

/**
 * Apache Kafka 4.x (KIP-896 removed the oldest versions of many APIs) still lists Produce from v0 in ApiVersions, for
 * old librdkafka clients that refuse to produce compressed data otherwise (KAFKA-18659), yet closes the connection
 * on Produce v0-v2. The minimums a 4.x broker really serves where its ApiVersions says less.
 */
export const KAFKA_4_HIDDEN_MINIMUMS: Readonly<Partial<Record<ApiKey, number>>> = { [ApiKey.Produce]: 3 };

/** A broker after KIP-896 (Apache Kafka 4.0 and later): Fetch below v4 is gone. */
export function isKafka4(apis: readonly ApiVersionRange[]): boolean {
  const fetch = apis.find((api) => api.apiKey === ApiKey.Fetch);
  return fetch !== undefined && fetch.minVersion >= 4;
}

/** The engine under each backend of the facade; a backend without an entry is reported as not assessed. */
export function engineOfBackend(backend: BackendName): EngineFacts | undefined {
  const engines: Partial<Record<string, EngineFacts>> = {
    'kafka-node': KAFKA_NODE_REQUESTS,
    kafkajs: KAFKAJS_REQUESTS,
    confluent: LIBRDKAFKA_REQUESTS,
  };
  return engines[backend];
}
