/**
 * What each piece of kafka-node's API becomes on the kafkajs backend: the one table behind `scan` (and the README's
 * migration notes). Statuses are deliberately conservative:
 * - supported: the common interface's kafkajs backend (src/modern) already does it with kafka-node's semantics; the
 *   facade only has to forward it.
 * - emulated: something different has to stand in for it; the caveat says what differs. Where the drop-in facade
 *   (issue 4, not built yet) will make the call, the caveat says so.
 * - unsupported: no kafkajs equivalent; the alternative says what to use instead.
 */

export type FindingKind = 'import' | 'construct' | 'option' | 'method' | 'event';
export type CompatibilityStatus = 'supported' | 'emulated' | 'unsupported';

export interface CompatibilityEntry {
  status: CompatibilityStatus;
  /** For emulated: the caveat. For unsupported: the alternative. For supported: what it maps to. */
  note: string;
}

const FACADE = 'the kafka-node facade (issue 4, not built yet) decides';

export const KAFKA_NODE_MODULE = 'kafka-node';
export const FACADE_MODULE = 'kafka-node-adapter/kafka-node';

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

const supported = (note: string): CompatibilityEntry => ({ status: 'supported', note });
const emulated = (note: string): CompatibilityEntry => ({ status: 'emulated', note });
const unsupported = (note: string): CompatibilityEntry => ({ status: 'unsupported', note });

const IMPORTS: Record<string, CompatibilityEntry> = {
  [KAFKA_NODE_MODULE]: emulated(`load '${FACADE_MODULE}' instead (scan --fix rewrites it); ${FACADE} how each export behaves`),
  [FACADE_MODULE]: emulated(`the facade entry '${FACADE_MODULE}' arrives with issue 4: until then this require fails`),
};

/** EventEmitter bookkeeping on any instance: nothing kafka-specific to migrate. */
export const EMITTER_BOOKKEEPING = new Set(['removeListener', 'removeAllListeners', 'off', 'emit', 'listenerCount', 'listeners', 'setMaxListeners']);
/** EventEmitter methods that subscribe to the event named by their first argument. */
export const EMITTER_SUBSCRIBE = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

const CLASSES: Record<KafkaNodeClass, CompatibilityEntry> = {
  KafkaClient: supported('connection settings of the common interface (brokers, clientId, ssl, sasl, timeouts)'),
  Client: unsupported('kafkajs has no ZooKeeper client: use KafkaClient with kafkaHost (the broker list)'),
  Producer: supported('common Producer.send; callbacks become promises in the facade'),
  HighLevelProducer: supported('common Producer with kafka-node\'s cyclic partitioner (partitionerType 2)'),
  KeyedMessage: supported('a message with key and value'),
  ProducerStream: emulated(`a Writable over the common Producer; ${FACADE}`),
  Consumer: emulated(`kafkajs only consumes inside a group; a group-less Consumer would need a private group and seek; ${FACADE}`),
  ConsumerGroup: supported('common consumerGroup (fromOffset, outOfRangeOffset, roundrobin/range, auto or manual commit)'),
  ConsumerGroupStream: emulated(`a Readable over the common consumer group; ${FACADE}`),
  ConsumerStream: emulated(`group-less stream: same limits as Consumer; ${FACADE}`),
  Offset: supported('common Admin.fetchTopicOffsets / fetchCommittedOffsets'),
  Admin: supported('common Admin (listGroups, describeGroups, createTopics, listTopics)'),
  DefaultPartitioner: supported("partitioner 'default' maps keys identically on both backends"),
  RandomPartitioner: supported("partitioner 'random'"),
  CyclicPartitioner: supported("partitioner 'cyclic'"),
  KeyedPartitioner: supported("partitioner 'keyed' (kafka-node's hash, not kafkajs's murmur2)"),
  CustomPartitioner: supported('a partitioner function (partitions, key) => partition'),
};

