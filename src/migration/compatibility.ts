/**
 * What each piece of kafka-node's API becomes through the kafka-node facade (src/adapter) on the kafkajs backend: the
 * one table behind `scan` (and the README's migration notes). Where the confluent backend differs, the note says so
 * and names its warning.
 * - supported: the facade does it with kafka-node's semantics.
 * - emulated: it works, differently; the caveat says how, and names the warning the facade reports for it (entries
 *   of ADAPTER_WARNINGS, so strict mode turns those uses into errors).
 * - unsupported: not available; the alternative says what to use instead.
 * A supported entry may name a warning too, when the gap hides in an argument the scan does not read (a custom
 * protocol object, replicaAssignment inside createTopics).
 */
import { ADAPTER_WARNINGS } from '../adapter/warnings';
import { KAFKA_NODE_INTERNAL_METHODS } from '../adapter/internal-methods';
import { notServedMessage, servedDeepRequire } from '../adapter/deep-requires/modules';

export type FindingKind = 'import' | 'construct' | 'option' | 'method' | 'event';
export type CompatibilityStatus = 'supported' | 'emulated' | 'unsupported';

export interface CompatibilityEntry {
  status: CompatibilityStatus;
  /** For emulated: the caveat. For unsupported: the alternative. For supported: what it maps to. */
  note: string;
  /** The warnings the facade reports for this use, as it names them (e.g. "option.KafkaClient.versions.ignored"). */
  warnings?: readonly string[];
}

export const KAFKA_NODE_MODULE = 'kafka-node';
const ADAPTER_PACKAGE = 'kafka-node-adapter';
export const FACADE_MODULE = `${ADAPTER_PACKAGE}/kafka-node`;
export const REGISTER_MODULE = 'kafka-node-adapter/register';

export const KAFKA_NODE_CLASSES = [
  'KafkaClient',
  'Client',
  'Producer',
  'HighLevelProducer',
  'KeyedMessage',
  'ProducerStream',
  'Consumer',
  'ConsumerGroup',
  'ConsumerGroupStream',
  'ConsumerStream',
  'Offset',
  'Admin',
  'DefaultPartitioner',
  'RandomPartitioner',
  'CyclicPartitioner',
  'KeyedPartitioner',
  'CustomPartitioner',
] as const;
export type KafkaNodeClass = (typeof KAFKA_NODE_CLASSES)[number];

export function isKafkaNodeClass(name: string): name is KafkaNodeClass {
  return (KAFKA_NODE_CLASSES as readonly string[]).includes(name);
}

/**
 * The ADAPTER_WARNINGS key a reported warning name belongs to: itself, or the template it instantiates
 * ("option.ConsumerGroup.retries.ignored" -> "option.<Class>.<option>.ignored"); undefined when there is none.
 */
export function adapterWarningKey(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(ADAPTER_WARNINGS, name)) return name;
  return Object.keys(ADAPTER_WARNINGS).find(
    (key) =>
      key.includes('<') &&
      new RegExp(
        `^${key
          .split('.')
          .map((part) => (part.startsWith('<') ? '[^.]+' : part))
          .join('\\.')}$`,
      ).test(name),
  );
}

function withWarnings(status: CompatibilityStatus, note: string, warnings: readonly string[]): CompatibilityEntry {
  if (warnings.length === 0) return { status, note };
  return { status, note: `${note} (warning ${warnings.map((name) => `'${name}'`).join(', ')})`, warnings };
}

const supported = (note: string, ...warnings: string[]): CompatibilityEntry =>
  withWarnings('supported', note, warnings);
const emulated = (note: string, ...warnings: string[]): CompatibilityEntry => withWarnings('emulated', note, warnings);
const unsupported = (note: string, ...warnings: string[]): CompatibilityEntry =>
  withWarnings('unsupported', note, warnings);

/** kafka-node's own tuning options the facade accepts and ignores, warning once under `option.<owner>.<name>.ignored`. */
const ignoredOption = (owner: string, name: string, why: string): CompatibilityEntry =>
  emulated(`accepted, no effect: ${why}`, `option.${owner}.${name}.ignored`);

