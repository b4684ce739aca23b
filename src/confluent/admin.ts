/**
 * The common Admin on @confluentinc/kafka-javascript's KafkaJS-style admin client. Cluster metadata (brokers, the
 * partition layout) comes from a producer client's metadata request, which the admin client does not offer; the
 * binding has no DescribeConfigs, so describeConfigs is refused. Results are sorted so they are stable.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ResolvedKafkaConfig } from '../common/config';
import {
  INTERNAL_TOPICS,
  requireNonEmptyString,
  validateConfigResources,
  validateGroupIds,
  validateNewTopics,
  validateTopicNames,
} from '../common/admin-validation';
import { KafkaProtocolError, UnsupportedFeatureError } from '../common/errors';
import { toGroupDescriptions } from '../common/group-description';
import type {
  Admin,
  ClusterMetadata,
  ConfigResource,
  ConfigResourceDescription,
  GroupDescription,
  GroupListing,
  NewTopic,
  PartitionOffsets,
  TopicPartitionOffset,
} from '../common/types';
import { ErrorCode } from '../protocol/error-codes';
import { commitStandalone } from './commit';
import { toKafkaError, translated } from './errors';

/** KafkaJS.IsolationLevel.READ_UNCOMMITTED: the log end, as the other backends report it. */
const READ_UNCOMMITTED = 0 as KafkaJS.IsolationLevel;

/** librdkafka's ConsumerGroupStates enum, as the Kafka protocol (and the other backends) name the states. */
const GROUP_STATES: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'PreparingRebalance',
  2: 'CompletingRebalance',
  3: 'Stable',
  4: 'Dead',
  5: 'Empty',
};

interface RdkafkaMetadata {
  brokers: { id: number; host: string; port: number }[];
  topics: { name: string; partitions: { id: number; leader: number; replicas: number[]; isrs: number[] }[] }[];
}

interface MetadataClient {
  getMetadata(
    options: { topic?: string; allTopics?: boolean; timeout: number },
    callback: (error: unknown, metadata: RdkafkaMetadata) => void,
  ): void;
}

