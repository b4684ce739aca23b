/**
 * kafka-node's ConsumerGroup (lib/consumerGroup.js) and plain Consumer (lib/consumer.js) check their arguments at
 * construction, synchronously: an illegal groupId is InvalidConfigError (lib/utils.js validateConfig), an empty topic
 * list assert's AssertionError, a partition that is not a number InvalidConfigError, no payloads Error.
 *
 * Partition changes: the group re-reads its topics' partition counts every topicPartitionCheckInterval and, when one
 * changed, commits (with autoCommit), leaves and joins again, so partitions added with CreatePartitions are read.
 */
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { newClient, produceWith, startGroup } from '../../helpers/differential-scenarios';
import { until } from '../../../helpers/poll';
import type { ConformanceScenario } from '../helpers';
import { construction } from './errors';

const ILLEGAL = "is illegal, contains a character other than ASCII alphanumerics, '.', '_' and '-'";

export const GROUP_VALIDATION_SCENARIO: ConformanceScenario = {
  name: 'an illegal groupId or topic list throws at construction with kafka-node error classes and messages',
  async run(context) {
    const topic = context.name('validation');
    await context.createTopic(topic, 1);
    const { ConsumerGroup, Consumer } = context.kafka;
    const group = (groupId: string, topics: string[]) =>
      // kafka-node builds the group's client before its checks and leaves it behind when one throws: autoConnect off
      // keeps that client from connecting (its errors would be emitted by a group nobody listens to).
      construction(
        () => new ConsumerGroup({ kafkaHost: context.kafkaHost, groupId, autoConnect: false } as never, topics),
      );
    context.record(group('bad group!', [topic]));
    context.record(group('good-group', []));
    const clients: Array<{ close(cb: () => void): void }> = [];
    const consumer = (payloads: unknown, options: object) =>
      construction(() => {
        const client = newClient(context.kafka, context.kafkaHost);
        clients.push(client);
        return new Consumer(client, payloads as never, options);
      });
    context.record(consumer([{ topic, partition: 0 }], { groupId: 'bad id', autoCommit: false }));
    context.record(consumer([{ topic, partition: '0' }], { autoCommit: false }));
    context.record(consumer(null, {}));
    // kafka-node's Consumer connects its client before it checks groupId: close what was opened.
    for (const client of clients) await new Promise<void>((resolve) => client.close(() => resolve()));
  },
  check(trace) {
    expect(trace).to.deep.equal([
      `thrown InvalidConfigError/InvalidConfigError: options.groupId bad group! ${ILLEGAL}`,
      'thrown AssertionError/AssertionError: Array of topics shall not be empty',
      `thrown InvalidConfigError/InvalidConfigError: options.groupId bad id ${ILLEGAL}`,
      'thrown InvalidConfigError/InvalidConfigError: Offset must be a number and can not contain characters',
      'thrown Error/Error: Must have payloads',
    ]);
  },
};

/** CreatePartitions over the wire (kafka-node has no such request): the topic grows to `count` partitions. */
async function createPartitions(kafkaHost: string, topic: string, count: number): Promise<void> {
  const admin = new Kafka({ brokers: [kafkaHost], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count }] });
  } finally {
    await admin.disconnect();
  }
}

const rebalances = (events: string[]): number => events.filter((event) => event === 'rebalanced').length;

export const PARTITION_CHANGE_SCENARIO: ConformanceScenario = {
  notOnKafka09: 'CreatePartitions came with Kafka 1.0',
  name: 'partitions added with CreatePartitions are assigned within topicPartitionCheckInterval (the group rejoins)',
  async run(context) {
    const topic = context.name('growing');
    await context.createTopic(topic, 1);
    context.record(await produceWith(context, [{ topic, partition: 0, messages: ['a0'] }]));
    const member = startGroup(context, {
      groupId: context.name('growing-group'),
      topics: [topic],
      fromOffset: 'earliest',
      protocol: ['roundrobin'],
      recordHighWater: false,
      more: { topicPartitionCheckInterval: 1000 },
    });
    await until(() => member.messages.length >= 1, 'the first message', 30000);
    await createPartitions(context.kafkaHost, topic, 3);
    await until(() => rebalances(member.events) >= 2, 'a rebalance after the partitions were added', 30000);
    context.record(
      await produceWith(context, [
        { topic, partition: 1, messages: ['b1'] },
        { topic, partition: 2, messages: ['b2'] },
      ]),
    );
    // a0 again too: autoCommit is off, so the rejoined member starts partition 0 from earliest as well.
    await until(() => member.messages.length >= 4, 'the messages of the new partitions', 30000);
    context.record(member.sortedMessages().map(({ partition, offset, value }) => ({ partition, offset, value })));
    context.record(member.events);
    context.record(await member.close(false));
  },
  check(trace) {
    expect(trace[3]).to.deep.equal([
      'rebalancing',
      'connect',
      'rebalanced',
      'message',
      'rebalancing',
      'connect',
      'rebalanced',
      'message',
    ]);
    expect(trace[2]).to.deep.equal([
      { partition: 0, offset: 0, value: 'a0' },
      { partition: 0, offset: 0, value: 'a0' },
      { partition: 1, offset: 0, value: 'b1' },
      { partition: 2, offset: 0, value: 'b2' },
    ]);
  },
};

export const CONSUMER_GROUP_SCENARIOS: ConformanceScenario[] = [GROUP_VALIDATION_SCENARIO, PARTITION_CHANGE_SCENARIO];
