import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';
import { runScenario } from '../../src/compat/runner';
import { BACKEND_NAMES } from '../../src/common/types';

// One set of scenarios, run on every backend against the embedded broker; each must pass on its own and every trace
// must be the same as the first backend's (chai's deep equal prints the difference).
describe('common/parity (kafka-node vs kafkajs vs confluent through the common interface, embedded broker)', function () {
  this.timeout(120000);
  let broker: EmbeddedBroker;
  before(async () => {
    broker = await startBroker({ logger: silentLogger });
  });
  after(async () => {
    await broker?.stop();
  });

  for (const scenario of PARITY_SCENARIOS) {
    it(`${scenario.id}: ${scenario.title}`, async () => {
      const result = await runScenario(
        scenario,
        { brokers: broker.brokers, backends: [...BACKEND_NAMES], scenarios: [scenario] },
        'parity',
      );
      for (const outcome of result.outcomes) {
        expect(outcome.status === 'error' ? outcome.detail : null, `${outcome.backend} failed`).to.equal(null);
        expect(outcome.status, `${outcome.backend}: ${outcome.detail ?? ''}`).to.be.oneOf([
          'pass',
          'diff',
          'unsupported',
        ]);
      }
      const [reference, ...others] = result.outcomes;
      for (const other of others) {
        if (reference!.status === 'pass' && other.status !== 'unsupported') {
          expect(other.trace, `${other.backend} trace differs from ${reference!.backend}`).to.deep.equal(
            reference!.trace,
          );
        }
      }
      expect(
        result.outcomes.some((o) => o.status === 'pass'),
        'no backend ran the scenario',
      ).to.equal(true);
      expect(reference!.trace.length, 'the scenario recorded nothing').to.be.greaterThan(0);
    });
  }
});
