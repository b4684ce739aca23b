/**
 * The programs under examples/ are kafka-node code as users wrote it (2017-2019 blog style). Each one runs unchanged
 * as a child process four ways: on the real kafka-node 5.0.0, and through the facade's require hook on backends
 * kafka-node, kafkajs and confluent. Every way gets its own embedded broker with the same topics, so the four
 * outputs must be byte for byte the same; the kafka-node output is also checked against what the program should
 * print (so four equally broken runs cannot pass).
 *
 * The runs start together in `before`, a few processes at a time, each after the runs whose messages it reads (03
 * after 01, "03 again" after 03, 06 after 02); each test then checks its own. The facade modes preload the facade
 * transpiled once (test/adapter/helpers/compiled-facade.ts) instead of compiling it with ts-node in every process.
 */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { createPartitionChooser } from '../../src/common/partitioners';
import { ConcurrentCases, limiter } from '../helpers/concurrency';
import { compiledFacadeRegister } from './helpers/compiled-facade';
import {
  describeRun,
  runExample,
  RUN_MODES,
  type ExampleResult,
  type RunMode,
  type RunOptions,
} from './helpers/run-example';

export const EXAMPLE_TOPICS: Record<string, number> = { orders: 3, 'web-events': 3, audit: 2 };

export function createTopics(broker: EmbeddedBroker, topics: Record<string, number> = EXAMPLE_TOPICS): void {
  for (const [name, partitions] of Object.entries(topics)) {
    const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
    if (result.errorCode !== 0) throw new Error(`creating ${name} failed with error ${result.errorCode}`);
  }
}

function expectSameOutput(results: Map<RunMode, ExampleResult>): string {
  const reference = results.get('kafka-node')!;
  expect(reference.code, describeRun('kafka-node', reference)).to.equal(0);
  for (const [mode, result] of results) {
    expect(result.code, describeRun(mode, result)).to.equal(0);
    expect(result.stdout, `${mode} printed something else than kafka-node\n${describeRun(mode, result)}`).to.equal(
      reference.stdout,
    );
  }
  return reference.stdout;
}

/** The consumers' own deadline (EXAMPLE_TIMEOUT_MS, 20 s by default): joining a group on a loaded machine can take longer. */
const CONSUMER_DEADLINE_MS = '60000';

