/** The brokers the differential suite compares, each wrapped as a scenario Target. */
import type { EmbeddedBroker } from '../../fixtures/embedded';
import type { Kafka09 } from '../../fixtures/kafka09';
import { MOCK_LATE_MEMBER_QUIRK, type RdkafkaMock } from '../../fixtures/rdkafka-mock';
import type { RealKafka } from '../../fixtures/real-kafka';
import { ApiKey } from '../../../src/protocol/api-keys';
import { startRecordingProxy, type RecordingProxy } from '../../fixtures/recording-proxy';
import { eventually } from './clients';
import type { Target } from './scenario';

export function embeddedTarget(broker: EmbeddedBroker): Target {
  return {
    kind: 'embedded',
    bootstrap: broker.bootstrap,
    brokers: broker.brokers,
    async createTopic(name, partitions) {
      const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
      if (result.errorCode !== 0)
        throw new Error(
          `embedded broker: creating ${name} failed with ${result.errorCode} ${result.errorMessage ?? ''}`,
        );
      await eventually(`embedded topic ${name} led`, async () => {
        const topic = broker.cluster.getTopic(name);
        return topic && topic.partitions.every((p) => p.leader >= 0) ? true : undefined;
      });
    },
  };
}

/**
 * Kafka 0.9 behind a proxy that swallows ApiVersions (see test/fixtures/recording-proxy.ts for the 0.9 bug this
 * avoids): clients see exactly what 0.9 does, no answer, and kafka-node falls back to its base versions.
 */
export function kafka09Target(kafka: Kafka09, proxy: RecordingProxy): Target {
  return {
    kind: 'kafka-0.9',
    bootstrap: proxy.address,
    brokers: [proxy.address],
    createTopic: (name, partitions) => kafka.createTopic(name, partitions),
  };
}

export function startKafka09Proxy(kafka: Kafka09): Promise<RecordingProxy> {
  return startRecordingProxy(kafka.bootstrap, { swallowApiKeys: [ApiKey.ApiVersions] });
}

export function rdkafkaMockTarget(mock: RdkafkaMock): Target {
  return {
    kind: 'rdkafka-mock',
    bootstrap: mock.bootstrap,
    brokers: mock.brokers,
    createTopic: (name, partitions) => mock.createTopic({ name, partitions }),
    knownQuirk: MOCK_LATE_MEMBER_QUIRK,
  };
}

export function realKafkaTarget(kafka: RealKafka): Target {
  return {
    kind: 'kafka-4.4',
    bootstrap: kafka.bootstrap,
    brokers: kafka.brokers,
    createTopic: (name, partitions) => kafka.createTopic(name, partitions),
  };
}
