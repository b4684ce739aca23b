/**
 * kafka-node's ConsumerStream (lib/consumerStream.js): a Readable whose every `data` event is also a `message` event,
 * with createCommitStream() answering a CommitStream that commits what is piped into it (commitComplete event).
 */
import { expect } from 'chai';
import type { Message } from 'kafka-node';
import { newClient, produceWith } from '../../helpers/differential-scenarios';
import { until } from '../../../helpers/poll';
import type { ConformanceScenario } from '../helpers';

interface CommitComplete {
  group: string;
  commits: Array<{ topic: string; partition: number; offset: number }>;
}

interface ConsumerStreamLike extends NodeJS.ReadableStream {
  createCommitStream(options: object): NodeJS.ReadWriteStream & { clearInterval(): void };
  close(force: boolean, cb: () => void): void;
}

export const CONSUMER_STREAM_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'ConsumerStream emits message and data for each message; createCommitStream commits what is piped into it',
    async run(context) {
      const topic = context.name('stream-commit');
      await context.createTopic(topic, 1);
      context.record(await produceWith(context, [{ topic, partition: 0, messages: ['m0', 'm1', 'm2'] }]));
      const client = newClient(context.kafka, context.kafkaHost);
      // Not in kafka-node's type declarations; no `encoding` option: kafka-node hands its options to Readable, where
      // an encoding breaks object mode.
      const { ConsumerStream } = context.kafka as unknown as {
        ConsumerStream: new (client: unknown, topics: object[], options: object) => ConsumerStreamLike;
      };
      const stream = new ConsumerStream(client, [{ topic, partition: 0, offset: 0 }], {
        groupId: context.name('stream-group'),
        fromOffset: true,
        autoCommit: false,
      });
      const data: string[] = [];
      const messages: string[] = [];
      stream.on('data', (message: Message) => data.push(String(message.value)));
      stream.on('message', (message: Message) => messages.push(String(message.value)));
      const commitStream = stream.createCommitStream({ autoCommit: true, autoCommitIntervalMs: 300 });
      const completed: CommitComplete[] = [];
      commitStream.on('commitComplete', (event: CommitComplete) => completed.push(event));
      stream.pipe(commitStream);
      await until(() => data.length >= 3, 'three messages', 20000);
      await until(
        () => completed.some((c) => c.commits.some((p) => p.offset === 3)),
        `the commit of three messages (completed: ${JSON.stringify(completed)})`,
        20000,
      );
      context.record({ data, messages });
      const last = completed.find((c) => c.commits.some((p) => p.offset === 3))!;
      context.record({
        group: last.group,
        commits: last.commits.map(({ topic: t, partition, offset }) => ({ topic: t, partition, offset })),
      });
      commitStream.clearInterval();
      await new Promise<void>((resolve) => stream.close(false, () => resolve()));
    },
    check(trace) {
      expect(trace[1]).to.deep.equal({ data: ['m0', 'm1', 'm2'], messages: ['m0', 'm1', 'm2'] });
      expect(trace[2]).to.deep.equal({
        group: 'stream-group',
        commits: [{ topic: 'stream-commit', partition: 0, offset: 3 }],
      });
    },
  },
];
