import type { ClusterSettings } from './cluster';

/**
 * The topic-level configs of Apache Kafka 3.x (LogConfig) that this broker knows: their defaults, their broker-level
 * synonym (the server.properties name the default comes from) and how a value is checked. CreateTopics refuses names
 * outside this table with INVALID_CONFIG, as Kafka does; DescribeConfigs lists all of them.
 */
type ConfigType =
  | { kind: 'long' | 'int'; min?: number }
  | { kind: 'double'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'string'; oneOf?: readonly string[] }
  | { kind: 'list'; oneOf?: readonly string[] };

interface TopicConfigDefinition {
  readonly defaultValue: string;
  /** The broker config Kafka reports as the synonym the default comes from, with its default value. */
  readonly brokerSynonym: { readonly name: string; readonly value: string } | null;
  readonly type: ConfigType;
}

const LONG_MAX = '9223372036854775807';
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;

const TOPIC_CONFIGS: Readonly<Record<string, TopicConfigDefinition>> = {
  'cleanup.policy': {
    defaultValue: 'delete',
    brokerSynonym: { name: 'log.cleanup.policy', value: 'delete' },
    type: { kind: 'list', oneOf: ['compact', 'delete'] },
  },
  'compression.type': {
    defaultValue: 'producer',
    brokerSynonym: { name: 'compression.type', value: 'producer' },
    type: { kind: 'string', oneOf: COMPRESSION_TYPES },
  },
  'delete.retention.ms': {
    defaultValue: '86400000',
    brokerSynonym: { name: 'log.cleaner.delete.retention.ms', value: '86400000' },
    type: { kind: 'long', min: 0 },
  },
  'file.delete.delay.ms': {
    defaultValue: '60000',
    brokerSynonym: { name: 'log.segment.delete.delay.ms', value: '60000' },
    type: { kind: 'long', min: 0 },
  },
  'flush.messages': {
    defaultValue: LONG_MAX,
    brokerSynonym: { name: 'log.flush.interval.messages', value: LONG_MAX },
    type: { kind: 'long', min: 1 },
  },
  'flush.ms': { defaultValue: LONG_MAX, brokerSynonym: null, type: { kind: 'long', min: 0 } },
  'follower.replication.throttled.replicas': { defaultValue: '', brokerSynonym: null, type: { kind: 'list' } },
  'index.interval.bytes': {
    defaultValue: '4096',
    brokerSynonym: { name: 'log.index.interval.bytes', value: '4096' },
    type: { kind: 'int', min: 0 },
  },
  'leader.replication.throttled.replicas': { defaultValue: '', brokerSynonym: null, type: { kind: 'list' } },
  'max.compaction.lag.ms': {
    defaultValue: LONG_MAX,
    brokerSynonym: { name: 'log.cleaner.max.compaction.lag.ms', value: LONG_MAX },
    type: { kind: 'long', min: 1 },
  },
  'max.message.bytes': {
    defaultValue: '1048588',
    brokerSynonym: { name: 'message.max.bytes', value: '1048588' },
    type: { kind: 'int', min: 0 },
  },
  'message.downconversion.enable': {
    defaultValue: 'true',
    brokerSynonym: { name: 'log.message.downconversion.enable', value: 'true' },
    type: { kind: 'boolean' },
  },
  'message.timestamp.difference.max.ms': {
    defaultValue: LONG_MAX,
    brokerSynonym: { name: 'log.message.timestamp.difference.max.ms', value: LONG_MAX },
    type: { kind: 'long', min: 0 },
  },
  'message.timestamp.type': {
    defaultValue: 'CreateTime',
    brokerSynonym: { name: 'log.message.timestamp.type', value: 'CreateTime' },
    type: { kind: 'string', oneOf: ['CreateTime', 'LogAppendTime'] },
  },
  'min.cleanable.dirty.ratio': {
    defaultValue: '0.5',
    brokerSynonym: { name: 'log.cleaner.min.cleanable.ratio', value: '0.5' },
    type: { kind: 'double', min: 0, max: 1 },
  },
  'min.compaction.lag.ms': {
    defaultValue: '0',
    brokerSynonym: { name: 'log.cleaner.min.compaction.lag.ms', value: '0' },
    type: { kind: 'long', min: 0 },
  },
  'min.insync.replicas': {
    defaultValue: '1',
    brokerSynonym: { name: 'min.insync.replicas', value: '1' },
    type: { kind: 'int', min: 1 },
  },
  preallocate: {
    defaultValue: 'false',
    brokerSynonym: { name: 'log.preallocate', value: 'false' },
    type: { kind: 'boolean' },
  },
  'retention.bytes': {
    defaultValue: '-1',
    brokerSynonym: { name: 'log.retention.bytes', value: '-1' },
    type: { kind: 'long' },
  },
  'retention.ms': {
    defaultValue: '604800000',
    brokerSynonym: { name: 'log.retention.hours', value: '168' },
    type: { kind: 'long', min: -1 },
  },
  'segment.bytes': {
    defaultValue: '1073741824',
    brokerSynonym: { name: 'log.segment.bytes', value: '1073741824' },
    type: { kind: 'int', min: 14 },
  },
  'segment.index.bytes': {
    defaultValue: '10485760',
    brokerSynonym: { name: 'log.index.size.max.bytes', value: '10485760' },
    type: { kind: 'int', min: 4 },
  },
  'segment.jitter.ms': {
    defaultValue: '0',
    brokerSynonym: { name: 'log.roll.jitter.hours', value: '0' },
    type: { kind: 'long', min: 0 },
  },
  'segment.ms': {
    defaultValue: '604800000',
    brokerSynonym: { name: 'log.roll.hours', value: '168' },
    type: { kind: 'long', min: 1 },
  },
  'unclean.leader.election.enable': {
    defaultValue: 'false',
    brokerSynonym: { name: 'unclean.leader.election.enable', value: 'false' },
    type: { kind: 'boolean' },
  },
};