const SERVED_DEEP_IMPORT =
  "served by the facade's own module (so instanceof holds for the errors it raises): through the register hook, the npm alias, or the same path under 'kafka-node-adapter/' (scan --fix rewrites it)";
const INTERNAL_WARNING = 'require.kafka-node-internal';

const IMPORTS: Record<string, CompatibilityEntry> = {
  [KAFKA_NODE_MODULE]: supported(
    `served by the facade: load '${FACADE_MODULE}' (scan --fix rewrites it) or run with node -r ${REGISTER_MODULE}`,
  ),
  [FACADE_MODULE]: supported('the facade entry'),
  [`${KAFKA_NODE_MODULE}/lib/errors/<Name>`]: supported(SERVED_DEEP_IMPORT),
  [`${KAFKA_NODE_MODULE}/lib/<internal module>`]: unsupported(
    notServedMessage('lib/<internal module>'),
    INTERNAL_WARNING,
  ),
};

/** `kafka-node/<subpath>`: the deep requires the facade serves (logging, error classes) and the internals it refuses. */
function deepImport(moduleName: string): CompatibilityEntry {
  const subpath = moduleName.slice(KAFKA_NODE_MODULE.length + 1);
  return servedDeepRequire(subpath) !== undefined
    ? supported(SERVED_DEEP_IMPORT)
    : unsupported(notServedMessage(subpath), INTERNAL_WARNING);
}

/** The specifier `scan --fix` puts in place of a served deep require: the same path under this package's exports. */
export function facadeDeepSpecifier(moduleName: string): string | undefined {
  if (!isKafkaNodeDeepImport(moduleName)) return undefined;
  const subpath = moduleName.slice(KAFKA_NODE_MODULE.length + 1);
  return servedDeepRequire(subpath) === undefined ? undefined : `${ADAPTER_PACKAGE}/${subpath}`;
}

export function isKafkaNodeDeepImport(moduleName: string): boolean {
  return moduleName.startsWith(`${KAFKA_NODE_MODULE}/`);
}

/** What `scan --fix` writes for a served deep require, e.g. 'kafka-node-adapter/lib/errors'. */
export function isFacadeDeepImport(moduleName: string): boolean {
  return (
    moduleName.startsWith(`${ADAPTER_PACKAGE}/`) &&
    servedDeepRequire(moduleName.slice(ADAPTER_PACKAGE.length + 1)) !== undefined
  );
}

/** EventEmitter bookkeeping on any instance: nothing kafka-specific to migrate. */
export const EMITTER_BOOKKEEPING = new Set([
  'removeListener',
  'removeAllListeners',
  'off',
  'emit',
  'listenerCount',
  'listeners',
  'setMaxListeners',
]);
/** EventEmitter methods that subscribe to the event named by their first argument. */
export const EMITTER_SUBSCRIBE = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

const PLAIN_CONSUMER =
  'a simple consumer as in kafka-node: groupless fetches of the requested partitions, standalone commits under its groupId';

