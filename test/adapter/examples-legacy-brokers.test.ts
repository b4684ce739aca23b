/**
 * The examples on the ZooKeeper era's brokers.
 *
 * examples/05-zookeeper-client.js uses kafka-node 3.x's ZooKeeper-based `Client`, which kafka-node 4 removed and the
 * facade brings back. A standalone ZooKeeper holds the embedded broker's registration (/brokers/ids/1, Kafka's JSON
 * format), so both facade backends discover it as they would a real cluster; Apache Kafka 0.9 registers itself in
 * its own ZooKeeper. The real kafka-node 5.0.0 cannot run the program at all (no Client export).
 *
 * On Apache Kafka 0.9.0.1 (kafka-node's generation) the other examples run on the real kafka-node and on the facade's
 * kafka-node backend (kafkajs cannot talk to 0.9) and must print the same. Both share the broker, so each run gets its
 * own topic and group names, which are put back to the common name before comparing.
 */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startOrSkip } from '../fixtures/processes';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { startKafka09Proxy } from '../broker/differential/targets';
import { describeRun, runExample, type ExampleResult, type RunMode } from './helpers/run-example';
import { registerBroker, startZooKeeper, type StandaloneZooKeeper } from './helpers/zookeeper';

describe('adapter/examples on ZooKeeper-era brokers: 05 (the 3.x ZooKeeper Client), and every example on Kafka 0.9', function () {
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
    [
      'producer ready',
      ...[1, 2, 3].map((n) => `event ${n}: {"${topic}":{"0":${n - 1}}}`),
      'sent 3 message(s) through ZooKeeper discovery',
      'producer closed',
      '',
    ].join('\n');

  it('real kafka-node 5.0.0 has no Client class any more: the program fails at `new kafka.Client`', async () => {
    const result = await runExample('kafka-node', '05-zookeeper-client.js', {
      env: { ZK_CONNECT: zookeeper!.connect, EXAMPLE_TOPIC: 'zk-raw' },
    });
    expect(result.code, describeRun('kafka-node', result)).to.equal(1);
    expect(result.stderr).to.include('TypeError: kafka.Client is not a constructor');
  });

  for (const mode of ['facade:kafka-node', 'facade:kafkajs'] as const) {
    it(`${mode}: discovers the embedded broker registered in ZooKeeper and sends`, async () => {
      const topic = `zk-${mode.replace(':', '-')}`;
      broker!.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
      const result = await runExample(mode, '05-zookeeper-client.js', {
        env: { ZK_CONNECT: zookeeper!.connect, EXAMPLE_TOPIC: topic },
      });
      expect(result.code, describeRun(mode, result)).to.equal(0);
      expect(result.stdout, describeRun(mode, result)).to.equal(expectedOutput(topic));
    });
  }

  it('the brokers really come from ZooKeeper: under a chroot where none is registered, both backends say so', async () => {
    for (const mode of ['facade:kafka-node', 'facade:kafkajs'] as const) {
      const result = await runExample(mode, '05-zookeeper-client.js', {
        env: { ZK_CONNECT: `${zookeeper!.connect}/no-cluster-here`, EXAMPLE_TOPIC: 'zk-none' },
      });
      expect(result.code, describeRun(mode, result)).to.equal(1);
      expect(result.stdout, describeRun(mode, result)).to.match(/^producer error: .*\/brokers\/ids.*\n$/);
    }
  });

  describe('on Apache Kafka 0.9.0.1', function () {
    // Ten example runs in a row (about 25 s); 0.9 on a loaded machine answers some requests late.
    this.timeout(150000);
    let kafka09: Kafka09 | undefined;
    let proxy: RecordingProxy | undefined;
    before(async function () {
      kafka09 = await startOrSkip(this, () => startKafka09());
      proxy = await startKafka09Proxy(kafka09);
    });
    after(async () => {
      await proxy?.close();
      await kafka09?.stop();
    });

    /** Runs `example` on both engines with per-run names; returns the outputs with the names put back. */
    async function runBoth(
      example: string,
      names: Record<string, string>,
      env: Record<string, string> = {},
    ): Promise<Map<RunMode, ExampleResult>> {
      const results = new Map<RunMode, ExampleResult>();
      for (const mode of ['kafka-node', 'facade:kafka-node'] as const) {
        const suffix = mode === 'kafka-node' ? '-raw' : '-facade';
        const named = Object.fromEntries(
          Object.entries(names).map(([variable, base]) => [variable, `${base}${suffix}`]),
        );
        const result = await runExample(mode, example, { env: { KAFKA_HOST: proxy!.address, ...named, ...env } });
        const stdout = Object.values(names).reduce(
          (text, base) => text.split(`${base}${suffix}`).join(base),
          result.stdout,
        );
        results.set(mode, { ...result, stdout });
      }
      return results;
    }

    function expectSame(results: Map<RunMode, ExampleResult>): string {
      for (const [mode, result] of results) expect(result.code, describeRun(mode, result)).to.equal(0);
      const reference = results.get('kafka-node')!;
      const facade = results.get('facade:kafka-node')!;
      expect(facade.stdout, describeRun('facade:kafka-node', facade)).to.equal(reference.stdout);
      return reference.stdout;
    }

    it("01 to 04 and 06 print the same on kafka-node and on the facade's kafka-node backend", async () => {
      for (const suffix of ['-raw', '-facade']) {
        await kafka09!.createTopic(`orders09${suffix}`, 3);
        await kafka09!.createTopic(`events09${suffix}`, 3);
        await kafka09!.createTopic(`audit09${suffix}`, 2);
      }
      const sent = expectSame(await runBoth('01-keyed-producer.js', { EXAMPLE_TOPIC: 'orders09' }));
      expect(sent).to.match(
        /^producer ready\n(order \d key=\w+ -> partition \d offset \d\n){6}sent 6 message\(s\)\nproducer closed\n$/,
      );
      expectSame(
        await runBoth(
          '02-high-level-producer.js',
          { EXAMPLE_TOPIC: 'events09' },
          { EXAMPLE_COUNT: '5', EXAMPLE_INTERVAL_MS: '20' },
        ),
      );
      const consumed = expectSame(
        await runBoth(
          '03-consumer-group.js',
          { EXAMPLE_TOPIC: 'orders09', EXAMPLE_GROUP: 'billing09' },
          { EXAMPLE_COUNT: '6' },
        ),
      );
      expect(consumed).to.match(/\nconsumed 6 message\(s\), stopping: done\nleft the group\n$/);
      const offsets = expectSame(await runBoth('04-offsets.js', { EXAMPLE_TOPIC: 'audit09' }, { EXAMPLE_COUNT: '3' }));
      expect(offsets).to.include('latest: {"audit09":{"0":3,"1":0}}');
      const plain = expectSame(
        await runBoth(
          '06-consumer.js',
          { EXAMPLE_TOPIC: 'events09', EXAMPLE_GROUP: 'plain09' },
          { EXAMPLE_COUNT: '2' },
        ),
      );
      expect(plain).to.match(
        /^partition 0 offset 0: event 1 on \/page\/1\npartition 0 offset 1: event 4 on \/page\/1\nread 2 message\(s\)/,
      );
    });

    it("05 on facade:kafka-node, brokers discovered through 0.9's own ZooKeeper: what it prints on the embedded broker", async () => {
      const topic = 'zk-kafka09';
      await kafka09!.createTopic(topic, 1);
      const result = await runExample('facade:kafka-node', '05-zookeeper-client.js', {
        env: { ZK_CONNECT: kafka09!.zookeeper, EXAMPLE_TOPIC: topic },
      });
      expect(result.code, describeRun('facade:kafka-node', result)).to.equal(0);
      expect(result.stdout).to.equal(expectedOutput(topic));
    });
  });
});
