import { expect } from 'chai';
import { call, useFacadeSuite } from './helpers/facade-suite';
import { until } from '../helpers/poll';
import {
  Admin,
  ConsumerGroup,
  ConsumerGroupStream,
  KafkaClient,
  Offset,
  Producer,
  ProducerStream,
  type CustomPartitionAssignmentProtocol,
  type Message,
  type ProduceResult,
} from '../../src/adapter';
import type { BackendName } from '../../src/common/types';

for (const backend of ['kafka-node', 'kafkajs'] as BackendName[]) {
  describe(`adapter facade on the ${backend} backend: custom protocols, topic changes, pause, streams`, function () {
    this.timeout(60000);
    const suite = useFacadeSuite();
    const { closers } = suite;
    const prefix = `features-${backend === 'kafkajs' ? 'modern' : 'legacy'}`;

    async function send(
      topic: string,
      partitions: number,
      payloads: Array<{ partition: number; messages: string[] }>,
    ): Promise<void> {
      if (!suite.broker.cluster.getPartition(topic, 0))
        suite.broker.cluster.createTopic({ name: topic, numPartitions: partitions, replicationFactor: 1 });
      const client = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
      const producer = new Producer(client);
      await new Promise<void>((resolve) => producer.once('ready', () => resolve()));
      await call<ProduceResult>((cb) =>
        producer.send(
          payloads.map((p) => ({ topic, ...p })),
          cb,
        ),
      );
      await new Promise((resolve) => producer.close(resolve));
    }

    function group(
      groupId: string,
      topics: string[],
      extra: Partial<ConstructorParameters<typeof ConsumerGroup>[0]> = {},
    ): { group: ConsumerGroup; messages: Message[] } {
      const created = new ConsumerGroup(
        {
          kafkaHost: suite.broker.bootstrap,
          backend,
          groupId,
          fromOffset: 'earliest',
          sessionTimeout: 10000,
          heartbeatInterval: 500,
          ...extra,
        },
        topics,
      );
      const messages: Message[] = [];
      created.on('message', (message: Message) => messages.push(message));
      closers.push(() => new Promise((resolve) => created.close(() => resolve())));
      return { group: created, messages };
    }

    it('a kafka-node custom assignment protocol decides who reads what', async () => {
      const topic = `${prefix}-custom`;
      await send(
        topic,
        4,
        [0, 1, 2, 3].map((partition) => ({ partition, messages: [`p${partition}`] })),
      );
      const calls: Array<{ partitions: Record<string, Array<string | number>>; members: string[] }> = [];
      const firstOnly: CustomPartitionAssignmentProtocol = {
        name: 'first-only',
        version: 0,
        userData: {},
        assign(topicPartition, groupMembers, cb) {
          const partitions = topicPartition as Record<string, string[]>;
          const members = (groupMembers as Array<{ id: string }>).map((m) => m.id).sort();
          calls.push({ partitions, members });
          cb(
            null,
            members.map((memberId, i) => ({ memberId, topicPartitions: i === 0 ? partitions : {}, version: 0 })),
          );
        },
      };
      const a = group(`${prefix}-custom-g`, [topic], { protocol: [firstOnly] });
      await until(() => a.messages.length === 4, 'all four on the only member');
      expect(calls[0]!.partitions).to.deep.equal({ [topic]: ['0', '1', '2', '3'] });
      const b = group(`${prefix}-custom-g`, [topic], { protocol: [firstOnly] });
      await until(
        () => calls.some((c) => c.members.length === 2) && a.group.ready && b.group.ready,
        'the two-member assignment',
      );
      const [firstMember, secondMember] = calls.find((c) => c.members.length === 2)!.members;
      expect([a.group.memberId, b.group.memberId].sort()).to.deep.equal([firstMember, secondMember]);
      const admin = new Admin(a.group.client);
      const described = await call<
        Record<
          string,
          { members: Array<{ memberId: string; memberAssignment: { partitions: Record<string, number[]> } }> }
        >
      >((cb) => admin.describeGroups([`${prefix}-custom-g`], cb));
      const byMember = Object.fromEntries(
        described[`${prefix}-custom-g`]!.members.map((m) => [m.memberId, m.memberAssignment.partitions]),
      );
      expect(byMember).to.deep.equal({ [firstMember!]: { [topic]: [0, 1, 2, 3] }, [secondMember!]: {} });
    });

    it('topicPayloads lists the current assignment as kafka-node does, kept up to date on rebalance', async () => {
      const topic = `${prefix}-payloads`;
      await send(
        topic,
        4,
        [0, 1, 2, 3].map((partition) => ({ partition, messages: [`p${partition}-0`, `p${partition}-1`] })),
      );
      const names = (g: ConsumerGroup): string[] => g.topicPayloads.map((p) => `${p.topic}/${p.partition}`).sort();
      const all = [0, 1, 2, 3].map((partition) => `${topic}/${partition}`);
      const a = group(`${prefix}-payloads-g`, [topic], { fetchMaxBytes: 65536 });
      await until(() => a.messages.length === 8, 'all eight messages on the only member');
      expect(names(a.group)).to.deep.equal(all);
      for (const payload of a.group.topicPayloads) {
        expect(Object.keys(payload), "kafka-node's payload fields").to.deep.equal([
          'topic',
          'partition',
          'offset',
          'maxBytes',
          'metadata',
        ]);
        expect(payload, `${payload.topic}/${payload.partition}`).to.deep.include({
          offset: 2,
          maxBytes: 65536,
          metadata: 'm',
        });
      }
      const b = group(`${prefix}-payloads-g`, [topic], { fetchMaxBytes: 65536 });
      await until(
        () =>
          a.group.ready && b.group.ready && a.group.topicPayloads.length === 2 && b.group.topicPayloads.length === 2,
        'the two-member assignment',
      );
      expect([...names(a.group), ...names(b.group)].sort(), 'the two assignments cover the topic once').to.deep.equal(
        all,
      );
    });

    it('addTopics and removeTopics change what the group reads; pause stops delivery until resume', async () => {
      const first = `${prefix}-topic-a`;
      const second = `${prefix}-topic-b`;
      await send(first, 1, [{ partition: 0, messages: ['a0'] }]);
      await send(second, 1, [{ partition: 0, messages: ['b0'] }]);
      const member = group(`${prefix}-change-g`, [first]);
      await until(() => member.messages.length === 1, 'a0');
      await call((cb) => member.group.addTopics([second], cb));
      await until(() => member.messages.some((m) => m.value === 'b0'), 'b0 after addTopics');
      expect(member.group.topics).to.deep.equal([first, second]);
      expect(await call<number>((cb) => member.group.removeTopics([first], cb))).to.equal(1);
      expect(member.group.topics).to.deep.equal([second]);
      await until(() => member.group.ready, 'rejoined');
      member.group.pause();
      await send(second, 1, [{ partition: 0, messages: ['b1'] }]);
      await send(first, 1, [{ partition: 0, messages: ['a1'] }]);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(member.messages.map((m) => m.value)).to.not.include('b1');
      member.group.resume();
      await until(() => member.messages.some((m) => m.value === 'b1'), 'b1 after resume');
      expect(member.messages.map((m) => m.value)).to.not.include('a1');
    });

    it('a committed offset past the log end: offsetOutOfRange, then outOfRangeOffset (earliest) applies', async () => {
      const topic = `${prefix}-out-of-range`;
      await send(topic, 1, [{ partition: 0, messages: ['r0', 'r1', 'r2'] }]);
      const offsetClient = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
      closers.push(() => new Promise((resolve) => offsetClient.close(() => resolve())));
      await call((cb) =>
        new Offset(offsetClient).commit(`${prefix}-range-g`, [{ topic, partition: 0, offset: 50 }], cb),
      );
      const member = group(`${prefix}-range-g`, [topic], { fromOffset: 'latest', outOfRangeOffset: 'earliest' });
      const outOfRange: Array<{ topic: string; partition: number }> = [];
      member.group.on('offsetOutOfRange', (event: { topic: string; partition: number }) =>
        outOfRange.push({ topic: event.topic, partition: event.partition }),
      );
      await until(() => member.messages.length === 3, 'the three messages from earliest');
      expect(outOfRange[0]).to.deep.equal({ topic, partition: 0 });
      expect(member.messages.map((m) => m.offset)).to.deep.equal([0, 1, 2]);
    });

    it('ProducerStream writes ProduceRequests; ConsumerGroupStream reads them as kafka-node messages', async () => {
      const topic = `${prefix}-streams`;
      suite.broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
      const producer = new ProducerStream({ kafkaClient: { kafkaHost: suite.broker.bootstrap, backend } });
      for (const value of ['s0', 's1', 's2']) producer.write({ topic, messages: [value] });
      await new Promise<void>((resolve, reject) => producer.end(() => resolve()).on('error', reject));
      await new Promise<void>((resolve) => producer.close(() => resolve()));
      const stream = new ConsumerGroupStream(
        {
          kafkaHost: suite.broker.bootstrap,
          backend,
          groupId: `${prefix}-stream-g`,
          fromOffset: 'earliest',
          sessionTimeout: 10000,
        },
        topic,
      );
      closers.push(() => new Promise((resolve) => stream.close(() => resolve())));
      const values: string[] = [];
      stream.on('data', (message: Message) => values.push(String(message.value)));
      await until(() => values.length === 3, 'three streamed messages');
      expect(values).to.deep.equal(['s0', 's1', 's2']);
    });
  });
}
