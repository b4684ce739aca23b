/**
 * kafka-node 5.0.0 scenarios, compared between the embedded broker and Apache Kafka 0.9.0.1. kafka-node negotiates
 * with ApiVersions on the embedded broker (Produce v2, magic-1 messages, Metadata v1, ...) and falls back to its base
 * versions on 0.9 (Produce v0, magic 0, Metadata v0): the observations below must not depend on that.
 */
import * as kafkaNode from 'kafka-node';
import {
  callback,
  describeError,
  eventually,
  kafkaNodeFetch,
  kafkaNodeGroupSettled,
  kafkaNodeProduce,
  startKafkaNodeMember,
  withKafkaNodeClient,
  type ConsumedMessage,
  type KafkaNodeMember,
} from './clients';
import { scenario, type Scenario } from './scenario';

const KEYED_PARTITIONER = 3;

/** kafka-node's Admin (exported by the library, missing from its type definitions). */
interface KafkaNodeAdmin {
  listGroups(cb: (error: unknown, groups: Record<string, string>) => void): void;
  describeGroups(groupIds: string[], cb: (error: unknown, groups: Record<string, DescribedGroup>) => void): void;
  createTopics(
    topics: { topic: string; partitions: number; replicationFactor: number }[],
    cb: (error: unknown, result: unknown) => void,
  ): void;
}
const KafkaNodeAdmin = (kafkaNode as unknown as { Admin: new (client: kafkaNode.KafkaClient) => KafkaNodeAdmin }).Admin;

type TopicMetadataAnswer = [unknown, { metadata: Record<string, Record<string, unknown>> }];

async function partitionCount(client: kafkaNode.KafkaClient, topic: string): Promise<number> {
  const answer = await callback<TopicMetadataAnswer>((done) =>
    client.loadMetadataForTopics([topic], (error, result) => done(error, result as unknown as TopicMetadataAnswer)),
  );
  return Object.keys(answer[1].metadata[topic] ?? {}).length;
}
const CODECS = [
  ['none', 0],
  ['gzip', 1],
  ['snappy', 2],
] as const;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

type OffsetsByPartition = Record<string, number | number[]>;

async function closeAll(members: KafkaNodeMember[], commit = false): Promise<void> {
  await Promise.all(members.map((m) => m.close(commit)));
}

const produceAndFetch = scenario({
  name: 'produce keyed and unkeyed messages with none/gzip/snappy, then fetch them all from offset 0',
  async run({ target, topic }) {
    const name = topic('codecs');
    await target.createTopic(name, 3);
    const produced: Record<string, { keyed: OffsetsByPartition; unkeyed: OffsetsByPartition }> = {};
    for (const [codec, attributes] of CODECS) {
      const keyed = await kafkaNodeProduce(
        target.bootstrap,
        ['a', 'b', 'c', 'd'].map((key) => ({
          topic: name,
          key: `key-${key}`,
          attributes,
          messages: [new kafkaNode.KeyedMessage(`key-${key}`, `${codec}-${key}`)],
        })),
        { requireAcks: 1, partitionerType: KEYED_PARTITIONER },
      );
      const unkeyed = await kafkaNodeProduce(target.bootstrap, [
        { topic: name, partition: 1, attributes, messages: [`${codec}-u1`, `${codec}-u2`] },
      ]);
      produced[codec] = { keyed: keyed[name]!, unkeyed: unkeyed[name]! };
    }
    const messages = await kafkaNodeFetch(target.bootstrap, name, { 0: 0, 1: 0, 2: 0 }, CODECS.length * 6);
    return { produced, messages };
  },
});

const earliestAndLatest = scenario({
  name: 'a new group from earliest reads old messages, from latest only the ones produced after it joined',
  async run({ target, topic, group }) {
    const name = topic('positions');
    await target.createTopic(name, 1);
    await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 0, messages: ['old-0', 'old-1', 'old-2'] }]);
    const earliest = startKafkaNodeMember(target.bootstrap, group('earliest'), [name], { fromOffset: 'earliest' });
    const latest = startKafkaNodeMember(target.bootstrap, group('latest'), [name], { fromOffset: 'latest' });
    try {
      const fromEarliest = await earliest.waitForMessages(3);
      await latest.joined();
      await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 0, messages: ['new-0', 'new-1'] }]);
      const fromLatest = await latest.waitForMessages(2);
      const earliestTotal = await earliest.waitForMessages(5);
      return { fromEarliest, fromLatest, earliestTotal: earliestTotal.length };
    } finally {
      await closeAll([earliest, latest]);
    }
  },
});

