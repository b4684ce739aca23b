import { randomBytes } from 'crypto';
import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';
import { runScenario, type ParityRunOptions } from '../../src/compat/runner';
import type { BackendName } from '../../src/common/types';
import {
  MOCK_LATE_MEMBER_QUIRK,
  onceMoreOnQuirk,
  startRdkafkaMock,
  type KnownBrokerQuirk,
  type RdkafkaMock,
} from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import { ConcurrentCases, limiter } from '../helpers/concurrency';

const SCENARIOS_AT_ONCE = 3;

// The parity scenarios on librdkafka's mock cluster through the kafkajs backend: each trace must equal the kafkajs
// backend's trace on the embedded broker. The real Apache Kafka brokers (0.9, 3.9 in ZooKeeper mode, 4.x in KRaft
// mode) get the same comparison for every backend that runs on them in the compatibility matrix
// (test/compat/compatibility-matrix.test.ts), which runs these scenarios there anyway.
interface RealBroker {
  brokers: string[];
  provision: ParityRunOptions['provisionTopic'];
  stop(): Promise<void>;
  knownQuirk?: KnownBrokerQuirk;
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

    // The scenarios run side by side, a few at a time: each has its own names, and most of a scenario is waiting
    // (for a join, a rebalance, a fetch).
    const cases = new ConcurrentCases<void>(limiter(SCENARIOS_AT_ONCE));
    before(async function () {
      real = await start(this);
      embedded = await startBroker({ logger: silentLogger });
      for (const scenario of PARITY_SCENARIOS) cases.start(scenario.id, () => compareOnBoth(scenario));
    });
    after(async function () {
      this.timeout(180000);
      await cases.settled();
      await real?.stop();
      await embedded?.stop();
    });

    async function compareOnBoth(scenario: (typeof PARITY_SCENARIOS)[number]): Promise<void> {
      // A fresh namespace per run: a shared cluster keeps the topics of earlier runs and files.
      const runOnReal = () =>
        runScenario(
          scenario,
          { brokers: real!.brokers, backends: [backend], scenarios: [scenario], provisionTopic: real!.provision },
          `real-${randomBytes(3).toString('hex')}`,
        );
      // The reference run on the embedded broker goes side by side with the mock's (separate brokers and names).
      const embeddedRun = runScenario(
        scenario,
        { brokers: embedded.brokers, backends: [backend], scenarios: [scenario] },
        `embedded-${randomBytes(3).toString('hex')}`,
      );
      const onReal = await onceMoreOnQuirk(real!.knownQuirk, `${title}: ran ${scenario.id}`, runOnReal, (run) =>
        run.outcomes[0]?.status === 'error' ? (run.outcomes[0].detail ?? '') : null,
      );
      const onEmbedded = await embeddedRun;
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
    }

    for (const scenario of PARITY_SCENARIOS) it(scenario.id, () => cases.result(scenario.id));
  });
}

realBrokerParity('kafkajs', 'the librdkafka mock cluster', async (context) => {
  const mock: RdkafkaMock = await startOrSkip(context, () => startRdkafkaMock());
  return {
    brokers: mock.brokers,
    provision: (name, partitions) => mock.createTopic({ name, partitions }),
    stop: () => mock.stop(),
    knownQuirk: MOCK_LATE_MEMBER_QUIRK,
  };
});
