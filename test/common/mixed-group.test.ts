import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { createKafka } from '../../src/kafka';
import type { ConsumedMessage, ConsumerGroup, RebalanceEvent } from '../../src/common/types';
import { until } from '../helpers/poll';

// A rolling deploy in miniature, through the common interface only: one member on each backend in the same group.
describe('common: a kafka-node-backend member and a kafkajs-backend member share one group', function () {
  this.timeout(90000);
  let broker: EmbeddedBroker;
  before(async () => {
    broker = await startBroker({ logger: silentLogger });
  });
  after(async () => {
    await broker.stop();
  });

  for (const protocol of ['roundrobin', 'range'] as const) {
    it(`${protocol}: partitions split between the two, every message from either producer consumed exactly once`, async () => {
      const topic = `mixed-${protocol}`;
      const groupId = `mixed-group-${protocol}`;
      const legacy = createKafka({ backend: 'kafka-node', brokers: broker.brokers });
      const modern = createKafka({ backend: 'kafkajs', brokers: broker.brokers });
      const admin = modern.admin();
      await admin.connect();
      await admin.createTopics([{ topic, numPartitions: 4 }]);
      await admin.disconnect();

      const received: { member: string; message: ConsumedMessage }[] = [];
      const assignments = new Map<string, RebalanceEvent>();
      const members: ConsumerGroup[] = [];
      for (const [name, backend] of [['kafka-node', legacy], ['kafkajs', modern]] as const) {
        const member = backend.consumerGroup({ groupId, topics: [topic], fromOffset: 'earliest', protocols: [protocol], sessionTimeoutMs: 10000 });
        member.on('assigned', (event) => assignments.set(name, event));
        await member.connect();
        await member.run({ eachMessage: (message) => void received.push({ member: name, message }) });
        members.push(member);
      }
      // Both members hold partitions once the second join has settled.
      const held = (name: string): number => assignments.get(name)?.partitions.length ?? 0;
      await until(() => held('kafka-node') + held('kafkajs') === 4, 'both members to hold the 4 partitions', 30000, 50);
      const legacyPartitions = assignments.get('kafka-node')!.partitions.map((p) => p.partition);
      const modernPartitions = assignments.get('kafkajs')!.partitions.map((p) => p.partition);
      expect(legacyPartitions).to.have.length(2);
      expect(modernPartitions).to.have.length(2);
      expect([...legacyPartitions, ...modernPartitions].sort()).to.deep.equal([0, 1, 2, 3]);

      for (const [name, backend] of [['kafka-node', legacy], ['kafkajs', modern]] as const) {
        const producer = backend.producer({ partitioner: 'keyed' });
        await producer.connect();
        for (let i = 0; i < 20; i++) await producer.send({ topic, messages: [{ key: `${name}-${i}`, value: `${name} says ${i}` }] });
        await producer.disconnect();
      }
      await until(() => received.length >= 40, '40 messages', 30000, 50);
      for (const member of members) await member.close();

      const ids = received.map(({ message }) => `${message.partition}/${message.offset}`);
      expect(new Set(ids).size, 'no message consumed twice').to.equal(received.length);
      expect(received).to.have.length(40);
      for (const { member, message } of received) {
        const owner = legacyPartitions.includes(message.partition) ? 'kafka-node' : 'kafkajs';
        expect(member, `partition ${message.partition} read by its owner`).to.equal(owner);
      }
      expect(received.map(({ message }) => message.value!.toString()).filter((v) => v.startsWith('kafka-node says'))).to.have.length(20);
    });
  }
});