const CLASSES: Record<KafkaNodeClass, CompatibilityEntry> = {
  KafkaClient: supported(
    'connection settings of the common interface (brokers, clientId, ssl, sasl plain/scram, timeouts)',
  ),
  Client: emulated(
    "kafka-node 3's ZooKeeper Client: brokers are read once from ZooKeeper's /brokers/ids (needs node-zookeeper-client), then it works as a KafkaClient; prefer KafkaClient({ kafkaHost }); options.kafkaHost is the fallback when ZooKeeper is unreachable",
    'zookeeper.kafka-host-fallback',
  ),
  Producer: supported(
    "common Producer; partitions chosen by the facade with kafka-node's partitioners and cached metadata",
  ),
  HighLevelProducer: supported("a Producer with kafka-node's cyclic partitioner as default (partitionerType 2)"),
  KeyedMessage: supported('a message with key and value'),
  ProducerStream: supported('a Writable of payloads on its own KafkaClient and HighLevelProducer'),
  Consumer: supported(PLAIN_CONSUMER),
  ConsumerGroup: supported(
    'common consumerGroup (fromOffset, outOfRangeOffset, roundrobin/range, auto or manual commit)',
  ),
  ConsumerGroupStream: emulated(
    'a Readable over a ConsumerGroup; autoCommit commits what was read, on the interval and on close',
    'consumer-group-stream.autocommit',
  ),
  ConsumerStream: supported(`a Readable over a plain Consumer: ${PLAIN_CONSUMER}`),
  Offset: supported('common Admin.fetchTopicOffsets / fetchCommittedOffsets'),
  Admin: supported('common Admin (listGroups, describeGroups, createTopics, listTopics, describeConfigs)'),
  DefaultPartitioner: supported("kafka-node's default partitioner, run by the facade"),
  RandomPartitioner: supported("kafka-node's random partitioner, run by the facade"),
  CyclicPartitioner: supported("kafka-node's cyclic partitioner, run by the facade"),
  KeyedPartitioner: supported("kafka-node's keyed partitioner and hash (not kafkajs's murmur2), run by the facade"),
  CustomPartitioner: supported('a partitioner function (partitions, key) => partition'),
};

const CLIENT_OPTIONS: Record<string, CompatibilityEntry> = {
  kafkaHost: supported('brokers (comma-separated host:port list)'),
  clientId: supported('clientId'),
  connectTimeout: supported('connectTimeoutMs'),
  requestTimeout: supported('requestTimeoutMs'),
  connectRetryOptions: emulated(
    "retries, minTimeout and maxTimeout map onto the backend's retry; factor and randomize are not used",
  ),
  retryOptions: emulated(
    "retries, minTimeout and maxTimeout map onto the backend's retry; factor and randomize are not used",
  ),
  ssl: supported('ssl'),
  sslOptions: supported('ssl (TLS options: ca, cert, key, rejectUnauthorized, servername)'),
  sasl: supported('sasl (plain, scram-sha-256, scram-sha-512)'),
  autoConnect: supported('connects on construction, or on connect() when false'),
  idleConnection: ignoredOption('KafkaClient', 'idleConnection', 'the backend manages idle connections itself'),
  reconnectOnIdle: ignoredOption('KafkaClient', 'reconnectOnIdle', 'the backend reconnects on demand'),
  maxAsyncRequests: ignoredOption('KafkaClient', 'maxAsyncRequests', 'the backend limits in-flight requests itself'),
  versions: ignoredOption('KafkaClient', 'versions', 'the backend negotiates API versions with ApiVersions'),
  noAckBatchOptions: ignoredOption(
    'KafkaClient',
    'noAckBatchOptions',
    'no-ack batching is kafka-node machinery; batch messages in one send',
  ),
  backend: supported(
    "kafka-node-adapter's own option: 'kafka-node', 'kafkajs' or 'confluent' (else env KAFKA_NODE_BACKEND, kafka-node-adapter.json)",
  ),
  strict: supported("kafka-node-adapter's own option: emulated behaviours become UnsupportedFeatureError"),
};

/** ZooKeeper-era names a KafkaClient does not take: the facade warns that it ignores them. */
const notKafkaClientOption = (name: string, alternative: string): CompatibilityEntry =>
  emulated(`not a KafkaClient option, ignored: ${alternative}`, `option.KafkaClient.${name}`);

const KAFKA_CLIENT_OPTIONS: Record<string, CompatibilityEntry> = {
  ...CLIENT_OPTIONS,
  host: notKafkaClientOption('host', 'use kafkaHost (the broker list)'),
  zk: notKafkaClientOption('zk', 'ZooKeeper options belong to the ZooKeeper Client; use kafkaHost'),
  batch: notKafkaClientOption('batch', 'batch messages in one send'),
};

