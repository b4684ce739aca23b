/**
 * SIGTERM while an example runs, on the real kafka-node and through the facade on both backends: the producer lets
 * the send in flight complete and closes; the consumer group member prints what it read, commits it and leaves.
 */
import { expect } from 'chai';
import * as kafkaNode from 'kafka-node';
import { callback, withKafkaNodeClient } from '../broker/differential/clients';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { describeRun, runExample, RUN_MODES, type RunMode } from './helpers/run-example';

describe('adapter/examples on SIGTERM: kafka-node, facade(kafka-node), facade(kafkajs)', function () {
  this.timeout(60000);
  const brokers = new Map<RunMode, EmbeddedBroker>();

  before(async () => {
    for (const mode of RUN_MODES) {
      const broker = await startEmbedded();
      for (const [name, partitions] of Object.entries({ 'sigterm-events': 3, 'web-events': 3 })) {
        const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
        if (result.errorCode !== 0) throw new Error(`creating ${name} failed with error ${result.errorCode}`);
      }
      brokers.set(mode, broker);
    }
  });
  after(async () => {
    for (const broker of brokers.values()) await broker.stop();
  });

  it('02 on SIGTERM: the send in flight completes, the producer closes, exit 0', async () => {
    const runs = [...brokers].map(async ([mode, broker]) => {
      const result = await runExample(mode, '02-high-level-producer.js', {
        env: {
          KAFKA_HOST: broker.bootstrap,
          EXAMPLE_TOPIC: 'sigterm-events',
          EXAMPLE_COUNT: '1000',
          EXAMPLE_INTERVAL_MS: '20',
        },
        onLine: (line, kill) => {
          if (line.startsWith('event 3 ')) kill('SIGTERM');
        },
      });
      return [mode, result] as const;
    });
    for (const [mode, result] of await Promise.all(runs)) {
      expect(result.code, describeRun(mode, result)).to.equal(0);
      const lines = result.stdout.trim().split('\n');
      const acknowledged = lines.filter((line) => line.startsWith('event ')).length;
      expect(acknowledged, describeRun(mode, result)).to.be.within(3, 4);
      expect(lines[lines.length - 1]).to.equal(`sent ${acknowledged} event(s), producer closed`);
    }
  });

  it('03 on SIGTERM: prints what it consumed, commits it and leaves the group', async () => {
    const runs = [...brokers].map(async ([mode, broker]) => {
      // Five events for 03 to read, written by 02 itself.
      const events = await runExample(mode, '02-high-level-producer.js', {
        env: {
          KAFKA_HOST: broker.bootstrap,
          EXAMPLE_TOPIC: 'web-events',
          EXAMPLE_COUNT: '5',
          EXAMPLE_INTERVAL_MS: '10',
        },
      });
      expect(events.code, describeRun(mode, events)).to.equal(0);
      const first = await runExample(mode, '03-consumer-group.js', {
        env: {
          KAFKA_HOST: broker.bootstrap,
          EXAMPLE_TOPIC: 'web-events',
          EXAMPLE_GROUP: 'sigterm-group',
          EXAMPLE_COUNT: '1000',
        },
        onLine: (line, kill) => {
          if (line === 'joined group') setTimeout(() => kill('SIGTERM'), 1500);
        },
      });
      // What the group committed, asked with the real kafka-node whatever the mode.
      const committed = await withKafkaNodeClient(broker.bootstrap, (client) =>
        callback<unknown>((done) =>
          new kafkaNode.Offset(client).fetchCommits(
            'sigterm-group',
            [0, 1, 2].map((partition) => ({ topic: 'web-events', partition })),
            done,
          ),
        ),
      );
      return { mode, first, committed };
    });
    for (const { mode, first, committed } of await Promise.all(runs)) {
      expect(first.code, describeRun(mode, first)).to.equal(0);
      // web-events holds the 5 events of 02, cycled over 3 partitions.
      expect(first.stdout, describeRun(mode, first)).to.match(
        /\nconsumed 5 message\(s\), stopping: SIGTERM\nleft the group\n$/,
      );
      expect(committed, mode).to.deep.equal({ 'web-events': { 0: 2, 1: 2, 2: 1 } });
    }
  });
});
