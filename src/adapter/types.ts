/**
 * The facade's public option and result types, named and shaped as kafka-node 5's types/index.d.ts so TypeScript
 * written against kafka-node compiles against the facade. Where kafka-node says `any`, these say what the facade
 * accepts or returns.
 */
import type { ConnectionOptions } from 'tls';
import type { BackendName } from '../common/types';

/**
 * kafka-node types its callbacks `(error: any, data: any) => any`, so callers annotate parameters as they like
 * (`(error: Error) => ...`). Method-style signatures are checked bivariantly, which accepts those annotations without
 * `any`.
 */
export type NodeCallback<T> = { bivarianceHack(error: Error | null, data?: T): void }['bivarianceHack'];
export type ErrorCallback = { bivarianceHack(error?: Error | null): void }['bivarianceHack'];

export interface RetryOptions {
  retries?: number;
  factor?: number;
  minTimeout?: number;
  maxTimeout?: number;
  randomize?: boolean;
}

export interface SaslOptions {
  mechanism: string;
  username: string;
  password: string;
}

export type SslOptions = ConnectionOptions;

export interface AckBatchOptions {
  noAckBatchSize: number | null;
  noAckBatchAge: number | null;
}

/** Options both the facade's clients accept besides kafka-node's. */
export interface AdapterOptions {
  /** 'kafka-node', 'kafkajs' or 'confluent'; else env KAFKA_NODE_BACKEND, else kafka-node-adapter.json, else 'kafka-node'. */
  backend?: BackendName;
  /** Emulated behaviours throw instead of warning (also env KAFKA_NODE_ADAPTER_STRICT=1). */
  strict?: boolean;
}

export interface KafkaClientOptions extends AdapterOptions {
  kafkaHost?: string;
  connectTimeout?: number;
  requestTimeout?: number;
  autoConnect?: boolean;
  connectRetryOptions?: RetryOptions;
  /** Alias of connectRetryOptions. */
  retryOptions?: RetryOptions;
  sslOptions?: SslOptions;
  ssl?: boolean | SslOptions;
  clientId?: string;
  idleConnection?: number;
  reconnectOnIdle?: boolean;
  maxAsyncRequests?: number;
  sasl?: SaslOptions;
  versions?: { disabled?: boolean; requestTimeout?: number };
  noAckBatchOptions?: AckBatchOptions | null;
}

export interface ZKOptions {
  sessionTimeout?: number;
  spinDelay?: number;
  retries?: number;
}

export interface ProducerOptions {
  requireAcks?: number;
  ackTimeoutMs?: number;
  partitionerType?: number;
}

export type CustomPartitioner = (partitions: number[], key: string | Buffer) => number;

export interface KeyedMessageLike {
  key: string | Buffer;
  value: string | Buffer;
}

export interface ProduceRequest {
  topic: string;
  /** string | Buffer | KeyedMessage, or an array of them. */
  messages: string | Buffer | KeyedMessageLike | Array<string | Buffer | KeyedMessageLike>;
  key?: string | Buffer;
  partition?: number;
  /** 0 none, 1 gzip, 2 snappy. */
  attributes?: number;
  timestamp?: number;
}

/** topic -> partition -> offset of the first message written; `{ result: 'no ack' }` with requireAcks 0. */
export interface ProduceResult {
  [topic: string]: { [partition: string]: number } | string;
}

export interface Message {
  topic: string;
  value: string | Buffer;
  offset?: number;
  partition?: number;
  highWaterOffset?: number;
  key?: string | Buffer;
  timestamp?: Date;
}

export interface Topic {
  topic: string;
  offset?: number;
  encoding?: string;
  autoCommit?: boolean;
  partition?: number;
}

export interface CustomPartitionAssignmentProtocol {
  name: string;
  version: number;
  userData: object;
  assign(topicPattern: unknown, groupMembers: unknown, cb: (error: Error | null, result: unknown) => void): void;
}

