/**
 * Three-way differential: ONE set of scenarios (helpers/differential-scenarios.ts), written against the kafka-node
 * API, run on the real kafka-node 5.0.0, on the facade with backend kafka-node and on the facade with backend kafkajs.
 * Each mode gets its own embedded brokers (one with auto-creation off, one creating 3-partition topics), so the
 * traces must be equal without any renaming. What the real kafka-node records is also checked against the expected
 * shape, so three equally wrong runs do not pass.
 */
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { compareTraces, runModesSideBySide, scenarios } from './helpers/differential-scenarios';
import { RUN_MODES, type RunMode } from './helpers/run-example';

describe('adapter/differential: one kafka-node program, three engines (kafka-node, facade on kafka-node, facade on kafkajs)', function () {
  this.timeout(60000);
  const modes: readonly RunMode[] = RUN_MODES;
  const brokers = new Map<RunMode, EmbeddedBroker>();
  const autoCreatingBrokers = new Map<RunMode, EmbeddedBroker>();

  before(async () => {
    for (const mode of modes) {
      brokers.set(mode, await startEmbedded({ autoCreateTopics: false }));
      autoCreatingBrokers.set(mode, await startEmbedded({ autoCreateTopics: true, defaultPartitions: 3 }));
    }
  });
  after(async () => {
    for (const broker of [...brokers.values(), ...autoCreatingBrokers.values()]) await broker.stop();
  });

  for (const scenario of scenarios) {
    it(scenario.name, async function () {
      // The modes run side by side (each has brokers of its own): kafka-node's metadata retries make some
      // scenarios wait seconds at a time, and the waits overlap.
      const traces = await runModesSideBySide(scenario, modes, (mode) => {
        const broker = brokers.get(mode)!;
        return {
          kafkaHost: broker.bootstrap,
          autoCreatingKafkaHost: autoCreatingBrokers.get(mode)!.bootstrap,
          async createTopic(name, partitions) {
            const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
            if (result.errorCode !== 0) throw new Error(`creating ${name}: error ${result.errorCode}`);
          },
          nameSuffix: '',
        };
      });
      compareTraces(this, scenario, traces);
    });
  }
});