/** kafka-node 3's Client(connectionString, clientId, zkOptions, noAckBatchOptions, sslOptions, options) object arguments. */
const ZOOKEEPER_CLIENT_OPTIONS: Record<string, CompatibilityEntry> = {
  ...CLIENT_OPTIONS,
  sessionTimeout: supported('ZooKeeper session timeout (zkOptions)'),
  spinDelay: supported('ZooKeeper reconnect delay (zkOptions)'),
  retries: supported('ZooKeeper connection retries (zkOptions)'),
  noAckBatchOptions: ignoredOption(
    'Client',
    'noAckBatchOptions',
    'no-ack batching is kafka-node machinery; batch messages in one send',
  ),
};

const PRODUCER_OPTIONS: Record<string, CompatibilityEntry> = {
  requireAcks: supported('acks (0, 1, -1)'),
  ackTimeoutMs: supported('timeoutMs of send'),
  partitionerType: supported('partitioner: 0 default, 1 random, 2 cyclic, 3 keyed, 4 custom function'),
};

const PRODUCER_STREAM_OPTIONS: Record<string, CompatibilityEntry> = {
  kafkaClient: supported('connection options as for KafkaClient'),
  producer: supported('producer options as for HighLevelProducer'),
  highWaterMark: supported('Writable highWaterMark (default 100)'),
};

const ignoredGroupOption = (name: string, why: string): CompatibilityEntry => ignoredOption('ConsumerGroup', name, why);

const GROUP_OPTIONS: Record<string, CompatibilityEntry> = {
  ...CLIENT_OPTIONS,
  id: supported('clientId'),
  host: emulated(
    "kafka-node 3's ZooKeeper connection string: the group's client becomes a ZooKeeper Client (brokers read once from ZooKeeper)",
    'zookeeper.kafka-host-fallback',
  ),
  zk: supported('ZooKeeper options of the host connection'),
  batch: ignoredGroupOption('batch', 'no-ack batching is kafka-node machinery'),
  groupId: supported('groupId'),
  fromOffset: supported("fromOffset ('earliest', 'latest', 'none')"),
  outOfRangeOffset: supported(
    "outOfRangeOffset ('earliest', 'latest', 'none'); offsetOutOfRange is emitted on each reset",
  ),
  protocol: supported(
    "protocols 'roundrobin', 'range' (kafka-node's member metadata, so mixed groups work); a custom protocol must call back synchronously, and fails on the confluent backend (librdkafka runs only its built-in assignors: UnsupportedFeatureError)",
    'consumer-group.custom-protocol',
  ),
  autoCommit: supported('autoCommit'),
  autoCommitIntervalMs: supported('autoCommitIntervalMs'),
  sessionTimeout: supported('sessionTimeoutMs'),
  heartbeatInterval: supported('heartbeatIntervalMs'),
  fetchMaxBytes: supported('maxBytesPerPartition'),
  fetchMaxWaitMs: supported('maxWaitTimeMs'),
  encoding: supported("values decoded by the facade ('utf8' default, 'buffer')"),
  keyEncoding: supported("keys decoded by the facade ('utf8', 'buffer')"),
  paused: supported("no effect, as in kafka-node's ConsumerGroup: call pause()"),
  connectOnReady: supported('joins once the client is ready; false waits for connect()'),
  fetchMinBytes: ignoredGroupOption('fetchMinBytes', 'the backend fetches with its own minimum'),
  maxNumSegments: ignoredGroupOption('maxNumSegments', 'the backend sizes fetches by bytes'),
  maxTickMessages: ignoredGroupOption('maxTickMessages', 'the backend bounds its own buffering'),
  retries: ignoredGroupOption('retries', "the client's retry options apply"),
  retryFactor: ignoredGroupOption('retryFactor', "the client's retry options apply"),
  retryMinTimeout: ignoredGroupOption('retryMinTimeout', "the client's retry options apply"),
  commitOffsetsOnFirstJoin: ignoredGroupOption('commitOffsetsOnFirstJoin', 'the group commits only consumed messages'),
  topicPartitionCheckInterval: supported(
    "kafka-node's check: partition counts re-read every interval (default 30 s), the member rejoins when one changed",
  ),
  migrateRolling: ignoredGroupOption(
    'migrateRolling',
    'no ZooKeeper high-level consumer migration; migrate offsets first',
  ),
  onRebalance: emulated('never called: listen to "rebalancing" instead', 'consumer-group.onRebalance'),
  migrateHLC: unsupported(
    'ZooKeeper high-level consumer migration (throws, as kafka-node 5 does): migrate offsets first, then use a plain ConsumerGroup',
  ),
  highWaterMark: supported('ConsumerGroupStream: Readable highWaterMark (default 100)'),
};