export const TOPIC_CONFIG_NAMES: readonly string[] = Object.keys(TOPIC_CONFIGS).sort();

/** A topic config's effective default on this cluster, and the broker setting it comes from. */
export interface TopicConfigDefault {
  value: string;
  synonym: { name: string; value: string; fromBrokerSettings: boolean } | null;
}

/** The default of a topic config on this cluster: the embedded broker's own settings win over Kafka's defaults. */
export function topicConfigDefault(name: string, settings: ClusterSettings): TopicConfigDefault | undefined {
  const definition = TOPIC_CONFIGS[name];
  if (!definition) return undefined;
  if (name === 'max.message.bytes') {
    const value = String(settings.messageMaxBytes);
    return {
      value,
      synonym: { name: 'message.max.bytes', value, fromBrokerSettings: value !== definition.defaultValue },
    };
  }
  return {
    value: definition.defaultValue,
    synonym: definition.brokerSynonym && { ...definition.brokerSynonym, fromBrokerSettings: false },
  };
}

const INTEGER = /^-?\d+$/;
const INT_LIMIT = 2 ** 31;

function valueProblem(name: string, value: string, type: ConfigType): string | null {
  const invalid = (why: string) => `Invalid value ${value} for configuration ${name}: ${why}`;
  switch (type.kind) {
    case 'int':
    case 'long': {
      const trimmed = value.trim();
      if (!INTEGER.test(trimmed)) return invalid(`Not a number of type ${type.kind.toUpperCase()}`);
      const parsed = BigInt(trimmed);
      const limit = type.kind === 'int' ? BigInt(INT_LIMIT) : 2n ** 63n;
      if (parsed < -limit || parsed >= limit) return invalid(`Not a number of type ${type.kind.toUpperCase()}`);
      if (type.min !== undefined && parsed < BigInt(type.min)) return invalid(`Value must be at least ${type.min}`);
      return null;
    }
    case 'double': {
      const parsed = Number(value.trim());
      if (value.trim() === '' || Number.isNaN(parsed)) return invalid('Not a number of type DOUBLE');
      if (parsed < type.min || parsed > type.max) return invalid(`Value must be between ${type.min} and ${type.max}`);
      return null;
    }
    case 'boolean':
      return /^(true|false)$/i.test(value.trim()) ? null : invalid('Expected value to be either true or false');
    case 'string':
      return type.oneOf && !type.oneOf.includes(value.trim())
        ? invalid(`String must be one of: ${type.oneOf.join(', ')}`)
        : null;
    case 'list': {
      if (!type.oneOf) return null;
      const items = value.split(',').map((item) => item.trim());
      const unknown = items.find((item) => !type.oneOf!.includes(item));
      return unknown === undefined
        ? null
        : `Invalid value ${unknown} for configuration ${name}: String must be one of: ${type.oneOf.join(', ')}`;
    }
  }
}

/** Why Kafka would refuse these topic configs (INVALID_CONFIG), or null when they are all known and well-typed. */
export function topicConfigProblem(configs: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    const definition = TOPIC_CONFIGS[name];
    if (!definition) return `Unknown topic config name: ${name}`;
    const problem = valueProblem(name, value, definition.type);
    if (problem) return problem;
  }
  return null;
}
