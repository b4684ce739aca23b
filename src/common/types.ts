/**
 * The common interface: one promise-based, typed API over Kafka that every backend implements (`src/legacy` on
 * kafka-node, `src/modern` on kafkajs, `src/confluent` on @confluentinc/kafka-javascript, librdkafka) and that the
 * kafka-node facade is built on. Backends only translate.
 *
 * Offsets are JS numbers: Kafka offsets are int64, but a partition would need 2^53 messages to overflow them.
 */

export type BackendName = 'kafka-node' | 'kafkajs' | 'confluent';
export const BACKEND_NAMES: readonly BackendName[] = ['kafka-node', 'kafkajs', 'confluent'];

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export type Acks = 0 | 1 | -1;

/**
 * kafka-node's partitioners (partitionerType 0-4 of its Producer: default, random, cyclic, keyed, custom) and kafkajs's
 * default (murmur2, the Java client's). The same name maps keys to the same partitions on both backends.
 */
export type PartitionerName = 'default' | 'random' | 'cyclic' | 'keyed' | 'murmur2';

/** A custom partitioner, as kafka-node's `CustomPartitioner`: pick one of `partitions` for `key`. */
export type PartitionerFunction = (partitions: readonly number[], key: Buffer | null) => number;

export interface SaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface TlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface RetryOptions {
  retries: number;
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
}

export interface KafkaConfig {
  /** Defaults to env KAFKA_NODE_BACKEND, then 'kafka-node'. */
  backend?: BackendName;
  brokers: string[];
  clientId?: string;
  ssl?: TlsOptions | boolean;
  sasl?: SaslOptions;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
}

export type MessageHeaders = Record<string, Buffer | string>;

export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** Explicit partition; otherwise the producer's partitioner decides. */
  partition?: number;
  headers?: MessageHeaders;
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number;
}

export interface SendRequest {
  topic: string;
  messages: OutgoingMessage[];
  acks?: Acks;
  timeoutMs?: number;
  compression?: CompressionName;
}

/** Where the first message of one partition's share of a send landed (-1 with acks=0: the broker did not say). */
export interface PartitionBaseOffset {
  topic: string;
  partition: number;
  baseOffset: number;
}

export interface ProducerOptions {
  partitioner?: PartitionerName | PartitionerFunction;
  /** Defaults to the backend's default: kafka-node `default` (partition 0 unless given), kafkajs `murmur2`. */
  idempotent?: boolean;
  /**
   * Makes the producer transactional (and therefore idempotent): it sends only inside `transaction()`. One id per
   * producer instance; a new instance with the same id fences the previous one and aborts what it left open.
   */
  transactionalId?: string;
  /** How long a transaction may stay open before the broker aborts it (Kafka's transaction.timeout.ms, default 60000). */
  transactionTimeoutMs?: number;
}

/** Consumer offsets committed as part of a transaction: the next offset to read per partition, as a group commits them. */
export interface TransactionOffsets {
  consumerGroupId: string;
  topics: { topic: string; partitions: { partition: number; offset: number }[] }[];
}

