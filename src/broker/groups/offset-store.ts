import * as fs from 'fs';
import * as path from 'path';
import type { BrokerLogger } from '../logger';

/**
 * Committed offsets, kept as Kafka keeps them: OffsetCommit v1+ in the broker's own store (`__consumer_offsets`),
 * OffsetCommit v0 in "ZooKeeper", a separate namespace that only OffsetFetch v0 reads (as on a ZooKeeper-based Kafka).
 *
 * With a data directory every change is appended to one JSON-lines file before the caller answers the client, and the
 * file is replayed on start; a torn last line (crash mid-write) is cut off, as Kafka truncates a partial log entry.
 */

export type OffsetNamespace = 'kafka' | 'zookeeper';

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
}

/** What survives a restart of a group besides its offsets (members rejoin; the generation carries on). */
export interface StoredGroup {
  groupId: string;
  generationId: number;
  protocolType: string | null;
}

type PartitionOffsets = Map<number, CommittedOffset>;
type TopicOffsets = Map<string, PartitionOffsets>;

/** [topic, partition, offset as decimal string, leader epoch, metadata] */
type PersistedPartition = [string, number, string, number, string];

type LogEntry =
  | { kind: 'offsets'; namespace: OffsetNamespace; group: string; timestamp: number; partitions: PersistedPartition[] }
  | { kind: 'group'; group: string; generation: number; protocolType: string | null }
  | { kind: 'delete'; group: string };

export const OFFSETS_FILE_NAME = 'consumer-offsets.jsonl';
/** Rewrite the file on open once it holds this many more lines than live entries. */
const COMPACTION_SLACK_LINES = 1000;

export class OffsetStoreError extends Error {
  override readonly name = 'OffsetStoreError';
}

export class OffsetStore {
  private readonly namespaces = new Map<OffsetNamespace, Map<string, TopicOffsets>>([
    ['kafka', new Map()],
    ['zookeeper', new Map()],
  ]);
  private readonly groups = new Map<string, StoredGroup>();
  private descriptor: number | null = null;

  private constructor(
    private readonly file: string | null,
    private readonly logger: BrokerLogger,
  ) {}

  static open(dataDir: string | null, logger: BrokerLogger): OffsetStore {
    if (!dataDir) return new OffsetStore(null, logger);
    fs.mkdirSync(dataDir, { recursive: true });
    const store = new OffsetStore(path.join(dataDir, OFFSETS_FILE_NAME), logger);
    store.replay();
    return store;
  }

  get(namespace: OffsetNamespace, groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.namespaces.get(namespace)!.get(groupId)?.get(topic)?.get(partition);
  }

  /** Every committed partition of a group, topics in commit order. */
  committed(namespace: OffsetNamespace, groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.namespaces.get(namespace)!.get(groupId) ?? new Map();
  }

  /** Groups that own offsets in the broker's store (they exist on a restarted Kafka too). */
  groupIdsWithOffsets(): string[] {
    return [...this.namespaces.get('kafka')!.keys()];
  }

  storedGroups(): StoredGroup[] {
    return [...this.groups.values()];
  }

  /** Persists first, so an answered commit survives a restart; throws OffsetStoreError if the write fails. */
  commit(namespace: OffsetNamespace, groupId: string, offsets: readonly OffsetToCommit[], nowMs: number): void {
    if (offsets.length === 0) return;
    const entry: LogEntry = {
      kind: 'offsets',
      namespace,
      group: groupId,
      timestamp: nowMs,
      partitions: offsets.map((o) => [o.topic, o.partition, o.offset.toString(), o.leaderEpoch, o.metadata]),
    };
    this.append([entry]);
    this.apply(entry);
  }

  recordGroup(group: StoredGroup): void {
    const known = this.groups.get(group.groupId);
    if (known && known.generationId === group.generationId && known.protocolType === group.protocolType) return;
    const entry: LogEntry = {
      kind: 'group',
      group: group.groupId,
      generation: group.generationId,
      protocolType: group.protocolType,
    };
    this.append([entry]);
    this.apply(entry);
  }

  deleteGroup(groupId: string): void {
    const entry: LogEntry = { kind: 'delete', group: groupId };
    this.append([entry]);
    this.apply(entry);
  }

  close(): void {
    if (this.descriptor !== null) fs.closeSync(this.descriptor);
    this.descriptor = null;
  }

  private apply(entry: LogEntry): void {
    switch (entry.kind) {
      case 'offsets': {
        const groups = this.namespaces.get(entry.namespace);
        if (!groups) return;
        let topics = groups.get(entry.group);
        if (!topics) groups.set(entry.group, (topics = new Map()));
        for (const [topic, partition, offset, leaderEpoch, metadata] of entry.partitions) {
          let partitions = topics.get(topic);
          if (!partitions) topics.set(topic, (partitions = new Map()));
          partitions.set(partition, {
            offset: BigInt(offset),
            leaderEpoch,
            metadata,
            commitTimestampMs: entry.timestamp,
          });
        }
        return;
      }
      case 'group':
        this.groups.set(entry.group, {
          groupId: entry.group,
          generationId: entry.generation,
          protocolType: entry.protocolType,
        });
        return;
      case 'delete':
        this.groups.delete(entry.group);
        this.namespaces.get('kafka')!.delete(entry.group);
        return;
    }
  }

  private append(entries: LogEntry[]): void {
    if (this.file === null) return;
    try {
      if (this.descriptor === null) this.descriptor = fs.openSync(this.file, 'a');
      fs.writeSync(this.descriptor, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    } catch (error) {
      throw new OffsetStoreError(`cannot write ${this.file}: ${(error as Error).message}`);
    }
  }

  private replay(): void {
    const file = this.file!;
    if (!fs.existsSync(file)) return;
    let text = fs.readFileSync(file, 'utf8');
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline !== text.length - 1) {
      this.logger.warn(`${file}: dropping a partially written last entry (${text.length - lastNewline - 1} bytes)`);
      text = text.slice(0, lastNewline + 1);
      fs.truncateSync(file, Buffer.byteLength(text, 'utf8'));
    }
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      lines++;
      try {
        this.apply(JSON.parse(line) as LogEntry);
      } catch (error) {
        this.logger.warn(`${file}: skipping unreadable entry ${lines}: ${(error as Error).message}`);
      }
    }
    if (lines > this.liveEntryCount() + COMPACTION_SLACK_LINES) this.compact();
  }

  private liveEntryCount(): number {
    let count = this.groups.size;
    for (const groups of this.namespaces.values()) {
      for (const topics of groups.values()) for (const partitions of topics.values()) count += partitions.size;
    }
    return count;
  }

  /** One line per group and committed partition, written to a new file that replaces the old one atomically. */
  private compact(): void {
    const file = this.file!;
    const entries: LogEntry[] = [];
    for (const group of this.groups.values()) {
      entries.push({
        kind: 'group',
        group: group.groupId,
        generation: group.generationId,
        protocolType: group.protocolType,
      });
    }
    for (const [namespace, groups] of this.namespaces) {
      for (const [group, topics] of groups) {
        for (const [topic, partitions] of topics) {
          for (const [partition, committed] of partitions) {
            entries.push({
              kind: 'offsets',
              namespace,
              group,
              timestamp: committed.commitTimestampMs,
              partitions: [[topic, partition, committed.offset.toString(), committed.leaderEpoch, committed.metadata]],
            });
          }
        }
      }
    }
    const temporary = `${file}.tmp`;
    fs.writeFileSync(temporary, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    fs.renameSync(temporary, file);
  }
}
