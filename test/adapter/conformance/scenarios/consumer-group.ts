/**
 * kafka-node's ConsumerGroup (lib/consumerGroup.js) and plain Consumer (lib/consumer.js) check their arguments at
 * construction, synchronously: an illegal groupId is InvalidConfigError (lib/utils.js validateConfig), an empty topic
 * list assert's AssertionError, a partition that is not a number InvalidConfigError, no payloads Error.
 */
import { expect } from 'chai';
import { newClient } from '../../helpers/differential-scenarios';
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
      construction(() => new ConsumerGroup({ kafkaHost: context.kafkaHost, groupId }, topics));
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

export const CONSUMER_GROUP_SCENARIOS: ConformanceScenario[] = [GROUP_VALIDATION_SCENARIO];