const assignments = scenario({
  name: 'group assignment with 1 and 2 members, roundrobin and range (5 partitions)',
  async run({ target, topic, group }) {
    const name = topic('assign');
    await target.createTopic(name, 5);
    const byProtocol = async (protocol: 'roundrobin' | 'range') => {
      const alone = startKafkaNodeMember(target.bootstrap, group(`${protocol}-one`), [name], { protocol: [protocol] });
      let one: number[][];
      try {
        one = await kafkaNodeGroupSettled([alone], name, 5);
      } finally {
        await closeAll([alone]);
      }
      const pair = [0, 1].map(() =>
        startKafkaNodeMember(target.bootstrap, group(`${protocol}-two`), [name], { protocol: [protocol] }),
      );
      try {
        const two = await kafkaNodeGroupSettled(pair, name, 5, 30000);
        // Which member gets which share depends on member ids (random): compare the shares, sorted.
        return { one, two: two.sort((a, b) => a[0]! - b[0]!) };
      } finally {
        await closeAll(pair);
      }
    };
    const [roundrobin, range] = await Promise.all([byProtocol('roundrobin'), byProtocol('range')]);
    return { roundrobin, range };
  },
});

const commitAndResume = scenario({
  name: 'a group commits, and its next member resumes from the committed offset',
  async run({ target, topic, group }) {
    const name = topic('resume');
    const groupId = group('resume');
    await target.createTopic(name, 1);
    await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 0, messages: ['m0', 'm1', 'm2', 'm3', 'm4'] }]);
    const fetchCommitted = () =>
      withKafkaNodeClient(target.bootstrap, (client) => {
        const offset = new kafkaNode.Offset(client);
        return callback<Record<string, Record<string, number>>>((done) =>
          offset.fetchCommits(groupId, [{ topic: name, partition: 0 }], done),
        );
      });

    const first = startKafkaNodeMember(target.bootstrap, groupId, [name], {
      fromOffset: 'earliest',
      autoCommit: false,
    });
    let firstMessages: ConsumedMessage[];
    try {
      firstMessages = await first.waitForMessages(5);
    } finally {
      await first.close(true);
    }
    const committedAfterFirst = await fetchCommitted();

    await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 0, messages: ['m5', 'm6', 'm7'] }]);
    const second = startKafkaNodeMember(target.bootstrap, groupId, [name], {
      fromOffset: 'earliest',
      autoCommit: false,
    });
    let secondMessages: ConsumedMessage[];
    try {
      secondMessages = await second.waitForMessages(3);
      // Nothing beyond the 3 new messages may arrive (a wrong resume position would redeliver m0-m4).
      await new Promise((resolve) => setTimeout(resolve, 300));
      secondMessages = [...second.messages];
    } finally {
      await second.close(true);
    }
    const committedAfterSecond = await fetchCommitted();
    return { firstMessages, committedAfterFirst, secondMessages, committedAfterSecond };
  },
});

const offsets = scenario({
  name: 'offsets: earliest and latest per partition (Offset.fetch, fetchEarliestOffsets, fetchLatestOffsets)',
  async run({ target, topic }) {
    const name = topic('offsets');
    await target.createTopic(name, 2);
    await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 0, messages: ['a', 'b', 'c'] }]);
    await kafkaNodeProduce(target.bootstrap, [{ topic: name, partition: 1, messages: ['d'] }]);
    return withKafkaNodeClient(target.bootstrap, async (client) => {
      const offset = new kafkaNode.Offset(client);
      const earliest = await callback<Record<string, OffsetsByPartition>>((done) =>
        offset.fetchEarliestOffsets([name], done),
      );
      const latest = await callback<Record<string, OffsetsByPartition>>((done) =>
        offset.fetchLatestOffsets([name], done),
      );
      const listed = await callback<Record<string, OffsetsByPartition>>((done) =>
        offset.fetch(
          [
            { topic: name, partition: 0, time: -1, maxNum: 1 },
            { topic: name, partition: 1, time: -2, maxNum: 1 },
          ],
          done,
        ),
      );
      return { earliest, latest, listed };
    });
  },
});

