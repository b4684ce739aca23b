/** The legacy backend's broker tests: its factory, and the shared helpers typed for its consumer group. */
import type { Backend, ConsumedMessage, ConsumerGroupConfig, KafkaConfig } from '../../src/common/types';
import { resolveKafkaConfig } from '../../src/common/config';
import { createLegacyBackend, type LegacyConsumerGroup } from '../../src/legacy';
import { startMember as startSharedMember, type Member as SharedMember } from '../helpers/backend-tests';

export { produce, numbered, expectExactlyOnceInOrder, closeQuietly } from '../helpers/backend-tests';
export { until, sleep } from '../helpers/poll';

export function legacyBackend(brokers: string[], extra: Partial<KafkaConfig> = {}): Backend {
  return createLegacyBackend(
    resolveKafkaConfig({ backend: 'kafka-node', brokers, retry: { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 2000 }, ...extra }),
  );
}

export type Member = SharedMember<LegacyConsumerGroup>;

export function startMember(backend: Backend, config: ConsumerGroupConfig, handler?: (message: ConsumedMessage) => Promise<void> | void): Promise<Member> {
  return startSharedMember<LegacyConsumerGroup>(backend, config, handler);
}