export interface ConsumerGroupOptions extends AdapterOptions {
  kafkaHost?: string;
  /** kafka-node 3.x: a ZooKeeper connection string; brokers are discovered from /brokers/ids. */
  host?: string;
  batch?: AckBatchOptions;
  ssl?: boolean | SslOptions;
  sslOptions?: SslOptions;
  sasl?: SaslOptions;
  id?: string;
  groupId: string;
  sessionTimeout?: number;
  encoding?: 'buffer' | 'utf8';
  keyEncoding?: 'buffer' | 'utf8';
  protocol?: Array<'roundrobin' | 'range' | CustomPartitionAssignmentProtocol>;
  fromOffset?: 'earliest' | 'latest' | 'none';
  outOfRangeOffset?: 'earliest' | 'latest' | 'none';
  migrateHLC?: boolean;
  migrateRolling?: boolean;
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  fetchMaxWaitMs?: number;
  maxNumSegments?: number;
  maxTickMessages?: number;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  retries?: number;
  retryFactor?: number;
  retryMinTimeout?: number;
  connectOnReady?: boolean;
  heartbeatInterval?: number;
  onRebalance?: (isAlreadyMember: boolean, callback: (error?: Error | null) => void) => void;
  connectTimeout?: number;
  requestTimeout?: number;
  commitOffsetsOnFirstJoin?: boolean;
  topicPartitionCheckInterval?: number;
  zk?: ZKOptions;
}

export interface ConsumerGroupStreamOptions extends ConsumerGroupOptions {
  highWaterMark?: number;
}

export interface ConsumerOptions {
  groupId?: string;
  autoCommit?: boolean;
  autoCommitIntervalMs?: number;
  fetchMaxWaitMs?: number;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  fromOffset?: boolean;
  encoding?: 'buffer' | 'utf8';
  keyEncoding?: 'buffer' | 'utf8';
}

export interface OffsetRequest {
  topic: string;
  partition?: number;
  time?: number;
  maxNum?: number;
}

export interface OffsetCommitRequest {
  topic: string;
  partition?: number;
  offset: number;
  metadata?: string;
}

export interface OffsetFetchRequest {
  topic: string;
  partition?: number;
  offset?: number;
}

/** Offset.fetch: topic -> partition -> offsets. */
export interface OffsetFetchResult {
  [topic: string]: { [partition: string]: number[] };
}

/** fetchLatestOffsets / fetchEarliestOffsets / fetchCommits: topic -> partition -> offset (-1: none committed). */
export interface TopicPartitionOffsets {
  [topic: string]: { [partition: string]: number };
}

export interface CreateTopicRequest {
  topic: string;
  partitions: number;
  replicationFactor: number;
  configEntries?: { name: string; value: string }[];
  replicaAssignment?: { partition: number; replicas: number[] }[];
}

export interface CreateTopicResponse {
  topic: string;
  error: string;
}

export interface BrokerMetadataResponse {
  [id: number]: { host: string; nodeId: number; port: number };
}

export interface PartitionMetadataResponse {
  leader: number;
  partition: number;
  topic: string;
  replicas: number[];
  isr: number[];
}

export interface ClusterMetadataResponse {
  clusterMetadata: { controllerId: number };
  metadata: { [topic: string]: { [partition: number]: PartitionMetadataResponse } };
}

export interface MetadataResponse extends Array<BrokerMetadataResponse | ClusterMetadataResponse> {
  0: BrokerMetadataResponse;
  1: ClusterMetadataResponse;
}

export interface Chunk {
  chunk: ProduceRequest;
}

export interface ProducerStreamOptions {
  kafkaClient?: KafkaClientOptions;
  producer?: ProducerOptions;
  highWaterMark?: number;
}

/** One partition a ConsumerGroup owns, as kafka-node's `topicPayloads` lists it (offset: the next one to fetch). */
export interface TopicPayload {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  metadata: string;
}
