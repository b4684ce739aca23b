/**
 * Groupless reads and standalone commits on kafkajs, for kafka-node's plain Consumer. kafkajs's Consumer always joins a
 * group and has no standalone commit, so this uses the Cluster kafkajs builds for its own consumers and admin (reached
 * through the Kafka instance's cluster factory): kafkajs keeps connections, version negotiation, SASL/TLS and the
 * protocol codecs, and the fetch and OffsetCommit requests are its own. The alternative, the project's protocol layer,
 * has codecs for records but no client-side request layer to reach brokers with the client's settings.
 */
import type { Broker, Cluster, Kafka, KafkaMessage } from 'kafkajs';
import { OffsetOutOfRangeError } from '../common/errors';
import { ErrorCode } from '../protocol/error-codes';
import type { FetchPosition, FetchedPartition, PartitionFetcher, TopicPartitionOffset } from '../common/types';
import { consumedFromKafkajs } from './consumed-message';
import { toKafkaError, translated } from './errors';

type ClusterFactory = (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number }) => Cluster;

/** kafkajs's own factory of Clusters (a private symbol of its Kafka class), configured as the Kafka instance is. */
function clusterFactory(kafka: Kafka): ClusterFactory {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol ? (kafka as unknown as Record<symbol, unknown>)[symbol] : undefined;
  if (typeof factory !== 'function')
    throw new Error('kafkajs internals changed: no cluster factory on the Kafka instance (kafkajs 2.2.4 expected)');
  return factory as ClusterFactory;
}

type FetchedMessage = KafkaMessage & { isControlRecord?: boolean };

interface FetchAnswer {
  responses: Array<{
    topicName: string;
    partitions: Array<{ partition: number; highWatermark: string; messages: FetchedMessage[] }>;
  }>;
}

const READ_UNCOMMITTED = 0;

export class ModernPartitionFetcher implements PartitionFetcher {
  private readonly cluster: Cluster;
  private connected: Promise<void> | null = null;
  private readonly knownTopics = new Set<string>();

  constructor(kafka: Kafka) {
    this.cluster = clusterFactory(kafka)({ allowAutoTopicCreation: false });
  }

  private async ready(topics: string[]): Promise<void> {
    this.connected ??= this.cluster.connect();
    await this.connected;
    const unknown = topics.filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length > 0) {
      await this.cluster.addMultipleTargetTopics(unknown);
      for (const topic of unknown) this.knownTopics.add(topic);
    }
  }

  async fetch(
    positions: FetchPosition[],
    options: { maxWaitTimeMs: number; minBytes: number },
  ): Promise<FetchedPartition[]> {
    await translated(() => this.ready([...new Set(positions.map((p) => p.topic))]));
    // One request per partition: kafkajs fails a whole fetch answer on its first partition error.
    return Promise.all(positions.map((position) => this.fetchOne(position, options)));
  }

  private async fetchOne(
    position: FetchPosition,
    options: { maxWaitTimeMs: number; minBytes: number },
  ): Promise<FetchedPartition> {
    const { topic, partition, offset } = position;
    try {
      const broker = await this.leaderOf(topic, partition);
      const answer = (await broker.fetch({
        replicaId: -1,
        isolationLevel: READ_UNCOMMITTED,
        maxWaitTime: options.maxWaitTimeMs,
        minBytes: options.minBytes,
        maxBytes: position.maxBytes,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: position.maxBytes }] }],
      })) as FetchAnswer;
      const answered = answer.responses[0]?.partitions[0];
      const messages = (answered?.messages ?? [])
        .filter((message) => !message.isControlRecord && Number(message.offset) >= offset)
        .map((message) => consumedFromKafkajs(topic, partition, message));
      return { topic, partition, highWatermark: Number(answered?.highWatermark ?? -1), messages, error: null };
    } catch (error) {
      const mapped = toKafkaError(error);
      if (
        mapped.code === ErrorCode.NOT_LEADER_OR_FOLLOWER ||
        mapped.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
        mapped.code === ErrorCode.LEADER_NOT_AVAILABLE
      ) {
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
      const reported =
        mapped.code === ErrorCode.OFFSET_OUT_OF_RANGE ? new OffsetOutOfRangeError(topic, partition, offset) : mapped;
      return { topic, partition, highWatermark: -1, messages: [], error: reported };
    }
  }

  private async leaderOf(topic: string, partition: number): Promise<Broker> {
    const leaders = this.cluster.findLeaderForPartitions(topic, [partition]);
    const leader = Object.keys(leaders).find((id) => leaders[id]!.includes(partition));
    if (leader === undefined) {
      await this.cluster.refreshMetadata();
      const again = this.cluster.findLeaderForPartitions(topic, [partition]);
      const found = Object.keys(again).find((id) => again[id]!.includes(partition));
      if (found === undefined)
        throw toKafkaError({
          name: 'KafkaJSProtocolError',
          code: ErrorCode.LEADER_NOT_AVAILABLE,
          message: `no leader for ${topic}/${partition}`,
        });
      return this.cluster.findBroker({ nodeId: found });
    }
    return this.cluster.findBroker({ nodeId: leader });
  }

  async commit(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await translated(async () => {
      await this.ready([...new Set(offsets.map((o) => o.topic))]);
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const { topic, partition, offset } of offsets)
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: String(offset) }]);
      const coordinator = await this.cluster.findGroupCoordinator({ groupId });
      // Generation -1 and no member id: a standalone commit, as kafka-node's Consumer makes.
      await coordinator.offsetCommit({
        groupId,
        groupGenerationId: -1,
        memberId: '',
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
    });
  }

  async close(): Promise<void> {
    const connected = this.connected;
    this.connected = null;
    if (connected) await connected.catch(() => undefined);
    await this.cluster.disconnect().catch(() => undefined);
  }
}
