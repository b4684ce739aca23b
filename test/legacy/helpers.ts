/** The legacy backend's broker tests: its factory, and the shared helpers typed for its consumer group. */
import { expect } from 'chai';
import { KafkaError } from '../../src/common/errors';
import type { Backend, ConsumedMessage, ConsumerGroupConfig, KafkaConfig } from '../../src/common/types';
import { resolveKafkaConfig } from '../../src/common/config';
import { createLegacyBackend, type LegacyConsumerGroup } from '../../src/legacy';
import { startMember as startSharedMember, type Member as SharedMember } from '../helpers/backend-tests';

export { produce, numbered, expectExactlyOnceInOrder, closeQuietly } from '../helpers/backend-tests';
export { until, sleep } from '../helpers/poll';

export function legacyBackend(brokers: string[], extra: Partial<KafkaConfig> = {}): Backend {
  return createLegacyBackend(
    resolveKafkaConfig({
      backend: 'kafka-node',
      brokers,
      retry: { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 2000 },
      ...extra,
    }),
  );
}

export type Member = SharedMember<LegacyConsumerGroup>;

export function startMember(
  backend: Backend,
  config: ConsumerGroupConfig,
  handler?: (message: ConsumedMessage) => Promise<void> | void,
): Promise<Member> {
  return startSharedMember<LegacyConsumerGroup>(backend, config, handler);
}

/** The KafkaError `promise` rejects with (the test fails if it resolves, or rejects with something else). */
export async function failure(promise: Promise<unknown>): Promise<KafkaError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a failure').to.be.instanceOf(KafkaError);
  return error as KafkaError;
}
