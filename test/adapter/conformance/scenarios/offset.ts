/**
 * kafka-node's Offset (lib/offset.js) with a partition list it cannot serve: a partition that is not a number has no
 * leader in its metadata, so fetch and commit answer BrokerNotAvailableError('Could not find the leader'); latest
 * offsets of a topic that does not exist answer Error('Topic(s) does not exist').
 */
import { expect } from 'chai';
import { newClient, readyOrError } from '../../helpers/differential-scenarios';
import type { ConformanceScenario } from '../helpers';
import { answer } from './errors';

export const OFFSET_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'invalid partition lists: fetch and commit answer kafka-node errors, a missing topic Topic(s) does not exist',
    async run(context) {
      const topic = context.name('offset-errors');
      await context.createTopic(topic, 1);
      const client = newClient(context.kafka, context.kafkaHost);
      const offset = new context.kafka.Offset(client);
      context.record(await readyOrError(client, 'client'));
      const bad = { topic, partition: 'x' as unknown as number };
      context.record(await answer((done) => offset.fetch([{ ...bad, time: -1, maxNum: 1 }], done)));
      context.record(
        await answer((done) => offset.commit(context.name('offset-group'), [{ ...bad, offset: 1 }], done)),
      );
      context.record(await answer((done) => offset.fetchLatestOffsets([context.name('no-such-topic')], done)));
      await new Promise<void>((resolve) => client.close(() => resolve()));
    },
    check(trace) {
      expect(trace.slice(1)).to.deep.equal([
        { error: { name: 'BrokerNotAvailableError', message: 'Could not find the leader' } },
        { error: { name: 'BrokerNotAvailableError', message: 'Could not find the leader' } },
        { error: { name: 'Error', message: 'Topic(s) does not exist' } },
      ]);
    },
  },
];
