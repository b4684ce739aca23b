import { randomBytes } from 'crypto';
import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';
import { runScenario, type ParityRunOptions } from '../../src/compat/runner';
import type { BackendName } from '../../src/common/types';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import { KAFKA_39_VERSION, KAFKA_4_VERSION, sharedKafka39, sharedKafka4, type RealKafka } from '../fixtures/real-kafka';
import { startKafka09Proxy } from '../broker/differential/targets';

// The same parity scenarios on the real brokers each backend can use: the kafka-node backend on Apache Kafka 0.9 and
// 3.9, the kafkajs backend on librdkafka's mock cluster, Kafka 3.9 and Kafka 4.x (which refuses kafka-node's protocol
// versions). Each trace must equal that backend's trace on the embedded broker, so the embedded broker is shown to
// stand in faithfully for them. The confluent backend (librdkafka) runs on Kafka 4.x too.
interface RealBroker {
  brokers: string[];
  provision: ParityRunOptions['provisionTopic'];
  stop(): Promise<void>;
  /** A known quirk of this broker (not of the client or of Kafka) that justifies running a scenario once more. */
  knownQuirk?: { pattern: RegExp; reason: string };
}

function realBrokerParity(
  backend: BackendName,
  title: string,
  start: (context: Mocha.Context) => Promise<RealBroker>,
): void {
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
        // A fresh namespace per run: a shared cluster keeps the topics of earlier runs and files.
        const runOnReal = () =>
          runScenario(
            scenario,
            { brokers: real!.brokers, backends: [backend], scenarios: [scenario], provisionTopic: real!.provision },
            `real-${randomBytes(3).toString('hex')}`,
          );
        let onReal = await runOnReal();
        const quirk = real!.knownQuirk;
        const firstOutcome = onReal.outcomes[0];
        if (quirk && firstOutcome?.status === 'error' && quirk.pattern.test(firstOutcome.detail ?? '')) {
          console.log(`      (${title}: ran ${scenario.id} once more: ${quirk.reason})`);
          onReal = await runOnReal();
        }
        const onEmbedded = await runScenario(
          scenario,
          { brokers: embedded.brokers, backends: [backend], scenarios: [scenario] },
          'embedded',
        );
        const [realOutcome] = onReal.outcomes;
        const [embeddedOutcome] = onEmbedded.outcomes;
        expect(
          realOutcome!.status === 'error' ? realOutcome!.detail : null,
          `${title}: ${realOutcome!.detail ?? ''}`,
        ).to.equal(null);
        expect(embeddedOutcome!.status === 'error' ? embeddedOutcome!.detail : null, 'embedded broker').to.equal(null);
        expect(realOutcome!.trace, `${title} trace differs from the embedded broker's`).to.deep.equal(
          embeddedOutcome!.trace,
        );
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
  return {
    brokers: mock.brokers,
    provision: (name, partitions) => mock.createTopic({ name, partitions }),
    stop: () => mock.stop(),
    // librdkafka 2.0's mock answers a SyncGroup that arrives after its group turned stable, or a heartbeat to an empty
    // group, with INVALID_REQUEST (its group state check); Kafka answers the first with the current assignment and the
    // second with UNKNOWN_MEMBER_ID, both of which clients recover from. Under load a late member hits it.
    knownQuirk: {
      pattern: /INVALID_REQUEST/,
      reason: 'the mock answers a late SyncGroup or heartbeat with INVALID_REQUEST, unlike Kafka',
    },
  };
});

/** A shared real cluster (started once per test run): topics are namespaced by the runner, the cluster stays up. */
function sharedRealKafka(start: (context: Mocha.Context) => Promise<RealKafka>) {
  return async (context: Mocha.Context): Promise<RealBroker> => {
    const kafka = await start(context);
    return {
      brokers: kafka.brokers,
      provision: (name, partitions) => kafka.createTopic(name, partitions),
      stop: async () => undefined,
    };
  };
}

realBrokerParity('kafkajs', `Apache Kafka ${KAFKA_4_VERSION} (KRaft)`, sharedRealKafka(sharedKafka4));
realBrokerParity('confluent', `Apache Kafka ${KAFKA_4_VERSION} (KRaft)`, sharedRealKafka(sharedKafka4));
realBrokerParity('kafkajs', `Apache Kafka ${KAFKA_39_VERSION} (ZooKeeper mode)`, sharedRealKafka(sharedKafka39));
realBrokerParity('kafka-node', `Apache Kafka ${KAFKA_39_VERSION} (ZooKeeper mode)`, sharedRealKafka(sharedKafka39));
