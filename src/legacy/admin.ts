/**
 * The common Admin on kafka-node's KafkaClient, Admin and Offset. Results are sorted (topics, groups, partitions) so
 * they are stable.
 *
 * Where kafka-node 5 falls short, requests go raw over its connections (client.ts rawRequest):
 * - DeleteTopics: kafka-node has no encoder for it at all.
 * - CreateTopics: kafka-node's decoder keeps only an error message per topic (v1) and drops the error code.
 * - committed offsets: see client.ts fetchCommitted.
 * Brokers without those APIs (Apache Kafka 0.9: no ApiVersions, no CreateTopics/DeleteTopics) get
 * UNSUPPORTED_VERSION (35), the error Kafka itself gives for an API a broker does not have.
 */
import {
  INTERNAL_TOPICS,
  requireNonEmptyString,
  validateConfigResources,
  validateGroupIds,
  validateNewTopics,
  validateTopicNames,
  type TopicCreation,
} from '../common/admin-validation';
import { toGroupDescriptions } from '../common/group-description';
import type { ResolvedKafkaConfig } from '../common/config';
import { KafkaError, KafkaProtocolError } from '../common/errors';
import type {
  Admin,
  ClusterMetadata,
  ConfigResource,
  ConfigResourceDescription,
  GroupDescription,
  GroupListing,
  NewTopic,
  PartitionOffsets,
  TopicPartition,
  TopicPartitionOffset,
} from '../common/types';
import { ApiKey } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import {
  apiSupportOf,
  closeClient,
  connectedClient,
  controllerBroker,
  coordinatorBroker,
  fetchCommitted,
  rawRequest,
  topicPartitions,
} from './client';
import { backOff, sleep } from '../common/retry';
import { settle, toKafkaError } from './errors';
import {
  kafkaNode,
  type KafkaNodeAdmin,
  type KafkaNodeBroker,
  type KafkaNodeConfigResource,
  type KafkaNodeClient,
  type KafkaNodeGroupDescription,
  type KafkaNodeMetadataResponse,
  type KafkaNodeOffset,
} from './kafka-node';

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

const LEADER_POLL_MS = 50;

type OffsetsByTopic = Record<string, Record<string, number>>;

function byTopicThenPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

function firstFailure(results: TopicResult[], action: string): KafkaError | null {
  const failed = results.find((result) => result.errorCode !== ErrorCode.NONE);
  if (!failed) return null;
  return new KafkaProtocolError(
    failed.errorCode,
    `${action} "${failed.name}"${failed.errorMessage ? `: ${failed.errorMessage}` : ''}`,
  );
}

/** The topic/partitions of a consumer-protocol member assignment as kafka-node decoded it; none for other protocols. */
function assignedPartitions(
  protocolType: string,
  member: KafkaNodeGroupDescription['members'][number],
): TopicPartition[] {
  const partitions = member.memberAssignment?.partitions;
  if (protocolType !== 'consumer' || !partitions || typeof partitions !== 'object') return [];
  const assigned: TopicPartition[] = [];
  for (const [topic, ids] of Object.entries(partitions)) {
    if (!Array.isArray(ids)) continue;
    for (const id of ids) assigned.push({ topic, partition: Number(id) });
  }
  return assigned.sort(byTopicThenPartition);
}

export class LegacyAdmin implements Admin {
  private client: KafkaNodeClient | null = null;
  private admin: KafkaNodeAdmin | null = null;
  private offset: KafkaNodeOffset | null = null;

  constructor(private readonly config: ResolvedKafkaConfig) {}

  async connect(): Promise<void> {
    if (this.client) return;
    const client = await connectedClient(this.config);
    try {
      this.admin = new kafkaNode.Admin(client);
      this.offset = new kafkaNode.Offset(client);
    } catch (error) {
      await closeClient(client);
      throw toKafkaError(error);
    }
    // Both re-emit the client's 'error' events; failures surface through the calls instead.
    this.admin.on('error', () => undefined);
    this.offset.on('error', () => undefined);
    this.client = client;
  }

