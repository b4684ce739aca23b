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
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { kafkaNodeScenarios } from './differential/kafka-node-scenarios';
import { kafkajsScenarios } from './differential/kafkajs-scenarios';
import { describeError } from './differential/clients';
import { runScenario, type Scenario, type Target } from './differential/scenario';
import { registerSnappyForKafkajs } from './differential/snappy-codec';
import { embeddedTarget, kafka09Target, rdkafkaMockTarget, startKafka09Proxy } from './differential/targets';

function pick(value: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
}

function omit(value: object, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

async function compare(definition: Scenario<object>, embedded: Target, real: Target): Promise<void> {
  // Both sides always run to their end (a failing side must not leave the other's clients running into later tests).
  const [embeddedRun, realRun] = await Promise.allSettled([runScenario(definition, embedded), runScenario(definition, real)]);
  if (embeddedRun.status === 'rejected' || realRun.status === 'rejected') {
    const failures = [
      embeddedRun.status === 'rejected' ? `embedded broker: ${describeError(embeddedRun.reason)}` : null,
      realRun.status === 'rejected' ? `${real.kind}: ${describeError(realRun.reason)}` : null,
    ].filter((line) => line !== null);
    throw new Error(`scenario did not complete\n  ${failures.join('\n  ')}`);
  }
  const embeddedResult = embeddedRun.value;
  const realResult = realRun.value;
  if (process.env.DIFFERENTIAL_DEBUG) {
    console.log(JSON.stringify({ scenario: definition.name, embedded: embeddedResult, [real.kind]: realResult }, null, 1));
  }
  const difference = definition.differences?.[real.kind];
  if (!difference) {
    expect(embeddedResult, `embedded broker vs ${real.kind}`).to.deep.equal(realResult);
    return;
  }
  const keys = [...new Set([...Object.keys(difference.real), ...Object.keys(difference.embedded)])];
  expect(pick(realResult, keys), `${real.kind}, documented: ${difference.why}`).to.deep.equal(difference.real);
  expect(pick(embeddedResult, keys), `embedded broker, where ${real.kind} differs: ${difference.why}`).to.deep.equal(difference.embedded);
  expect(omit(embeddedResult, keys), `embedded broker vs ${real.kind} (other fields)`).to.deep.equal(omit(realResult, keys));
}

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
