import { expect } from 'chai';
import { call, useFacadeSuite } from './helpers/facade-suite';
import { until } from '../helpers/poll';
import {
  Consumer,
  ConsumerStream,
  KafkaClient,
  Offset,
  Producer,
  type Message,
  type ProduceResult,
} from '../../src/adapter';
import type { BackendName } from '../../src/common/types';

for (const backend of ['kafka-node', 'kafkajs', 'confluent'] as BackendName[]) {
  describe(`adapter facade on the ${backend} backend: the plain Consumer (assigned partitions, explicit offsets)`, function () {
    this.timeout(60000);
    const suite = useFacadeSuite();
    const { closers } = suite;
    const prefix = `consumer-${backend === 'kafkajs' ? 'modern' : backend === 'confluent' ? 'confluent' : 'legacy'}`;

    async function readyClient(): Promise<KafkaClient> {
      const client = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
      closers.push(() => new Promise((resolve) => client.close(() => resolve())));
      await new Promise<void>((resolve) => client.once('ready', () => resolve()));
      return client;
    }

    async function produce(topic: string, partition: number, values: string[]): Promise<void> {
      suite.broker.cluster.createTopic({ name: topic, numPartitions: 2, replicationFactor: 1 });
      const producer = new Producer(await readyClient());
      await call<ProduceResult>((cb) => producer.send([{ topic, partition, messages: values }], cb));
    }

    function consume(consumer: Consumer): Message[] {
      const messages: Message[] = [];
      consumer.on('message', (message: Message) => messages.push(message));
      closers.push(() => new Promise((resolve) => consumer.close(() => resolve())));
      return messages;
    }

    it("fromOffset: starts exactly at the requested offset, setOffset rewinds, commit answers kafka-node's shape", async () => {
      const topic = `${prefix}-offsets`;
      await produce(topic, 0, ['m0', 'm1', 'm2', 'm3', 'm4']);
      const consumer = new Consumer(await readyClient(), [{ topic, partition: 0, offset: 2 }], {
        groupId: `${prefix}-g`,
        fromOffset: true,
        autoCommit: false,
      });
      const messages = consume(consumer);
      await until(() => messages.length === 3, 'offsets 2..4');
      expect(messages.map((m) => [m.offset, m.value, m.partition, m.highWaterOffset])).to.deep.equal([
        [2, 'm2', 0, 5],
        [3, 'm3', 0, 5],
        [4, 'm4', 0, 5],
      ]);
      consumer.setOffset(topic, 0, 1);
      await until(() => messages.length === 7, 'offsets 1..4 again');
      expect(messages.slice(3).map((m) => m.offset)).to.deep.equal([1, 2, 3, 4]);
      expect(await call((cb) => consumer.commit(true, cb))).to.deep.equal({ [topic]: { partition: 0, errorCode: 0 } });
      const offset = new Offset(consumer.client);
      expect(await call((cb) => offset.fetchCommits(`${prefix}-g`, [{ topic, partition: 0 }], cb))).to.deep.equal({
        [topic]: { 0: 5 },
      });
    });

    it("without fromOffset: resumes from the group's committed offset; nothing committed means offset 0", async () => {
      const topic = `${prefix}-committed`;
      await produce(topic, 1, ['a', 'b', 'c']);
      const first = new Consumer(await readyClient(), [{ topic, partition: 1 }], {
        groupId: `${prefix}-resume`,
        autoCommit: true,
        autoCommitIntervalMs: 100,
      });
      const firstMessages = consume(first);
      await until(() => firstMessages.length === 3, 'all three');
      expect(firstMessages.map((m) => m.offset)).to.deep.equal([0, 1, 2]);
      await new Promise<void>((resolve, reject) => first.close(true, (error) => (error ? reject(error) : resolve())));
      await produce(topic, 1, ['d']);
      const second = new Consumer(await readyClient(), [{ topic, partition: 1 }], {
        groupId: `${prefix}-resume`,
        autoCommit: false,
      });
      const secondMessages = consume(second);
      await until(() => secondMessages.length === 1, 'the new message');
      expect(secondMessages.map((m) => [m.offset, m.value])).to.deep.equal([[3, 'd']]);
    });

    it('ConsumerStream reads the requested partition as a Readable of kafka-node messages', async () => {
      const topic = `${prefix}-stream`;
      await produce(topic, 1, ['s0', 's1', 's2']);
      const stream = new ConsumerStream(await readyClient(), [{ topic, partition: 1, offset: 1 }], {
        groupId: `${prefix}-stream-g`,
        fromOffset: true,
        autoCommit: false,
      });
      closers.push(() => new Promise((resolve) => stream.close(() => resolve())));
      const read: Message[] = [];
      stream.on('data', (message: Message) => read.push(message));
      await until(() => read.length === 2, 's1 and s2');
      expect(read.map((m) => [m.partition, m.offset, m.value])).to.deep.equal([
        [1, 1, 's1'],
        [1, 2, 's2'],
      ]);
    });

    it('an offset past the end emits offsetOutOfRange; setOffset recovers', async () => {
      const topic = `${prefix}-range`;
      await produce(topic, 0, ['x', 'y']);
      const consumer = new Consumer(await readyClient(), [{ topic, partition: 0, offset: 50 }], {
        groupId: `${prefix}-range-g`,
        fromOffset: true,
        autoCommit: false,
      });
      const messages = consume(consumer);
      const outOfRange: Array<{ topic: string; partition: number }> = [];
      consumer.on('offsetOutOfRange', (event: { topic: string; partition: number }) => {
        outOfRange.push({ topic: event.topic, partition: event.partition });
        consumer.setOffset(event.topic, event.partition, 0);
      });
      await until(() => messages.length === 2, 'both messages after the reset');
      expect(outOfRange[0]).to.deep.equal({ topic, partition: 0 });
      expect(messages.map((m) => m.value)).to.deep.equal(['x', 'y']);
    });
  });
}
