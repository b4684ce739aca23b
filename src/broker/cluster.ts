import * as fs from 'fs';
import * as path from 'path';
import { ErrorCode } from '../protocol/error-codes';
import type { BrokerLogger } from './logger';
import type { BrokerNode } from './node';
import type { BrokerProfile } from './apis/profiles';
import { PartitionLog } from './log/partition-log';
import { GroupCoordinator } from './groups/coordinator';
import { TransactionCoordinator } from './txn/coordinator';
import { topicNameProblem, isInternalTopic } from './topic-names';

export interface ClusterSettings {
  /** Create a topic on first Metadata/Produce for it, as Kafka's `auto.create.topics.enable` (default true). */
  autoCreateTopics: boolean;
  /** `num.partitions` for auto-created topics (default 1). */
  defaultPartitions: number;
  /** `default.replication.factor` for auto-created topics, capped at the node count (default 1). */
  defaultReplicationFactor: number;
  /** `message.max.bytes`: largest record batch accepted (default 1 MiB + overhead, as Kafka). */
  messageMaxBytes: number;
  /** `socket.request.max.bytes`: frames larger than this close the connection (default 100 MiB). */
  maxRequestBytes: number;
  /** Where logs, topics and committed offsets persist; null keeps everything in memory. */
  dataDir: string | null;
  /** `group.min.session.timeout.ms` / `group.max.session.timeout.ms`. */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** `group.initial.rebalance.delay.ms` (Kafka's default is 3000; tests want 0). */
  groupInitialRebalanceDelayMs: number;
  /**
   * Most partitions one topic may have. Kafka sets no such limit; this in-process broker does, so a bad or hostile
   * CreateTopics/CreatePartitions cannot exhaust the host's memory (default 10000).
   */
  maxPartitionsPerTopic: number;
  /** SASL users (name to password) by name; null disables SASL and every connection starts authenticated. */
  saslUsers: Record<string, string> | null;
  /** Mechanisms SaslHandshake offers when saslUsers is set (default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  saslMechanisms: string[];
  /** Serve TLS instead of plaintext (with saslUsers: SASL_SSL); null for plaintext listeners. */
  tls: BrokerTlsOptions | null;
  /** The Kafka release whose API versions the broker serves: 'default' (all it implements) or 'kafka-4' (KIP-896). */
  profile: BrokerProfile;
}

/** Options of each node's TLS listener, as node:tls takes them (PEM strings or buffers). */
export interface BrokerTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CAs trusted for client certificates. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Ask clients for a certificate and refuse those the CA did not sign (Kafka's ssl.client.auth=required). */
  requestCert?: boolean;
}

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = {
  autoCreateTopics: true,
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  messageMaxBytes: 1048588,
  maxRequestBytes: 104857600,
  dataDir: null,
  groupMinSessionTimeoutMs: 1000,
  groupMaxSessionTimeoutMs: 300000,
  groupInitialRebalanceDelayMs: 0,
  maxPartitionsPerTopic: 10000,
  saslUsers: null,
  saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
  tls: null,
  profile: 'default',
};

export interface PartitionState {
  readonly topic: string;
  readonly index: number;
  readonly replicas: number[];
  /** Node id of the leader, or -1 while no replica is up. */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  readonly log: PartitionLog;
}

export interface TopicState {
  readonly name: string;
  readonly partitions: PartitionState[];
  readonly configs: Map<string, string>;
  readonly internal: boolean;
}

interface PersistedTopic {
  name: string;
  replicas: number[][];
  configs: Record<string, string>;
}

export interface TopicCreation {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
  /** Explicit replica assignment per partition, as CreateTopics allows. */
  assignments?: number[][];
}

export interface TopicCreationResult {
  errorCode: number;
  errorMessage: string | null;
}

/**
 * The state every node of the embedded cluster shares: topics, partition leadership, the group and transaction
 * coordinators.
 * Replication is simulated: one log per partition, owned by the cluster, served by whichever replica leads.
 */
export class Cluster {
  readonly nodes = new Map<number, BrokerNode>();
  readonly topics = new Map<string, TopicState>();
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly clusterId = `embedded-${Math.random().toString(36).slice(2, 12)}`;

