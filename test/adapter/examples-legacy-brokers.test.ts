/**
 * examples/05-zookeeper-client.js uses kafka-node 3.x's ZooKeeper-based `Client`, which kafka-node 4 removed and the
 * facade brings back. A standalone ZooKeeper holds the embedded broker's registration (/brokers/ids/1, Kafka's JSON
 * format), so both facade backends discover it as they would a real cluster; Apache Kafka 0.9 registers itself in
 * its own ZooKeeper. The real kafka-node 5.0.0 cannot run the program at all (no Client export).
 */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startOrSkip } from '../fixtures/processes';
import { describeRun, facadeRegisterPath, runExample, skipWithoutFacade } from './helpers/run-example';
import { registerBroker, startZooKeeper, type StandaloneZooKeeper } from './helpers/zookeeper';

describe('adapter/examples: 05, the ZooKeeper-based Client of kafka-node 3.x', function () {
  this.timeout(60000);
  let zookeeper: StandaloneZooKeeper | undefined;
  let broker: EmbeddedBroker | undefined;

  before(async function () {
    zookeeper = await startOrSkip(this, () => startZooKeeper());
    broker = await startEmbedded();
    const [host, port] = broker.brokers[0]!.split(':');
    await registerBroker(zookeeper.connect, 1, host!, Number(port));
  });
  after(async () => {
    await broker?.stop();
    await zookeeper?.stop();
  });

  const expectedOutput = (topic: string): string =>
    ['producer ready', ...[1, 2, 3].map((n) => `event ${n}: {"${topic}":{"0":${n - 1}}}`), 'sent 3 message(s) through ZooKeeper discovery', 'producer closed', ''].join('\n');

  it('real kafka-node 5.0.0 has no Client class any more: the program fails at `new kafka.Client`', async () => {
    const result = await runExample('kafka-node', '05-zookeeper-client.js', { env: { ZK_CONNECT: zookeeper!.connect, EXAMPLE_TOPIC: 'zk-raw' } });
    expect(result.code, describeRun('kafka-node', result)).to.equal(1);
    expect(result.stderr).to.include('TypeError: kafka.Client is not a constructor');
  });

  for (const mode of ['facade:kafka-node', 'facade:kafkajs'] as const) {
    it(`${mode}: discovers the embedded broker registered in ZooKeeper and sends`, async function () {
      skipWithoutFacade(this, mode);
      const topic = `zk-${mode.replace(':', '-')}`;
      broker!.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
      const result = await runExample(mode, '05-zookeeper-client.js', { env: { ZK_CONNECT: zookeeper!.connect, EXAMPLE_TOPIC: topic } });
      expect(result.code, describeRun(mode, result)).to.equal(0);
      expect(result.stdout, describeRun(mode, result)).to.equal(expectedOutput(topic));
    });
  }

  it('the brokers really come from ZooKeeper: under a chroot where none is registered, both backends say so', async function () {
    skipWithoutFacade(this, 'facade:kafkajs');
    for (const mode of ['facade:kafka-node', 'facade:kafkajs'] as const) {
      const result = await runExample(mode, '05-zookeeper-client.js', { env: { ZK_CONNECT: `${zookeeper!.connect}/no-cluster-here`, EXAMPLE_TOPIC: 'zk-none' } });
      expect(result.code, describeRun(mode, result)).to.equal(1);
      expect(result.stdout, describeRun(mode, result)).to.match(/^producer error: .*\/brokers\/ids.*\n$/);
    }
  });

  describe('on Apache Kafka 0.9.0.1, discovered through its own ZooKeeper', function () {
    let kafka09: Kafka09 | undefined;
    before(async function () {
      if (!facadeRegisterPath()) {
        (this as Mocha.Context & { skipReason?: string }).skipReason = 'facade require hook not available yet';
        this.skip();
      }
      kafka09 = await startOrSkip(this, () => startKafka09());
    });
    after(async () => {
      await kafka09?.stop();
    });

    it('facade:kafka-node prints what it prints on the embedded broker (real kafka-node: no Client, see above)', async () => {
      const topic = 'zk-kafka09';
      await kafka09!.createTopic(topic, 1);
      const result = await runExample('facade:kafka-node', '05-zookeeper-client.js', { env: { ZK_CONNECT: kafka09!.zookeeper, EXAMPLE_TOPIC: topic } });
      expect(result.code, describeRun('facade:kafka-node', result)).to.equal(0);
      expect(result.stdout).to.equal(expectedOutput(topic));
    });
  });
});
