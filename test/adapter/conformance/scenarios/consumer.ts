/**
 * kafka-node's plain Consumer as its README and lib/consumer.js define it: a simple consumer of the partitions it is
 * given (no group membership), offsets from the payloads or groupId's commits, offsetOutOfRange as an event,
 * TopicsNotExistError for unknown topics, addTopics answering the topic names, pauseTopics per partition.
 */
import { expect } from 'chai';
import type { Message } from 'kafka-node';
import { settle } from '../../helpers/kafka-modules';
import {
  close,
  newClient,
  produceWith,
  startGroup,
  text,
  type ScenarioContext,
} from '../../helpers/differential-scenarios';
import { until } from '../../../helpers/poll';
import type { ConformanceScenario } from '../helpers';

interface Received {
  topic: string;
  partition: number;
  offset: number;
  value: string | null;
}

/** A plain Consumer that records its messages (as { topic, partition, offset, value }), errors and out-of-range events. */
function recordingConsumer(
  context: ScenarioContext,
  payloads: Array<{ topic: string; partition?: number; offset?: number } | string>,
  options: Record<string, unknown>,
) {
  const client = newClient(context.kafka, context.kafkaHost);
  const consumer = new context.kafka.Consumer(client, payloads as never, {
    autoCommit: false,
    fetchMaxWaitMs: 100,
    encoding: 'utf8',
    ...options,
  });
  const messages: Received[] = [];
  const errors: Array<{ name: string; message: string }> = [];
  const outOfRange: Array<{ name: string; message: string; topic: unknown; partition: unknown }> = [];
  consumer.on('message', (message: Message) =>
    messages.push({
      topic: message.topic,
      partition: message.partition ?? -1,
      offset: message.offset ?? -1,
      value: text(message.value),
    }),
  );
  consumer.on('error', (error: Error) => errors.push({ name: error.name, message: error.message }));
  consumer.on('offsetOutOfRange', (error: Error & { topic?: unknown; partition?: unknown }) =>
    outOfRange.push({ name: error.name, message: error.message, topic: error.topic, partition: error.partition }),
  );
  const sorted = (): Received[] =>
    [...messages].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset);
  const closed = (): Promise<unknown> =>
    settle<unknown>((done) => consumer.close(false, (error: unknown) => done(error, 'closed')));
  return { consumer, messages, errors, outOfRange, sorted, close: closed };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const CONSUMER_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'with the groupId of a running ConsumerGroup: reads its partitions without joining (the group never rebalances)',
    async run(context) {
      await context.createTopic(context.name('shared-id'), 1);
      context.record(
        await produceWith(context, [{ topic: context.name('shared-id'), partition: 0, messages: ['s0', 's1', 's2'] }]),
      );
      const group = startGroup(context, {
        groupId: context.name('shared-group'),
        topics: [context.name('shared-id')],
        fromOffset: 'earliest',
        protocol: ['roundrobin'],
        recordHighWater: false,
      });
      await until(() => group.messages.length >= 3, 'the group reads three messages');
      const plain = recordingConsumer(context, [{ topic: context.name('shared-id'), partition: 0, offset: 1 }], {
        groupId: context.name('shared-group'),
        fromOffset: true,
      });
      await until(() => plain.messages.length >= 2, 'the plain consumer reads two messages', 20000);
      // Long enough for a join, had there been one, to make the group rebalance.
      await pause(1500);
      context.record(plain.sorted());
      context.record(plain.errors);
      context.record(await plain.close());
      context.record(await group.close(false));
      context.record(group.events);
    },
    check(trace) {
      expect((trace[1] as Received[]).map((m) => m.value)).to.deep.equal(['s1', 's2']);
      expect(trace[2]).to.deep.equal([]);
      expect(trace[5]).to.deep.equal(['rebalancing', 'connect', 'rebalanced', 'message']);
    },
  },
  {
    name: 'without fromOffset: commits (standalone, under groupId) are where the next Consumer of that groupId starts',
    byDesign: [{ entry: 5, facadeValue: { result: { commits: { 0: 2 } } }, warning: 'consumer.commit.kafka-storage' }],
    async run(context) {
      await context.createTopic(context.name('commits'), 1);
      context.record(
        await produceWith(context, [
          { topic: context.name('commits'), partition: 0, messages: ['c0', 'c1', 'c2', 'c3'] },
        ]),
      );
      const first = recordingConsumer(context, [{ topic: context.name('commits'), partition: 0 }], {
        groupId: context.name('commit-group'),
      });
      await until(() => first.messages.length >= 4, 'four messages');
      first.consumer.setOffset(context.name('commits'), 0, 2);
      context.record(await settle((done) => first.consumer.commit(true, done)));
      context.record(await first.close());
      const second = recordingConsumer(context, [{ topic: context.name('commits'), partition: 0 }], {
        groupId: context.name('commit-group'),
      });
      await until(() => second.messages.length >= 2, 'two messages');
      context.record(second.sorted());
      context.record(await second.close());
      const client = newClient(context.kafka, context.kafkaHost);
      const offset = new context.kafka.Offset(client);
      context.record(
        await settle((done) =>
          offset.fetchCommits(context.name('commit-group'), [{ topic: context.name('commits'), partition: 0 }], done),
        ),
      );
      await close(client);
    },
    check(trace) {
      expect(trace[1]).to.deep.equal({ result: { commits: { partition: 0, errorCode: 0 } } });
      expect((trace[3] as Received[]).map((m) => m.offset)).to.deep.equal([2, 3]);
    },
  },
  {
    name: 'offsetOutOfRange event for an offset past the end; setOffset recovers',
    async run(context) {
      await context.createTopic(context.name('out-of-range'), 1);
      context.record(
        await produceWith(context, [{ topic: context.name('out-of-range'), partition: 0, messages: ['only'] }]),
      );
      const plain = recordingConsumer(context, [{ topic: context.name('out-of-range'), partition: 0, offset: 50 }], {
        groupId: context.name('oor-group'),
        fromOffset: true,
      });
      await until(() => plain.outOfRange.length >= 1, 'offsetOutOfRange');
      context.record(plain.outOfRange[0]);
      plain.consumer.setOffset(context.name('out-of-range'), 0, 0);
      await until(() => plain.messages.length >= 1, 'the message after setOffset');
      context.record(plain.sorted());
      context.record(plain.errors);
      context.record(await plain.close());
    },
    check(trace) {
      expect(trace[1]).to.deep.equal({
        name: 'Error',
        message: 'OffsetOutOfRange',
        topic: 'out-of-range',
        partition: 0,
      });
      expect((trace[2] as Received[]).map((m) => m.value)).to.deep.equal(['only']);
    },
  },
  {
    name: 'a topic that does not exist: TopicsNotExistError on the error event, and from addTopics',
    notOnKafka09: 'Kafka 0.9 here creates unknown topics',
    async run(context) {
      const plain = recordingConsumer(context, [{ topic: context.name('missing-topic'), partition: 0 }], {
        groupId: context.name('missing-group'),
      });
      await until(() => plain.errors.length >= 1, 'the error');
      context.record(plain.errors[0]);
      context.record(await settle((done) => plain.consumer.addTopics([context.name('missing-too')], done)));
      context.record(await plain.close());
    },
    check(trace) {
      expect(trace[0]).to.deep.equal({
        name: 'TopicsNotExistError',
        message: 'The topic(s) missing-topic do not exist',
      });
      expect(trace[1]).to.deep.equal({
        error: { name: 'TopicsNotExistError', message: 'The topic(s) missing-too do not exist' },
      });
    },
  },
  {
    name: 'addTopics answers the topic names, by name (committed offsets) and with offsets (fromOffset true)',
    async run(context) {
      for (const base of ['add-a', 'add-b', 'add-c']) await context.createTopic(context.name(base), 1);
      context.record(
        await produceWith(context, [
          { topic: context.name('add-a'), partition: 0, messages: ['a0'] },
          { topic: context.name('add-b'), partition: 0, messages: ['b0', 'b1'] },
          { topic: context.name('add-c'), partition: 0, messages: ['c0', 'c1', 'c2'] },
        ]),
      );
      const plain = recordingConsumer(context, [{ topic: context.name('add-a'), partition: 0 }], {
        groupId: context.name('add-group'),
      });
      await until(() => plain.messages.length >= 1, 'a0');
      context.record(await settle((done) => plain.consumer.addTopics([context.name('add-b')], done)));
      context.record(
        await settle((done) =>
          plain.consumer.addTopics([{ topic: context.name('add-c'), partition: 0, offset: 1 }] as never, done, true),
        ),
      );
      await until(() => plain.messages.length >= 5, 'five messages');
      context.record(plain.sorted());
      context.record(await plain.close());
    },
    check(trace) {
      expect(trace[1]).to.deep.equal({ result: ['add-b'] });
      expect(trace[2]).to.deep.equal({ result: ['add-c'] });
      expect((trace[3] as Received[]).map((m) => m.value)).to.deep.equal(['a0', 'b0', 'b1', 'c1', 'c2']);
    },
  },
  {
    name: 'pauseTopics / resumeTopics with a partition pause and resume that partition only',
    async run(context) {
      await context.createTopic(context.name('pause-partition'), 2);
      context.record(
        await produceWith(context, [
          { topic: context.name('pause-partition'), partition: 0, messages: ['p0-0', 'p0-1'] },
          { topic: context.name('pause-partition'), partition: 1, messages: ['p1-0'] },
        ]),
      );
      const topic = context.name('pause-partition');
      const plain = recordingConsumer(
        context,
        [
          { topic, partition: 0 },
          { topic, partition: 1 },
        ],
        { groupId: context.name('pause-group'), fromOffset: true, paused: true },
      );
      plain.consumer.pauseTopics([{ topic, partition: 1 }]);
      plain.consumer.resume();
      await until(() => plain.messages.length >= 2, 'partition 0');
      await pause(1000);
      context.record(plain.sorted());
      plain.consumer.resumeTopics([{ topic, partition: 1 }]);
      await until(() => plain.messages.length >= 3, 'partition 1');
      context.record(plain.sorted());
      context.record(await plain.close());
    },
    check(trace) {
      expect((trace[1] as Received[]).map((m) => m.value)).to.deep.equal(['p0-0', 'p0-1']);
      expect((trace[2] as Received[]).map((m) => m.value)).to.deep.equal(['p0-0', 'p0-1', 'p1-0']);
    },
  },
  {
    name: 'a Consumer created before the messages are produced receives them',
    async run(context) {
      await context.createTopic(context.name('later'), 1);
      const plain = recordingConsumer(context, [{ topic: context.name('later'), partition: 0 }], {
        groupId: context.name('later-group'),
      });
      await pause(1500);
      context.record(plain.messages.length);
      context.record(
        await produceWith(context, [{ topic: context.name('later'), partition: 0, messages: ['l0', 'l1'] }]),
      );
      await until(() => plain.messages.length >= 2, 'two messages');
      context.record(plain.sorted());
      context.record(plain.errors);
      context.record(await plain.close());
    },
    check(trace) {
      expect(trace[0]).to.equal(0);
      expect((trace[2] as Received[]).map((m) => m.value)).to.deep.equal(['l0', 'l1']);
    },
  },
];