  constructor(
    readonly settings: ClusterSettings,
    readonly logger: BrokerLogger,
  ) {
    this.groups = new GroupCoordinator(this);
    this.transactions = new TransactionCoordinator(this);
    if (settings.dataDir) {
      fs.mkdirSync(settings.dataDir, { recursive: true });
      this.loadTopics();
    }
  }

  addNode(node: BrokerNode): void {
    this.nodes.set(node.id, node);
  }

  liveNodeIds(): number[] {
    return [...this.nodes.values()]
      .filter((n) => n.isUp)
      .map((n) => n.id)
      .sort((a, b) => a - b);
  }

  /** Kafka's controller is one live broker; the lowest live id is as good as any. */
  controllerId(): number {
    return this.liveNodeIds()[0] ?? -1;
  }

  getTopic(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  getPartition(topic: string, partition: number): PartitionState | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /**
   * Spreads replicas as Kafka's rack-unaware assignment does: partition p's first replica is node (start + p) mod n,
   * followers follow round the ring.
   */
  private assignReplicas(numPartitions: number, replicationFactor: number, firstPartition = 0): number[][] {
    // Like Kafka, only live brokers get replicas of a new partition.
    const ids = this.liveNodeIds();
    const start = this.topics.size % ids.length;
    const result: number[][] = [];
    for (let p = firstPartition; p < firstPartition + numPartitions; p++) {
      const replicas: number[] = [];
      for (let r = 0; r < replicationFactor; r++) replicas.push(ids[(start + p + r) % ids.length]!);
      result.push(replicas);
    }
    return result;
  }

  validateTopicCreation(request: TopicCreation): TopicCreationResult | null {
    const problem = topicNameProblem(request.name);
    if (problem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
    if (this.topics.has(request.name)) {
      return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: `Topic '${request.name}' already exists.` };
    }
    const partitionCount = request.assignments?.length ?? request.numPartitions;
    if (partitionCount > this.settings.maxPartitionsPerTopic) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: this.partitionLimitMessage(partitionCount) };
    }
    if (!request.assignments) {
      if (request.numPartitions < 1) {
        return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Number of partitions must be at least 1.' };
      }
      const available = this.liveNodeIds().length;
      if (request.replicationFactor < 1 || request.replicationFactor > available) {
        return {
          errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
          errorMessage: `Replication factor: ${request.replicationFactor} larger than available brokers: ${available}.`,
        };
      }
    } else {
      for (const replicas of request.assignments) {
        if (
          replicas.length === 0 ||
          replicas.some((id) => !this.nodes.has(id)) ||
          new Set(replicas).size !== replicas.length
        ) {
          return {
            errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            errorMessage: `Invalid replica assignment ${JSON.stringify(replicas)}.`,
          };
        }
      }
    }
    return null;
  }