const CONNECTION_OPTIONS: Record<string, CompatibilityEntry> = {
  kafkaHost: supported('brokers (comma-separated host:port list)'),
  clientId: supported('clientId'),
  id: supported('clientId'),
  connectTimeout: supported('connectTimeoutMs'),
  requestTimeout: supported('requestTimeoutMs'),
  connectRetryOptions: emulated(`mapped onto kafkajs retry (retries, initial and max retry time); factor/randomize differ; ${FACADE}`),
  ssl: supported('ssl'),
  sslOptions: supported('ssl (TLS options)'),
  sasl: supported('sasl (plain, scram-sha-256, scram-sha-512)'),
  autoConnect: emulated(`kafkajs connects on connect(); ${FACADE} when to call it`),
  idleConnection: emulated('ignored: kafkajs manages idle connections itself'),
  reconnectOnIdle: emulated('ignored: kafkajs reconnects on demand'),
  maxAsyncRequests: emulated('ignored: kafkajs limits in-flight requests per connection itself'),
  versions: emulated('ignored: kafkajs negotiates API versions with ApiVersions'),
  host: unsupported('ZooKeeper connection string: use kafkaHost (the broker list)'),
  zk: unsupported('ZooKeeper options: kafkajs never talks to ZooKeeper; use kafkaHost'),
  batch: unsupported('ZooKeeper-era no-ack batching has no kafkajs equivalent: batch messages in one send'),
};

const PRODUCER_OPTIONS: Record<string, CompatibilityEntry> = {
  requireAcks: supported('acks (0, 1, -1)'),
  ackTimeoutMs: supported('timeoutMs of send'),
  partitionerType: supported("partitioner: 0 default, 1 random, 2 cyclic, 3 keyed, 4 custom function"),
  kafkaClient: supported('ProducerStream: connection options as for KafkaClient'),
  producer: supported('ProducerStream: producer options as for Producer'),
  highWaterMark: emulated(`stream buffering; ${FACADE}`),
};

const CONSUMER_OPTIONS: Record<string, CompatibilityEntry> = {
  ...CONNECTION_OPTIONS,
  groupId: supported('groupId'),
  fromOffset: supported("fromOffset ('earliest', 'latest', 'none'); the boolean form of the group-less Consumer is emulated with seek"),
  outOfRangeOffset: supported("outOfRangeOffset ('earliest', 'latest', 'none')"),
  protocol: supported("protocols: 'roundrobin', 'range' (kafka-node's member metadata, so mixed groups work) or custom"),
  autoCommit: supported('autoCommit'),
  autoCommitIntervalMs: supported('autoCommitIntervalMs'),
  sessionTimeout: supported('sessionTimeoutMs'),
  heartbeatInterval: supported('heartbeatIntervalMs'),
  fetchMaxBytes: supported('maxBytesPerPartition'),
  fetchMaxWaitMs: supported('maxWaitTimeMs'),
  fetchMinBytes: emulated(`kafkajs minBytes; ${FACADE}`),
  encoding: emulated(`kafkajs always delivers Buffers: 'utf8' means the facade decodes values; ${FACADE}`),
  keyEncoding: emulated(`kafkajs always delivers Buffers: 'utf8' means the facade decodes keys; ${FACADE}`),
  maxTickMessages: emulated('maxBufferedMessages (bounded buffering per member)'),
  maxNumSegments: emulated('ignored: kafkajs sizes fetches by bytes'),
  retries: emulated('kafkajs retry.retries'),
  retryFactor: emulated('kafkajs retry.multiplier'),
  retryMinTimeout: emulated('kafkajs retry.initialRetryTime'),
  connectOnReady: emulated(`${FACADE} when the group connects`),
  commitOffsetsOnFirstJoin: emulated(`${FACADE}; kafkajs commits only handled messages`),
  onRebalance: emulated('called before the group rejoins; maps to the revoked event'),
  migrateHLC: unsupported('ZooKeeper high-level consumer migration: migrate offsets first, then use a plain ConsumerGroup'),
  migrateRolling: unsupported('ZooKeeper high-level consumer migration: migrate offsets first, then use a plain ConsumerGroup'),
  highWaterMark: emulated(`stream buffering; ${FACADE}`),
};

