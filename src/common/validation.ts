/**
 * Argument checks shared by both backends, run before any I/O: a bad request fails the same way (ConfigurationError,
 * or UnsupportedFeatureError for something the chosen backend cannot do) whichever engine would have sent it.
 * Consumer group defaults are kafka-node ConsumerGroup's, so switching backends does not change behaviour.
 */
import { ConfigurationError, UnsupportedFeatureError } from './errors';
import type {
  Acks,
  AssignmentProtocolName,
  BackendName,
  Capabilities,
  CompressionName,
  ConsumerGroupConfig,
  CustomAssignmentProtocol,
  PartitionerFunction,
  PartitionerName,
  ProducerOptions,
  SendRequest,
  StartPosition,
  TopicPartitionOffset,
  TransactionOffsets,
} from './types';

const COMPRESSION_NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const PARTITIONER_NAMES: readonly PartitionerName[] = ['default', 'random', 'cyclic', 'keyed', 'murmur2'];
const ACKS: readonly Acks[] = [0, 1, -1];
const START_POSITIONS: readonly StartPosition[] = ['earliest', 'latest', 'none'];
const PROTOCOL_NAMES: readonly AssignmentProtocolName[] = ['roundrobin', 'range'];
const MAX_INT32 = 2 ** 31 - 1;

function isNonNegativeInteger(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return 'a Buffer';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? 'an object' : String(value);
}

export interface ResolvedProducerOptions {
  partitioner: PartitionerName | PartitionerFunction;
  idempotent: boolean;
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

/** Kafka's transaction.timeout.ms default, and the broker's largest accepted value (transaction.max.timeout.ms). */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 60000;
const MAX_TRANSACTION_TIMEOUT_MS = 900000;

/** Checks producer options against what the backend can do and fills in its default partitioner. */
export function resolveProducerOptions(
  options: ProducerOptions | undefined,
  capabilities: Capabilities,
  backend: BackendName,
  defaultPartitioner: PartitionerName,
): ResolvedProducerOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ConfigurationError('producer options must be an object');
  }
  const partitioner = options?.partitioner ?? defaultPartitioner;
  if (typeof partitioner !== 'function') {
    if (!PARTITIONER_NAMES.includes(partitioner)) {
      throw new ConfigurationError(
        `unknown partitioner ${describe(partitioner)}: use one of ${PARTITIONER_NAMES.join(', ')}, or a function`,
      );
    }
    if (!capabilities.partitioners.includes(partitioner))
      throw new UnsupportedFeatureError(`partitioner "${partitioner}"`, backend);
  }
  const idempotent = options?.idempotent ?? false;
  if (typeof idempotent !== 'boolean')
    throw new ConfigurationError(`idempotent must be true or false, got ${describe(idempotent)}`);
  if (idempotent && !capabilities.idempotence) throw new UnsupportedFeatureError('the idempotent producer', backend);
  const transactionalId = options?.transactionalId ?? null;
  const transactionTimeoutMs = options?.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
  if (transactionalId !== null) {
    if (typeof transactionalId !== 'string' || transactionalId === '') {
      throw new ConfigurationError(`transactionalId must be a non-empty string, got ${describe(transactionalId)}`);
    }
    if (!capabilities.transactions) {
      throw new UnsupportedFeatureError(
        'transactions (transactionalId)',
        backend,
        'kafka-node has no transactional producer (no InitProducerId, no Produce v3)',
      );
    }
    if (options?.idempotent === false)
      throw new ConfigurationError('a transactional producer is always idempotent: drop idempotent: false');
  } else if (options?.transactionTimeoutMs !== undefined) {
    throw new ConfigurationError(
      'transactionTimeoutMs only applies to a transactional producer: set transactionalId too',
    );
  }
  if (
    !Number.isInteger(transactionTimeoutMs) ||
    transactionTimeoutMs < 1 ||
    transactionTimeoutMs > MAX_TRANSACTION_TIMEOUT_MS
  ) {
    throw new ConfigurationError(
      `transactionTimeoutMs must be an integer from 1 to ${MAX_TRANSACTION_TIMEOUT_MS}, got ${describe(transactionTimeoutMs)}`,
    );
  }
  return { partitioner, idempotent: idempotent || transactionalId !== null, transactionalId, transactionTimeoutMs };
}

