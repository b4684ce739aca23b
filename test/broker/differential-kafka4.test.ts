/**
 * The embedded broker held to Apache Kafka 4.4 (KRaft): the same scenarios run against the embedded broker started
 * with the kafka-4 profile and against the real broker (test/fixtures/real-kafka.ts), and what they observed must be
 * equal, or differ only as documented (DocumentedDifference, each with its reason).
 *   wire:     raw requests at kafkajs's versions: ApiVersions ranges, KIP-896's refusals, bad-input and group errors
 *   kafkajs:  bad input as kafkajs reports it, transactions (markers, LSO, aborted lists)
 *   kafka-node: the real kafka-node 5.0.0 fails on both the same way, with the same errors a user sees
 * After the run the remaining documented differences are printed (the README lists them too).
 *
 * DIFFERENTIAL_DEBUG=1 prints both results of every scenario.
 */
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { sharedKafka4, type RealKafka } from '../fixtures/real-kafka';
import { compare } from './differential/compare';
import { kafka4ClientScenarios } from './differential/kafka4-client-scenarios';
import { kafka4WireScenarios } from './differential/kafka4-wire-scenarios';
import type { Scenario } from './differential/scenario';
import { registerSnappyForKafkajs } from './differential/snappy-codec';
import { embeddedTarget, realKafkaTarget } from './differential/targets';

// The kafkajs scenarios of the librdkafka differential are not repeated here: their producers are not idempotent (the
// mock cannot serve idempotent kafkajs producers), and a send kafkajs retries after a busy JVM answered late is written
// twice on the real broker, so their counts would differ by load, not by broker.
const SCENARIOS: Scenario<object>[] = [...kafka4WireScenarios, ...kafka4ClientScenarios];

/** The documented differences of the scenarios, one line each, as the README lists them. */
export function remainingDifferences(scenarios: Scenario<object>[]): string[] {
  return scenarios.flatMap((definition) => {
    const difference = definition.differences?.['kafka-4.4'];
    return difference ? [`${definition.name}: ${Object.keys(difference.real).join(', ')}: ${difference.why}`] : [];
  });
}

describe('broker/differential: embedded broker (kafka-4 profile) vs Apache Kafka 4.4', function () {
  this.timeout(90000);
  let embedded: EmbeddedBroker | undefined;
  let kafka: RealKafka | undefined;
  let unregisterSnappy: (() => void) | undefined;

  before(async function () {
    unregisterSnappy = registerSnappyForKafkajs();
    embedded = await startEmbedded({ profile: 'kafka-4' });
    kafka = await sharedKafka4(this);
  });
  after(async () => {
    unregisterSnappy?.();
    await embedded?.stop();
    if (kafka) {
      console.log(
        `      remaining differences, embedded broker (kafka-4 profile) vs Apache Kafka ${kafka.version}, by design:`,
      );
      for (const line of remainingDifferences(SCENARIOS)) console.log(`        - ${line}`);
    }
  });

  for (const definition of SCENARIOS) {
    it(definition.name, () => compare(definition, embeddedTarget(embedded!), realKafkaTarget(kafka!)));
  }
});
