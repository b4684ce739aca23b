/**
 * Differential tests: the same scenario code (test/broker/differential/*-scenarios.ts) runs with one client against
 * the embedded broker and against a real broker, and what the client observed must be equal:
 *   kafka-node 5.0.0: embedded broker vs Apache Kafka 0.9.0.1
 *   kafkajs 2.2.4:    embedded broker vs librdkafka 2.0.2's mock cluster
 * Results are normalised by the scenarios (no timestamps, broker ids or ports; run prefixes removed from names).
 * Where a real broker differs by design, the scenario documents it (DocumentedDifference) and both sides are held to
 * the documented values. Both sides of a scenario run concurrently.
 *
 * DIFFERENTIAL_DEBUG=1 prints both results of every scenario.
 */
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { kafkaNodeScenarios } from './differential/kafka-node-scenarios';
import { kafkajsScenarios } from './differential/kafkajs-scenarios';
import { compare } from './differential/compare';
import { registerSnappyForKafkajs } from './differential/snappy-codec';
import { embeddedTarget, kafka09Target, rdkafkaMockTarget, startKafka09Proxy } from './differential/targets';

describe('broker/differential', function () {
  describe('kafka-node 5.0.0: embedded broker vs Apache Kafka 0.9.0.1', function () {
    this.timeout(60000);
    let embedded: EmbeddedBroker | undefined;
    let kafka: Kafka09 | undefined;
    let proxy: RecordingProxy | undefined;

    before(async function () {
      this.timeout(90000);
      embedded = await startEmbedded();
      kafka = await startOrSkip(this, () => startKafka09());
      proxy = await startKafka09Proxy(kafka);
    });
    after(async () => {
      await proxy?.close();
      await Promise.all([embedded?.stop(), kafka?.stop()]);
    });

    for (const definition of kafkaNodeScenarios) {
      it(definition.name, () => compare(definition, embeddedTarget(embedded!), kafka09Target(kafka!, proxy!)));
    }
  });

  describe('kafkajs 2.2.4: embedded broker vs librdkafka 2.0.2 mock cluster', function () {
    this.timeout(60000);
    let embedded: EmbeddedBroker | undefined;
    let mock: RdkafkaMock | undefined;
    let unregisterSnappy: (() => void) | undefined;

    before(async function () {
      unregisterSnappy = registerSnappyForKafkajs();
      embedded = await startEmbedded();
      mock = await startOrSkip(this, () => startRdkafkaMock({ brokers: 1 }));
    });
    after(async () => {
      unregisterSnappy?.();
      await Promise.all([embedded?.stop(), mock?.stop()]);
    });

    for (const definition of kafkajsScenarios) {
      it(definition.name, () => compare(definition, embeddedTarget(embedded!), rdkafkaMockTarget(mock!)));
    }
  });
});
