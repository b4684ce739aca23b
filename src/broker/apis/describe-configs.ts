import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { TopicState } from '../cluster';
import { topicNameProblem } from '../topic-names';
import { TOPIC_CONFIG_NAMES, topicConfigDefault } from '../topic-configs';
import { defineApi, type RequestContext } from './types';

// DescribeConfigs v0-2 (v4 is the first flexible version).
//   v0: resources[type, name, configuration_keys (nullable)] -> throttle_time_ms,
//       results[error_code, error_message, type, name, configs[name, value, read_only, is_default, is_sensitive]]
//   v1: include_synonyms in the request; configs carry config_source instead of is_default, then synonyms[name, value, source]
//   v2: same as v1
// Topics list every topic config Kafka 3.x has (src/broker/topic-configs.ts): overrides with source DYNAMIC_TOPIC_CONFIG,
// the rest with the source of their broker synonym; brokers list the settings of this embedded cluster.
const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE_DYNAMIC_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

interface DescribeConfigsRequest {
  resources: { type: number; name: string; keys: string[] | null }[];
  includeSynonyms: boolean;
}

interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  sensitive: boolean;
  /** Where the value comes from, most specific first (the override, then the broker setting); Kafka's synonyms. */
  synonyms: ConfigSynonym[];
}

interface ResourceResult {
  errorCode: number;
  errorMessage: string | null;
  type: number;
  name: string;
  configs: ConfigEntry[];
}

interface DescribeConfigsResponse {
  results: ResourceResult[];
  includeSynonyms: boolean;
}

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

/** Kafka treats a null and an empty configuration_keys list alike: every config. */
function select(all: ConfigEntry[], keys: string[] | null): ConfigEntry[] {
  return keys === null || keys.length === 0 ? all : all.filter((entry) => keys.includes(entry.name));
}

function topicConfigEntries(topic: TopicState, context: RequestContext): ConfigEntry[] {
  return TOPIC_CONFIG_NAMES.map((name) => {
    const fallback = topicConfigDefault(name, context.cluster.settings)!;
    const synonyms: ConfigSynonym[] = [];
    const override = topic.configs.get(name);
    if (override !== undefined) synonyms.push({ name, value: override, source: SOURCE_DYNAMIC_TOPIC });
    if (fallback.synonym) {
      const { name: brokerName, value, fromBrokerSettings } = fallback.synonym;
      synonyms.push({ name: brokerName, value, source: fromBrokerSettings ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT });
    }
    return {
      name,
      value: override ?? fallback.value,
      readOnly: false,
      source: synonyms[0]?.source ?? SOURCE_DEFAULT,
      sensitive: false,
      synonyms,
    };
  });
}

function describeTopic(
  name: string,
  keys: string[] | null,
  context: RequestContext,
): Omit<ResourceResult, 'type' | 'name'> {
  const problem = topicNameProblem(name);
  if (problem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem, configs: [] };
  const topic = context.cluster.getTopic(name);
  if (!topic)
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: `Topic '${name}' does not exist.`,
      configs: [],
    };
  return { errorCode: ErrorCode.NONE, errorMessage: null, configs: select(topicConfigEntries(topic, context), keys) };
}

function describeBroker(
  name: string,
  keys: string[] | null,
  context: RequestContext,
): Omit<ResourceResult, 'type' | 'name'> {
  const invalid = (errorMessage: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage, configs: [] });
  // An empty name asks for the cluster-wide dynamic defaults; this broker has none.
  if (name === '') return { errorCode: ErrorCode.NONE, errorMessage: null, configs: [] };
  if (!/^-?\d+$/.test(name)) return invalid(`Broker id must be an integer, but it is: ${name}`);
  if (Number(name) !== context.node.id)
    return invalid(`Unexpected broker id, expected ${context.node.id} or empty string, but received ${name}`);
  const entries = Object.entries(brokerConfigs(context)).map(([key, value]) => ({
    name: key,
    value,
    readOnly: true,
    source: SOURCE_STATIC_BROKER,
    sensitive: false,
    synonyms: [{ name: key, value, source: SOURCE_STATIC_BROKER }],
  }));
  return { errorCode: ErrorCode.NONE, errorMessage: null, configs: select(entries, keys) };
}

export const describeConfigsApi = defineApi<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest(reader, version) {
    const resources = reader.array(
      (r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray((k) => k.string(), 2) }),
      7,
    );
    const includeSynonyms = version >= 1 ? reader.boolean() : false;
    return { resources, includeSynonyms };
  },
  handle(request, context) {
    const results = request.resources.map(({ type, name, keys }): ResourceResult => {
      if (type === RESOURCE_TOPIC) return { type, name, ...describeTopic(name, keys, context) };
      if (type === RESOURCE_BROKER) return { type, name, ...describeBroker(name, keys, context) };
      return {
        type,
        name,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unsupported resource type: ${type} (this broker describes topics (2) and brokers (4))`,
        configs: [],
      };
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
          cw.array(response.includeSynonyms ? entry.synonyms : [], (sw, synonym) => {
            sw.string(synonym.name).string(synonym.value).int8(synonym.source);
          });
        }
      });
    });
  },
});