const PLAIN_CONSUMER_OPTIONS: Record<string, CompatibilityEntry> = {
  groupId: supported('groupId (committed offsets are read from and written to it)'),
  autoCommit: supported('commits after each fetched batch'),
  autoCommitIntervalMs: supported('minimum time between commits'),
  fetchMaxWaitMs: supported('maxWaitTimeMs'),
  fetchMaxBytes: supported('maxBytesPerPartition'),
  fetchMinBytes: emulated('not used: the backend fetches with its own minimum'),
  fromOffset: supported('true: start at the payload offsets; false: at the committed offsets of groupId'),
  encoding: supported("values decoded by the facade ('utf8' default, 'buffer')"),
  keyEncoding: supported("keys decoded by the facade ('utf8', 'buffer')"),
  paused: supported('starts paused'),
  highWaterMark: supported('ConsumerStream: Readable highWaterMark (default 100)'),
};

const OPTIONS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: KAFKA_CLIENT_OPTIONS,
  Client: ZOOKEEPER_CLIENT_OPTIONS,
  Producer: PRODUCER_OPTIONS,
  HighLevelProducer: PRODUCER_OPTIONS,
  ProducerStream: PRODUCER_STREAM_OPTIONS,
  Consumer: PLAIN_CONSUMER_OPTIONS,
  ConsumerStream: PLAIN_CONSUMER_OPTIONS,
  ConsumerGroup: GROUP_OPTIONS,
  ConsumerGroupStream: GROUP_OPTIONS,
};

/** Keys of the payload objects given to send(). */
const SEND_PAYLOAD_OPTIONS: Record<string, CompatibilityEntry> = {
  topic: supported('topic'),
  messages: supported('messages (strings, Buffers or KeyedMessage)'),
  key: supported('message key'),
  partition: supported('explicit partition'),
  attributes: supported(
    'compression: 0 none, 1 gzip, 2 snappy; on the confluent backend each compression runs on its own librdkafka producer',
    'producer.compression-per-producer',
  ),
  timestamp: supported('message timestamp'),
};

const CLOSE = supported('disconnect / close');
const CREATE_TOPICS = supported(
  'topic names (auto-created) or CreateTopics requests; replicaAssignment is ignored',
  'createTopics.replicaAssignment',
);

const CLIENT_METHODS: Record<string, CompatibilityEntry> = {
  close: CLOSE,
  connect: supported('connect'),
  createTopics: CREATE_TOPICS,
  topicExists: supported('metadata refresh, then TopicsNotExistError for the missing ones'),
  refreshMetadata: supported('reloads the cached metadata of the topics'),
  loadMetadataForTopics: supported("kafka-node's [brokers, { metadata, clusterMetadata }] shape"),
  sendOffsetCommitV2Request: emulated(
    'commits as a standalone tool: only while the group has no active members',
    'client.sendOffsetCommitV2Request',
  ),
};

const PAUSE_RESUME = {
  pause: supported('pauses every subscribed topic'),
  resume: supported('resumes every subscribed topic'),
};

