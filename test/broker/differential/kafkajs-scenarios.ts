/**
 * kafkajs 2.2.4 scenarios, compared between the embedded broker and librdkafka 2.0.2's mock cluster (both speak
 * record batches; the mock lacks the admin and group-listing APIs, see test/fixtures/rdkafka-mock.ts).
 */
import {
  AssignerProtocol,
  CompressionTypes,
  PartitionAssigners,
  type Assigner,
  type GroupMember,
  type GroupMemberAssignment,
  type Kafka,
  type PartitionAssigner,
} from 'kafkajs';
import {
  describeError,
  eventually,
  kafkajs,
  kafkajsGroupSettled,
  startKafkajsMember,
  type KafkajsMember,
  type KafkajsMessage,
} from './clients';
import { scenario, type Scenario } from './scenario';

const CODECS = [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
] as const;

/**
 * Kafka's RangeAssignor (kafkajs ships only round robin): per topic, members sorted by id take consecutive ranges,
 * the first (partitions % members) one partition more.
 */
export const rangeAssigner: PartitionAssigner = ({ cluster }): Assigner => ({
  name: 'range',
  version: 0,
  async assign({ members, topics }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> {
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    const plan = new Map<string, Record<string, number[]>>(sorted.map((m) => [m.memberId, {}]));
    for (const topic of topics) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      const share = Math.floor(partitions.length / sorted.length);
      const extra = partitions.length % sorted.length;
      sorted.forEach((member, i) => {
        const start = i * share + Math.min(i, extra);
        const length = share + (i < extra ? 1 : 0);
        if (length > 0) plan.get(member.memberId)![topic] = partitions.slice(start, start + length);
      });
    }
    return sorted.map((member) => ({
      memberId: member.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: plan.get(member.memberId)!,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }: { topics: string[] }) {
    return {
      name: 'range',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});

async function closeAll(members: KafkajsMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.close()));
}

async function produce(
  kafka: Kafka,
  topic: string,
  messages: { partition?: number; key?: string; value: string }[],
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<[number, string][]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return answer!.partitions.map((p): [number, string] => [p.partition, p.offset]).sort((a, b) => a[0] - b[0]);
  } finally {
    await admin.disconnect();
  }
}

const produceAndConsume = scenario({
  name: 'produce keyed and unkeyed messages with headers, none/gzip/snappy, then consume them all in a group',
  async run({ target, topic, group }) {
    const name = topic('codecs');
    await target.createTopic(name, 3);
    const kafka = kafkajs(target.brokers);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const produced: Record<string, unknown> = {};
    try {
      for (const [codec, compression] of CODECS) {
        const keyed = await producer.send({
          topic: name,
          compression,
          acks: -1,
          messages: ['a', 'b', 'c', 'd'].map((key) => ({
            key: `key-${key}`,
            value: `${codec}-${key}`,
            headers: { codec, key },
          })),
        });
        const unkeyed = await producer.send({
          topic: name,
          compression,
          acks: -1,
          messages: [
            { partition: 1, value: `${codec}-u1` },
            { partition: 1, value: `${codec}-u2`, headers: { multi: ['x', 'y'] } },
          ],
        });
        const summary = (answer: typeof keyed) =>
          answer
            .map(({ partition, errorCode, baseOffset, logStartOffset }) => ({
              partition,
              errorCode,
              baseOffset,
              logStartOffset,
            }))
            .sort((a, b) => a.partition - b.partition);
        produced[codec] = { keyed: summary(keyed), unkeyed: summary(unkeyed) };
      }
    } finally {
      await producer.disconnect();
    }
    const member = await startKafkajsMember(kafka, { groupId: group('reader') }, name, { fromBeginning: true });
    let messages: KafkajsMessage[];
    try {
      messages = await member.waitForMessages(CODECS.length * 6);
    } finally {
      await member.close();
    }
    return { produced, messages };
  },
});

const earliestAndLatest = scenario({
  name: 'a new group fromBeginning reads old messages, without it only the ones produced after its first fetch',
  async run({ target, topic, group }) {
    const name = topic('positions');
    await target.createTopic(name, 1);
    const kafka = kafkajs(target.brokers);
    await produce(
      kafka,
      name,
      ['old-0', 'old-1', 'old-2'].map((value) => ({ partition: 0, value })),
    );
    const [earliest, latest] = await Promise.all([
      startKafkajsMember(kafka, { groupId: group('earliest') }, name, { fromBeginning: true }),
      startKafkajsMember(kafka, { groupId: group('latest') }, name, { fromBeginning: false }),
    ]);
    try {
      const fromEarliest = await earliest.waitForMessages(3);
      await latest.fetchedOnce();
      await produce(
        kafka,
        name,
        ['new-0', 'new-1'].map((value) => ({ partition: 0, value })),
      );
      const fromLatest = await latest.waitForMessages(2);
      const earliestTotal = (await earliest.waitForMessages(5)).length;
      return { fromEarliest, fromLatest, earliestTotal };
    } finally {
      await closeAll([earliest, latest]);
    }
  },
});

const assignments = scenario({
  name: 'group assignment with 1 and 2 members, round robin and range (5 partitions)',
  async run({ target, topic, group }) {
    const name = topic('assign');
    await target.createTopic(name, 5);
    const kafka = kafkajs(target.brokers);
    const byProtocol = async (label: string, assigner: PartitionAssigner) => {
      const alone = await startKafkajsMember(
        kafka,
        { groupId: group(`${label}-one`), partitionAssigners: [assigner] },
        name,
        { fromBeginning: true },
      );
      let one: number[][];
      let protocol: string | undefined;
      try {
        one = await kafkajsGroupSettled([alone], name, 5);
        protocol = alone.lastJoin()?.protocol;
      } finally {
        await alone.close();
      }
      // Both members start together: the mock elects after its initial 3 s delay, so both are in the first generation.
      const pair = await Promise.all(
        [0, 1].map(() =>
          startKafkajsMember(kafka, { groupId: group(`${label}-two`), partitionAssigners: [assigner] }, name, {
            fromBeginning: true,
          }),
        ),
      );
      try {
        const two = await kafkajsGroupSettled(pair, name, 5);
        return { protocol, one, two: two.sort((a, b) => a[0]! - b[0]!) };
      } finally {
        await closeAll(pair);
      }
    };
    const [roundRobin, range] = await Promise.all([
      byProtocol('roundrobin', PartitionAssigners.roundRobin),
      byProtocol('range', rangeAssigner),
    ]);
    return { roundRobin, range };
  },
});

const commitAndResume = scenario({
  name: 'a group commits, and its next member resumes from the committed offset',
  async run({ target, topic, group }) {
    const name = topic('resume');
    const groupId = group('resume');
    await target.createTopic(name, 1);
    const kafka = kafkajs(target.brokers);
    await produce(
      kafka,
      name,
      ['m0', 'm1', 'm2', 'm3', 'm4'].map((value) => ({ partition: 0, value })),
    );

    const first = await startKafkajsMember(kafka, { groupId }, name, { fromBeginning: true });
    let firstMessages: KafkajsMessage[];
    try {
      firstMessages = await first.waitForMessages(5);
    } finally {
      await first.close();
    }
    const committedAfterFirst = await committedOffsets(kafka, groupId, name);

    await produce(
      kafka,
      name,
      ['m5', 'm6', 'm7'].map((value) => ({ partition: 0, value })),
    );
    const second = await startKafkajsMember(kafka, { groupId }, name, { fromBeginning: true });
    let secondMessages: KafkajsMessage[];
    try {
      await second.waitForMessages(3);
      // Nothing beyond the 3 new messages may arrive (a wrong resume position would redeliver m0-m4).
      await new Promise((resolve) => setTimeout(resolve, 300));
      secondMessages = [...second.messages];
    } finally {
      await second.close();
    }
    const committedAfterSecond = await committedOffsets(kafka, groupId, name);
    return { firstMessages, committedAfterFirst, secondMessages, committedAfterSecond };
  },
});

const offsets = scenario({
  name: 'offsets: earliest and latest per partition (admin.fetchTopicOffsets)',
  async run({ target, topic }) {
    const name = topic('offsets');
    await target.createTopic(name, 2);
    const kafka = kafkajs(target.brokers);
    await produce(kafka, name, [
      { partition: 0, value: 'a' },
      { partition: 0, value: 'b' },
      { partition: 0, value: 'c' },
      { partition: 1, value: 'd' },
    ]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topicOffsets = (await admin.fetchTopicOffsets(name)).sort((a, b) => a.partition - b.partition);
      return { topicOffsets };
    } finally {
      await admin.disconnect();
    }
  },
});

const listAndDescribe = scenario({
  name: 'list and describe groups (admin.listGroups, admin.describeGroups) with one stable member',
  async run({ target, topic, group }) {
    const name = topic('described');
    const groupId = group('described');
    await target.createTopic(name, 2);
    const kafka = kafkajs(target.brokers);
    const member = await startKafkajsMember(kafka, { groupId }, name, { fromBeginning: true });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await kafkajsGroupSettled([member], name, 2);
      let listed: unknown;
      let described: unknown;
      try {
        const { groups } = await admin.listGroups();
        listed = groups.filter((g) => g.groupId === groupId);
      } catch (error) {
        listed = describeError(error);
      }
      try {
        const { groups } = await admin.describeGroups([groupId]);
        described = groups.map((g) => ({
          groupId: g.groupId,
          state: g.state,
          protocolType: g.protocolType,
          protocol: g.protocol,
          members: g.members.map((m) => ({
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: AssignerProtocol.MemberMetadata.decode(m.memberMetadata),
            memberAssignment: AssignerProtocol.MemberAssignment.decode(m.memberAssignment),
          })),
        }));
      } catch (error) {
        described = describeError(error);
      }
      return { listed, described };
    } finally {
      await admin.disconnect();
      await member.close();
    }
  },
  differences: {
    'rdkafka-mock': {
      why: 'the mock has neither ListGroups nor DescribeGroups (not advertised in ApiVersions); kafkajs refuses to send them',
      real: {
        listed: 'KafkaJSServerDoesNotSupportApiKey: The Kafka server does not support the requested API version',
        described: 'KafkaJSNonRetriableError: The Kafka server does not support the requested API version',
      },
      embedded: {
        listed: [{ groupId: 'described', protocolType: 'consumer' }],
        described: [
          {
            groupId: 'described',
            state: 'Stable',
            protocolType: 'consumer',
            protocol: 'RoundRobinAssigner',
            members: [
              {
                clientId: 'differential',
                clientHost: '/127.0.0.1',
                memberMetadata: { version: 0, topics: ['described'], userData: Buffer.alloc(0) },
                memberAssignment: { version: 0, assignment: { described: [0, 1] }, userData: Buffer.alloc(0) },
              },
            ],
          },
        ],
      },
    },
  },
});

