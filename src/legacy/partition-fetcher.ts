/**
 * Groupless reads and standalone commits on kafka-node's connections, for kafka-node's plain Consumer: Fetch v0-v2
 * (what kafka-node's own Consumer sends, the highest the broker announces) on each partition leader's connection,
 * decoded by the project's record codecs; commits are the admin's standalone OffsetCommit (generation -1, no member).
 */
import type { ResolvedKafkaConfig } from '../common/config';
import { KafkaProtocolError, OffsetOutOfRangeError } from '../common/errors';
import type {
  ConsumedMessage,
  FetchPosition,
  FetchedPartition,
  PartitionFetcher,
  TopicPartitionOffset,
} from '../common/types';
import { ApiKey } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { decodeRecordSet, recordsOf } from '../protocol/record-set';
import { LegacyAdmin } from './admin';
import { apiSupportOf, closeClient, connectedClient, rawRequest, topicPartitions } from './client';
import { toKafkaError } from './errors';
import type { KafkaNodeClient } from './kafka-node';

const MAX_FETCH_VERSION = 2;

interface PartitionAnswer {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  records: Buffer;
}

export class LegacyPartitionFetcher implements PartitionFetcher {
  private client: Promise<KafkaNodeClient> | null = null;
  private admin: Promise<LegacyAdmin> | null = null;

  constructor(private readonly config: ResolvedKafkaConfig) {}

  private connected(): Promise<KafkaNodeClient> {
    this.client ??= connectedClient(this.config);
    return this.client;
  }

  async fetch(
    positions: FetchPosition[],
    options: { maxWaitTimeMs: number; minBytes: number },
  ): Promise<FetchedPartition[]> {
    const client = await this.connected();
    const byLeader = new Map<number, FetchPosition[]>();
    const failed: FetchedPartition[] = [];
    for (const position of positions) {
      const leader = await this.leaderOf(client, position.topic, position.partition);
      if (leader === null) {
        failed.push({
          topic: position.topic,
          partition: position.partition,
          highWatermark: -1,
          messages: [],
          error: new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, `${position.topic}/${position.partition}`),
        });
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), position]);
    }
    const answers = await Promise.all(
      [...byLeader].map(([leader, wanted]) => this.fetchFrom(client, leader, wanted, options)),
    );
    return [...failed, ...answers.flat()];
  }

  private async leaderOf(client: KafkaNodeClient, topic: string, partition: number): Promise<number | null> {
    for (const refresh of [false, true]) {
      await topicPartitions(client, topic, refresh).catch(() => undefined);
      const leader = client.topicMetadata[topic]?.[partition]?.leader;
      if (leader !== undefined && leader !== null && Number(leader) >= 0 && client.brokerForLeader(leader))
        return Number(leader);
    }
    return null;
  }

  private async fetchFrom(
    client: KafkaNodeClient,
    leader: number,
    positions: FetchPosition[],
    options: { maxWaitTimeMs: number; minBytes: number },
  ): Promise<FetchedPartition[]> {
    const broker = client.brokerForLeader(leader)!;
    const version = Math.min(MAX_FETCH_VERSION, apiSupportOf(broker, 'fetch')?.max ?? 0);
    const byTopic = new Map<string, FetchPosition[]>();
    for (const position of positions) byTopic.set(position.topic, [...(byTopic.get(position.topic) ?? []), position]);
    let answers: PartitionAnswer[];
    try {
      answers = await rawRequest(client, broker, {
        apiKey: ApiKey.Fetch,
        version,
        writeBody: (writer) => {
          writer.int32(-1).int32(options.maxWaitTimeMs).int32(options.minBytes);
          writer.array([...byTopic], (w, [topic, wanted]) =>
            w
              .string(topic)
              .array(wanted, (p, position) =>
                p.int32(position.partition).int64(BigInt(position.offset)).int32(position.maxBytes),
              ),
          );
        },
        readBody: (reader) => {
          if (version >= 1) reader.int32();
          return reader
            .array((topicReader) => {
              const topic = topicReader.string();
              return topicReader.array((p) => ({
                topic,
                partition: p.int32(),
                errorCode: p.int16(),
                highWatermark: p.int64Number(),
                records: p.bytes() ?? Buffer.alloc(0),
              }));
            })
            .flat();
        },
      });
    } catch (error) {
      const mapped = toKafkaError(error);
      return positions.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        highWatermark: -1,
        messages: [],
        error: mapped,
      }));
    }
    return answers.map((answer) => {
      const position = positions.find((p) => p.topic === answer.topic && p.partition === answer.partition)!;
      if (answer.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        return {
          topic: answer.topic,
          partition: answer.partition,
          highWatermark: answer.highWatermark,
          messages: [],
          error: new OffsetOutOfRangeError(answer.topic, answer.partition, position.offset),
        };
      }
      if (answer.errorCode !== ErrorCode.NONE) {
        return {
          topic: answer.topic,
          partition: answer.partition,
          highWatermark: answer.highWatermark,
          messages: [],
          error: new KafkaProtocolError(answer.errorCode, `${answer.topic}/${answer.partition}`),
        };
      }
      const messages: ConsumedMessage[] = recordsOf(decodeRecordSet(answer.records).batches)
        .filter((record) => record.offset >= position.offset)
        .map((record) => ({
          topic: answer.topic,
          partition: answer.partition,
          offset: record.offset,
          key: record.key,
          value: record.value,
          timestamp: record.timestamp,
          headers: {},
        }));
      return {
        topic: answer.topic,
        partition: answer.partition,
        highWatermark: answer.highWatermark,
        messages,
        error: null,
      };
    });
  }

  async commit(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    // One connection for every commit; a commit that comes while it is being made waits for it.
    this.admin ??= (async () => {
      const admin = new LegacyAdmin(this.config);
      await admin.connect();
      return admin;
    })();
    const admin = this.admin;
    admin.catch(() => {
      if (this.admin === admin) this.admin = null;
    });
    await (await admin).commitOffsets(groupId, offsets);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    const admin = this.admin;
    this.admin = null;
    if (admin) await admin.then((connected) => connected.disconnect()).catch(() => undefined);
    const connected = client ? await client.catch(() => null) : null;
    if (connected) await closeClient(connected).catch(() => undefined);
  }
}