/** One open transaction: its sends and offsets become visible to read_committed consumers together, or not at all. */
export interface Transaction {
  send(request: SendRequest): Promise<PartitionBaseOffset[]>;
  sendOffsets(offsets: TransactionOffsets): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface Producer {
  connect(): Promise<void>;
  /** Validates the request before any I/O (ConfigurationError), then resolves once the broker acknowledged it. */
  send(request: SendRequest): Promise<PartitionBaseOffset[]>;
  /** Begins a transaction (producer created with a transactionalId; one open transaction at a time). */
  transaction(): Promise<Transaction>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  /** Always empty on the legacy backend: kafka-node's message format has no headers. */
  headers: Record<string, Buffer>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  offset: number;
}

export type StartPosition = 'earliest' | 'latest' | 'none';
export type AssignmentProtocolName = 'roundrobin' | 'range';

/** A custom assignment strategy, in the shape kafka-node's ConsumerGroup accepts for its `protocol` option. */
export interface CustomAssignmentProtocol {
  name: string;
  version: number;
  /** members: memberId -> subscribed topics; partitions: topic -> partition ids. Returns memberId -> topic -> ids. */
  assign(
    members: ReadonlyMap<string, readonly string[]>,
    partitions: ReadonlyMap<string, readonly number[]>,
  ): Map<string, Map<string, number[]>>;
}

export interface ConsumerGroupConfig {
  groupId: string;
  topics: string[];
  /** Where to start a partition without a committed offset. 'none' fails with NoCommittedOffsetError. */
  fromOffset?: StartPosition;
  /** Where to go when the position falls outside the log. 'none' surfaces OffsetOutOfRangeError. */
  outOfRangeOffset?: StartPosition;
  protocols?: Array<AssignmentProtocolName | CustomAssignmentProtocol>;
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
  /** Messages fetched but not yet handled, per member; fetching pauses above it (back-pressure). */
  maxBufferedMessages?: number;
  isolationLevel?: 'read_committed' | 'read_uncommitted';
}

export interface MessageBatch {
  topic: string;
  partition: number;
  highWatermark: number;
  messages: ConsumedMessage[];
}

export interface RunOptions {
  eachMessage?: (message: ConsumedMessage) => Promise<void> | void;
  eachBatch?: (batch: MessageBatch) => Promise<void> | void;
}

export interface RebalanceEvent {
  generationId: number;
  memberId: string;
  partitions: TopicPartition[];
}

export interface ConsumerGroupEvents {
  assigned: (event: RebalanceEvent) => void;
  revoked: (event: RebalanceEvent) => void;
  error: (error: Error) => void;
  /** outOfRangeOffset earliest/latest: a partition's position fell outside its log and is being reset. */
  offsetReset: (event: TopicPartition) => void;
}

export interface ConsumerGroup {
  connect(): Promise<void>;
  /**
   * Subscribes, joins the group and starts handing messages to the handler, one at a time per partition, in offset
   * order. Resolves once this member has received its first assignment (possibly empty). A handler that throws stops
   * that partition's progress: the message is retried, never skipped and never committed.
   */
  run(options: RunOptions): Promise<void>;
  pause(topics: string[]): void;
  resume(topics: string[]): void;
  seek(position: TopicPartitionOffset): void;
  /** Commits the given offsets (next offset to read), or everything handled so far. */
  commit(offsets?: TopicPartitionOffset[]): Promise<void>;
  on<E extends keyof ConsumerGroupEvents>(event: E, listener: ConsumerGroupEvents[E]): this;
  /** Stops fetching, lets the handler in progress finish, commits what was handled (unless told not to), leaves. */
  close(options?: { commit?: boolean }): Promise<void>;
}

/** One partition to read in a PartitionFetcher round: from `offset`, at most `maxBytes` of it. */
export interface FetchPosition extends TopicPartitionOffset {
  maxBytes: number;
}

/** What one partition answered in a fetch round: its messages from the requested offset on, or its error. */
export interface FetchedPartition {
  topic: string;
  partition: number;
  highWatermark: number;
  messages: ConsumedMessage[];
  /** The broker's error for this partition (OffsetOutOfRangeError, ...); the other partitions still answer. */
  error: Error | null;
}

/**
 * Groupless reads and commits, for kafka-node's plain Consumer: the caller chooses partitions and offsets, nothing
 * joins a group. Commits are standalone (OffsetCommit with generation -1 and no member id), which a broker accepts
 * while the group has no members.
 */
export interface PartitionFetcher {
  /** One fetch round: every position's messages (or error), waiting up to maxWaitTimeMs for minBytes. */
  fetch(positions: FetchPosition[], options: { maxWaitTimeMs: number; minBytes: number }): Promise<FetchedPartition[]>;
  commit(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  close(): Promise<void>;
}

export interface NewTopic {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  earliest: number;
  latest: number;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  clientHost: string;
  assignment: TopicPartition[];
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberDescription[];
}

export interface BrokerMetadata {
  nodeId: number;
  host: string;
  port: number;
}

export interface PartitionMetadata {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicMetadata {
  topic: string;
  partitions: PartitionMetadata[];
}

export interface ClusterMetadata {
  brokers: BrokerMetadata[];
  controllerId: number | null;
  topics: TopicMetadata[];
}

export interface ConfigResource {
  type: 'topic' | 'broker';
  /** Topic name, or the broker's node id as a string. */
  name: string;
  /** Only these configs; all when absent. */
  configNames?: string[];
}

export interface ConfigSynonymDescription {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntryDescription {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** Kafka's ConfigSource (DescribeConfigs v1+): 1 dynamic topic, 4 static broker, 5 default, ... */
  source: number;
  isSensitive: boolean;
  synonyms: ConfigSynonymDescription[];
}

export interface ConfigResourceDescription {
  type: 'topic' | 'broker';
  name: string;
  entries: ConfigEntryDescription[];
}

export interface Admin {
  connect(): Promise<void>;
  /** DescribeConfigs; a resource the broker answers with an error fails the call (KafkaProtocolError). */
  describeConfigs(
    resources: ConfigResource[],
    options?: { includeSynonyms?: boolean },
  ): Promise<ConfigResourceDescription[]>;
  /**
   * Brokers, controller and topic/partition layout. Without `topics`: every topic; with them: those that exist.
   * Never auto-creates unless `allowAutoTopicCreation` (then the named topics are asked for as a producer would,
   * and a broker with auto-creation makes them). Sorted by node id, topic and partition.
   */
  fetchMetadata(topics?: string[], options?: { allowAutoTopicCreation?: boolean }): Promise<ClusterMetadata>;
  /** Commits offsets (the next offset to read) for a group outside any membership, as a standalone offset tool. */
  commitOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  createTopics(topics: NewTopic[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Committed offsets of a group; -1 where nothing is committed. */
  fetchCommittedOffsets(groupId: string, topic: string): Promise<TopicPartitionOffset[]>;
  listGroups(): Promise<GroupListing[]>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  disconnect(): Promise<void>;
}

/** What a backend can do; using anything else fails with UnsupportedFeatureError naming feature and backend. */
export interface Capabilities {
  headers: boolean;
  idempotence: boolean;
  transactions: boolean;
  compression: readonly CompressionName[];
  partitioners: readonly PartitionerName[];
}

export interface Backend {
  readonly name: BackendName;
  readonly capabilities: Capabilities;
  producer(options?: ProducerOptions): Producer;
  consumerGroup(config: ConsumerGroupConfig): ConsumerGroup;
  admin(): Admin;
  /** Groupless reads of chosen partitions with standalone commits (kafka-node's plain Consumer). */
  partitionFetcher?(): PartitionFetcher;
}
