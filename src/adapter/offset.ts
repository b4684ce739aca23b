/**
 * kafka-node's Offset on the common Admin. Result shapes are kafka-node's: fetch -> { topic: { partition: [offset] } },
 * fetchLatestOffsets / fetchEarliestOffsets / fetchCommits -> { topic: { partition: offset } } (-1: nothing
 * committed), commit -> { topic: { partition, errorCode } } (kafka-node's decoder keeps the last partition per topic).
 *
 * commit differs from kafka-node on purpose: kafka-node sends OffsetCommit v0, which ZooKeeper-era brokers store in
 * ZooKeeper (where fetchCommits, OffsetFetch v1, never looks) and Kafka 4 no longer accepts; the facade stores the
 * offsets in Kafka, for a group without active members, so fetchCommits and consumer groups see them.
 */
import { EventEmitter } from 'events';
import { KafkaError, UnsupportedFeatureError } from '../common/errors';
import type { Admin as CommonAdmin, PartitionOffsets } from '../common/types';
import { KafkaClient, callbackOf, clientCore, requireCallback } from './client';
import { BrokerNotAvailableError, KafkaNodeError } from './errors';
import { warnOnce } from './warnings';
import type {
  NodeCallback,
  OffsetCommitRequest,
  OffsetFetchRequest,
  OffsetFetchResult,
  OffsetRequest,
  TopicPartitionOffsets,
} from './types';

const LATEST = -1;
const EARLIEST = -2;
/** kafka-node's default `time` is Date.now(): ListOffsets v0 then answers the log end. Treat "about now" the same. */
const NOW_TOLERANCE_MS = 60_000;

/**
 * kafka-node looks up each payload's partition leader in its metadata, so a partition that is not a number (no
 * partition has such an id) fails with its BrokerNotAvailableError before any request.
 */
function leadersOrFail(payloads: ReadonlyArray<{ partition?: unknown }>): void {
  if (payloads.some((p) => p.partition !== undefined && typeof p.partition !== 'number'))
    throw new BrokerNotAvailableError('Could not find the leader');
}

export class Offset extends EventEmitter {
  readonly client: KafkaClient;
  ready: boolean;

  constructor(client: KafkaClient) {
    super();
    this.client = client;
    clientCore(client);
    this.ready = client.ready;
    client.on('ready', () => {
      this.ready = true;
      this.emit('ready');
    });
    client.once('connect', () => this.emit('connect'));
    client.on('error', (error: Error) => this.emit('error', error));
  }

  private admin(): Promise<CommonAdmin> {
    return clientCore(this.client).admin();
  }

  private async offsetsOf(topics: string[]): Promise<Map<string, PartitionOffsets[]>> {
    const admin = await this.admin();
    const result = new Map<string, PartitionOffsets[]>();
    for (const topic of new Set(topics)) result.set(topic, await admin.fetchTopicOffsets(topic));
    return result;
  }

  fetch(payloads: OffsetRequest[], cb: NodeCallback<OffsetFetchResult>): void {
    requireCallback(cb, 'Offset.fetch');
    callbackOf(
      cb,
      (async () => {
        for (const p of payloads) {
          p.partition = p.partition || 0;
          p.time = p.time || Date.now();
          p.maxNum = p.maxNum || 1;
        }
        leadersOrFail(payloads);
        for (const p of payloads) {
          if (p.time !== LATEST && p.time !== EARLIEST && Math.abs(Date.now() - p.time!) > NOW_TOLERANCE_MS) {
            throw new UnsupportedFeatureError(
              `Offset.fetch with time ${p.time} (a past timestamp)`,
              this.client.backendName,
              'only -1 (latest), -2 (earliest) and the current time are supported',
            );
          }
          if (p.maxNum! > 1)
            clientCore(this.client).gap(
              'offset.fetch.maxNum',
              'Offset.fetch answers one offset per partition whatever maxNum says',
            );
        }
        const offsets = await this.offsetsOf(payloads.map((p) => p.topic));
        const result: OffsetFetchResult = {};
        for (const p of payloads) {
          const partition = offsets.get(p.topic)!.find((o) => o.partition === p.partition);
          const byPartition = (result[p.topic] ??= {});
          if (!partition) {
            byPartition[p.partition!] = [];
            continue;
          }
          byPartition[p.partition!] = [p.time === EARLIEST ? partition.earliest : partition.latest];
        }
        return result;
      })(),
    );
  }