/** Checks sendOffsets' argument: a group id and, per topic, integer partitions and offsets >= 0. */
export function validateTransactionOffsets(offsets: TransactionOffsets): void {
  if (offsets === null || typeof offsets !== 'object')
    throw new ConfigurationError('sendOffsets needs { consumerGroupId, topics }');
  if (typeof offsets.consumerGroupId !== 'string' || offsets.consumerGroupId === '') {
    throw new ConfigurationError(
      `consumerGroupId must be a non-empty string, got ${describe(offsets.consumerGroupId)}`,
    );
  }
  if (!Array.isArray(offsets.topics))
    throw new ConfigurationError(`topics must be an array, got ${describe(offsets.topics)}`);
  for (const topic of offsets.topics) {
    if (typeof topic?.topic !== 'string' || topic.topic === '')
      throw new ConfigurationError(`each topic needs a name, got ${describe(topic?.topic)}`);
    if (!Array.isArray(topic.partitions)) throw new ConfigurationError(`partitions of ${topic.topic} must be an array`);
    for (const p of topic.partitions) {
      if (!Number.isInteger(p?.partition) || p.partition < 0)
        throw new ConfigurationError(
          `partition of ${topic.topic} must be an integer >= 0, got ${describe(p?.partition)}`,
        );
      if (!Number.isInteger(p.offset) || p.offset < 0)
        throw new ConfigurationError(
          `offset of ${topic.topic}/${p.partition} must be an integer >= 0, got ${describe(p.offset)}`,
        );
    }
  }
}

function messageAt(index: number): string {
  return `messages[${index}]`;
}

/** Kafka's topic name rule, the one the broker applies: clients check it before any I/O. */
export { topicNameProblem } from '../protocol/topic-names';

/**
 * Checks a send request: topic, messages (values Buffer, string or null; keys also undefined; integer partitions;
 * headers of Buffers or strings; integer timestamps), acks, timeout and compression.
 */
export function validateSendRequest(
  request: SendRequest,
  capabilities: Capabilities,
  backend: BackendName,
  options: { idempotent?: boolean } = {},
): void {
  if (request === null || typeof request !== 'object')
    throw new ConfigurationError('send needs a request object { topic, messages }');
  const { topic, messages, acks, timeoutMs, compression } = request;
  if (typeof topic !== 'string' || topic.length === 0)
    throw new ConfigurationError(`topic must be a non-empty string, got ${describe(topic)}`);
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ConfigurationError(
      `messages must be a non-empty array of { key?, value, partition?, headers?, timestamp? }, got ${describe(messages)}`,
    );
  }
  // A plain loop, and the message's place named only when it is refused: this runs once per message sent.
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    // forEach skipped the holes of a sparse array; so does this.
    if (message === undefined && !(index in messages)) continue;
    if (message === null || typeof message !== 'object' || Array.isArray(message))
      throw new ConfigurationError(`${messageAt(index)} must be an object with a value`);
    const { key, value, partition, headers, timestamp } = message;
    if (value !== null && typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new ConfigurationError(
        `${messageAt(index)}.value must be a Buffer, a string or null, got ${describe(value)}`,
      );
    }
    if (key !== undefined && key !== null && typeof key !== 'string' && !Buffer.isBuffer(key)) {
      throw new ConfigurationError(`${messageAt(index)}.key must be a Buffer, a string or null, got ${describe(key)}`);
    }
    if (partition !== undefined && !isNonNegativeInteger(partition, MAX_INT32)) {
      throw new ConfigurationError(
        `${messageAt(index)}.partition must be an integer from 0 to ${MAX_INT32}, got ${describe(partition)}`,
      );
    }
    if (timestamp !== undefined && !isNonNegativeInteger(timestamp)) {
      throw new ConfigurationError(
        `${messageAt(index)}.timestamp must be milliseconds since the epoch (a non-negative integer), got ${describe(timestamp)}`,
      );
    }
    if (headers !== undefined) {
      if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || Buffer.isBuffer(headers)) {
        throw new ConfigurationError(
          `${messageAt(index)}.headers must be an object of header name -> Buffer or string`,
        );
      }
      for (const [name, headerValue] of Object.entries(headers)) {
        if (typeof headerValue !== 'string' && !Buffer.isBuffer(headerValue)) {
          throw new ConfigurationError(
            `${messageAt(index)}.headers[${JSON.stringify(name)}] must be a Buffer or a string, got ${describe(headerValue)}`,
          );
        }
      }
      if (Object.keys(headers).length > 0 && !capabilities.headers)
        throw new UnsupportedFeatureError('message headers', backend);
    }
  }
  if (acks !== undefined && !ACKS.includes(acks))
    throw new ConfigurationError(`acks must be 0, 1 or -1, got ${describe(acks)}`);
  if (options.idempotent && acks !== undefined && acks !== -1) {
    throw new ConfigurationError(`an idempotent producer needs acks -1 (all in-sync replicas), got acks ${acks}`);
  }
  if (timeoutMs !== undefined && !isNonNegativeInteger(timeoutMs, MAX_INT32)) {
    throw new ConfigurationError(
      `timeoutMs must be a non-negative integer of milliseconds, got ${describe(timeoutMs)}`,
    );
  }
  if (compression !== undefined) {
    if (!COMPRESSION_NAMES.includes(compression)) {
      throw new ConfigurationError(
        `unknown compression ${describe(compression)}: use one of ${COMPRESSION_NAMES.join(', ')}`,
      );
    }
    if (!capabilities.compression.includes(compression))
      throw new UnsupportedFeatureError(`${compression} compression`, backend);
  }
}

