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
 *
 * Kafka 0.9 starts while the ZooKeeper tests run; the programs of each part start together in its `before`, a few
 * processes at a time (03 after 01 and 06 after 02, whose messages they read), and each test checks its own. The
 * facade modes preload the facade transpiled once (test/adapter/helpers/compiled-facade.ts).
 */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startOrSkip } from '../fixtures/processes';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { startKafka09Proxy } from '../broker/differential/targets';
import { ConcurrentCases, limiter } from '../helpers/concurrency';
import { compiledFacadeRegister } from './helpers/compiled-facade';
import { describeRun, runExample, type ExampleResult, type RunMode, type RunOptions } from './helpers/run-example';
import { registerBroker, startZooKeeper, type StandaloneZooKeeper } from './helpers/zookeeper';

const FACADE_MODES = ['facade:kafka-node', 'facade:kafkajs'] as const;

describe('adapter/examples on ZooKeeper-era brokers: 05 (the 3.x ZooKeeper Client), and every example on Kafka 0.9', function () {
  this.timeout(60000);
  let zookeeper: StandaloneZooKeeper | undefined;
  let broker: EmbeddedBroker | undefined;
  let kafka09Start: Promise<Kafka09> | undefined;
  const processes = limiter(4);
  // A few processes at a time, each slower than alone: a run is a hang only after two minutes.
  const run = (mode: RunMode, example: string, options: RunOptions): Promise<ExampleResult> =>
    processes(() =>
      runExample(mode, example, { ...options, timeoutMs: 120000, facadeRegister: compiledFacadeRegister() }),
    );
  const cases = new ConcurrentCases<ExampleResult>();

  before(async function () {
    zookeeper = await startOrSkip(this, () => startZooKeeper());
    // Starts while the ZooKeeper tests run (not beside the ZooKeeper JVM's own start: both at once on a loaded
    // machine outlast the start timeout).
    kafka09Start = startKafka09({ startTimeoutMs: 120000 });
    kafka09Start.catch(() => undefined); // awaited by the Kafka 0.9 tests' before (which skips them if unavailable)
    broker = await startEmbedded();
    const [host, port] = broker.brokers[0]!.split(':');
    await registerBroker(zookeeper.connect, 1, host!, Number(port));
    const zk = zookeeper.connect;
    cases.start('kafka-node', () =>
      run('kafka-node', '05-zookeeper-client.js', { env: { ZK_CONNECT: zk, EXAMPLE_TOPIC: 'zk-raw' } }),
    );
    for (const mode of FACADE_MODES) {
      const topic = `zk-${mode.replace(':', '-')}`;
      broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
      cases.start(mode, () => run(mode, '05-zookeeper-client.js', { env: { ZK_CONNECT: zk, EXAMPLE_TOPIC: topic } }));
      cases.start(`${mode} under a chroot`, () =>
        run(mode, '05-zookeeper-client.js', {
          env: { ZK_CONNECT: `${zk}/no-cluster-here`, EXAMPLE_TOPIC: 'zk-none' },
        }),
      );
    }
  });
  after(async () => {
    await cases.settled();
    await broker?.stop();
    await zookeeper?.stop();
    await kafka09Start?.then(
      (kafka) => kafka.stop(),
      () => undefined,
    );
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
    const result = await cases.result('kafka-node');
    expect(result.code, describeRun('kafka-node', result)).to.equal(1);
    expect(result.stderr).to.include('TypeError: kafka.Client is not a constructor');
  });

  for (const mode of FACADE_MODES) {
    it(`${mode}: discovers the embedded broker registered in ZooKeeper and sends`, async () => {
      const topic = `zk-${mode.replace(':', '-')}`;
      const result = await cases.result(mode);
      expect(result.code, describeRun(mode, result)).to.equal(0);
      expect(result.stdout, describeRun(mode, result)).to.equal(expectedOutput(topic));
    });
  }

  it('the brokers really come from ZooKeeper: under a chroot where none is registered, both backends say so', async () => {
    for (const mode of FACADE_MODES) {
      const result = await cases.result(`${mode} under a chroot`);
      expect(result.code, describeRun(mode, result)).to.equal(1);
      expect(result.stdout, describeRun(mode, result)).to.match(/^producer error: .*\/brokers\/ids.*\n$/);
    }
  });

  describe('on Apache Kafka 0.9.0.1', function () {
    // Eleven example runs, a few at a time; 0.9 on a loaded machine answers some requests late.
    this.timeout(150000);
    let kafka09: Kafka09 | undefined;
    let proxy: RecordingProxy | undefined;
    const cases09 = new ConcurrentCases<Map<RunMode, ExampleResult>>();
    before(async function () {
      kafka09 = await startOrSkip(this, () => kafka09Start!);
      proxy = await startKafka09Proxy(kafka09);
      const kafka = kafka09;
      const topics = (async () => {
        for (const suffix of ['-raw', '-facade']) {
          await kafka.createTopic(`orders09${suffix}`, 3);
          await kafka.createTopic(`events09${suffix}`, 3);
          await kafka.createTopic(`audit09${suffix}`, 2);
        }
        await kafka.createTopic('zk-kafka09', 1);
      })();
      const afterTopics =
        (start: () => Promise<Map<RunMode, ExampleResult>>) => async (): Promise<Map<RunMode, ExampleResult>> => {
          await topics;
          return start();
        };
      cases09.start(
        '01',
        afterTopics(() => runBoth('01-keyed-producer.js', { EXAMPLE_TOPIC: 'orders09' })),
      );
      cases09.start(
        '02',
        afterTopics(() =>
          runBoth(
            '02-high-level-producer.js',
            { EXAMPLE_TOPIC: 'events09' },
            { EXAMPLE_COUNT: '5', EXAMPLE_INTERVAL_MS: '20' },
          ),
        ),
      );
      cases09.start(
        '04',
        afterTopics(() => runBoth('04-offsets.js', { EXAMPLE_TOPIC: 'audit09' }, { EXAMPLE_COUNT: '3' })),
      );
      cases09.start(
        '03',
        afterTopics(() =>
          runBoth(
            '03-consumer-group.js',
            { EXAMPLE_TOPIC: 'orders09', EXAMPLE_GROUP: 'billing09' },
            { EXAMPLE_COUNT: '6' },
          ),
        ),
        ['01'],
      );
      cases09.start(
        '06',
        afterTopics(() =>
          runBoth('06-consumer.js', { EXAMPLE_TOPIC: 'events09', EXAMPLE_GROUP: 'plain09' }, { EXAMPLE_COUNT: '2' }),
        ),
        ['02'],
      );
      // 05 finds the broker in ZooKeeper, so it talks to 0.9 directly, not through the proxy that swallows
      // ApiVersions. 0.9's socket processor throws on that unknown key and drops every other request it read in the
      // same poll, from any connection (see test/fixtures/recording-proxy.ts): once in a few runs a concurrent
      // example's ListOffsets was lost and timed out (04 on the facade, after 10 s). So 05 runs after all the others.
      cases09.start(
        '05',
        afterTopics(async () => {
          const result = await run('facade:kafka-node', '05-zookeeper-client.js', {
            env: { ZK_CONNECT: kafka.zookeeper, EXAMPLE_TOPIC: 'zk-kafka09' },
          });
          return new Map([['facade:kafka-node', result]]);
        }),
        ['01', '02', '03', '04', '06'],
      );
    });
    after(async () => {
      await cases09.settled();
      await proxy?.close();
    });

    /** Runs `example` on both engines side by side with per-run names; returns the outputs with the names put back. */
    async function runBoth(
      example: string,
      names: Record<string, string>,
      env: Record<string, string> = {},
    ): Promise<Map<RunMode, ExampleResult>> {
      const modes = ['kafka-node', 'facade:kafka-node'] as const;
      const results = await Promise.all(
        modes.map(async (mode) => {
          const suffix = mode === 'kafka-node' ? '-raw' : '-facade';
          const named = Object.fromEntries(
            Object.entries(names).map(([variable, base]) => [variable, `${base}${suffix}`]),
          );
          const result = await run(mode, example, { env: { KAFKA_HOST: proxy!.address, ...named, ...env } });
          const stdout = Object.values(names).reduce(
            (text, base) => text.split(`${base}${suffix}`).join(base),
            result.stdout,
          );
          return [mode, { ...result, stdout }] as const;
        }),
      );
      return new Map(results);
    }

    function expectSame(results: Map<RunMode, ExampleResult>): string {
      for (const [mode, result] of results) expect(result.code, describeRun(mode, result)).to.equal(0);
      const reference = results.get('kafka-node')!;
      const facade = results.get('facade:kafka-node')!;
      expect(facade.stdout, describeRun('facade:kafka-node', facade)).to.equal(reference.stdout);
      return reference.stdout;
    }

    it("01 to 04 and 06 print the same on kafka-node and on the facade's kafka-node backend", async () => {
      const sent = expectSame(await cases09.result('01'));
      expect(sent).to.match(
        /^producer ready\n(order \d key=\w+ -> partition \d offset \d\n){6}sent 6 message\(s\)\nproducer closed\n$/,
      );
      expectSame(await cases09.result('02'));
      const consumed = expectSame(await cases09.result('03'));
      expect(consumed).to.match(/\nconsumed 6 message\(s\), stopping: done\nleft the group\n$/);
      const offsets = expectSame(await cases09.result('04'));
      expect(offsets).to.include('latest: {"audit09":{"0":3,"1":0}}');
      const plain = expectSame(await cases09.result('06'));
      expect(plain).to.match(
        /^partition 0 offset 0: event 1 on \/page\/1\npartition 0 offset 1: event 4 on \/page\/1\nread 2 message\(s\)/,
      );
    });

    it("05 on facade:kafka-node, brokers discovered through 0.9's own ZooKeeper: what it prints on the embedded broker", async () => {
      const topic = 'zk-kafka09';
      const result = (await cases09.result('05')).get('facade:kafka-node')!;
      expect(result.code, describeRun('facade:kafka-node', result)).to.equal(0);
      expect(result.stdout).to.equal(expectedOutput(topic));
    });
  });
});
