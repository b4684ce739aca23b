/**
 * One Apache Kafka 0.9.0.1 broker for the calling describe(), reached through the proxy that swallows ApiVersions
 * (see test/broker/differential/targets.ts), and the ModeTarget of the mode at `index` on it: modes share the broker,
 * so each one's names carry a suffix the traces leave out.
 */
import { startKafka09, type Kafka09 } from '../../fixtures/kafka09';
import { startOrSkip } from '../../fixtures/processes';
import type { RecordingProxy } from '../../fixtures/recording-proxy';
import { startKafka09Proxy } from '../../broker/differential/targets';
import { runScenario, type ModeTarget, type Scenario, type Trace } from './differential-scenarios';
import type { RunMode } from './run-example';

export function useKafka09Target(): (index: number) => ModeTarget {
  let kafka: Kafka09 | undefined;
  let proxy: RecordingProxy | undefined;
  before(async function () {
    kafka = await startOrSkip(this, () => startKafka09({ partitions: 3 }));
    proxy = await startKafka09Proxy(kafka);
  });
  after(async () => {
    await proxy?.close();
    await kafka?.stop();
  });
  return (index) => ({
    kafkaHost: proxy!.address,
    autoCreatingKafkaHost: proxy!.address,
    createTopic: (name, partitions) => kafka!.createTopic(name, partitions),
    nameSuffix: `__mode${index}`,
  });
}

/**
 * Runs `scenario` on every mode at once, each on its own target (on a shared broker, names of its own): a scenario's
 * waits (rebalances, fetch intervals) overlap instead of adding up. The traces come back in the order of `modes`.
 */
export async function runModesSideBySide(
  scenario: Pick<Scenario, 'run'>,
  modes: readonly RunMode[],
  target: (index: number) => ModeTarget,
): Promise<Map<RunMode, Trace>> {
  const traces = await Promise.all(modes.map((mode, index) => runScenario(scenario, mode, target(index))));
  return new Map(modes.map((mode, index) => [mode, traces[index]!] as const));
}