  createTopic(request: TopicCreation): TopicCreationResult {
    const invalid = this.validateTopicCreation(request);
    if (invalid) return invalid;
    const replicaSets = request.assignments ?? this.assignReplicas(request.numPartitions, request.replicationFactor);
    this.installTopic(request.name, replicaSets, new Map(Object.entries(request.configs ?? {})));
    this.saveTopics();
    this.logger.info(`created topic ${request.name} with ${replicaSets.length} partition(s)`);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  private installTopic(name: string, replicaSets: number[][], configs: Map<string, string>): TopicState {
    const topic: TopicState = { name, partitions: [], configs, internal: isInternalTopic(name) };
    replicaSets.forEach((replicas, index) => topic.partitions.push(this.newPartition(name, index, replicas)));
    this.topics.set(name, topic);
    return topic;
  }

  private newPartition(topic: string, index: number, replicas: number[]): PartitionState {
    const live = new Set(this.liveNodeIds());
    const isr = replicas.filter((id) => live.has(id));
    return {
      topic,
      index,
      replicas,
      isr,
      leader: isr[0] ?? -1,
      leaderEpoch: 0,
      log: PartitionLog.open({ topic, partition: index, directory: this.partitionDirectory(topic, index) }),
    };
  }

  private partitionDirectory(topic: string, partition: number): string | null {
    return this.settings.dataDir ? path.join(this.settings.dataDir, `${topic}-${partition}`) : null;
  }

  /** Auto-creates when allowed; returns undefined for unknown topics otherwise. */
  topicForRequest(name: string, allowAutoCreate: boolean): TopicState | undefined {
    const existing = this.topics.get(name);
    if (existing || !allowAutoCreate || !this.settings.autoCreateTopics) return existing;
    if (topicNameProblem(name)) return undefined;
    const replicationFactor = Math.min(this.settings.defaultReplicationFactor, this.liveNodeIds().length);
    this.createTopic({ name, numPartitions: this.settings.defaultPartitions, replicationFactor });
    return this.topics.get(name);
  }

  deleteTopic(name: string): number {
    const topic = this.topics.get(name);
    if (!topic) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.topics.delete(name);
    for (const partition of topic.partitions) partition.log.destroy();
    this.saveTopics();
    this.logger.info(`deleted topic ${name}`);
    return ErrorCode.NONE;
  }

  addPartitions(name: string, totalCount: number, assignments?: number[][]): TopicCreationResult {
    const topic = this.topics.get(name);
    if (!topic)
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${name}' does not exist.` };
    const current = topic.partitions.length;
    if (totalCount <= current) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `Topic currently has ${current} partitions, which is higher than the requested ${totalCount}.`,
      };
    }
    if (totalCount > this.settings.maxPartitionsPerTopic) {
      return { errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: this.partitionLimitMessage(totalCount) };
    }
    const replicationFactor = topic.partitions[0]?.replicas.length ?? 1;
    const replicaSets = assignments ?? this.assignReplicas(totalCount - current, replicationFactor, current);
    replicaSets.forEach((replicas, i) => topic.partitions.push(this.newPartition(name, current + i, replicas)));
    this.saveTopics();
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  private partitionLimitMessage(requested: number): string {
    return `${requested} partitions exceed this embedded broker's limit of ${this.settings.maxPartitionsPerTopic} per topic (option maxPartitionsPerTopic).`;
  }

  /** Moves leadership off a stopped node (to the next in-sync replica, as Kafka's controller would). */
  nodeStopped(id: number): void {
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        partition.isr = partition.isr.filter((replica) => replica !== id);
        if (partition.leader === id) {
          partition.leader = partition.isr[0] ?? -1;
          partition.leaderEpoch++;
        }
      }
    }
    this.groups.nodesChanged();
  }

  /** A restarted node catches up at once (the log is shared) and rejoins the ISR; leaderless partitions elect it. */
  nodeStarted(id: number): void {
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        if (!partition.replicas.includes(id) || partition.isr.includes(id)) continue;
        partition.isr.push(id);
        if (partition.leader === -1) {
          partition.leader = id;
          partition.leaderEpoch++;
        }
      }
    }
    this.groups.nodesChanged();
  }

  /** Java's String.hashCode, so a group lands on the same __consumer_offsets partition as on Kafka. */
  static javaHashCode(value: string): number {
    let hash = 0;
    for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
    return hash;
  }

  /** The live node coordinating a group, or -1 when no node is up. */
  coordinatorFor(groupId: string): number {
    const live = this.liveNodeIds();
    if (live.length === 0) return -1;
    const hash = Cluster.javaHashCode(groupId);
    const partition = (hash === -2147483648 ? 0 : Math.abs(hash)) % 50;
    return live[partition % live.length]!;
  }

  private topicsFile(): string | null {
    return this.settings.dataDir ? path.join(this.settings.dataDir, 'topics.json') : null;
  }

  private saveTopics(): void {
    const file = this.topicsFile();
    if (!file) return;
    const topics: PersistedTopic[] = [...this.topics.values()].map((t) => ({
      name: t.name,
      replicas: t.partitions.map((p) => p.replicas),
      configs: Object.fromEntries(t.configs),
    }));
    const temporary = `${file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(topics, null, 1));
    fs.renameSync(temporary, file);
  }

  private loadTopics(): void {
    const file = this.topicsFile();
    if (!file || !fs.existsSync(file)) return;
    const topics = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedTopic[];
    for (const topic of topics) this.installTopic(topic.name, topic.replicas, new Map(Object.entries(topic.configs)));
  }

  close(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.log.close();
    this.groups.close();
    this.transactions.close();
  }
}
