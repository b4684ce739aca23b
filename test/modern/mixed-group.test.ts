import { expect } from 'chai';
import * as kafkaNode from 'kafka-node';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import type { AssignmentProtocolName, Backend, GroupDescription } from '../../src/common/types';
import { closeQuietly, modernBackend, numbered, produce, startMember, until, type Member } from './helpers';

// A rolling migration: kafka-node 5 ConsumerGroup members and members of the modern backend in one group. They must
// agree on the protocol, read each other's subscriptions and assignments, and compute the same assignment whichever
// of them leads (the reference is kafka-node's own lib/assignment run on the group's members).

type KafkaNodeAssign = (
  topicPartition: Record<string, string[]>,
  members: Array<{ id: string; subscription: string[] }>,
  callback: (
    error: Error | null,
    result: Array<{ memberId: string; topicPartitions: Record<string, Array<number | string>> }>,
  ) => void,
) => void;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaNodeAssignment = require('kafka-node/lib/assignment') as Record<
  AssignmentProtocolName,
  { assign: KafkaNodeAssign }
>;

interface KafkaNodeMember {
  group: kafkaNode.ConsumerGroup;
  messages: Array<{ topic: string; partition: number; offset: number }>;
  errors: unknown[];
  close(): Promise<void>;
}

function startKafkaNodeMember(
  bootstrap: string,
  groupId: string,
  topics: string[],
  protocol: AssignmentProtocolName,
): KafkaNodeMember {
  const group = new kafkaNode.ConsumerGroup(
    {
      kafkaHost: bootstrap,
      groupId,
      protocol: [protocol],
      sessionTimeout: 6000,
      heartbeatInterval: 200,
      fetchMaxWaitMs: 100,
      retryMinTimeout: 200,
      fromOffset: 'earliest',
      autoCommit: true,
      autoCommitIntervalMs: 200,
    } as kafkaNode.ConsumerGroupOptions,
    topics,
  );
  const member: KafkaNodeMember = {
    group,
    messages: [],
    errors: [],
    close: () => new Promise<void>((resolve) => group.close(true, () => resolve())),
  };
  group.on('message', (message) => {
    member.messages.push({ topic: message.topic, partition: message.partition!, offset: message.offset! });
  });
  group.on('error', (error) => member.errors.push(error));
  return member;
}

/** "topic/partition" sorted, per member id, as the coordinator holds it (what the leader handed out). */
function described(group: GroupDescription): Map<string, string[]> {
  return new Map(group.members.map((m) => [m.memberId, m.assignment.map((a) => `${a.topic}/${a.partition}`).sort()]));
}

function expectedByKafkaNode(
  protocol: AssignmentProtocolName,
  members: Array<{ id: string; subscription: string[] }>,
  partitionCounts: Record<string, number>,
): Map<string, string[]> {
  const topicPartition: Record<string, string[]> = {};
  for (const topic of members.flatMap((m) => m.subscription)) {
    topicPartition[topic] ??= Array.from({ length: partitionCounts[topic]! }, (_, i) => String(i));
  }
  let result: Array<{ memberId: string; topicPartitions: Record<string, Array<number | string>> }> = [];
  kafkaNodeAssignment[protocol].assign(topicPartition, members, (error, assignment) => {
    if (error) throw error;
    result = assignment;
  });
  return new Map(
    result.map((r) => [
      r.memberId,
      Object.entries(r.topicPartitions)
        .flatMap(([topic, ids]) => ids.map((id) => `${topic}/${id}`))
        .sort(),
    ]),
  );
}

function kafkaNodeSend(bootstrap: string, payloads: kafkaNode.ProduceRequest[]): Promise<void> {
  const client = new kafkaNode.KafkaClient({ kafkaHost: bootstrap });
  return new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.refreshMetadata(
      payloads.map((p) => p.topic),
      (metadataError) => {
        if (metadataError) return reject(metadataError);
        const producer = new kafkaNode.Producer(client, { requireAcks: 1, partitionerType: 3 });
        producer.on('error', () => undefined);
        producer.send(payloads, (error) => (error ? reject(error) : resolve()));
      },
    );
  }).finally(() => new Promise<void>((resolve) => client.close(() => resolve())));
}

