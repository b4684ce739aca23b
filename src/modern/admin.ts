/** The common Admin on kafkajs's admin client. Results are sorted (topics, groups, partitions) so they are stable. */
import { ConfigResourceTypes, type Admin as KafkajsAdmin, type Kafka } from 'kafkajs';
import { toGroupDescriptions } from '../common/group-description';
import type { ResolvedKafkaConfig } from '../common/config';
import {
  INTERNAL_TOPICS,
  requireNonEmptyString,
  validateConfigResources,
  validateGroupIds,
  validateNewTopics,
  validateTopicNames,
} from '../common/admin-validation';
import { KafkaProtocolError } from '../common/errors';
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
import { ErrorCode } from '../protocol/error-codes';
import { decodeAssignment } from './consumer-protocol';
import { translated } from './errors';

/** The topic/partitions inside a consumer group member's assignment; other protocol types carry none we can read. */
function assignedPartitions(protocolType: string, memberAssignment: Buffer | null): TopicPartition[] {
  if (protocolType !== 'consumer' || !memberAssignment) return [];
  try {
    return decodeAssignment(memberAssignment)
      .topics.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  } catch {
    return [];
  }
}

export class ModernAdmin implements Admin {
  private readonly admin: KafkajsAdmin;

  constructor(
    private readonly kafka: Kafka,
    config: ResolvedKafkaConfig,
  ) {
    this.admin = kafka.admin({
      retry: {
        retries: config.retry.retries,
        initialRetryTime: config.retry.initialRetryTimeMs,
        maxRetryTime: config.retry.maxRetryTimeMs,
      },
    });
  }

  async connect(): Promise<void> {
    await translated(() => this.admin.connect());
  }

  async disconnect(): Promise<void> {
    await translated(() => this.admin.disconnect());
  }

