import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { createKafka } from '../../src/kafka';
import {
  BACKEND_NAMES,
  type BackendName,
  type ConsumedMessage,
  type ConsumerGroup,
  type RebalanceEvent,
} from '../../src/common/types';
import { until } from '../helpers/poll';

// A rolling deploy in miniature, through the common interface only: one member on each backend in the same group.
// kafka-node names its assignment protocols 'roundrobin' and 'range', as librdkafka names its built-in assignors, and
// kafkajs's members register assigners under those names: whichever member leads, one protocol is chosen for all.
describe('common: a kafka-node-backend, a kafkajs-backend and a confluent-backend member share one group', function () {
  this.timeout(120000);
  const partitions = 2 * BACKEND_NAMES.length;
  let broker: EmbeddedBroker;
  before(async () => {
    broker = await startBroker({ logger: silentLogger });
  });
  after(async () => {
    await broker.stop();
  });

  // The first member to join leads the group and computes everyone's assignment: once kafka-node, once librdkafka.
  const orders = [BACKEND_NAMES, [...BACKEND_NAMES].reverse()];
  for (const protocol of ['roundrobin', 'range'] as const)
    for (const order of orders) {
      it(`${protocol}, ${order.join(' then ')} (${order[0]} leads): partitions split between the members, every message consumed exactly once`, async function () {
        const topic = `mixed-${protocol}-${order[0]}`;
        const groupId = `mixed-group-${protocol}-${order[0]}`;
        const backends = new Map(
          order.map((name) => [name, createKafka({ backend: name, brokers: broker.brokers })] as const),
        );
        const admin = backends.get('kafkajs')!.admin();
        await admin.connect();
        await admin.createTopics([{ topic, numPartitions: partitions }]);
        await admin.disconnect();

        const received: { member: BackendName; message: ConsumedMessage }[] = [];
        const assignments = new Map<BackendName, RebalanceEvent>();
        const members: ConsumerGroup[] = [];
        for (const [name, backend] of backends) {
          const member = backend.consumerGroup({
            groupId,
            topics: [topic],
            fromOffset: 'earliest',
            protocols: [protocol],
            sessionTimeoutMs: 10000,
          });
          member.on('assigned', (event) => assignments.set(name, event));
          await member.connect();
          await member.run({ eachMessage: (message) => void received.push({ member: name, message }) });
          members.push(member);
        }
        // Every member holds its share once the last join has settled.
        const held = (): number => [...assignments.values()].reduce((sum, event) => sum + event.partitions.length, 0);
        const settled = (): boolean =>
          held() === partitions && BACKEND_NAMES.every((name) => assignments.get(name)?.partitions.length === 2);
        await until(
          settled,
          `each of the ${BACKEND_NAMES.length} members to hold 2 of the ${partitions} partitions`,
          60000,
          50,
        );
        const owned = new Map(
          BACKEND_NAMES.map(
            (name) => [name, (assignments.get(name)?.partitions ?? []).map((p) => p.partition)] as const,
          ),
        );
        for (const name of BACKEND_NAMES) expect(owned.get(name), `${name}'s partitions`).to.have.length(2);
        expect([...owned.values()].flat().sort()).to.deep.equal(Array.from({ length: partitions }, (_, i) => i));

        for (const [name, backend] of backends) {
          const producer = backend.producer({ partitioner: 'keyed' });
          await producer.connect();
          for (let i = 0; i < 20; i++)
            await producer.send({ topic, messages: [{ key: `${name}-${i}`, value: `${name} says ${i}` }] });
          await producer.disconnect();
        }
        const total = 20 * BACKEND_NAMES.length;
        await until(() => received.length >= total, `${total} messages`, 60000, 50);
        for (const member of members) await member.close();

        const ids = received.map(({ message }) => `${message.partition}/${message.offset}`);
        expect(new Set(ids).size, 'no message consumed twice').to.equal(received.length);
        expect(received).to.have.length(total);
        for (const { member, message } of received) {
          const owner = BACKEND_NAMES.find((name) => owned.get(name)!.includes(message.partition));
          expect(member, `partition ${message.partition} read by its owner`).to.equal(owner);
        }
        for (const name of BACKEND_NAMES) {
          expect(
            received.map(({ message }) => message.value!.toString()).filter((v) => v.startsWith(`${name} says`)),
            `${name}'s messages`,
          ).to.have.length(20);
        }
      });
    }
});
