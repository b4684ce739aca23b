/**
 * kafka-node's ConsumerGroupStream (lib/consumerGroupStream.js): a Readable over a ConsumerGroup that, with autoCommit
 * (its default), queues the offset after every message it emits as `data` and commits the queue on close. A new
 * stream on the same group starts where the last one's `data` stopped: what was read is never read again.
 */
import { expect } from 'chai';
import type { Message } from 'kafka-node';
import { produceWith, text, type ScenarioContext } from '../../helpers/differential-scenarios';
import { until } from '../../../helpers/poll';
import type { ConformanceScenario } from '../helpers';

interface GroupStreamLike extends NodeJS.ReadableStream {
  close(cb: (error?: unknown) => void): void;
}

function groupStream(context: ScenarioContext, groupId: string, topic: string): GroupStreamLike {
  return new context.kafka.ConsumerGroupStream(
    {
      kafkaHost: context.kafkaHost,
      groupId,
      fromOffset: 'earliest',
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      fetchMaxWaitMs: 100,
      encoding: 'utf8',
    },
    [topic],
  ) as unknown as GroupStreamLike;
}

const closed = (stream: GroupStreamLike): Promise<string> =>
  new Promise((resolve) => stream.close((error) => resolve(error ? `close error ${String(error)}` : 'closed')));

/** Reads `count` messages in paused mode (read(), each one a `data` event), then lets autoCommit queue them. */
async function readSome(stream: GroupStreamLike, count: number): Promise<string[]> {
  // No 'data' listener: one would switch the stream to flowing mode. read() emits 'data' for what it answers.
  const values: string[] = [];
  await until(
    () => {
      let message: Message | null;
      while (values.length < count && (message = stream.read() as unknown as Message | null) !== null)
        values.push(text(message.value) ?? '');
      return values.length >= count;
    },
    `${count} messages read`,
    30000,
  );
  // kafka-node queues the commit of a `data` message on the next turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  return values;
}

export const CONSUMER_GROUP_STREAM_SCENARIOS: ConformanceScenario[] = [
  {
    name: 'autoCommit: a second stream on the same group starts after the last message the first one emitted',
    async run(context) {
      const topic = context.name('group-stream-resume');
      const groupId = context.name('group-stream-group');
      await context.createTopic(topic, 1);
      const values = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
      context.record(await produceWith(context, [{ topic, partition: 0, messages: values }]));
      const first = groupStream(context, groupId, topic);
      context.record(await readSome(first, 2));
      context.record(await closed(first));
      const second = groupStream(context, groupId, topic);
      const rest = await readSome(second, 4);
      // Long enough for anything beyond the four left to arrive, had the group resumed earlier.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const more: unknown[] = [];
      for (let message; (message = second.read() as unknown as Message | null) !== null;)
        more.push(text(message.value));
      context.record(rest.concat(more as string[]));
      context.record(await closed(second));
      const third = groupStream(context, groupId, topic);
      context.record(await produceWith(context, [{ topic, partition: 0, messages: ['r6'] }]));
      context.record(await readSome(third, 1));
      context.record(await closed(third));
    },
    check(trace) {
      expect(trace[1]).to.deep.equal(['r0', 'r1']);
      expect(trace[3]).to.deep.equal(['r2', 'r3', 'r4', 'r5']);
      expect(trace[6]).to.deep.equal(['r6']);
    },
  },
];