const GROUP_METHODS: Record<string, CompatibilityEntry> = {
  ...PAUSE_RESUME,
  connect: supported('joins the group (with connectOnReady false)'),
  commit: supported("commit: kafka-node's throttling (autoCommitIntervalMs) and answers"),
  sendOffsetCommitRequest: supported('commit of explicit offsets'),
  scheduleTopicPartitionCheck: supported('restarts the topic/partition check (topicPartitionCheckInterval)'),
  setOffset: supported('seek'),
  addTopics: emulated(
    'the member leaves and rejoins with the new topic list (one extra rebalance)',
    'consumer-group.change-topics',
  ),
  removeTopics: emulated(
    'the member leaves and rejoins with the new topic list (one extra rebalance)',
    'consumer-group.change-topics',
  ),
  close: supported('close; close(true, cb) commits first'),
  client: supported("the group's KafkaClient"),
  generationId: supported('set on each assignment'),
  memberId: supported('set on each assignment'),
  topics: supported('the subscribed topics'),
};

const GROUP_STREAM_METHODS: Record<string, CompatibilityEntry> = {
  ...PAUSE_RESUME,
  commit: supported('commit(message, force, cb) queues the offset after that message and commits the queue'),
  transmitMessages: supported('resumes the group'),
  close: supported('commits the offsets of the messages read (autoCommit), closes the group, then ends the stream'),
  consumerGroup: supported('the ConsumerGroup underneath'),
  client: supported("the group's KafkaClient"),
};

const PLAIN_CONSUMER_METHODS: Record<string, CompatibilityEntry> = {
  ...PAUSE_RESUME,
  commit: supported(
    "commits the payload offsets standalone under groupId (kafka-node's throttling and answers), stored in Kafka",
    'consumer.commit.kafka-storage',
  ),
  setOffset: supported('seek'),
  pauseTopics: supported('topic names pause every partition of the topic, { topic, partition } that partition'),
  resumeTopics: supported('topic names resume every partition of the topic, { topic, partition } that partition'),
  addTopics: supported('the member rejoins its group with the new payloads'),
  removeTopics: supported('the member rejoins its group without them'),
  close: supported('close; close(true, cb) commits first'),
  client: supported('the KafkaClient given'),
  payloads: supported('the fetched partitions and their next offsets'),
};

const METHODS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: CLIENT_METHODS,
  Client: CLIENT_METHODS,
  Producer: {
    send: supported('Producer.send (messages, key, partition, attributes -> compression)'),
    createTopics: supported("the client's createTopics with topic names (auto-created)"),
    buildPayloads: unsupported(
      "kafka-node's internal payload encoding (beyond its types): throws ConfigurationError; call send() with the payloads",
      'producer.buildPayloads',
    ),
    close: CLOSE,
    client: supported('the KafkaClient given'),
  },
  ProducerStream: {
    sendPayload: supported('HighLevelProducer.send'),
    write: supported('Writable write of one payload'),
    close: CLOSE,
    client: supported('its own KafkaClient'),
    producer: supported('its own HighLevelProducer'),
  },
  Consumer: PLAIN_CONSUMER_METHODS,
  ConsumerStream: {
    setOffset: supported('seek'),
    commit: supported("the Consumer's commit"),
    createCommitStream: supported(
      "kafka-node's CommitStream: a Transform committing the offsets of what is piped into it (standalone commits under groupId)",
    ),
    close: supported('closes the Consumer, then ends the stream'),
    pause: supported('Readable pause (back-pressure pauses fetching)'),
    resume: supported('Readable resume'),
    consumer: supported('the Consumer underneath'),
    client: supported('the KafkaClient given'),
  },
  ConsumerGroup: GROUP_METHODS,
  ConsumerGroupStream: GROUP_STREAM_METHODS,
  Offset: {
    fetchLatestOffsets: supported('Admin.fetchTopicOffsets (latest)'),
    fetchEarliestOffsets: supported('Admin.fetchTopicOffsets (earliest)'),
    fetchCommits: supported('Admin.fetchCommittedOffsets'),
    fetchCommitsV1: supported('Admin.fetchCommittedOffsets'),
    fetch: emulated(
      'time -1 (latest), -2 (earliest) and now are answered, a past timestamp is UnsupportedFeatureError; one offset per partition whatever maxNum',
      'offset.fetch.maxNum',
    ),
    commit: emulated(
      'commits in Kafka, only while the group has no active members',
      'offset.commit.kafka-storage',
      'offset.commit.joins-group',
    ),
    client: supported('the KafkaClient given'),
  },
  Admin: {
    listGroups: supported('Admin.listGroups'),
    describeGroups: supported('Admin.describeGroups'),
    listTopics: supported('Admin.listTopics'),
    createTopics: CREATE_TOPICS,
    describeConfigs: supported(
      "Admin.describeConfigs, in kafka-node's shape, the broker's errors as kafka-node passes them (not on the confluent backend: its library has no DescribeConfigs, UnsupportedFeatureError)",
      'admin.describeConfigs.confluent',
    ),
  },
};
METHODS.HighLevelProducer = METHODS.Producer;