  async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.admin = null;
    this.offset = null;
    if (client) await closeClient(client);
  }

  /** Fails with TOPIC_ALREADY_EXISTS (36) when a topic exists already, as the CreateTopics API answers. */
  async createTopics(topics: NewTopic[]): Promise<void> {
    const requested = validateNewTopics(topics);
    const client = this.connected();
    const results = await this.onController('createTopics', ApiKey.CreateTopics, (broker, version) =>
      this.sendCreateTopics(client, broker, version, requested),
    );
    const failure = firstFailure(results, 'creating topic');
    if (failure) throw failure;
    await this.waitForLeaders(
      client,
      requested.map((t) => t.topic),
    );
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const names = validateTopicNames(topics, 'deleteTopics');
    const client = this.connected();
    const results = await this.onController('deleteTopics', ApiKey.DeleteTopics, (broker) =>
      rawRequest(client, broker, {
        apiKey: ApiKey.DeleteTopics,
        version: 0,
        writeBody: (writer) => writer.array(names, (w, name) => w.string(name)).int32(this.config.requestTimeoutMs),
        readBody: (reader) => reader.array((r) => ({ name: r.string(), errorCode: r.int16(), errorMessage: null })),
      }),
    );
    const failure = firstFailure(results, 'deleting topic');
    if (failure) throw failure;
  }

  async listTopics(): Promise<string[]> {
    const admin = this.connectedAdmin();
    const [, cluster] = await settle<KafkaNodeMetadataResponse>((callback) => admin.listTopics(callback));
    return Object.keys(cluster.metadata)
      .filter((topic) => !INTERNAL_TOPICS.has(topic))
      .sort();
  }

  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    requireNonEmptyString(topic, 'fetchTopicOffsets: topic');
    const client = this.connected();
    const offset = this.offset!;
    const partitions = await topicPartitions(client, topic, true);
    const earliest = await settle<OffsetsByTopic>((callback) => offset.fetchEarliestOffsets([topic], callback));
    const latest = await settle<OffsetsByTopic>((callback) => offset.fetchLatestOffsets([topic], callback));
    return partitions.map((partition) => ({
      partition,
      earliest: Number(earliest[topic]?.[partition] ?? -1),
      latest: Number(latest[topic]?.[partition] ?? -1),
    }));
  }

  async fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    requireNonEmptyString(groupId, 'fetchCommittedOffsets: groupId');
    requireNonEmptyString(topic, 'fetchCommittedOffsets: topic');
    const client = this.connected();
    const partitions = await topicPartitions(client, topic, true);
    const committed = await fetchCommitted(client, groupId, new Map([[topic, partitions]]), this.config.retry);
    return partitions.map((partition) => ({ topic, partition, offset: committed.get(topic)?.get(partition) ?? -1 }));
  }

  async fetchMetadata(topics?: string[], options: { allowAutoTopicCreation?: boolean } = {}): Promise<ClusterMetadata> {
    const wanted =
      topics === undefined || (Array.isArray(topics) && topics.length === 0)
        ? undefined
        : validateTopicNames(topics, 'fetchMetadata');
    const client = this.connected();
    if (wanted && options.allowAutoTopicCreation) {
      // Metadata v0/v1 for named topics: the broker creates missing ones when it auto-creates.
      await settle<KafkaNodeMetadataResponse>((callback) => client.loadMetadataForTopics(wanted, callback)).catch(
        () => undefined,
      );
    }
    // An empty topic list asks for every topic and never auto-creates; the wanted ones are picked out of it.
    const [brokers, cluster] = await settle<KafkaNodeMetadataResponse>((callback) =>
      client.loadMetadataForTopics([], callback),
    );
    const names = Object.keys(cluster.metadata).filter((topic) =>
      wanted ? wanted.includes(topic) : !INTERNAL_TOPICS.has(topic),
    );
    return {
      brokers: Object.values(brokers)
        .map(({ nodeId, host, port }) => ({ nodeId: Number(nodeId), host, port: Number(port) }))
        .sort((a, b) => a.nodeId - b.nodeId),
      controllerId: cluster.clusterMetadata?.controllerId ?? null,
      topics: names.sort().map((topic) => ({
        topic,
        partitions: Object.values(cluster.metadata[topic] ?? {})
          .map((p) => ({
            partition: Number(p.partition),
            leader: Number(p.leader),
            replicas: [...p.replicas],
            isr: [...p.isr],
          }))
          .sort((a, b) => a.partition - b.partition),
      })),
    };
  }

  /** OffsetCommit v2 with generation -1: the standalone commit Kafka accepts for a group without active members. */
  async commitOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    requireNonEmptyString(groupId, 'commitOffsets: groupId');
    const client = this.connected();
    const byTopic = new Map<string, TopicPartitionOffset[]>();
    for (const entry of offsets) byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);
    const broker = await coordinatorBroker(client, groupId, true);
    const results = await rawRequest(client, broker, {
      apiKey: ApiKey.OffsetCommit,
      version: 2,
      writeBody: (writer) => {
        writer.string(groupId).int32(-1).string('').int64(BigInt(-1));
        writer.array([...byTopic], (w, [topic, entries]) =>
          w.string(topic).array(entries, (p, entry) => p.int32(entry.partition).int64(BigInt(entry.offset)).string('')),
        );
      },
      readBody: (reader) =>
        reader
          .array((r) => {
            const name = r.string();
            return r.array((p) => ({ name: `${name}/${p.int32()}`, errorCode: p.int16(), errorMessage: null }));
          })
          .flat(),
    });
    const failure = firstFailure(results, 'committing offsets of');
    if (failure) throw failure;
  }

  async describeConfigs(
    resources: ConfigResource[],
    options: { includeSynonyms?: boolean } = {},
  ): Promise<ConfigResourceDescription[]> {
    const admin = this.connectedAdmin();
    const wanted = validateConfigResources(resources);
    const answered = await settle<KafkaNodeConfigResource[]>((callback) =>
      admin.describeConfigs(
        {
          resources: wanted.map((r) => ({
            resourceType: r.type,
            resourceName: r.name,
            ...(r.configNames ? { configNames: [...r.configNames] } : {}),
          })),
          includeSynonyms: options.includeSynonyms ?? false,
        },
        callback,
      ),
    );
    return answered.map((resource) => ({
      type: Number(resource.resourceType) === 4 ? 'broker' : 'topic',
      name: resource.resourceName,
      entries: resource.configEntries.map((entry) => ({
        name: entry.configName,
        value: entry.configValue,
        readOnly: entry.readOnly,
        source: entry.configSource,
        isSensitive: entry.isSensitive,
        synonyms: entry.synonyms.map((synonym) => ({
          name: synonym.configSynonymName,
          value: synonym.configSynonymValue,
          source: synonym.configSynonymSource,
        })),
      })),
    }));
  }

  async listGroups(): Promise<GroupListing[]> {
    const admin = this.connectedAdmin();
    const groups = await settle<Record<string, string>>((callback) => admin.listGroups(callback));
    return Object.entries(groups)
      .map(([groupId, protocolType]) => ({ groupId, protocolType }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const ids = validateGroupIds(groupIds, 'describeGroups');
    const admin = this.connectedAdmin();
    const described = await settle<Record<string, KafkaNodeGroupDescription>>((callback) =>
      admin.describeGroups(ids, callback),
    );
    return toGroupDescriptions(ids, (groupId) => described[groupId], assignedPartitions);
  }

  private connected(): KafkaNodeClient {
    if (!this.client)
      throw new KafkaError('the admin client is not connected: call connect() first', { retriable: false });
    return this.client;
  }

  private connectedAdmin(): KafkaNodeAdmin {
    this.connected();
    return this.admin!;
  }

  /**
   * Runs a controller request; NOT_CONTROLLER (the controller moved) and other retriable failures are retried after
   * looking the controller up again.
   */
  private async onController<T extends { errorCode: number }[]>(
    apiName: string,
    apiKey: ApiKey,
    send: (broker: KafkaNodeBroker, version: number) => Promise<T>,
  ): Promise<T> {
    const client = this.connected();
    const support = apiSupportOf(client.brokerForLeader(), apiName);
    if (!support)
      throw new KafkaProtocolError(
        ErrorCode.UNSUPPORTED_VERSION,
        `the broker has no ${ApiKey[apiKey]} API (Apache Kafka before 0.10.1)`,
      );
    const { retry } = this.config;
    for (let failures = 0; ; failures++) {
      let retriable: KafkaError;
      try {
        const results = await send(await controllerBroker(client), support.max);
        if (!results.some((result) => result.errorCode === ErrorCode.NOT_CONTROLLER)) return results;
        retriable = new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, 'the controller moved');
      } catch (error) {
        retriable = toKafkaError(error);
        if (!retriable.retriable) throw retriable;
      }
      if (failures >= retry.retries) throw retriable;
      client.setControllerId(null);
      await backOff(retry, failures + 1);
    }
  }

  /** CreateTopics v1 (v0 on brokers without it): v1 adds the error message. */
  private sendCreateTopics(
    client: KafkaNodeClient,
    broker: KafkaNodeBroker,
    maxVersion: number,
    topics: TopicCreation[],
  ): Promise<TopicResult[]> {
    const version = Math.min(maxVersion, 1);
    return rawRequest(client, broker, {
      apiKey: ApiKey.CreateTopics,
      version,
      writeBody: (writer) => {
        writer.array(topics, (w, topic) => {
          w.string(topic.topic).int32(topic.numPartitions).int16(topic.replicationFactor);
          w.array([], () => undefined);
          w.array(topic.configEntries, (c, entry) => c.string(entry.name).string(entry.value));
        });
        writer.int32(this.config.requestTimeoutMs);
        if (version >= 1) writer.boolean(false);
      },
      readBody: (reader) =>
        reader.array((r) => ({
          name: r.string(),
          errorCode: r.int16(),
          errorMessage: version >= 1 ? r.nullableString() : null,
        })),
    });
  }

  /** Until every partition of the new topics has a leader (as kafkajs's waitForLeaders), at most the request timeout. */
  private async waitForLeaders(client: KafkaNodeClient, topics: string[]): Promise<void> {
    const deadline = Date.now() + this.config.requestTimeoutMs;
    while (Date.now() < deadline) {
      try {
        const [, cluster] = await settle<KafkaNodeMetadataResponse>((callback) =>
          client.loadMetadataForTopics(topics, callback),
        );
        const led = topics.every((topic) => {
          const partitions = Object.values(cluster.metadata[topic] ?? {});
          return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
        });
        if (!cluster.error && led) return;
      } catch {
        // the next poll may work
      }
      await sleep(LEADER_POLL_MS);
    }
  }
}