interface DescribedMember {
  clientId: string;
  clientHost: string;
  memberMetadata: unknown;
  memberAssignment: unknown;
}
interface DescribedGroup {
  error?: unknown;
  state: string;
  protocolType: string;
  protocol: string;
  members: DescribedMember[];
}

const listAndDescribe = scenario({
  name: 'list and describe groups (Admin.listGroups, Admin.describeGroups) with one stable member',
  async run({ target, topic, group }) {
    const name = topic('described');
    const groupId = group('described');
    await target.createTopic(name, 2);
    const member = startKafkaNodeMember(target.bootstrap, groupId, [name], { protocol: ['roundrobin'] });
    try {
      await kafkaNodeGroupSettled([member], name, 2);
      return await withKafkaNodeClient(target.bootstrap, async (client) => {
        const admin = new KafkaNodeAdmin(client);
        const listed = await callback<Record<string, string>>((done) => admin.listGroups(done));
        const described = await callback<Record<string, DescribedGroup>>((done) =>
          admin.describeGroups([groupId], done),
        );
        const ours = described[groupId]!;
        return {
          listed: Object.fromEntries(Object.entries(listed).filter(([id]) => id === groupId)),
          described: {
            state: ours.state,
            protocolType: ours.protocolType,
            protocol: ours.protocol,
            members: ours.members.map((m) => ({
              clientId: m.clientId,
              clientHost: m.clientHost,
              // kafka-node puts its member's "<clientId>-<uuid>" in the subscription's user data.
              memberMetadata: JSON.parse(JSON.stringify(m.memberMetadata).replace(UUID, '<uuid>')) as unknown,
              memberAssignment: m.memberAssignment,
            })),
          },
        };
      });
    } finally {
      await closeAll([member]);
    }
  },
});

const createTopics = scenario({
  name: 'create topics (Admin.createTopics), again (already exists), then read their metadata',
  async run({ target, topic }) {
    const name = topic('created');
    return withKafkaNodeClient(target.bootstrap, async (client) => {
      const admin = new KafkaNodeAdmin(client);
      const create = async (): Promise<unknown> => {
        try {
          return await callback<unknown>((done) =>
            admin.createTopics([{ topic: name, partitions: 3, replicationFactor: 1 }], done),
          );
        } catch (error) {
          return describeError(error);
        }
      };
      const created = await create();
      const createdAgain = await create();
      // A topic that was just created (or auto-created by this very request) may have no leader yet; 0 if it never shows.
      const partitions = await eventually(
        `metadata of ${name}`,
        async () => (await partitionCount(client, name)) || undefined,
        5000,
        100,
      ).catch(() => 0);
      return { created, createdAgain, partitions };
    });
  },
  differences: {
    'kafka-0.9': {
      why:
        '0.9 has no CreateTopics API and its Metadata v0 names no controller, so kafka-node fails before sending; the ' +
        'Metadata request that follows auto-creates the topic with num.partitions (1)',
      real: {
        created: 'BrokerNotAvailableError: Controller broker not available',
        createdAgain: 'BrokerNotAvailableError: Controller broker not available',
        partitions: 1,
      },
      embedded: {
        created: [],
        createdAgain: [{ topic: 'created', error: "Topic 'created' already exists." }],
        partitions: 3,
      },
    },
  },
});

const autoCreate = scenario({
  name: 'produce to an unknown topic auto-creates it (1 partition), and the message can be fetched',
  async run({ target, topic }) {
    const name = topic('auto');
    let produced: unknown;
    try {
      produced = await kafkaNodeProduce(target.bootstrap, [{ topic: name, messages: ['first'] }]);
    } catch (error) {
      produced = describeError(error);
    }
    const messages = await kafkaNodeFetch(target.bootstrap, name, { 0: 0 }, 1);
    return { produced, messages };
  },
});

export const kafkaNodeScenarios: Scenario<object>[] = [
  produceAndFetch,
  earliestAndLatest,
  assignments,
  commitAndResume,
  offsets,
  listAndDescribe,
  createTopics,
  autoCreate,
];