describe('mixed consumer group: kafka-node 5 members and modern backend members (embedded broker)', function () {
  this.timeout(90000);
  let broker: EmbeddedBroker;
  let backend: Backend;
  let modern: Member[] = [];
  let legacy: KafkaNodeMember[] = [];

  before(async () => {
    broker = await startEmbedded();
    backend = modernBackend(broker.brokers);
  });
  afterEach(async () => {
    await closeQuietly(modern.map((m) => m.group));
    await Promise.all(legacy.map((m) => m.close()));
    modern = [];
    legacy = [];
  });
  after(async () => {
    await broker?.stop();
  });

  async function describeUntilStable(groupId: string, memberCount: number): Promise<GroupDescription> {
    const admin = backend.admin();
    await admin.connect();
    try {
      let group: GroupDescription | undefined;
      const stable = async (): Promise<boolean> => {
        [group] = await admin.describeGroups([groupId]);
        return (
          !!group &&
          group.state === 'Stable' &&
          group.members.length === memberCount &&
          group.members.every((m) => m.assignment.length > 0)
        );
      };
      await until(stable, `group ${groupId} stable with ${memberCount} members`, 30000, 100).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(group)}`);
      });
      return group!;
    } finally {
      await admin.disconnect();
    }
  }

  const cases: Array<{ protocol: AssignmentProtocolName; leader: 'modern' | 'kafka-node' }> = [
    { protocol: 'roundrobin', leader: 'modern' },
    { protocol: 'roundrobin', leader: 'kafka-node' },
    { protocol: 'range', leader: 'modern' },
    { protocol: 'range', leader: 'kafka-node' },
  ];
  for (const { protocol, leader } of cases) {
    it(`${protocol}, ${leader} member leading: kafka-node's assignment, shared partitions, nothing lost or doubled`, async () => {
      const stamp = `${protocol}-${leader}-${Date.now().toString(36)}`;
      const shared = `mixed-shared-${stamp}`;
      const onlyLegacy = `mixed-legacy-${stamp}`;
      expect(broker.cluster.createTopic({ name: shared, numPartitions: 5, replicationFactor: 1 }).errorCode).to.equal(
        0,
      );
      expect(
        broker.cluster.createTopic({ name: onlyLegacy, numPartitions: 3, replicationFactor: 1 }).errorCode,
      ).to.equal(0);
      const groupId = `mixed-${stamp}`;
      const modernConfig = {
        groupId,
        topics: [shared],
        fromOffset: 'earliest' as const,
        protocols: [protocol],
        heartbeatIntervalMs: 200,
        sessionTimeoutMs: 6000,
      };
      // The kafka-node member also reads a topic the modern member does not subscribe to: a modern leader must
      // load its metadata to assign it.
      const legacyTopics = [shared, onlyLegacy];

      if (leader === 'modern') {
        modern.push(await startMember(backend, modernConfig));
        await describeUntilStable(groupId, 1);
        legacy.push(startKafkaNodeMember(broker.bootstrap, groupId, legacyTopics, protocol));
      } else {
        legacy.push(startKafkaNodeMember(broker.bootstrap, groupId, legacyTopics, protocol));
        await describeUntilStable(groupId, 1);
        modern.push(await startMember(backend, modernConfig));
      }
      const group = await describeUntilStable(groupId, 2);
      expect(group.protocol).to.equal(protocol);
      // kafka-node records whether it led the last join; the other member led otherwise.
      expect((legacy[0]!.group as unknown as { isLeader: boolean }).isLeader).to.equal(leader === 'kafka-node');
      const modernId = modern[0]!.assignments[modern[0]!.assignments.length - 1]!.memberId;
      const legacyId = group.members.map((m) => m.memberId).find((id) => id !== modernId)!;
      const expected = expectedByKafkaNode(
        protocol,
        [
          { id: modernId, subscription: [shared] },
          { id: legacyId, subscription: legacyTopics },
        ],
        { [shared]: 5, [onlyLegacy]: 3 },
      );
      expect(described(group)).to.deep.equal(expected);
      await until(
        () => modern[0]!.current().join() === expected.get(modernId)!.join(),
        'the modern member to report its assignment',
      );

      await produce(backend, shared, numbered(50, 's'));
      await produce(backend, onlyLegacy, numbered(15, 'l'));
      const consumed = () => [
        ...modern[0]!.messages.map((m) => `${m.topic}/${m.partition}@${m.offset}`),
        ...legacy[0]!.messages.map((m) => `${m.topic}/${m.partition}@${m.offset}`),
      ];
      await until(() => consumed().length >= 65, '65 messages across both members', 30000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(consumed()).to.have.length(65);
      expect(new Set(consumed()).size).to.equal(65);
      for (const message of modern[0]!.messages)
        expect(expected.get(modernId)).to.include(`${message.topic}/${message.partition}`);
      for (const message of legacy[0]!.messages)
        expect(expected.get(legacyId)).to.include(`${message.topic}/${message.partition}`);
      expect(legacy[0]!.errors).to.deep.equal([]);
      expect(modern[0]!.errors).to.deep.equal([]);
    });
  }

  it("compressed messages cross over: kafka-node reads ours, we read kafka-node's (none, gzip, snappy)", async () => {
    const stamp = Date.now().toString(36);
    const fromModern = `codec-from-modern-${stamp}`;
    const fromLegacy = `codec-from-legacy-${stamp}`;
    for (const name of [fromModern, fromLegacy])
      expect(broker.cluster.createTopic({ name, numPartitions: 1, replicationFactor: 1 }).errorCode).to.equal(0);
    const codecs = [
      ['none', 0],
      ['gzip', 1],
      ['snappy', 2],
    ] as const;
    const producer = backend.producer();
    await producer.connect();
    for (const [codec] of codecs) {
      await producer.send({
        topic: fromModern,
        compression: codec,
        messages: [0, 1, 2].map((i) => ({ key: codec, value: `${codec}-${i}-${'x'.repeat(300)}` })),
      });
    }
    await producer.disconnect();
    for (const [codec, attributes] of codecs) {
      await kafkaNodeSend(broker.bootstrap, [
        {
          topic: fromLegacy,
          attributes,
          messages: [0, 1, 2].map((i) => new kafkaNode.KeyedMessage(codec, `${codec}-${i}-${'x'.repeat(300)}`)),
        },
      ]);
    }
    const expected = codecs.flatMap(([codec]) => [0, 1, 2].map((i) => `${codec}-${i}-${'x'.repeat(300)}`));

    const reader = startKafkaNodeMember(broker.bootstrap, `codec-readers-${stamp}`, [fromModern], 'roundrobin');
    legacy.push(reader);
    const values: string[] = [];
    reader.group.on('message', (message) => values.push(String(message.value)));
    await until(() => values.length === 9, 'kafka-node to read 9 messages', 30000);
    expect(values).to.deep.equal(expected);

    const ours = await startMember(backend, {
      groupId: `codec-modern-${stamp}`,
      topics: [fromLegacy],
      fromOffset: 'earliest',
    });
    modern.push(ours);
    await until(() => ours.messages.length === 9, 'the modern backend to read 9 messages');
    expect(ours.messages.map((m) => m.value!.toString())).to.deep.equal(expected);
    expect(ours.messages.map((m) => m.offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