const COMMON_EVENTS: Record<string, CompatibilityEntry> = {
  error: supported('error'),
  ready: supported('emitted once the client is ready'),
  connect: supported('emitted once the client is connected'),
};

const STREAM_EVENTS: Record<string, CompatibilityEntry> = {
  error: supported('error'),
  data: supported('Readable data: one kafka-node message each'),
  end: supported('Readable end, after close'),
  close: supported('Readable close'),
  readable: supported('Readable readable'),
};

const EVENTS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: {
    ...COMMON_EVENTS,
    close: supported('emitted after close'),
    reconnect: emulated('never emitted: the backend reconnects silently'),
    brokersChanged: emulated('never emitted: the backend refreshes metadata silently'),
    socket_error: emulated("never emitted: connection failures arrive as 'error'"),
  },
  Client: {
    ...COMMON_EVENTS,
    close: supported('emitted after close'),
    zkReconnect: emulated('never emitted: ZooKeeper is read only when connecting'),
    brokersChanged: emulated('never emitted: ZooKeeper is not watched'),
  },
  Producer: { error: supported('error'), ready: supported('emitted once the client is ready') },
  HighLevelProducer: { error: supported('error'), ready: supported('emitted once the client is ready') },
  ProducerStream: {
    error: supported('error'),
    finish: supported('Writable finish'),
    drain: supported('Writable drain'),
    close: supported('Writable close'),
  },
  Offset: COMMON_EVENTS,
  Admin: COMMON_EVENTS,
  Consumer: {
    error: supported('error'),
    message: supported("kafka-node's message objects, from exactly the requested offset"),
    done: supported('after each fetched batch, with its last offset per partition'),
    offsetOutOfRange: supported('emitted for an out-of-range offset'),
  },
  ConsumerStream: {
    ...STREAM_EVENTS,
    message: supported("emitted with every data event, as kafka-node's ConsumerStream does"),
  },
  ConsumerGroup: {
    error: supported('error'),
    connect: supported('emitted after every assignment'),
    message: supported(
      "kafka-node's message objects (topic, value, offset, partition, highWaterOffset, key, timestamp)",
    ),
    rebalancing: supported('emitted before each (re)join'),
    rebalanced: supported('emitted after every assignment'),
    offsetOutOfRange: supported('emitted for each out-of-range position, before the outOfRangeOffset reset'),
    done: supported('after each fetched batch, with its last offset per partition'),
  },
  ConsumerGroupStream: STREAM_EVENTS,
};

/** Every entry that names a warning, for the check that they exist in ADAPTER_WARNINGS (and cover it). */
export function referencedWarnings(): string[] {
  const tables = [
    IMPORTS,
    CLASSES,
    SEND_PAYLOAD_OPTIONS,
    ...[OPTIONS, METHODS, EVENTS].flatMap((table) => Object.values(table)),
  ];
  const internal = Object.entries(KAFKA_NODE_INTERNAL_METHODS).flatMap(([className, methods]) =>
    Object.keys(methods).map((method) => `internal-method.${className}.${method}`),
  );
  return [
    ...new Set([
      ...tables.flatMap((table) => Object.values(table ?? {}).flatMap((entry) => entry.warnings ?? [])),
      ...internal,
    ]),
  ];
}

