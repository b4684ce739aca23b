/**
 * The parts of kafka-node 5.0.0 this backend uses, typed as they behave at runtime. kafka-node's bundled
 * types/index.d.ts is incomplete (no Admin, no metadata fields, no ConsumerGroup internals) and wrong in places
 * (onRebalance, custom protocols), so the module is loaded once here and seen through these interfaces only.
 *
 * Fields marked "internal" are not documented API. They are read (never replaced wholesale) because the
 * behaviour the common interface needs (per-partition flow control, rewinding a fetch position) cannot be reached
 * otherwise; kafka-node is pinned at exactly 5.0.0, and test/legacy exercises each of them against a broker.
 */
import type { EventEmitter } from 'events';
import * as kafkaNodeModule from 'kafka-node';

export type NodeCallback<T> = (error: unknown, result?: T) => void;

export interface ApiSupport {
  min: number;
  max: number;
  /** The version kafka-node will use, or false for APIs kafka-node cannot encode. */
  usable: number | false;
}

/** kafka-node's BrokerWrapper: one socket to one broker. */
export interface KafkaNodeBroker {
  socket: { socketId: number; addr: string; waiting?: boolean };
  /** Filled from the ApiVersions answer (or kafka-node's 0.9 defaults): API name -> versions. */
  apiSupport?: Record<string, ApiSupport | null | undefined> | null;
  isConnected(): boolean;
  isReady(): boolean;
}

export interface KafkaNodePartitionMetadata {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** topic -> partition id (as object key) -> metadata; partitions with an error code are left out by kafka-node. */
export type KafkaNodeTopicMetadata = Record<string, Record<string, KafkaNodePartitionMetadata>>;

export type KafkaNodeMetadataResponse = [
  Record<string, { nodeId: number; host: string; port: number }>,
  {
    metadata: KafkaNodeTopicMetadata;
    /** kafka-node's names of the topic/partition error codes in the answer. */
    error?: string[];
    clusterMetadata?: { controllerId: number };
  },
];

export interface KafkaNodeClientOptions {
  kafkaHost: string;
  clientId: string;
  connectTimeout: number;
  requestTimeout: number;
  autoConnect: boolean;
  connectRetryOptions: { retries: number; factor: number; minTimeout: number; maxTimeout: number; randomize: boolean };
  sslOptions?: Record<string, unknown>;
  sasl?: { mechanism: string; username: string; password: string };
}

export interface KafkaNodeClient extends EventEmitter {
  ready: boolean;
  clientId: string;
  /** Internal: "host:port" -> the connection to that broker (the bootstrap one first). */
  brokers?: Record<string, KafkaNodeBroker>;
  topicMetadata: KafkaNodeTopicMetadata;
  connect(): void;
  close(callback?: () => void): void;
  refreshMetadata(topics: string[], callback: (error?: unknown) => void): void;
  loadMetadataForTopics(topics: string[], callback: NodeCallback<KafkaNodeMetadataResponse>): void;
  updateMetadatas(metadata: KafkaNodeMetadataResponse): void;
  /** Without a leader id: any connected broker. */
  brokerForLeader(leader?: string | number): KafkaNodeBroker | undefined;
  getController(callback: (error: unknown, broker?: KafkaNodeBroker, controllerId?: number) => void): void;
  setControllerId(controllerId: number | null): void;
  nextId(): number;
  /** The group coordinator's node id (as a string) once a consumer group or offset fetch looked it up. */
  coordinatorId?: string;
  sendGroupCoordinatorRequest(
    groupId: string,
    callback: NodeCallback<{ coordinatorId: number; coordinatorHost: string; coordinatorPort: number }>,
  ): void;
  /** Queues `decode` for the response to `correlationId` (with kafka-node's request timeout) and writes `request`. */
  sendWhenReady(
    broker: KafkaNodeBroker,
    correlationId: number,
    request: Buffer,
    decode: (response: Buffer | { slice(): Buffer }) => unknown,
    callback: NodeCallback<unknown>,
  ): void;
}

/** kafka-node's Message (a KeyedMessage is one): what goes into a produce request. */
export interface KafkaNodeOutgoingMessage {
  magic: number;
  attributes: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  timestamp: number;
}

export interface KafkaNodeProduceRequest {
  topic: string;
  partition: number;
  messages: KafkaNodeOutgoingMessage[];
  /** Compression codec of the message set: 0 none, 1 gzip, 2 snappy. */
  attributes: number;
}

/** topic -> partition -> base offset, or { result: 'no ack' } with acks=0. */
export type KafkaNodeProduceResult = Record<string, Record<string, number> | string>;

export interface KafkaNodeProducer extends EventEmitter {
  requireAcks: number;
  ackTimeoutMs: number;
  send(payloads: KafkaNodeProduceRequest[], callback: NodeCallback<KafkaNodeProduceResult>): void;
  close(callback?: () => void): void;
}

/** A message as kafka-node's ConsumerGroup emits it (encoding 'buffer'). */
export interface KafkaNodeMessage {
  topic: string;
  partition: number;
  offset: number;
  highWaterOffset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Only for magic 1 messages (Fetch v2 and later). */
  timestamp?: Date;
}

/** One assigned partition of a ConsumerGroup and its fetch position (next offset to fetch). */
export interface KafkaNodeTopicPayload {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  metadata: string;
}

export interface KafkaNodeGroupMember {
  id: string;
  subscription: string[];
  version: number;
  userData?: unknown;
}

export interface KafkaNodeMemberAssignment {
  memberId: string;
  topicPartitions: Record<string, number[]>;
  version: number;
}

/** kafka-node's assignment protocol shape (lib/assignment/*.js, and its `protocol` option for custom ones). */
export interface KafkaNodeAssignmentProtocol {
  name: string;
  version: number;
  /** topicPartitions: topic -> partition ids (kafka-node passes them as object-key strings). */
  assign(
    topicPartitions: Record<string, Array<string | number>>,
    groupMembers: KafkaNodeGroupMember[],
    callback: NodeCallback<KafkaNodeMemberAssignment[]>,
  ): void;
}

export interface KafkaNodeConsumerGroupOptions {
  kafkaHost: string;
  id: string;
  groupId: string;
  connectTimeout: number;
  requestTimeout: number;
  connectRetryOptions: KafkaNodeClientOptions['connectRetryOptions'];
  sslOptions?: Record<string, unknown>;
  sasl?: KafkaNodeClientOptions['sasl'];
  sessionTimeout: number;
  heartbeatInterval: number;
  protocol: Array<string | KafkaNodeAssignmentProtocol>;
  fromOffset: 'earliest' | 'latest' | 'none';
  outOfRangeOffset: 'earliest' | 'latest' | 'none';
  autoCommit: boolean;
  commitOffsetsOnFirstJoin: boolean;
  fetchMaxWaitMs: number;
  fetchMaxBytes: number;
  encoding: 'buffer';
  keyEncoding: 'buffer';
  connectOnReady: boolean;
  retries: number;
  retryMinTimeout: number;
  /** Called (isAlreadyMember, done) before every (re)join; the join waits for `done`. */
  onRebalance: (isAlreadyMember: boolean, done: (error?: unknown) => void) => void;
}

export interface KafkaNodeConsumerGroup extends EventEmitter {
  client: KafkaNodeClient;
  options: KafkaNodeConsumerGroupOptions;
  ready: boolean;
  closed?: boolean;
  memberId: string | null;
  generationId: number | null;
  /** Assigned partitions with their fetch positions. */
  topicPayloads: KafkaNodeTopicPayload[];
  /** internal: topic -> partition -> lowest offset a fetched message may have (older ones are dropped). */
  payloadMap: Record<string, Record<string, number>>;
  /** internal: a fetch is in flight. */
  _isFetchPending?: boolean;
  connect(): void;
  /** Sends LeaveGroup (when a member) and forgets the generation. */
  leaveGroup(callback: (error?: unknown) => void): void;
  fetch(): void;
  fetchOffset(
    partitions: Record<string, number[]>,
    callback: NodeCallback<Record<string, Record<string, number>>>,
  ): void;
  sendOffsetCommitRequest(
    commits: Array<{ topic: string; partition: number; offset: number; metadata: string }>,
    callback: NodeCallback<Record<string, { partition: number; errorCode: number }> | string>,
  ): void;
  setOffset(topic: string, partition: number, offset: number): void;
  getOffset(): KafkaNodeOffset;
  close(force: boolean, callback: (error?: unknown) => void): void;
}

export interface KafkaNodeOffset extends EventEmitter {
  fetch(
    payloads: Array<{ topic: string; partition: number; time: number; maxNum: number }>,
    callback: NodeCallback<Record<string, Record<string, number[]>>>,
  ): void;
  fetchCommits(
    groupId: string,
    payloads: Array<{ topic: string; partition: number }>,
    callback: NodeCallback<Record<string, Record<string, number>>>,
  ): void;
  fetchEarliestOffsets(topics: string[], callback: NodeCallback<Record<string, Record<string, number>>>): void;
  fetchLatestOffsets(topics: string[], callback: NodeCallback<Record<string, Record<string, number>>>): void;
}

export interface KafkaNodeGroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{
    memberId: string;
    clientId: string;
    clientHost: string;
    memberAssignment?: { partitions?: Record<string, number[]> };
  }>;
}