const createTopics = scenario({
  name: 'create topics (admin.createTopics), again (already exists), then read their metadata',
  async run({ target, topic }) {
    const name = topic('created');
    const admin = kafkajs(target.brokers).admin();
    await admin.connect();
    try {
      let created: unknown;
      try {
        created = await admin.createTopics({
          topics: [{ topic: name, numPartitions: 3, replicationFactor: 1 }],
          waitForLeaders: true,
        });
      } catch (error) {
        created = describeError(error);
      }
      let createdAgain: unknown;
      try {
        createdAgain = await admin.createTopics({ topics: [{ topic: name, numPartitions: 3, replicationFactor: 1 }] });
      } catch (error) {
        createdAgain = describeError(error);
      }
      // 0 if the topic never shows up (so the comparison shows what createTopics answered).
      const partitions = await eventually(
        `metadata of ${name}`,
        async () => (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]?.partitions.length,
        5000,
        100,
      ).catch(() => 0);
      return { created, createdAgain, partitions };
    } finally {
      await admin.disconnect();
    }
  },
  differences: {
    'rdkafka-mock': {
      why:
        'the mock has no CreateTopics and names controller id 0, which is no broker: kafkajs fails looking the controller up; ' +
        'the Metadata request that follows auto-creates the topic with the mock default of 4 partitions',
      real: {
        created: 'KafkaJSBrokerNotFound: Broker 0 not found in the cached metadata',
        createdAgain: 'KafkaJSBrokerNotFound: Broker 0 not found in the cached metadata',
        partitions: 4,
      },
      embedded: { created: true, createdAgain: false, partitions: 3 },
    },
  },
});