const OPTIONS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: CONNECTION_OPTIONS,
  Producer: PRODUCER_OPTIONS,
  HighLevelProducer: PRODUCER_OPTIONS,
  ProducerStream: PRODUCER_OPTIONS,
  Consumer: CONSUMER_OPTIONS,
  ConsumerStream: CONSUMER_OPTIONS,
  ConsumerGroup: CONSUMER_OPTIONS,
  ConsumerGroupStream: CONSUMER_OPTIONS,
};

/** Keys of the payload objects given to send(). */
const SEND_PAYLOAD_OPTIONS: Record<string, CompatibilityEntry> = {
  topic: supported('topic'),
  messages: supported('messages (strings, Buffers or KeyedMessage)'),
  key: supported('message key'),
  partition: supported('explicit partition'),
  attributes: supported('compression: 1 gzip, 2 snappy (kafkajs also lz4; zstd is UnsupportedFeatureError)'),
  timestamp: supported('message timestamp'),
};

const CLOSE = supported('disconnect / close');
const GROUP_METHODS: Record<string, CompatibilityEntry> = {
  commit: supported('commit (the committed offset is the next one to read)'),
  sendOffsetCommitRequest: emulated(`commit of explicit offsets; ${FACADE}`),
  setOffset: supported('seek'),
  addTopics: emulated(`kafkajs cannot change a running subscription: the facade would have to restart the member; ${FACADE}`),
  removeTopics: emulated(`kafkajs cannot change a running subscription: the facade would have to restart the member; ${FACADE}`),
  pause: emulated('pauses every subscribed topic (kafka-node stops the whole fetch loop)'),
  resume: emulated('resumes every subscribed topic'),
  pauseTopics: supported('pause(topics)'),
  resumeTopics: supported('resume(topics)'),
  close: supported("close; close(true, cb) commits first, as the common close({ commit: true })"),
  scan: emulated(`kafka-node resumes fetching on the next tick; ${FACADE}`),
  transmitMessages: emulated(`stream internals; ${FACADE}`),
  client: emulated(`the underlying KafkaClient; kafkajs shares no client object between members; ${FACADE}`),
  generationId: emulated("read from kafkajs's debug log (kafkajs exposes it nowhere else); -1 if unavailable"),
  memberId: emulated(`kafkajs reports it only in its group join event; ${FACADE}`),
};

const METHODS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: {
    close: CLOSE,
    connect: supported('connect'),
    createTopics: supported('Admin.createTopics (kafkajs needs Kafka >= 0.10)'),
    topicExists: emulated('Admin.listTopics, then compare'),
    refreshMetadata: emulated('kafkajs refreshes metadata itself; the call becomes a no-op'),
    loadMetadataForTopics: emulated(`kafkajs admin.fetchTopicMetadata, in a different shape; ${FACADE}`),
    sendOffsetCommitV2Request: unsupported('protocol-level call: use ConsumerGroup.commit'),
  },
  Client: {
    close: unsupported('ZooKeeper Client: use KafkaClient'),
    topicExists: unsupported('ZooKeeper Client: use KafkaClient'),
    refreshMetadata: unsupported('ZooKeeper Client: use KafkaClient'),
  },
  Producer: {
    send: supported('Producer.send (messages, key, partition, attributes -> compression)'),
    createTopics: emulated(`Admin.createTopics, or the broker's auto-create; the async flag has no kafkajs meaning; ${FACADE}`),
    close: CLOSE,
  },
  ProducerStream: {
    sendPayload: supported('Producer.send'),
    write: emulated(`stream write over Producer.send; ${FACADE}`),
    close: CLOSE,
  },
  Consumer: GROUP_METHODS,
  ConsumerStream: GROUP_METHODS,
  ConsumerGroup: GROUP_METHODS,
  ConsumerGroupStream: GROUP_METHODS,
  Offset: {
    fetchLatestOffsets: supported('Admin.fetchTopicOffsets (latest)'),
    fetchEarliestOffsets: supported('Admin.fetchTopicOffsets (earliest)'),
    fetchCommits: supported('Admin.fetchCommittedOffsets'),
    fetchCommitsV1: supported('Admin.fetchCommittedOffsets'),
    fetch: emulated(`time -1/-2 map to latest/earliest; other timestamps need kafkajs fetchTopicOffsetsByTimestamp; maxNum > 1 has no equivalent; ${FACADE}`),
    commit: emulated(`kafkajs commits through a group member or admin.setOffsets (group must be empty); ${FACADE}`),
  },
  Admin: {
    listGroups: supported('Admin.listGroups'),
    describeGroups: supported('Admin.describeGroups'),
    listTopics: supported('Admin.listTopics'),
    createTopics: supported('Admin.createTopics'),
    describeConfigs: emulated(`kafkajs admin.describeConfigs, in a different shape; ${FACADE}`),
  },
};
METHODS.HighLevelProducer = METHODS.Producer;

