/**
 * One Apache Kafka 0.9.0.1 broker for the calling describe(), reached through the proxy that swallows ApiVersions
 * (see test/broker/differential/targets.ts), and the ModeTarget of the mode at `index` on it: modes share the broker,
 * so each one's names carry a suffix the traces leave out.
 */
import { startKafka09, type Kafka09 } from '../../fixtures/kafka09';
import { startOrSkip } from '../../fixtures/processes';
import type { RecordingProxy } from '../../fixtures/recording-proxy';
import { startKafka09Proxy } from '../../broker/differential/targets';
import type { ModeTarget } from './differential-scenarios';

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