  fetchLatestOffsets(topics: string[], cb: NodeCallback<TopicPartitionOffsets>): void {
    requireCallback(cb, 'Offset.fetchLatestOffsets');
    callbackOf(cb, this.fetchEdge(topics, 'latest'));
  }

  fetchEarliestOffsets(topics: string[], cb: NodeCallback<TopicPartitionOffsets>): void {
    requireCallback(cb, 'Offset.fetchEarliestOffsets');
    callbackOf(cb, this.fetchEdge(topics, 'earliest'));
  }

  private async fetchEdge(topics: string[], edge: 'latest' | 'earliest'): Promise<TopicPartitionOffsets> {
    const admin = await this.admin();
    const known = new Set((await admin.fetchMetadata()).topics.map((t) => t.topic));
    const existing = topics.filter((topic) => known.has(topic));
    if (existing.length === 0) throw new KafkaNodeError('Topic(s) does not exist');
    const offsets = await this.offsetsOf(existing);
    const result: TopicPartitionOffsets = {};
    for (const [topic, partitions] of offsets) {
      result[topic] = {};
      for (const p of partitions) result[topic][p.partition] = p[edge];
    }
    return result;
  }

  fetchCommits(groupId: string, payloads: OffsetFetchRequest[], cb: NodeCallback<TopicPartitionOffsets>): void {
    requireCallback(cb, 'Offset.fetchCommits');
    callbackOf(
      cb,
      (async () => {
        const admin = await this.admin();
        const result: TopicPartitionOffsets = {};
        const topics = [...new Set(payloads.map((p) => p.topic))];
        for (const topic of topics) {
          const committed = await admin.fetchCommittedOffsets(groupId, topic);
          result[topic] = {};
          for (const p of payloads.filter((q) => q.topic === topic)) {
            const partition = p.partition || 0;
            result[topic][partition] = committed.find((c) => c.partition === partition)?.offset ?? -1;
          }
        }
        return result;
      })(),
    );
  }

  fetchCommitsV1(groupId: string, payloads: OffsetFetchRequest[], cb: NodeCallback<TopicPartitionOffsets>): void {
    requireCallback(cb, 'Offset.fetchCommitsV1');
    this.fetchCommits(groupId, payloads, cb);
  }

  commit(
    groupId: string,
    payloads: OffsetCommitRequest[],
    cb: NodeCallback<Record<string, { partition: number; errorCode: number }>>,
  ): void {
    requireCallback(cb, 'Offset.commit');
    callbackOf(
      cb,
      (async () => {
        const core = clientCore(this.client);
        warnOnce(
          'offset.commit.kafka-storage',
          "Offset.commit stores offsets in Kafka (not in ZooKeeper as kafka-node's OffsetCommit v0 did); the group must have no active members",
        );
        if (this.client.backendName === 'kafkajs')
          core.gap(
            'offset.commit.joins-group',
            'Offset.commit on kafkajs briefly joins the group as a member to commit (no standalone commit in kafkajs)',
          );
        leadersOrFail(payloads);
        const admin = await this.admin();
        const offsets = payloads.map((p) => ({ topic: p.topic, partition: p.partition || 0, offset: p.offset }));
        if (offsets.some((o) => o.offset === undefined || !Number.isInteger(o.offset)))
          throw new KafkaError('commit: every payload needs an integer offset', { retriable: false });
        await admin.commitOffsets(groupId, offsets);
        const result: Record<string, { partition: number; errorCode: number }> = {};
        for (const o of offsets) result[o.topic] = { partition: o.partition, errorCode: 0 };
        return result;
      })(),
    );
  }
}
