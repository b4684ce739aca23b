import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';
import { runScenario, type ParityRunOptions } from '../../src/compat/runner';
import type { BackendName } from '../../src/common/types';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import { startKafka09Proxy } from '../broker/differential/targets';

// The same parity scenarios on the real brokers each backend can use: the kafka-node backend on Apache Kafka 0.9,
// the kafkajs backend on librdkafka's mock cluster. Each trace must equal that backend's trace on the embedded broker,
// so the embedded broker is shown to stand in faithfully for both.
function realBrokerParity(backend: BackendName, title: string, start: (context: Mocha.Context) => Promise<{ brokers: string[]; provision: ParityRunOptions['provisionTopic']; stop(): Promise<void> }>): void {
  describe(`common/parity on ${title} (${backend} backend) equals the embedded broker`, function () {
    this.timeout(180000);
    let real: Awaited<ReturnType<typeof start>> | undefined;
    let embedded: EmbeddedBroker;

    before(async function () {
      real = await start(this);
      embedded = await startBroker({ logger: silentLogger });
    });
    after(async () => {
      await real?.stop();
      await embedded?.stop();
    });

    for (const scenario of PARITY_SCENARIOS) {
      it(scenario.id, async () => {
        const onReal = await runScenario(scenario, { brokers: real!.brokers, backends: [backend], scenarios: [scenario], provisionTopic: real!.provision }, 'real');
        const onEmbedded = await runScenario(scenario, { brokers: embedded.brokers, backends: [backend], scenarios: [scenario] }, 'embedded');
        const [realOutcome] = onReal.outcomes;
        const [embeddedOutcome] = onEmbedded.outcomes;
        expect(realOutcome!.status === 'error' ? realOutcome!.detail : null, `${title}`).to.equal(null);
        expect(embeddedOutcome!.status === 'error' ? embeddedOutcome!.detail : null, 'embedded broker').to.equal(null);
        expect(realOutcome!.trace, `${title} trace differs from the embedded broker's`).to.deep.equal(embeddedOutcome!.trace);
      });
    }
  });
}

realBrokerParity('kafka-node', 'Apache Kafka 0.9', async (context) => {
  const kafka: Kafka09 = await startOrSkip(context, () => startKafka09());
  // 0.9 never answers ApiVersions, and the exception it throws drops other requests read in the same poll (joins,
  // heartbeats) until kafka-node's 30 s timeout; the proxy swallows ApiVersions so clients see the same silence
  // without that collateral loss (see test/fixtures/recording-proxy.ts).
  const proxy = await startKafka09Proxy(kafka);
  return {
    brokers: [proxy.address],
    provision: (name, partitions) => kafka.createTopic(name, partitions),
    stop: async () => {
      await proxy.close();
      await kafka.stop();
    },
  };
});

realBrokerParity('kafkajs', 'the librdkafka mock cluster', async (context) => {
  const mock: RdkafkaMock = await startOrSkip(context, () => startRdkafkaMock());
  return { brokers: mock.brokers, provision: (name, partitions) => mock.createTopic({ name, partitions }), stop: () => mock.stop() };
});