describe('adapter/examples: each example prints the same on kafka-node, facade(kafka-node), facade(kafkajs) and facade(confluent)', function () {
  // Up to four node processes at once, the runs of a test queued behind another's: generous bounds for loaded machines.
  this.timeout(180000);
  const brokers = new Map<RunMode, EmbeddedBroker>();
  const processes = limiter(4);
  const cases = new ConcurrentCases<Map<RunMode, ExampleResult>>();

  async function runEverywhere(
    example: string,
    env: Record<string, string>,
    onLine?: RunOptions['onLine'],
  ): Promise<Map<RunMode, ExampleResult>> {
    const facadeRegister = compiledFacadeRegister();
    const runs = [...brokers].map(
      async ([mode, broker]) =>
        [
          mode,
          await processes(() =>
            runExample(mode, example, {
              env: { KAFKA_HOST: broker.bootstrap, ...env },
              onLine,
              timeoutMs: 120000,
              facadeRegister,
            }),
          ),
        ] as const,
    );
    return new Map(await Promise.all(runs));
  }

  before(async () => {
    for (const mode of RUN_MODES) {
      const broker = await startEmbedded();
      createTopics(broker);
      brokers.set(mode, broker);
    }
    // Each run after the runs whose messages it reads.
    cases.start('01', () => runEverywhere('01-keyed-producer.js', { EXAMPLE_TOPIC: 'orders', EXAMPLE_COUNT: '6' }));
    cases.start('02', () =>
      runEverywhere('02-high-level-producer.js', {
        EXAMPLE_TOPIC: 'web-events',
        EXAMPLE_COUNT: '5',
        EXAMPLE_INTERVAL_MS: '20',
      }),
    );
    cases.start('04', () => runEverywhere('04-offsets.js', { EXAMPLE_TOPIC: 'audit', EXAMPLE_COUNT: '3' }));
    cases.start(
      '03',
      () =>
        runEverywhere('03-consumer-group.js', {
          EXAMPLE_TOPIC: 'orders',
          EXAMPLE_GROUP: 'billing',
          EXAMPLE_COUNT: '6',
          EXAMPLE_TIMEOUT_MS: CONSUMER_DEADLINE_MS,
        }),
      ['01'],
    );
    cases.start(
      '03 again',
      () =>
        runEverywhere(
          '03-consumer-group.js',
          {
            EXAMPLE_TOPIC: 'orders',
            EXAMPLE_GROUP: 'billing',
            EXAMPLE_COUNT: '1',
            EXAMPLE_TIMEOUT_MS: CONSUMER_DEADLINE_MS,
          },
          (line, kill) => {
            if (line === 'joined group') setTimeout(() => kill('SIGTERM'), 1500);
          },
        ),
      ['03'],
    );
    cases.start(
      '06',
      () =>
        runEverywhere('06-consumer.js', {
          EXAMPLE_TOPIC: 'web-events',
          EXAMPLE_OFFSET: '0',
          EXAMPLE_COUNT: '2',
          EXAMPLE_TIMEOUT_MS: CONSUMER_DEADLINE_MS,
        }),
      ['02'],
    );
  });
  after(async () => {
    await cases.settled();
    for (const broker of brokers.values()) await broker.stop();
  });

  it("01: KeyedMessages with gzip go to the keyed partitioner's partition, offsets in order", async () => {
    const stdout = expectSameOutput(await cases.result('01'));
    const keyed = createPartitionChooser('keyed');
    const customers = ['alice', 'bob', 'carol'];
    const nextOffset = new Map<number, number>();
    const expected = ['producer ready'];
    for (let i = 0; i < 6; i++) {
      const key = customers[i % 3]!;
      const partition = keyed([0, 1, 2], Buffer.from(key));
      const offset = nextOffset.get(partition) ?? 0;
      nextOffset.set(partition, offset + 1);
      expected.push(`order ${i + 1} key=${key} -> partition ${partition} offset ${offset}`);
    }
    expected.push('sent 6 message(s)', 'producer closed', '');
    expect(stdout).to.equal(expected.join('\n'));
  });

  it('02: HighLevelProducer cycles over the partitions on its interval, then closes', async () => {
    const stdout = expectSameOutput(await cases.result('02'));
    const lines = stdout.trim().split('\n');
    expect(lines[0]).to.equal('producer ready');
    expect(lines.slice(1, 6)).to.deep.equal(
      [0, 1, 2, 0, 1].map((partition, i) => `event ${i + 1} data: {"web-events":{"${partition}":${i < 3 ? 0 : 1}}}`),
    );
    expect(lines[6]).to.equal('sent 5 event(s), producer closed');
  });

  it('03: a roundrobin ConsumerGroup from earliest reads the 6 orders of 01, commits and leaves', async () => {
    const stdout = expectSameOutput(await cases.result('03'));
    const lines = stdout.trim().split('\n');
    expect(lines[0]).to.equal('joined group');
    const consumed = lines.slice(1, 7).map((line) => /^orders\/(\d)@(\d) key=(\w+) value=(.*)$/.exec(line));
    expect(consumed.every(Boolean), stdout).to.equal(true);
    const ids = consumed.map((match) => (JSON.parse(match![4]!) as { id: number }).id).sort();
    expect(ids).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(lines.slice(7)).to.deep.equal(['consumed 6 message(s), stopping: done', 'left the group']);
  });

  it('03 again, same group: the commit on close holds, nothing is read twice (stopped 1.5 s after joining)', async () => {
    const results = await cases.result('03 again');
    for (const [mode, result] of results) {
      expect(result.code, describeRun(mode, result)).to.equal(0);
      expect(result.stdout, describeRun(mode, result)).to.equal(
        'joined group\nconsumed 0 message(s), stopping: SIGTERM\nleft the group\n',
      );
    }
  });

  it('04: Offset fetchLatestOffsets, fetchEarliestOffsets and fetch agree with what was sent', async () => {
    const stdout = expectSameOutput(await cases.result('04'));
    expect(stdout).to.equal(
      [
        'sent: {"audit":{"0":0}}',
        'latest: {"audit":{"0":3,"1":0}}',
        'earliest: {"audit":{"0":0,"1":0}}',
        'fetch partition 0, time -1: {"audit":{"0":[3]}}',
        '',
      ].join('\n'),
    );
  });

  it('06: a plain Consumer reads partition 0 of the events of 02 from an explicit offset, then closes', async () => {
    const stdout = expectSameOutput(await cases.result('06'));
    // 02's cyclic partitioner put events 1 and 4 on partition 0.
    expect(stdout).to.equal(
      'partition 0 offset 0: event 1 on /page/1\npartition 0 offset 1: event 4 on /page/1\nread 2 message(s), stopping: done\n',
    );
  });
});