const autoCreate = scenario({
  name: 'produce to an unknown topic auto-creates it, and the message can be consumed',
  async run({ target, topic, group }) {
    const name = topic('auto');
    const kafka = kafkajs(target.brokers);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    let produced: unknown;
    try {
      const answer = await producer.send({ topic: name, acks: -1, messages: [{ partition: 0, value: 'first' }] });
      produced = answer.map(({ partition, errorCode, baseOffset }) => ({ partition, errorCode, baseOffset }));
    } catch (error) {
      produced = describeError(error);
    } finally {
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      partitions = (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]!.partitions.length;
    } finally {
      await admin.disconnect();
    }
    const member = await startKafkajsMember(kafka, { groupId: group('auto') }, name, { fromBeginning: true });
    try {
      return { produced, partitions, messages: await member.waitForMessages(1) };
    } finally {
      await member.close();
    }
  },
  differences: {
    'rdkafka-mock': {
      why: 'auto-created topics get the mock default of 4 partitions; the embedded broker uses num.partitions (1), as Kafka does',
      real: { partitions: 4 },
      embedded: { partitions: 1 },
    },
  },
});

export const kafkajsScenarios: Scenario<object>[] = [
  produceAndConsume,
  earliestAndLatest,
  assignments,
  commitAndResume,
  offsets,
  listAndDescribe,
  createTopics,
  autoCreate,
];