  /** Fails with TOPIC_ALREADY_EXISTS (36) when a topic exists already, as the CreateTopics API answers. */
  async createTopics(topics: NewTopic[]): Promise<void> {
    const requested = validateNewTopics(topics);
    const created = await translated(() => this.admin.createTopics({ topics: requested, waitForLeaders: true }));
    if (!created) {
      throw new KafkaProtocolError(
        ErrorCode.TOPIC_ALREADY_EXISTS,
        `one or more of ${requested.map((t) => `"${t.topic}"`).join(', ')} already exist`,
      );
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const names = validateTopicNames(topics, 'deleteTopics');
    await translated(() => this.admin.deleteTopics({ topics: names }));
  }

  async listTopics(): Promise<string[]> {
    const topics = await translated(() => this.admin.listTopics());
    return topics.filter((topic) => !INTERNAL_TOPICS.has(topic)).sort();
  }

  async fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]> {
    requireNonEmptyString(topic, 'fetchTopicOffsets: topic');
    const offsets = await translated(() => this.admin.fetchTopicOffsets(topic));
    return offsets
      .map(({ partition, low, high }) => ({ partition, earliest: Number(low), latest: Number(high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]> {
    requireNonEmptyString(groupId, 'fetchCommittedOffsets: groupId');
    requireNonEmptyString(topic, 'fetchCommittedOffsets: topic');
    const result = await translated(() => this.admin.fetchOffsets({ groupId, topics: [topic] }));
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
    // Asking for every topic never auto-creates; kafkajs fails the whole call for one unknown named topic.
    const [cluster, { topics: all }] = await translated(() =>
      Promise.all([this.admin.describeCluster(), this.admin.fetchTopicMetadata()]),
    );
    return {
      brokers: cluster.brokers
        .map(({ nodeId, host, port }) => ({ nodeId, host, port }))
        .sort((a, b) => a.nodeId - b.nodeId),
      controllerId: cluster.controller ?? null,
      topics: all
        .filter(({ name }) => (wanted ? wanted.includes(name) : !INTERNAL_TOPICS.has(name)))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map(({ name, partitions }) => ({
          topic: name,
          partitions: partitions
            .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
            .sort((a, b) => a.partition - b.partition),
        })),
    };
  }

  /**
   * kafkajs's admin never lets a metadata request auto-create; its producer does. A send with no messages makes the
   * producer load the topics' metadata (creating them where the broker auto-creates) and sends nothing.
   */
  private async requestAsProducer(topics: string[]): Promise<void> {
    const producer = this.kafka.producer({ retry: { retries: 0 } });
    try {
      await producer.connect();
      await producer.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: [] })) });
    } catch {
      // Unknown topics on a broker without auto-creation: the metadata answer below says so.
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  /**
   * Kafka accepts commits for a group from outside only while it has no active members; kafkajs's own tool for it
   * (admin.setOffsets) waits a whole fetch cycle, so this joins the group with a paused, never-committing consumer
   * (short fetch waits, so leaving is not held up by a long poll), commits once it is a member, and leaves.
   */
  async commitOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    requireNonEmptyString(groupId, 'commitOffsets: groupId');
    if (offsets.length === 0) return;
    const { groups } = await translated(() => this.admin.describeGroups([groupId]));
    const state = groups[0]?.state ?? 'Dead';
    if (state !== 'Empty' && state !== 'Dead') {
      throw new KafkaProtocolError(
        ErrorCode.REBALANCE_IN_PROGRESS,
        `group "${groupId}" has active members (state ${state}): offsets can be committed from outside only while it has none`,
      );
    }
    const topics = [...new Set(offsets.map((o) => o.topic))];
    const consumer = this.kafka.consumer({ groupId, retry: { retries: 0 }, maxWaitTimeInMs: 50 });
    try {
      await translated(async () => {
        await consumer.connect();
        await consumer.subscribe({ topics });
        const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
        consumer.pause(topics.map((topic) => ({ topic })));
        await joined;
        await consumer.commitOffsets(
          offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
        );
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  async describeConfigs(
    resources: ConfigResource[],
    options: { includeSynonyms?: boolean } = {},
  ): Promise<ConfigResourceDescription[]> {
    const wanted = validateConfigResources(resources);
    const answer = await translated(() =>
      this.admin.describeConfigs({
        resources: wanted.map((r) => ({
          type: r.type === 'broker' ? ConfigResourceTypes.BROKER : ConfigResourceTypes.TOPIC,
          name: r.name,
          ...(r.configNames ? { configNames: [...r.configNames] } : {}),
        })),
        includeSynonyms: options.includeSynonyms ?? false,
      }),
    );
    const failed = answer.resources.find((resource) => resource.errorCode !== ErrorCode.NONE);
    if (failed)
      throw new KafkaProtocolError(
        failed.errorCode,
        `describing configs of "${failed.resourceName}"${failed.errorMessage ? `: ${failed.errorMessage}` : ''}`,
      );
    return answer.resources.map((resource) => ({
      type: resource.resourceType === ConfigResourceTypes.BROKER ? 'broker' : 'topic',
      name: resource.resourceName,
      entries: resource.configEntries.map((entry) => ({
        name: entry.configName,
        value: entry.configValue,
        readOnly: entry.readOnly,
        source: Number(entry.configSource),
        isSensitive: entry.isSensitive,
        synonyms: (entry.configSynonyms ?? []).map((synonym) => ({
          name: synonym.configName,
          value: synonym.configValue,
          source: Number(synonym.configSource),
        })),
      })),
    }));
  }

  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await translated(() => this.admin.listGroups());
    return groups
      .map(({ groupId, protocolType }) => ({ groupId, protocolType }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const ids = validateGroupIds(groupIds, 'describeGroups');
    const { groups } = await translated(() => this.admin.describeGroups(ids));
    const byId = new Map(groups.map((group) => [group.groupId, group]));
    return toGroupDescriptions(
      ids,
      (groupId) => byId.get(groupId),
      (protocolType, member) => assignedPartitions(protocolType, member.memberAssignment),
    );
  }
}
