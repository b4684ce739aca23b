import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi, type RequestContext } from './types';

// DescribeConfigs v0-2 (v4 is the first flexible version).
//   v0: resources[type, name, configuration_keys (nullable)] -> throttle_time_ms,
//       results[error_code, error_message, type, name, configs[name, value, read_only, is_default, is_sensitive]]
//   v1: include_synonyms in the request; configs carry config_source instead of is_default, then synonyms[name, value, source]
//   v2: same as v1
const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE_DYNAMIC_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

interface DescribeConfigsRequest {
  resources: { type: number; name: string; keys: string[] | null }[];
  includeSynonyms: boolean;
}

interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  sensitive: boolean;
}

interface DescribeConfigsResponse {
  results: { errorCode: number; errorMessage: string | null; type: number; name: string; configs: ConfigEntry[] }[];
  includeSynonyms: boolean;
}

/** Apache Kafka's defaults for the topic-level settings clients ask about most. */
const TOPIC_DEFAULTS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'delete.retention.ms': '86400000',
  'max.message.bytes': '1048588',
  'message.timestamp.type': 'CreateTime',
  'min.insync.replicas': '1',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': '1073741824',
  'unclean.leader.election.enable': 'false',
};

function brokerConfigs(context: RequestContext): Record<string, string> {
  const { settings } = context.cluster;
  return {
    'broker.id': String(context.node.id),
    'auto.create.topics.enable': String(settings.autoCreateTopics),
    'default.replication.factor': String(settings.defaultReplicationFactor),
    'group.initial.rebalance.delay.ms': String(settings.groupInitialRebalanceDelayMs),
    'group.max.session.timeout.ms': String(settings.groupMaxSessionTimeoutMs),
    'group.min.session.timeout.ms': String(settings.groupMinSessionTimeoutMs),
    'message.max.bytes': String(settings.messageMaxBytes),
    'num.partitions': String(settings.defaultPartitions),
    'offsets.topic.num.partitions': '50',
    'socket.request.max.bytes': String(settings.maxRequestBytes),
  };
}

function select(all: ConfigEntry[], keys: string[] | null): ConfigEntry[] {
  return keys === null ? all : all.filter((entry) => keys.includes(entry.name));
}

export const describeConfigsApi = defineApi<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    const resources = reader.array((r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray((k) => k.string(), 2) }), 7);
    const includeSynonyms = version >= 1 ? reader.boolean() : false;
    return { resources, includeSynonyms };
  },
  handle(request, context) {
    const results = request.resources.map(({ type, name, keys }) => {
      const base = { type, name, errorCode: ErrorCode.NONE, errorMessage: null as string | null, configs: [] as ConfigEntry[] };
      if (type === RESOURCE_TOPIC) {
        const topic = context.cluster.getTopic(name);
        if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${name} does not exist.` };
        const entries = new Map<string, ConfigEntry>();
        for (const [key, value] of Object.entries(TOPIC_DEFAULTS)) entries.set(key, { name: key, value, readOnly: false, source: SOURCE_DEFAULT, sensitive: false });
        for (const [key, value] of topic.configs) entries.set(key, { name: key, value, readOnly: false, source: SOURCE_DYNAMIC_TOPIC, sensitive: false });
        return { ...base, configs: select([...entries.values()].sort((a, b) => a.name.localeCompare(b.name)), keys) };
      }
      if (type === RESOURCE_BROKER) {
        if (name !== String(context.node.id)) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${context.node.id} but received ${name}` };
        }
        const entries = Object.entries(brokerConfigs(context)).map(([key, value]) => ({ name: key, value, readOnly: true, source: SOURCE_STATIC_BROKER, sensitive: false }));
        return { ...base, configs: select(entries, keys) };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${type}: describe topics (2) or brokers (4)` };
    });
    return { results, includeSynonyms: request.includeSynonyms };
  },
  encodeResponse(writer, response, version) {
    writer.int32(0);
    writer.array(response.results, (w, result) => {
      w.int16(result.errorCode).string(result.errorMessage).int8(result.type).string(result.name);
      w.array(result.configs, (cw, entry) => {
        cw.string(entry.name).string(entry.value).boolean(entry.readOnly);
        if (version === 0) cw.boolean(entry.source === SOURCE_DEFAULT);
        else cw.int8(entry.source);
        cw.boolean(entry.sensitive);
        if (version >= 1) {
          const synonyms = response.includeSynonyms ? [entry] : [];
          cw.array(synonyms, (sw, synonym) => {
            sw.string(synonym.name).string(synonym.value).int8(synonym.source);
          });
        }
      });
    });
  },
});
