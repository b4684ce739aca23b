import { expect } from 'chai';
import { AssignerProtocol, Kafka, logLevel, type Consumer, type ConsumerConfig } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { until } from '../helpers/poll';

/**
 * Consumer groups on the embedded broker as kafkajs 2.2.4 and kafka-node 5.0.0 use them. Members pause their topics so
 * that membership tests need no Fetch (committed offsets exist beforehand, so no ListOffsets either); the end-to-end
 * consumption tests at the bottom use the data path (Produce, Fetch, ListOffsets) too.
 */

interface KafkajsMember {
  readonly consumer: Consumer;
  assigned: number[];
  joins: number;
  crash: Error | null;
}

interface KafkaNodeClientWithGroupRequests {
  sendOffsetCommitV2Request(
    group: string,
    generationId: number,
    memberId: string,
    payloads: { topic: string; partition: number; offset: number; metadata: string }[],
    cb: (error: unknown, result: unknown) => void,
  ): void;
}

interface KafkaNodeDescribedGroup {
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientHost: string; memberAssignment: { partitions: Record<string, number[]> } }[];
}

/** kafka-node's Admin is exported by the library but missing from its type definitions. */
interface KafkaNodeAdminApi {
  listGroups(cb: (error: unknown, groups: Record<string, string>) => void): void;
  describeGroups(
    groupIds: string[],
    cb: (error: unknown, groups: Record<string, KafkaNodeDescribedGroup>) => void,
  ): void;
}
const KafkaNodeAdmin = (kafkaNode as unknown as { Admin: new (client: kafkaNode.KafkaClient) => KafkaNodeAdminApi })
  .Admin;

interface KafkaNodeGroupInternals {
  topicPayloads?: { topic: string; partition: number; offset: number }[];
  memberId?: string;
  generationId?: number;
}

