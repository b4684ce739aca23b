import type { ContenderDefinition } from '../types';

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
];

export function contenderNamed(name: string): ContenderDefinition | undefined {
  return CONTENDERS.find((contender) => contender.name === name);
}
