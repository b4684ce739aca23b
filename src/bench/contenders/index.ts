import type { ContenderDefinition } from '../types';

/** An optional peer dependency: its contenders run by default only where it is installed. */
const CONFLUENT_LIBRARY = '@confluentinc/kafka-javascript';

/**
 * Every contender the bench knows, in table order. Adding one (the facade on a backend, say) is one module under
 * contenders/ exporting `createContender`, plus its line here.
 */
export const CONTENDERS: readonly ContenderDefinition[] = [
  {
    name: 'kafka-node',
    backend: 'kafka-node',
    kind: 'raw',
    load: async () => (await import('./kafka-node')).createContender,
  },
  { name: 'kafkajs', backend: 'kafkajs', kind: 'raw', load: async () => (await import('./kafkajs')).createContender },
  {
    name: 'common/kafka-node',
    backend: 'kafka-node',
    kind: 'common',
    load: async () => (await import('./common-kafka-node')).createContender,
  },
  {
    name: 'common/kafkajs',
    backend: 'kafkajs',
    kind: 'common',
    load: async () => (await import('./common-kafkajs')).createContender,
  },
  {
    name: 'confluent',
    backend: 'confluent',
    kind: 'raw',
    library: CONFLUENT_LIBRARY,
    load: async () => (await import('./confluent')).createContender,
  },
  {
    name: 'common/confluent',
    backend: 'confluent',
    kind: 'common',
    library: CONFLUENT_LIBRARY,
    load: async () => (await import('./common-confluent')).createContender,
  },
  {
    name: 'facade/kafka-node',
    backend: 'kafka-node',
    kind: 'facade',
    load: async () => (await import('./facade-kafka-node')).createContender,
  },
  {
    name: 'facade/kafkajs',
    backend: 'kafkajs',
    kind: 'facade',
    load: async () => (await import('./facade-kafkajs')).createContender,
  },
  {
    name: 'facade/confluent',
    backend: 'confluent',
    kind: 'facade',
    library: CONFLUENT_LIBRARY,
    load: async () => (await import('./facade-confluent')).createContender,
  },
];

export function contenderNamed(name: string): ContenderDefinition | undefined {
  return CONTENDERS.find((contender) => contender.name === name);
}

/** Whether the optional library a contender needs (if any) can be loaded here. */
export function contenderInstalled(definition: ContenderDefinition): boolean {
  if (definition.library === undefined) return true;
  try {
    require.resolve(definition.library);
    return true;
  } catch {
    return false;
  }
}