function notInTable(what: string): CompatibilityEntry {
  return unsupported(
    `${what} is not in the compatibility table (not part of kafka-node 5's public API as tracked here): review by hand`,
  );
}

export function lookupImport(moduleName: string): CompatibilityEntry {
  return (
    IMPORTS[moduleName] ??
    (isKafkaNodeDeepImport(moduleName)
      ? deepImport(moduleName)
      : isFacadeDeepImport(moduleName)
        ? supported("the facade's own module")
        : notInTable(`module '${moduleName}'`))
  );
}

export function lookupClass(className: string): CompatibilityEntry {
  return isKafkaNodeClass(className) ? CLASSES[className] : notInTable(`export ${className}`);
}

function lookupMember(
  table: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>>,
  className: KafkaNodeClass,
  name: string,
  what: string,
): CompatibilityEntry {
  if (CLASSES[className].status === 'unsupported') return unsupported(`${className}: ${CLASSES[className].note}`);
  const entries = table[className];
  return (
    (entries && Object.prototype.hasOwnProperty.call(entries, name) ? entries[name] : undefined) ??
    notInTable(`${what} ${className}.${name}`)
  );
}

export function lookupOption(className: KafkaNodeClass, key: string): CompatibilityEntry {
  return lookupMember(OPTIONS, className, key, 'option');
}

export function lookupSendPayloadKey(key: string): CompatibilityEntry {
  return SEND_PAYLOAD_OPTIONS[key] ?? notInTable(`send payload key ${key}`);
}

export function lookupMethod(className: KafkaNodeClass, method: string): CompatibilityEntry {
  const internal = KAFKA_NODE_INTERNAL_METHODS[className === 'Client' ? 'KafkaClient' : className];
  if (internal && Object.prototype.hasOwnProperty.call(internal, method) && CLASSES[className].status !== 'unsupported')
    return unsupported(
      `kafka-node's internal machinery (not in its types): throws KafkaNodeInternalMethodError; use ${internal[method]}`,
      `internal-method.${className}.${method}`,
    );
  return lookupMember(METHODS, className, method, 'method');
}

export function lookupEvent(className: KafkaNodeClass, event: string): CompatibilityEntry {
  return lookupMember(EVENTS, className, event, 'event');
}

export interface CompatibilityRow extends CompatibilityEntry {
  kind: Exclude<FindingKind, 'import'>;
  /** The class, or 'send' for keys of a send payload; absent for classes themselves. */
  target?: string;
  name: string;
}

/** The whole table, one row per class, option, method and event, for documentation (README) and review. */
export function compatibilityRows(): CompatibilityRow[] {
  const rows: CompatibilityRow[] = [];
  for (const cls of KAFKA_NODE_CLASSES) {
    rows.push({ kind: 'construct', name: cls, ...CLASSES[cls] });
    for (const [kind, table] of [
      ['option', OPTIONS],
      ['method', METHODS],
      ['event', EVENTS],
    ] as const) {
      for (const name of Object.keys(table[cls] ?? {})) {
        const lookup = kind === 'option' ? lookupOption : kind === 'method' ? lookupMethod : lookupEvent;
        rows.push({ kind, target: cls, name, ...lookup(cls, name) });
      }
    }
  }
  for (const name of Object.keys(SEND_PAYLOAD_OPTIONS))
    rows.push({ kind: 'option', target: 'send', name, ...SEND_PAYLOAD_OPTIONS[name]! });
  return rows;
}

/** The table as Markdown: `kafka-node API | on the kafkajs backend | note`. */
export function compatibilityMarkdown(): string {
  const lines = ['| kafka-node API | kind | on the kafkajs backend | note |', '| --- | --- | --- | --- |'];
  for (const row of compatibilityRows()) {
    const name = row.target ? `${row.target}.${row.name}` : row.name;
    lines.push(`| \`${name}\` | ${row.kind} | ${row.status} | ${row.note.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}
