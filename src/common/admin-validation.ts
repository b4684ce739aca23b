/**
 * Argument checks of the Admin calls, shared by both backends and run before any I/O, so a bad call fails the same
 * way (ConfigurationError) whichever engine would have sent it. Messages match the kafkajs backend's originals.
 */
import { ConfigurationError } from './errors';
import type { ConfigResource, NewTopic } from './types';

export function requireNonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigurationError(`${what} must be a non-empty string`);
  return value;
}

function optionalPositiveInteger(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ConfigurationError(`${what} must be a positive integer`);
  return value;
}

/** A topic to create with -1 for "the broker's default" where the caller gave no value (as CreateTopics encodes it). */
export interface TopicCreation {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
}

export function validateNewTopics(topics: NewTopic[]): TopicCreation[] {
  if (!Array.isArray(topics) || topics.length === 0)
    throw new ConfigurationError('createTopics takes a non-empty array of { topic, numPartitions?, ... }');
  const requested = topics.map((entry, i) => {
    if (entry === null || typeof entry !== 'object')
      throw new ConfigurationError(`createTopics: entry ${i} must be an object`);
    const configs = entry.configs ?? {};
    if (configs === null || typeof configs !== 'object' || Object.values(configs).some((v) => typeof v !== 'string')) {
      throw new ConfigurationError(
        `createTopics: configs of "${String(entry.topic)}" must map config names to string values`,
      );
    }
    return {
      topic: requireNonEmptyString(entry.topic, `createTopics: entry ${i} topic`),
      numPartitions:
        optionalPositiveInteger(entry.numPartitions, `createTopics: numPartitions of "${entry.topic}"`) ?? -1,
      replicationFactor:
        optionalPositiveInteger(entry.replicationFactor, `createTopics: replicationFactor of "${entry.topic}"`) ?? -1,
      configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
    };
  });
  if (new Set(requested.map((t) => t.topic)).size !== requested.length)
    throw new ConfigurationError('createTopics: a topic is listed twice');
  return requested;
}

export function validateTopicNames(topics: string[], what: string): string[] {
  if (!Array.isArray(topics) || topics.length === 0)
    throw new ConfigurationError(`${what} takes a non-empty array of topic names`);
  topics.forEach((topic, i) => requireNonEmptyString(topic, `${what}: topics[${i}]`));
  return [...topics];
}

export function validateGroupIds(groupIds: string[], what: string): string[] {
  if (!Array.isArray(groupIds) || groupIds.length === 0)
    throw new ConfigurationError(`${what} takes a non-empty array of group ids`);
  groupIds.forEach((groupId, i) => requireNonEmptyString(groupId, `${what}: groupIds[${i}]`));
  return [...groupIds];
}

/** Kafka's own bookkeeping topics, left out of listTopics as the Java AdminClient leaves internal topics out. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

/** describeConfigs resources: a type of "topic" or "broker", a non-empty name, optional config names. */
export function validateConfigResources(resources: ConfigResource[]): ConfigResource[] {
  if (!Array.isArray(resources) || resources.length === 0)
    throw new ConfigurationError('describeConfigs takes a non-empty array of { type, name, configNames? }');
  resources.forEach((resource, i) => {
    if (
      resource === null ||
      typeof resource !== 'object' ||
      (resource.type !== 'topic' && resource.type !== 'broker')
    ) {
      throw new ConfigurationError(`describeConfigs: resources[${i}].type must be "topic" or "broker"`);
    }
    requireNonEmptyString(resource.name, `describeConfigs: resources[${i}].name`);
    if (
      resource.configNames !== undefined &&
      (!Array.isArray(resource.configNames) || resource.configNames.some((n) => typeof n !== 'string'))
    ) {
      throw new ConfigurationError(`describeConfigs: resources[${i}].configNames must be an array of strings`);
    }
  });
  return resources.map((r) => ({ ...r }));
}
