/**
 * One channel for what the facade can only emulate on a backend (or does differently from kafka-node): each gap is
 * reported once per process under a stable name, to a handler the application chooses, or turned into an error in
 * strict mode (env KAFKA_NODE_ADAPTER_STRICT=1, setStrict(true), or option `strict` of a client).
 */
import { UnsupportedFeatureError } from '../common/errors';
import type { BackendName } from '../common/types';

export const STRICT_ENV_VARIABLE = 'KAFKA_NODE_ADAPTER_STRICT';

export interface AdapterWarning {
  /** Stable identifier, e.g. "consumer-group.custom-protocol"; reported once per process. */
  name: string;
  message: string;
  /** The backend the gap concerns; null for warnings about the caller's input (unknown options...). */
  backend: BackendName | null;
}

export type WarningHandler = (warning: AdapterWarning) => void;

/**
 * Every warning name the facade reports, with what it means: the behaviours that differ from kafka-node or that a
 * backend only emulates. `<Class>` and `<option>` stand for the class and option concerned.
 */
export const ADAPTER_WARNINGS: Readonly<Record<string, string>> = {
  'offset.commit.kafka-storage':
    'Offset.commit stores offsets in Kafka (kafka-node sent OffsetCommit v0, kept in ZooKeeper by ZooKeeper-era brokers and unread by fetchCommits); refused while the group has active members',
  'offset.commit.joins-group':
    'kafkajs backend: Offset.commit joins the group briefly as a paused member to commit (kafkajs has no standalone commit)',
  'producer.compression-per-producer':
    'confluent backend: librdkafka compresses per producer, so each compression (attributes) a Producer uses runs on its own librdkafka producer; sends of different compressions are not ordered against each other',
  'offset.fetch.maxNum': 'Offset.fetch answers one offset per partition whatever maxNum says',
  'consumer-group.custom-protocol':
    "a kafka-node custom assignment protocol must call back synchronously; every member's userData is the local protocol's",
  'consumer-group.onRebalance': 'ConsumerGroup onRebalance is not called; listen to "rebalancing"',
  'consumer-group.change-topics':
    'ConsumerGroup addTopics/removeTopics leave and rejoin the group with the new topic list',
  'consumer-group-stream.autocommit':
    'ConsumerGroupStream (autoCommit) commits the offsets of the messages read on the auto-commit interval and on close, as kafka-node does, but not before a rebalance (kafka-node commits through onRebalance)',
  'consumer.commit.kafka-storage':
    "the plain Consumer commits standalone with OffsetCommit v2 (generation -1, no member), stored in Kafka and seen by Offset.fetchCommits; kafka-node's OffsetCommit v0 went to ZooKeeper-stored offsets on ZooKeeper-era brokers",
  'producer.buildPayloads':
    "Producer/HighLevelProducer buildPayloads (kafka-node's internal payload encoding) throws a ConfigurationError: call send()",
  'client.sendOffsetCommitV2Request':
    'KafkaClient.sendOffsetCommitV2Request commits as a standalone tool (generation and member id ignored)',
  'admin.describeConfigs.confluent':
    'confluent backend: Admin.describeConfigs answers UnsupportedFeatureError (the confluent client has no DescribeConfigs); broker ids are still checked against the metadata first',
  'createTopics.replicaAssignment': 'createTopics ignores replicaAssignment: the broker places replicas',
  'zookeeper.kafka-host-fallback':
    'ZooKeeper Client: ZooKeeper unreachable, kafkaHost used instead (the ZooKeeper Client is deprecated)',
  'require.kafka-node-internal':
    'a deep require of a kafka-node internal (kafka-node/lib/protocol, lib/codec, lib/zookeeper...) fails at require time with KafkaNodeModuleNotServedError; kafka-node/logging, lib/logging, lib/errors and lib/errors/<Name> are served',
  'internal-method.<Class>.<method>':
    "a method of kafka-node's internal machinery (on its prototypes, not in its type declarations: KafkaClient#sendOffsetCommitRequest, ConsumerGroup#leaveGroup...) throws KafkaNodeInternalMethodError naming what to use instead",
  'option.<Class>.<option>': 'an option name kafka-node does not have: ignored',
  'option.<Class>.<option>.ignored': "a kafka-node option that tunes kafka-node's own machinery: accepted, no effect",
};

function defaultHandler(warning: AdapterWarning): void {
  process.emitWarning(warning.message, { type: 'KafkaNodeAdapterWarning', code: warning.name });
}

let handler: WarningHandler = defaultHandler;
let strictOverride: boolean | null = null;
const reported = new Set<string>();

/** Where warnings go; null restores the default (process.emitWarning, type KafkaNodeAdapterWarning). */
export function setWarningHandler(next: WarningHandler | null): void {
  if (next !== null && typeof next !== 'function') throw new TypeError('setWarningHandler takes a function or null');
  handler = next ?? defaultHandler;
}

/** Strict mode for the whole process; null goes back to env KAFKA_NODE_ADAPTER_STRICT. */
export function setStrict(strict: boolean | null): void {
  strictOverride = strict;
}

export function isStrict(explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  if (strictOverride !== null) return strictOverride;
  const env = process.env[STRICT_ENV_VARIABLE];
  return env === '1' || env === 'true';
}

/** Forgets which warnings were already reported (tests). */
export function resetWarnings(): void {
  reported.clear();
}

/** Input worth a word but never an error (unknown option names...). */
export function warnOnce(name: string, message: string): void {
  if (reported.has(name)) return;
  reported.add(name);
  handler({ name, message, backend: null });
}

/**
 * A behaviour the backend only emulates or lacks. In strict mode it throws UnsupportedFeatureError instead (every
 * time, so strict callers see it wherever it happens).
 */
export function reportGap(name: string, backend: BackendName, message: string, strict?: boolean): void {
  if (isStrict(strict))
    throw new UnsupportedFeatureError(
      `${name} (${message})`,
      backend,
      'strict mode turns emulated behaviours into errors',
    );
  if (reported.has(name)) return;
  reported.add(name);
  handler({ name, message, backend });
}
