/**
 * The differential scenarios on Apache Kafka 0.9.0.1, the broker generation kafka-node was written for: the real
 * kafka-node and the facade on its kafka-node backend must record the same traces there too (kafkajs cannot talk to
 * 0.9). Both modes share the one broker, side by side, so each mode's topics and groups carry a suffix the traces
 * leave out.
 * Reached through the proxy that swallows ApiVersions (see test/broker/differential/targets.ts for the 0.9 bug).
 */
import { useKafka09Target } from './helpers/kafka09-target';
import { compareTraces, runModesSideBySide, scenarios } from './helpers/differential-scenarios';
import type { RunMode } from './helpers/run-example';

/** Scenarios that need what 0.9 does not have: auto-creation off (0.9 here creates unknown topics). */
const NOT_ON_KAFKA_09 = new Set(['errors: unknown topic with auto-creation off, unknown partition, bad payloads']);

describe('adapter/differential on Apache Kafka 0.9.0.1: kafka-node and the facade on kafka-node', function () {
  this.timeout(60000);
  const modes: RunMode[] = ['kafka-node', 'facade:kafka-node'];
  const target = useKafka09Target();

  for (const scenario of scenarios.filter((s) => !NOT_ON_KAFKA_09.has(s.name))) {
    it(scenario.name, async function () {
      compareTraces(this, scenario, await runModesSideBySide(scenario, modes, (_, index) => target(index)));
    });
  }
});
