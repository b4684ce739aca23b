/**
 * kafka-node's KafkaClient checks before any I/O: a clientId outside [a-zA-Z0-9._-] throws InvalidConfigError at
 * construction (lib/utils.js validateConfig), createTopics with topic names answers InvalidConfigError for a name Kafka
 * cannot have (validateTopicNames) on the callback.
 */
import { expect } from 'chai';
import { newClient } from '../../helpers/differential-scenarios';
import type { ConformanceScenario } from '../helpers';
import { answer, construction } from './errors';

const ILLEGAL = "is illegal, contains a character other than ASCII alphanumerics, '.', '_' and '-'";

export const KAFKA_CLIENT_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'an illegal clientId throws InvalidConfigError; createTopics answers InvalidConfigError for an illegal topic name',
    async run(context) {
      context.record(
        construction(() => new context.kafka.KafkaClient({ kafkaHost: context.kafkaHost, clientId: 'a b' })),
      );
      const client = newClient(context.kafka, context.kafkaHost);
      const createTopics = client.createTopics.bind(client) as unknown as (
        topics: string[],
        cb: (error: unknown, result?: unknown) => void,
      ) => void;
      for (const name of ['bad topic!', '', '..', 'x'.repeat(250)])
        context.record(await answer((done) => createTopics([name], done)));
      await new Promise<void>((resolve) => client.close(() => resolve()));
    },
    check(trace) {
      expect(trace[0]).to.equal(`thrown InvalidConfigError/InvalidConfigError: clientId a b ${ILLEGAL}`);
      expect(trace.slice(1)).to.deep.equal([
        {
          error: {
            name: 'InvalidConfigError',
            message: 'topic name bad topic! is illegal, contains a character other than ASCII alphanumerics .,_ and -',
          },
        },
        { error: { name: 'InvalidConfigError', message: 'topic name is illegal, cannot be empty' } },
        { error: { name: 'InvalidConfigError', message: 'topic name cannot be . or ..' } },
        {
          error: { name: 'InvalidConfigError', message: 'topic name is illegal, cannot be longer than 249 characters' },
        },
      ]);
    },
  },
];
