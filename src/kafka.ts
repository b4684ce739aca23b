import { resolveKafkaConfig, type ResolvedKafkaConfig } from './common/config';
import type { Backend, KafkaConfig } from './common/types';

/**
 * Creates the common interface on the chosen backend (option `backend`, else env KAFKA_NODE_BACKEND, else
 * 'kafka-node'). Backends load lazily, so choosing one never loads another backend's library.
 */
export function createKafka(config: KafkaConfig): Backend {
  const resolved: ResolvedKafkaConfig = resolveKafkaConfig(config);
  if (resolved.backend === 'confluent') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createConfluentBackend } = require('./confluent') as typeof import('./confluent');
    return createConfluentBackend(resolved);
  }
  if (resolved.backend === 'kafkajs') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createModernBackend } = require('./modern') as typeof import('./modern');
    return createModernBackend(resolved);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createLegacyBackend } = require('./legacy') as typeof import('./legacy');
  return createLegacyBackend(resolved);
}