const COMMON_EVENTS: Record<string, CompatibilityEntry> = {
  error: supported('error'),
  ready: emulated('emitted once connect() resolves'),
  connect: emulated('emitted once connect() resolves'),
};

const GROUP_EVENTS: Record<string, CompatibilityEntry> = {
  ...COMMON_EVENTS,
  message: supported('run({ eachMessage }), one message at a time per partition'),
  rebalancing: emulated("the 'revoked' event"),
  rebalanced: emulated("the 'assigned' event"),
  offsetOutOfRange: emulated("with outOfRangeOffset 'none', an OffsetOutOfRangeError"),
  done: emulated(`kafka-node emits it after each fetch response; kafkajs has no such point (after each batch at best); ${FACADE}`),
  data: emulated(`stream data events over run(); ${FACADE}`),
};

const EVENTS: Partial<Record<KafkaNodeClass, Record<string, CompatibilityEntry>>> = {
  KafkaClient: {
    ...COMMON_EVENTS,
    close: emulated('emitted after disconnect'),
    reconnect: emulated('kafkajs reconnects silently; no event'),
    brokersChanged: emulated('kafkajs refreshes metadata silently; no event'),
    socket_error: emulated("reported as 'error'"),
  },
  Client: { ...Object.fromEntries(Object.keys(COMMON_EVENTS).map((name) => [name, unsupported('ZooKeeper Client: use KafkaClient')])), zkReconnect: unsupported('no ZooKeeper with kafkajs') },
  Producer: COMMON_EVENTS,
  HighLevelProducer: COMMON_EVENTS,
  ProducerStream: COMMON_EVENTS,
  Offset: COMMON_EVENTS,
  Admin: COMMON_EVENTS,
  Consumer: GROUP_EVENTS,
  ConsumerStream: GROUP_EVENTS,
  ConsumerGroup: GROUP_EVENTS,
  ConsumerGroupStream: GROUP_EVENTS,
};

function notInTable(what: string): CompatibilityEntry {
  return unsupported(`${what} is not in the compatibility table (not part of kafka-node 5's public API as tracked here): review by hand`);
}

export function lookupImport(moduleName: string): CompatibilityEntry {
  return IMPORTS[moduleName] ?? notInTable(`module '${moduleName}'`);
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
  return (entries && Object.prototype.hasOwnProperty.call(entries, name) ? entries[name] : undefined) ?? notInTable(`${what} ${className}.${name}`);
}

export function lookupOption(className: KafkaNodeClass, key: string): CompatibilityEntry {
  return lookupMember(OPTIONS, className, key, 'option');
}

export function lookupSendPayloadKey(key: string): CompatibilityEntry {
  return SEND_PAYLOAD_OPTIONS[key] ?? notInTable(`send payload key ${key}`);
}

export function lookupMethod(className: KafkaNodeClass, method: string): CompatibilityEntry {
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
    for (const [kind, table] of [['option', OPTIONS], ['method', METHODS], ['event', EVENTS]] as const) {
      for (const name of Object.keys(table[cls] ?? {})) {
        const lookup = kind === 'option' ? lookupOption : kind === 'method' ? lookupMethod : lookupEvent;
        rows.push({ kind, target: cls, name, ...lookup(cls, name) });
      }
    }
  }
  for (const name of Object.keys(SEND_PAYLOAD_OPTIONS)) rows.push({ kind: 'option', target: 'send', name, ...SEND_PAYLOAD_OPTIONS[name]! });
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