describe('broker/groups: kafkajs and kafka-node consumer groups', () => {
  let broker: EmbeddedBroker;
  let kafka: Kafka;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    broker = await startBroker({ logger: silentLogger });
    kafka = new Kafka({ brokers: broker.brokers, clientId: 'groups-test', logLevel: logLevel.NOTHING });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    await broker.stop();
  });

  function createTopic(name: string, partitions: number): void {
    expect(broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 }).errorCode).to.equal(0);
  }

  /**
   * Commits offset 0 everywhere through kafka-node's OffsetCommit v2 from outside the group (generation -1). The
   * metadata is not empty because kafka-node reads "offset 0, no metadata" back as "nothing committed".
   */
  async function precommit(groupId: string, topic: string, partitions: number): Promise<void> {
    const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, clientId: 'precommit' });
    try {
      const payloads = Array.from({ length: partitions }, (_, partition) => ({
        topic,
        partition,
        offset: 0,
        metadata: 'precommit',
      }));
      await new Promise<void>((resolve, reject) => {
        (client as unknown as KafkaNodeClientWithGroupRequests).sendOffsetCommitV2Request(
          groupId,
          -1,
          '',
          payloads,
          (error) => (error ? reject(error as Error) : resolve()),
        );
      });
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  }

  async function startKafkajsMember(
    groupId: string,
    topic: string,
    config: Partial<ConsumerConfig> = {},
  ): Promise<KafkajsMember> {
    const consumer = kafka.consumer({
      groupId,
      heartbeatInterval: 100,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10000,
      rebalanceTimeout: 5000,
      retry: { retries: 3, restartOnFailure: async () => false },
      ...config,
    });
    const member: KafkajsMember = { consumer, assigned: [], joins: 0, crash: null };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      member.assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      member.joins++;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      member.crash = payload.error;
    });
    cleanups.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const running = consumer.run({ eachMessage: async () => undefined });
    // Paused before the first fetch: membership without the data path.
    consumer.pause([{ topic }]);
    await running;
    return member;
  }

  function startKafkaNodeMember(
    groupId: string,
    topic: string,
    options: Partial<kafkaNode.ConsumerGroupOptions> = {},
  ): { group: kafkaNode.ConsumerGroup; errors: unknown[]; assigned: () => number[]; rebalanced: () => number } {
    const group = new kafkaNode.ConsumerGroup(
      {
        kafkaHost: broker.bootstrap,
        groupId,
        sessionTimeout: 10000,
        heartbeatInterval: 100,
        autoCommit: false,
        fromOffset: 'earliest',
        ...options,
      },
      [topic],
    );
    group.pause();
    const errors: unknown[] = [];
    let rebalances = 0;
    group.on('error', (error) => errors.push(error));
    group.on('rebalanced', () => rebalances++);
    cleanups.push(() => new Promise((resolve) => group.close(true, resolve)));
    const internals = group as unknown as KafkaNodeGroupInternals;
    return {
      group,
      errors,
      assigned: () =>
        (internals.topicPayloads ?? [])
          .filter((p) => p.topic === topic)
          .map((p) => p.partition)
          .sort((a, b) => a - b),
      rebalanced: () => rebalances,
    };
  }

  it('kafkajs: one member gets every partition, a second splits them, and the survivor takes all back', async () => {
    createTopic('split', 4);
    await precommit('split-group', 'split', 4);
    const first = await startKafkajsMember('split-group', 'split');
    expect(first.assigned).to.deep.equal([0, 1, 2, 3]);

    const second = await startKafkajsMember('split-group', 'split');
    await until(
      () => first.joins >= 2 && first.assigned.length + second.assigned.length === 4,
      'both members to rebalance',
    );
    expect(first.assigned).to.have.length(2);
    expect(second.assigned).to.have.length(2);
    expect([...first.assigned, ...second.assigned].sort()).to.deep.equal([0, 1, 2, 3]);

    const admin = kafka.admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    const { groups } = await admin.describeGroups(['split-group']);
    const described = groups[0]!;
    expect(described).to.deep.include({
      groupId: 'split-group',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
    });
    expect(described.members).to.have.length(2);
    const fromDescribe = described.members.map(
      (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment.split ?? [],
    );
    expect(fromDescribe.flat().sort()).to.deep.equal([0, 1, 2, 3]);
    for (const member of described.members) {
      expect(member.clientId).to.equal('groups-test');
      expect(member.clientHost).to.equal('/127.0.0.1');
      expect(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)!.topics).to.deep.equal(['split']);
    }
    const listed = await admin.listGroups();
    expect(listed.groups).to.deep.include({ groupId: 'split-group', protocolType: 'consumer' });

    await first.consumer.disconnect();
    await until(() => second.assigned.length === 4, 'the remaining member to take every partition');
    expect(second.assigned).to.deep.equal([0, 1, 2, 3]);
    expect(broker.cluster.groups.groupState('split-group')).to.equal('Stable');
    expect(first.crash).to.equal(null);
    expect(second.crash).to.equal(null);
  });

  it('kafkajs: committed offsets through admin.fetchOffsets, -1 before and the member commit after', async () => {
    createTopic('ledger', 2);
    const admin = kafka.admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    const before = await admin.fetchOffsets({ groupId: 'ledger-group', topics: ['ledger'] });
    expect(before).to.deep.equal([
      {
        topic: 'ledger',
        partitions: [
          { partition: 0, offset: '-1', metadata: null },
          { partition: 1, offset: '-1', metadata: null },
        ],
      },
    ]);

    await precommit('ledger-group', 'ledger', 2);
    const member = await startKafkajsMember('ledger-group', 'ledger');
    await member.consumer.commitOffsets([
      { topic: 'ledger', partition: 0, offset: '17' },
      { topic: 'ledger', partition: 1, offset: '5' },
    ]);
    const after = await admin.fetchOffsets({ groupId: 'ledger-group', topics: ['ledger'] });
    expect(after[0]!.partitions).to.deep.equal([
      { partition: 0, offset: '17', metadata: null },
      { partition: 1, offset: '5', metadata: null },
    ]);
  });

  for (const protocol of ['roundrobin', 'range'] as const) {
    it(`kafka-node ConsumerGroup (${protocol}) joins, gets assignments, and splits them with a second member`, async () => {
      const topic = `kn-${protocol}`;
      const groupId = `kn-${protocol}-group`;
      createTopic(topic, 4);
      await precommit(groupId, topic, 4);
      const first = startKafkaNodeMember(groupId, topic, { protocol: [protocol], fromOffset: 'earliest' });
      await until(() => first.assigned().length === 4, 'the first kafka-node member to own every partition');

      const second = startKafkaNodeMember(groupId, topic, { protocol: [protocol], fromOffset: 'latest' });
      await until(
        () =>
          second.assigned().length === 2 &&
          first.assigned().length === 2 &&
          broker.cluster.groups.groupState(groupId) === 'Stable',
        'two kafka-node members with two partitions each',
      );
      expect([...first.assigned(), ...second.assigned()].sort()).to.deep.equal([0, 1, 2, 3]);
      if (protocol === 'range') {
        // Range hands out contiguous blocks.
        const blocks = [first.assigned(), second.assigned()].map((a) => a.join(',')).sort();
        expect(blocks).to.deep.equal(['0,1', '2,3']);
      }
      const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, clientId: 'kn-admin' });
      cleanups.push(() => new Promise<void>((resolve) => client.close(() => resolve())));
      const admin = new KafkaNodeAdmin(client);
      const listed = await new Promise<Record<string, string>>((resolve, reject) =>
        admin.listGroups((error, groups) => (error ? reject(error as Error) : resolve(groups))),
      );
      expect(listed).to.deep.equal({ [groupId]: 'consumer' });
      const described = await new Promise<Record<string, KafkaNodeDescribedGroup>>((resolve, reject) =>
        admin.describeGroups([groupId], (error, groups) => (error ? reject(error as Error) : resolve(groups))),
      );
      expect(described[groupId]).to.deep.include({ state: 'Stable', protocolType: 'consumer', protocol });
      const owned = described[groupId]!.members.map((m) => m.memberAssignment.partitions[topic] ?? []);
      expect(owned.flat().sort()).to.deep.equal([0, 1, 2, 3]);
      expect(first.errors).to.deep.equal([]);
      expect(second.errors).to.deep.equal([]);
    });
  }

  it('a kafka-node member (roundrobin) and a kafkajs member (RoundRobinAssigner) cannot share a group', async () => {
    createTopic('mixed', 2);
    await precommit('mixed-group', 'mixed', 2);
    const nodeMember = startKafkaNodeMember('mixed-group', 'mixed', { protocol: ['roundrobin'] });
    await until(() => nodeMember.assigned().length === 2, 'the kafka-node member to join');

    // kafkajs reports a failed join as a consumer crash (not retriable, so no restart).
    const intruder = await startKafkajsMember('mixed-group', 'mixed');
    await until(() => intruder.crash !== null, 'the kafkajs member to crash');
    expect((intruder.crash as { type?: string }).type, String(intruder.crash)).to.equal('INCONSISTENT_GROUP_PROTOCOL');
    expect(intruder.joins).to.equal(0);
    // The group is untouched: still one stable kafka-node member.
    expect(broker.cluster.groups.groupState('mixed-group')).to.equal('Stable');
    const described = broker.cluster.groups.describe('mixed-group', broker.cluster.coordinatorFor('mixed-group'));
    expect(described.members).to.have.length(1);
    expect(described.protocolName).to.equal('roundrobin');
  });

  describe('end to end with the data path (Produce, Fetch, ListOffsets)', () => {
    it('two kafkajs members consume every message once between them and their commits are visible', async () => {
      createTopic('e2e', 2);
      const seen: string[] = [];
      const assigned = new Map<string, number[]>();
      const consumers = [0, 1].map(() =>
        kafka.consumer({ groupId: 'e2e-group', heartbeatInterval: 100, maxWaitTimeInMs: 100, rebalanceTimeout: 5000 }),
      );
      for (const consumer of consumers) {
        cleanups.push(() => consumer.disconnect());
        consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
          assigned.set(payload.memberId, payload.memberAssignment['e2e'] ?? []),
        );
        await consumer.connect();
        await consumer.subscribe({ topics: ['e2e'], fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message.value!.toString());
          },
        });
      }
      // Produce once the group settled with one partition each, so no rebalance can redeliver anything.
      await until(() => [...assigned.values()].filter((p) => p.length === 1).length === 2, 'one partition per member');

      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
      await producer.send({ topic: 'e2e', messages: values.map((value, i) => ({ value, partition: i % 2 })) });

      await until(() => seen.length >= 20, '20 messages');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect([...seen].sort()).to.deep.equal([...values].sort());
      for (const consumer of consumers) await consumer.disconnect();
      const admin = kafka.admin();
      cleanups.push(() => admin.disconnect());
      await admin.connect();
      const committed = await admin.fetchOffsets({ groupId: 'e2e-group', topics: ['e2e'] });
      expect(committed[0]!.partitions.map((p) => p.offset)).to.deep.equal(['10', '10']);
    });

    it('kafka-node ConsumerGroup from earliest reads old messages, from latest only new ones', async () => {
      createTopic('kn-e2e', 1);
      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      await producer.send({ topic: 'kn-e2e', messages: [{ value: 'old' }] });

      const received: Record<string, string[]> = { earliest: [], latest: [] };
      for (const fromOffset of ['earliest', 'latest'] as const) {
        const group = new kafkaNode.ConsumerGroup(
          {
            kafkaHost: broker.bootstrap,
            groupId: `kn-e2e-${fromOffset}`,
            fromOffset,
            autoCommit: false,
            fetchMaxWaitMs: 100,
          },
          ['kn-e2e'],
        );
        cleanups.push(() => new Promise((resolve) => group.close(true, resolve)));
        group.on('message', (message) => received[fromOffset]!.push(String(message.value)));
        await new Promise<void>((resolve) => group.on('rebalanced', () => resolve()));
      }
      await producer.send({ topic: 'kn-e2e', messages: [{ value: 'new' }] });
      await until(() => received.earliest!.length >= 2 && received.latest!.length >= 1, 'messages for both groups');
      expect(received.earliest).to.deep.equal(['old', 'new']);
      expect(received.latest).to.deep.equal(['new']);
    });
  });
});