/** A topic/partition/offset given by the caller (seek, commit). */
export function validateTopicPartitionOffset(position: TopicPartitionOffset, what: string): void {
  if (position === null || typeof position !== 'object')
    throw new ConfigurationError(`${what} needs { topic, partition, offset }`);
  if (typeof position.topic !== 'string' || position.topic.length === 0)
    throw new ConfigurationError(`${what}: topic must be a non-empty string`);
  if (!isNonNegativeInteger(position.partition, MAX_INT32)) {
    throw new ConfigurationError(
      `${what}: partition must be a non-negative integer, got ${describe(position.partition)}`,
    );
  }
  if (!isNonNegativeInteger(position.offset))
    throw new ConfigurationError(`${what}: offset must be a non-negative integer, got ${describe(position.offset)}`);
}

export interface ResolvedConsumerGroupConfig {
  groupId: string;
  topics: string[];
  fromOffset: StartPosition;
  outOfRangeOffset: StartPosition;
  protocols: Array<AssignmentProtocolName | CustomAssignmentProtocol>;
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxBytesPerPartition: number;
  maxWaitTimeMs: number;
  /** null: the backend's own bound (see each backend). */
  maxBufferedMessages: number | null;
  isolationLevel: 'read_committed' | 'read_uncommitted';
}

/**
 * kafka-node ConsumerGroup's defaults, except the heartbeat: 3 s as the Java client and kafkajs (kafka-node's third of
 * the session timeout, 10 s, makes every rebalance wait up to 10 s for existing members to notice), and never more
 * than a third of the session timeout.
 */
export const CONSUMER_GROUP_DEFAULTS = {
  fromOffset: 'latest',
  outOfRangeOffset: 'earliest',
  protocols: ['roundrobin'],
  autoCommit: true,
  autoCommitIntervalMs: 5000,
  sessionTimeoutMs: 30000,
  heartbeatIntervalMs: 3000,
  maxBytesPerPartition: 1024 * 1024,
  maxWaitTimeMs: 100,
  isolationLevel: 'read_uncommitted',
} as const;

function option<T>(value: T | undefined, fallback: T, valid: (value: T) => boolean, name: string, expected: string): T {
  if (value === undefined) return fallback;
  if (!valid(value)) throw new ConfigurationError(`${name} must be ${expected}, got ${describe(value)}`);
  return value;
}

