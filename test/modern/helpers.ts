/** The modern backend's broker tests: its factory, and the shared helpers typed for its consumer group. */
import type { Backend, ConsumedMessage, ConsumerGroupConfig, KafkaConfig } from '../../src/common/types';
import { resolveKafkaConfig } from '../../src/common/config';
import { createModernBackend, type ModernConsumerGroup } from '../../src/modern';
import { startMember as startSharedMember, type Member as SharedMember } from '../helpers/backend-tests';

export { produce, numbered, expectExactlyOnceInOrder, closeQuietly } from '../helpers/backend-tests';
export { until, sleep } from '../helpers/poll';

export function modernBackend(brokers: string[], extra: Partial<KafkaConfig> = {}): Backend {
  return createModernBackend(
    resolveKafkaConfig({
      backend: 'kafkajs',
      brokers,
      retry: { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 2000 },
      ...extra,
    }),
  );
}

export type Member = SharedMember<ModernConsumerGroup>;

export function startMember(
  backend: Backend,
  config: ConsumerGroupConfig,
  handler?: (message: ConsumedMessage) => Promise<void> | void,
): Promise<Member> {
  return startSharedMember<ModernConsumerGroup>(backend, config, handler);
}
