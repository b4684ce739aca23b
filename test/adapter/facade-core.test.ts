import { expect } from 'chai';
import { call, useFacadeSuite } from './helpers/facade-suite';
import { until } from '../helpers/poll';
import {
  Admin,
  ConsumerGroup,
  HighLevelProducer,
  KafkaClient,
  KeyedMessage,
  KeyedPartitioner,
  Offset,
  Producer,
  TopicsNotExistError,
  type Message,
  type ProduceRequest,
  type ProduceResult,
} from '../../src/adapter';
import type { BackendName } from '../../src/common/types';
import * as realKafkaNode from 'kafka-node';

function ready(emitter: { once(event: 'ready', listener: () => void): unknown; ready: boolean }): Promise<void> {
  return emitter.ready ? Promise.resolve() : new Promise((resolve) => emitter.once('ready', () => resolve()));
}

for (const backend of ['kafka-node', 'kafkajs'] as BackendName[]) {
  describe(`adapter facade on the ${backend} backend: KafkaClient, Producer, ConsumerGroup, Offset, Admin`, function () {
    this.timeout(60000);
    const suite = useFacadeSuite();
    const { closers } = suite;
    const prefix = backend === 'kafkajs' ? 'modern' : 'legacy';

    function client(): KafkaClient {
      const created = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
      closers.push(() => new Promise((resolve) => created.close(() => resolve())));
      return created;
    }

    async function createTopic(topic: string, partitions: number): Promise<void> {
      const admin = client();
      await ready(admin);
      const failures = await call<unknown[]>((cb) =>
        admin.createTopics([{ topic, partitions, replicationFactor: 1 }], cb),
      );
      expect(failures).to.deep.equal([]);
    }

    it('KafkaClient emits connect then ready, knows the backend, and topicExists reports missing topics', async () => {
      const kafka = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
      closers.push(() => new Promise((resolve) => kafka.close(() => resolve())));
      const events: string[] = [];
      kafka.on('connect', () => events.push('connect'));
      await new Promise<void>((resolve) => kafka.once('ready', () => resolve()));
      events.push('ready');
      expect(events).to.deep.equal(['connect', 'ready']);
      expect(kafka.backendName).to.equal(backend);
      expect(kafka.clientId).to.equal('kafka-node-client');
      await createTopic(`${prefix}-exists`, 2);
      await call<void>((cb) => kafka.topicExists([`${prefix}-exists`], (error) => cb(error ?? null)));
      const error = await call<void>((cb) =>
        kafka.topicExists([`${prefix}-exists`, `${prefix}-missing`], (e) => cb(e ?? null)),
      ).catch((e: Error) => e);
      expect(error).to.be.instanceOf(TopicsNotExistError);
      expect((error as TopicsNotExistError).topics).to.deep.equal([`${prefix}-missing`]);
      expect((error as Error).message).to.equal(`The topic(s) ${prefix}-missing do not exist`);
      const [brokers, cluster] = await call<
        [
          Record<number, { host: string; port: number; nodeId: number }>,
          { metadata: Record<string, Record<number, { partition: number; leader: number }>> },
        ]
      >((cb) => kafka.loadMetadataForTopics([`${prefix}-exists`], (e, r) => cb(e, r as never)));
      expect(Object.values(brokers).map((b) => `${b.host}:${b.port}`)).to.deep.equal(suite.broker.brokers);
      expect(Object.keys(cluster.metadata)).to.deep.equal([`${prefix}-exists`]);
      expect(Object.values(cluster.metadata[`${prefix}-exists`]!).map((p) => p.partition)).to.deep.equal([0, 1]);
    });

    it("Producer.send answers { topic: { partition: offset } }; partitioner choices are kafka-node's", async () => {
      const topic = `${prefix}-send`;
      await createTopic(topic, 3);
      const kafka = client();
      const producer = new Producer(kafka, { partitionerType: 3, requireAcks: 1 });
      await new Promise<void>((resolve) => producer.on('ready', () => resolve()));
      const first = await call<ProduceResult>((cb) =>
        producer.send([{ topic, messages: ['a', 'b'], key: 'user-1' }], cb),
      );
      const expected = new KeyedPartitioner().getPartition([0, 1, 2], 'user-1')!;
      expect(first).to.deep.equal({ [topic]: { [expected]: 0 } });
      const second = await call<ProduceResult>((cb) =>
        producer.send(
          [
            { topic, messages: 'c', key: 'user-1' },
            { topic, messages: ['d'], partition: (expected + 1) % 3 },
          ],
          cb,
        ),
      );
      expect(second).to.deep.equal({ [topic]: { [expected]: 2, [(expected + 1) % 3]: 0 } });

      const cyclic = new HighLevelProducer(kafka);
      await ready(cyclic);
      const payloads: ProduceRequest[] = [0, 1, 2].map((i) => ({ topic, messages: `cyclic-${i}` }));
      await call<ProduceResult>((cb) => cyclic.send(payloads, cb));
      expect(payloads.map((p) => p.partition)).to.deep.equal([0, 1, 2]);

      const noAck = new Producer(kafka, { requireAcks: 0 });
      await ready(noAck);
      expect(await call<ProduceResult>((cb) => noAck.send([{ topic, messages: 'x', partition: 0 }], cb))).to.deep.equal(
        { result: 'no ack' },
      );
    });

    it('ConsumerGroup fromOffset earliest receives KeyedMessages (gzip) and strings as kafka-node message objects', async () => {
      const topic = `${prefix}-consume`;
      await createTopic(topic, 2);
      const kafka = client();
      const producer = new Producer(kafka);
      await ready(producer);
      await call<ProduceResult>((cb) =>
        producer.send(
          [
            {
              topic,
              partition: 0,
              attributes: 1,
              messages: [new KeyedMessage('k1', 'v1'), new KeyedMessage('k2', Buffer.from('v2'))],
            },
            { topic, partition: 1, messages: ['plain'], key: 'pk' },
          ],
          cb,
        ),
      );
      const group = new ConsumerGroup(
        {
          kafkaHost: suite.broker.bootstrap,
          backend,
          groupId: `${prefix}-g1`,
          fromOffset: 'earliest',
          sessionTimeout: 10000,
        },
        topic,
      );
      closers.push(() => new Promise((resolve) => group.close(true, () => resolve())));
      const events: string[] = [];
      const messages: Message[] = [];
      group.on('connect', () => events.push('connect'));
      group.on('rebalanced', () => events.push('rebalanced'));
      group.on('message', (message: Message) => messages.push(message));
      await until(() => messages.length === 3, 'three messages');
      expect(events.slice(0, 2)).to.deep.equal(['connect', 'rebalanced']);
      expect(group.generationId).to.be.a('number');
      expect(group.memberId).to.be.a('string');
      const byOffset = messages.sort((a, b) => a.partition! - b.partition! || a.offset! - b.offset!);
      for (const message of byOffset) {
        expect(Object.keys(message)).to.deep.equal([
          'topic',
          'value',
          'offset',
          'partition',
          'highWaterOffset',
          'key',
          'timestamp',
        ]);
        expect(message.timestamp).to.be.instanceOf(Date);
      }
      expect(
        byOffset.map(({ topic: t, value, offset, partition, highWaterOffset, key }) => ({
          t,
          value,
          offset,
          partition,
          highWaterOffset,
          key,
        })),
      ).to.deep.equal([
        { t: topic, value: 'v1', offset: 0, partition: 0, highWaterOffset: 2, key: 'k1' },
        { t: topic, value: 'v2', offset: 1, partition: 0, highWaterOffset: 2, key: 'k2' },
        { t: topic, value: 'plain', offset: 0, partition: 1, highWaterOffset: 1, key: 'pk' },
      ]);
    });

    it('Offset: fetch, fetchLatestOffsets, fetchEarliestOffsets, commit and fetchCommits in kafka-node shapes', async () => {
      const topic = `${prefix}-offsets`;
      await createTopic(topic, 2);
      const kafka = client();
      const producer = new Producer(kafka);
      await ready(producer);
      await call<ProduceResult>((cb) => producer.send([{ topic, partition: 1, messages: ['a', 'b', 'c'] }], cb));
      const offset = new Offset(kafka);
      expect(await call((cb) => offset.fetchLatestOffsets([topic], cb))).to.deep.equal({ [topic]: { 0: 0, 1: 3 } });
      expect(await call((cb) => offset.fetchEarliestOffsets([topic], cb))).to.deep.equal({ [topic]: { 0: 0, 1: 0 } });
      expect(
        await call((cb) =>
          offset.fetch(
            [
              { topic, partition: 1, time: -1 },
              { topic, partition: 1, time: -2, maxNum: 1 },
              { topic, partition: 0 },
            ],
            cb,
          ),
        ),
      ).to.deep.equal({
        [topic]: { 1: [0], 0: [0] },
      });
      expect(await call((cb) => offset.fetch([{ topic, partition: 1 }], cb))).to.deep.equal({ [topic]: { 1: [3] } });
      const groupId = `${prefix}-offset-group`;
      expect(
        await call((cb) =>
          offset.fetchCommits(
            groupId,
            [
              { topic, partition: 0 },
              { topic, partition: 1 },
            ],
            cb,
          ),
        ),
      ).to.deep.equal({ [topic]: { 0: -1, 1: -1 } });
      expect(await call((cb) => offset.commit(groupId, [{ topic, partition: 1, offset: 2 }], cb))).to.deep.equal({
        [topic]: { partition: 1, errorCode: 0 },
      });
      expect(
        await call((cb) =>
          offset.fetchCommits(
            groupId,
            [
              { topic, partition: 0 },
              { topic, partition: 1 },
            ],
            cb,
          ),
        ),
      ).to.deep.equal({ [topic]: { 0: -1, 1: 2 } });
      const error = await call((cb) => offset.fetchLatestOffsets([`${prefix}-nope`], cb)).catch((e: Error) => e);
      expect((error as Error).message).to.equal('Topic(s) does not exist');
    });

    it('Offset.commit is refused while the group has active members (Kafka accepts outside commits only for empty groups)', async () => {
      const topic = `${prefix}-busy`;
      await createTopic(topic, 1);
      const group = new ConsumerGroup(
        {
          kafkaHost: suite.broker.bootstrap,
          backend,
          groupId: `${prefix}-busy-g`,
          fromOffset: 'earliest',
          sessionTimeout: 10000,
        },
        topic,
      );
      closers.push(() => new Promise((resolve) => group.close(() => resolve())));
      await new Promise<void>((resolve) => group.once('rebalanced', () => resolve()));
      const offset = new Offset(client());
      const error = await call((cb) =>
        offset.commit(`${prefix}-busy-g`, [{ topic, partition: 0, offset: 1 }], cb),
      ).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect(await call((cb) => offset.fetchCommits(`${prefix}-busy-g`, [{ topic, partition: 0 }], cb))).to.deep.equal({
        [topic]: { 0: -1 },
      });
    });

    it('Admin.describeConfigs answers exactly what the real kafka-node answers', async () => {
      const topic = `${prefix}-configs`;
      suite.broker.cluster.createTopic({
        name: topic,
        numPartitions: 1,
        replicationFactor: 1,
        configs: { 'retention.ms': '1000' },
      });
      const payload = () => ({
        resources: [{ resourceType: 'topic', resourceName: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
        includeSynonyms: false,
      });
      const realClient = new realKafkaNode.KafkaClient({ kafkaHost: suite.broker.bootstrap });
      closers.push(() => new Promise((resolve) => realClient.close(() => resolve())));
      // kafka-node's type declarations leave its Admin class out.
      const RealAdmin = (
        realKafkaNode as unknown as {
          Admin: new (client: unknown) => {
            describeConfigs(p: unknown, cb: (e: Error | null, d: unknown) => void): void;
          };
        }
      ).Admin;
      const realAdmin = new RealAdmin(realClient);
      await new Promise<void>((resolve) => realClient.once('ready', () => resolve()));
      const expected = await call<unknown>((cb) => realAdmin.describeConfigs(payload(), cb));
      const admin = new Admin(client());
      const answered = await call<unknown>((cb) => admin.describeConfigs(payload(), cb));
      expect(answered).to.deep.equal(expected);
      expect(JSON.stringify(answered)).to.contain('"configName":"retention.ms","configValue":"1000"');
      const bad = await call<unknown>((cb) =>
        admin.describeConfigs({ resources: [{ resourceType: 'group', resourceName: 'x' }] }, cb),
      ).catch((e: Error) => e);
      expect((bad as Error).message).to.equal('Unexpected resource type group for resource x');
    });

    it('Admin: listTopics, listGroups, describeGroups in kafka-node shapes', async () => {
      const topic = `${prefix}-admin`;
      await createTopic(topic, 1);
      const kafka = client();
      const admin = new Admin(kafka);
      await ready(admin);
      const [, cluster] = await call<[unknown, { metadata: Record<string, unknown> }]>((cb) =>
        admin.listTopics((e, r) => cb(e, r as never)),
      );
      expect(cluster.metadata).to.have.property(topic);
      const group = new ConsumerGroup(
        {
          kafkaHost: suite.broker.bootstrap,
          backend,
          groupId: `${prefix}-admin-group`,
          fromOffset: 'earliest',
          sessionTimeout: 10000,
        },
        [topic],
      );
      closers.push(() => new Promise((resolve) => group.close(() => resolve())));
      await new Promise<void>((resolve) => group.once('rebalanced', () => resolve()));
      const groups = await call<Record<string, string>>((cb) => admin.listGroups(cb));
      expect(groups[`${prefix}-admin-group`]).to.equal('consumer');
      const described = await call<
        Record<
          string,
          {
            state: string;
            members: Array<{ memberId: string; memberAssignment: { partitions: Record<string, number[]> } }>;
          }
        >
      >((cb) => admin.describeGroups([`${prefix}-admin-group`], cb));
      const description = described[`${prefix}-admin-group`]!;
      expect(description.state).to.equal('Stable');
      expect(description.members.map((m) => m.memberId)).to.deep.equal([group.memberId]);
      expect(description.members[0]!.memberAssignment.partitions).to.deep.equal({ [topic]: [0] });
    });
  });
}