export function resolveConsumerGroupConfig(config: ConsumerGroupConfig): ResolvedConsumerGroupConfig {
  if (config === null || typeof config !== 'object')
    throw new ConfigurationError('a consumer group needs a config object { groupId, topics }');
  const { groupId, topics } = config;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError(`groupId must be a non-empty string, got ${describe(groupId)}`);
  if (
    !Array.isArray(topics) ||
    topics.length === 0 ||
    topics.some((topic) => typeof topic !== 'string' || topic.length === 0)
  ) {
    throw new ConfigurationError(`topics must be a non-empty array of topic names, got ${describe(topics)}`);
  }
  const isPosition = (value: StartPosition): boolean => START_POSITIONS.includes(value);
  const isCount = (value: number): boolean => isNonNegativeInteger(value, MAX_INT32);
  const protocols = option<Array<AssignmentProtocolName | CustomAssignmentProtocol>>(
    config.protocols,
    [...CONSUMER_GROUP_DEFAULTS.protocols],
    (value) =>
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((p) =>
        typeof p === 'string'
          ? PROTOCOL_NAMES.includes(p)
          : p !== null &&
            typeof p === 'object' &&
            typeof p.name === 'string' &&
            p.name.length > 0 &&
            isNonNegativeInteger(p.version) &&
            typeof p.assign === 'function',
      ),
    'protocols',
    'a non-empty array of "roundrobin", "range" or { name, version, assign } objects',
  );
  const sessionTimeoutMs = option(
    config.sessionTimeoutMs,
    CONSUMER_GROUP_DEFAULTS.sessionTimeoutMs,
    (v) => isCount(v) && v > 0,
    'sessionTimeoutMs',
    'a positive integer of milliseconds',
  );
  const heartbeatIntervalMs = option(
    config.heartbeatIntervalMs,
    Math.max(1, Math.min(CONSUMER_GROUP_DEFAULTS.heartbeatIntervalMs, Math.floor(sessionTimeoutMs / 3))),
    (v) => isCount(v) && v > 0,
    'heartbeatIntervalMs',
    'a positive integer of milliseconds',
  );
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ConfigurationError(
      `heartbeatIntervalMs (${heartbeatIntervalMs}) must be lower than sessionTimeoutMs (${sessionTimeoutMs}), ideally a third of it`,
    );
  }
  return {
    groupId,
    topics: [...new Set(topics)],
    fromOffset: option(
      config.fromOffset,
      CONSUMER_GROUP_DEFAULTS.fromOffset,
      isPosition,
      'fromOffset',
      '"earliest", "latest" or "none"',
    ),
    outOfRangeOffset: option(
      config.outOfRangeOffset,
      CONSUMER_GROUP_DEFAULTS.outOfRangeOffset,
      isPosition,
      'outOfRangeOffset',
      '"earliest", "latest" or "none"',
    ),
    protocols,
    autoCommit: option(
      config.autoCommit,
      CONSUMER_GROUP_DEFAULTS.autoCommit,
      (v) => typeof v === 'boolean',
      'autoCommit',
      'true or false',
    ),
    autoCommitIntervalMs: option(
      config.autoCommitIntervalMs,
      CONSUMER_GROUP_DEFAULTS.autoCommitIntervalMs,
      isCount,
      'autoCommitIntervalMs',
      'a non-negative integer of milliseconds',
    ),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxBytesPerPartition: option(
      config.maxBytesPerPartition,
      CONSUMER_GROUP_DEFAULTS.maxBytesPerPartition,
      (v) => isCount(v) && v > 0,
      'maxBytesPerPartition',
      'a positive integer of bytes',
    ),
    maxWaitTimeMs: option(
      config.maxWaitTimeMs,
      CONSUMER_GROUP_DEFAULTS.maxWaitTimeMs,
      isCount,
      'maxWaitTimeMs',
      'a non-negative integer of milliseconds',
    ),
    maxBufferedMessages:
      config.maxBufferedMessages === undefined
        ? null
        : option(
            config.maxBufferedMessages,
            0,
            (v) => isCount(v) && v > 0,
            'maxBufferedMessages',
            'a positive integer',
          ),
    isolationLevel: option(
      config.isolationLevel,
      CONSUMER_GROUP_DEFAULTS.isolationLevel,
      (v) => v === 'read_committed' || v === 'read_uncommitted',
      'isolationLevel',
      '"read_committed" or "read_uncommitted"',
    ),
  };
}