type MetadataProducer = KafkaJS.Producer & { _getInternalClient(): MetadataClient };

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ConfluentAdmin implements Admin {
  private readonly admin: KafkaJS.Admin;
  private metadataProducer: MetadataProducer | null = null;

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly config: ResolvedKafkaConfig,
  ) {
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await translated(() => this.admin.connect());
  }

  async disconnect(): Promise<void> {
    const producer = this.metadataProducer;
    this.metadataProducer = null;
    await Promise.all([
      translated(() => this.admin.disconnect()),
      producer ? producer.disconnect().catch(() => undefined) : undefined,
    ]);
  }

  /** Fails with TOPIC_ALREADY_EXISTS (36) when a topic exists already, as the CreateTopics API answers. */
  async createTopics(topics: NewTopic[]): Promise<void> {
    const requested = validateNewTopics(topics);
    const created = await translated(() =>
      this.admin.createTopics({
        topics: requested.map((t) => ({
          topic: t.topic,
          ...(t.numPartitions !== undefined ? { numPartitions: t.numPartitions } : {}),
          ...(t.replicationFactor !== undefined ? { replicationFactor: t.replicationFactor } : {}),
          ...(t.configEntries ? { configEntries: t.configEntries } : {}),
        })),
        timeout: this.config.requestTimeoutMs,
      }),
    );
    if (!created) {
      throw new KafkaProtocolError(
        ErrorCode.TOPIC_ALREADY_EXISTS,
        `one or more of ${requested.map((t) => `"${t.topic}"`).join(', ')} already exist`,
      );
    }
    // CreateTopics answers before every broker knows the topic: wait until the metadata shows each with its leaders.
    await this.waitForLeaders(requested.map((t) => t.topic));
  }

  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + this.config.requestTimeoutMs;
    for (;;) {
      const metadata = await this.metadata();
      const ready = topics.every((topic) => {
        const found = metadata.topics.find((t) => t.name === topic);
        return found !== undefined && found.partitions.length > 0 && found.partitions.every((p) => p.leader >= 0);
      });
      if (ready || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const names = validateTopicNames(topics, 'deleteTopics');
    await translated(() => this.admin.deleteTopics({ topics: names, timeout: this.config.requestTimeoutMs }));
  }

  async listTopics(): Promise<string[]> {
    const topics = await translated(() => this.admin.listTopics());
    return topics.filter((topic) => !INTERNAL_TOPICS.has(topic)).sort();
  }

  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    requireNonEmptyString(topic, 'fetchTopicOffsets: topic');
    const offsets = await translated(() =>
      this.admin.fetchTopicOffsets(topic, { timeout: this.config.requestTimeoutMs, isolationLevel: READ_UNCOMMITTED }),
    );
    return offsets
      .map(({ partition, low, high }) => ({ partition, earliest: Number(low), latest: Number(high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    requireNonEmptyString(groupId, 'fetchCommittedOffsets: groupId');
    requireNonEmptyString(topic, 'fetchCommittedOffsets: topic');
    const partitions = (await this.metadata(topic)).topics.find((t) => t.name === topic)?.partitions ?? [];
    if (partitions.length === 0) return [];
    const result = await translated(() =>
      this.admin.fetchOffsets({
        groupId,
        topics: [{ topic, partitions: partitions.map((p) => p.id) }],
      } as unknown as Parameters<KafkaJS.Admin['fetchOffsets']>[0]),
    );
    return result
      .filter((entry) => entry.topic === topic)
      .flatMap((entry) =>
        entry.partitions.map(({ partition, offset }) => ({
          topic,
          partition,
          offset: Number(offset) < 0 ? -1 : Number(offset),
        })),
      )
      .sort((a, b) => a.partition - b.partition);
  }

  async fetchMetadata(topics?: string[], options: { allowAutoTopicCreation?: boolean } = {}): Promise<ClusterMetadata> {
    const wanted =
      topics === undefined || (Array.isArray(topics) && topics.length === 0)
        ? undefined
        : validateTopicNames(topics, 'fetchMetadata');
    if (wanted && options.allowAutoTopicCreation) await this.requestAsProducer(wanted);
    const metadata = await this.metadata();
    return {
      brokers: metadata.brokers
        .map(({ id, host, port }) => ({ nodeId: id, host, port }))
        .sort((a, b) => a.nodeId - b.nodeId),
      // librdkafka's metadata does not carry the controller id.
      controllerId: null,
      topics: metadata.topics
        .filter(({ name }) => (wanted ? wanted.includes(name) : !INTERNAL_TOPICS.has(name)))
        .sort((a, b) => byName(a.name, b.name))
        .map(({ name, partitions }) => ({
          topic: name,
          partitions: partitions
            .map((p) => ({ partition: p.id, leader: p.leader, replicas: [...p.replicas], isr: [...p.isrs] }))
            .sort((a, b) => a.partition - b.partition),
        })),
    };
  }

  /** Every topic (never creating one), or one topic as a producer asks for it. */
  private async metadata(topic?: string): Promise<RdkafkaMetadata> {
    if (!this.metadataProducer) {
      const producer = this.kafka.producer({ kafkaJS: { allowAutoTopicCreation: false } }) as MetadataProducer;
      await translated(() => producer.connect());
      this.metadataProducer = producer;
    }
    return metadataOf(
      this.metadataProducer,
      topic === undefined ? { allTopics: true } : { topic },
      this.config.requestTimeoutMs,
    );
  }

  /** A producer with auto-creation asks for each topic: a broker that auto-creates topics makes them. */
  private async requestAsProducer(topics: string[]): Promise<void> {
    const producer = this.kafka.producer({ kafkaJS: { allowAutoTopicCreation: true } }) as MetadataProducer;
    try {
      await producer.connect();
      for (const topic of topics)
        await metadataOf(producer, { topic }, this.config.requestTimeoutMs).catch(() => undefined);
    } catch {
      // Unreachable or refusing: the metadata answer that follows says what exists.
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Kafka accepts commits for a group from outside only while it has no active members. A consumer of the group that
   * never subscribes commits with no generation, as a standalone offset tool does.
   */
  async commitOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    requireNonEmptyString(groupId, 'commitOffsets: groupId');
    if (offsets.length === 0) return;
    const [described] = await this.describeGroups([groupId]);
    const state = described?.state ?? 'Dead';
    if (state !== 'Empty' && state !== 'Dead' && state !== 'Unknown') {
      throw new KafkaProtocolError(
        ErrorCode.REBALANCE_IN_PROGRESS,
        `group "${groupId}" has active members (state ${state}): offsets can be committed from outside only while it has none`,
      );
    }
    const consumer = this.kafka.consumer({ kafkaJS: { groupId, autoCommit: false } });
    await translated(() => consumer.connect());
    try {
      await commitStandalone(consumer, offsets, this.config.requestTimeoutMs);
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  async describeConfigs(resources: ConfigResource[]): Promise<ConfigResourceDescription[]> {
    validateConfigResources(resources);
    throw new UnsupportedFeatureError(
      'describeConfigs',
      'confluent',
      '@confluentinc/kafka-javascript has no DescribeConfigs call',
    );
  }

  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await translated(() => this.admin.listGroups());
    return groups
      .map(({ groupId, protocolType }) => ({ groupId, protocolType }))
      .sort((a, b) => byName(a.groupId, b.groupId));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const ids = validateGroupIds(groupIds, 'describeGroups');
    const { groups } = await translated(() => this.admin.describeGroups(ids));
    const byId = new Map(
      groups
        .filter((group) => !group.error || group.error.code === ErrorCode.GROUP_ID_NOT_FOUND)
        .map((group) => [
          group.groupId,
          {
            ...group,
            state: GROUP_STATES[group.state] ?? 'Unknown',
            protocolType: group.protocolType ?? '',
            protocol: group.protocol ?? '',
          },
        ]),
    );
    return toGroupDescriptions(
      ids,
      (groupId) => byId.get(groupId),
      (_protocolType, member) =>
        (member.assignment?.topicPartitions ?? [])
          .map(({ topic, partition }) => ({ topic, partition }))
          .sort((a, b) => byName(a.topic, b.topic) || a.partition - b.partition),
    );
  }
}

function metadataOf(
  producer: MetadataProducer,
  options: { topic?: string; allTopics?: boolean },
  timeout: number,
): Promise<RdkafkaMetadata> {
  const client = producer._getInternalClient();
  return new Promise((resolve, reject) => {
    client.getMetadata({ ...options, timeout }, (error, metadata) =>
      error ? reject(toKafkaError(error)) : resolve(metadata),
    );
  });
}