export interface KafkaNodeAdmin extends EventEmitter {
  listGroups(callback: NodeCallback<Record<string, string>>): void;
  describeGroups(groupIds: string[], callback: NodeCallback<Record<string, KafkaNodeGroupDescription>>): void;
  listTopics(callback: NodeCallback<KafkaNodeMetadataResponse>): void;
  describeConfigs(
    payload: {
      resources: Array<{ resourceType: string; resourceName: string; configNames?: string[] }>;
      includeSynonyms: boolean;
    },
    callback: NodeCallback<KafkaNodeConfigResource[]>,
  ): void;
}

/** A resource of kafka-node's decoded DescribeConfigs answer. */
export interface KafkaNodeConfigResource {
  resourceType: string;
  resourceName: string;
  configEntries: Array<{
    configName: string;
    configValue: string;
    readOnly: boolean;
    configSource: number;
    isSensitive: boolean;
    synonyms: Array<{ configSynonymName: string; configSynonymValue: string; configSynonymSource: number }>;
  }>;
}

interface KafkaNodeModule {
  KafkaClient: new (options: KafkaNodeClientOptions) => KafkaNodeClient;
  Producer: new (
    client: KafkaNodeClient,
    options: { requireAcks: number; ackTimeoutMs: number; partitionerType: number },
  ) => KafkaNodeProducer;
  ConsumerGroup: (new (options: KafkaNodeConsumerGroupOptions, topics: string[]) => KafkaNodeConsumerGroup) & {
    prototype: KafkaNodeConsumerGroup;
  };
  Offset: new (client: KafkaNodeClient) => KafkaNodeOffset;
  Admin: new (client: KafkaNodeClient) => KafkaNodeAdmin;
  KeyedMessage: new (key: Buffer | string | null, value: Buffer | string | null) => KafkaNodeOutgoingMessage;
}

export const kafkaNode = kafkaNodeModule as unknown as KafkaNodeModule;
