import { expect } from 'chai';
import type { Cluster, GroupMember, PartitionMetadata } from 'kafkajs';
import {
  decodeMembers,
  kafkaNodeRange,
  kafkaNodeRoundRobin,
  kafkajsAssigner,
  objectKeyOrder,
  partitionsInSubscriptionOrder,
  resolveProtocols,
} from '../../src/modern/assignment';
import { decodeAssignment, decodeSubscription, encodeSubscription } from '../../src/modern/consumer-protocol';
import { ConfigurationError } from '../../src/common/errors';
import type { CustomAssignmentProtocol } from '../../src/common/types';

// kafka-node's own assignment code computes the expected results: nothing here is hand-written.
interface KafkaNodeMember {
  id: string;
  subscription: string[];
  version: number;
}
interface KafkaNodeAssignment {
  memberId: string;
  topicPartitions: Record<string, Array<number | string>>;
  version: number;
}
type KafkaNodeAssign = (
  topicPartition: Record<string, string[]>,
  members: KafkaNodeMember[],
  callback: (error: Error | null, result: KafkaNodeAssignment[]) => void,
) => void;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaNodeAssignment = require('kafka-node/lib/assignment') as Record<
  'roundrobin' | 'range',
  { assign: KafkaNodeAssign }
>;

interface Layout {
  members: Map<string, string[]>;
  partitionCounts: Map<string, number>;
}

/** What kafka-node's leader computes: metadata keyed by topic in request order (first subscription), ids as strings. */
function kafkaNodeResult(name: 'roundrobin' | 'range', layout: Layout): Map<string, Map<string, number[]>> {
  const topicPartition: Record<string, string[]> = {};
  for (const topic of [...layout.members.values()].flat()) {
    const count = layout.partitionCounts.get(topic) ?? 0;
    if (count > 0 && !(topic in topicPartition)) {
      const partitions: Record<number, true> = {};
      for (let i = 0; i < count; i++) partitions[i] = true;
      topicPartition[topic] = Object.keys(partitions);
    }
  }
  const members = [...layout.members].map(([id, subscription]) => ({ id, subscription, version: 0 }));
  let result: KafkaNodeAssignment[] = [];
  kafkaNodeAssignment[name].assign(topicPartition, members, (error, assignment) => {
    if (error) throw error;
    result = assignment;
  });
  return new Map(
    result.map((entry) => [
      entry.memberId,
      new Map(Object.entries(entry.topicPartitions).map(([topic, ids]) => [topic, ids.map(Number)])),
    ]),
  );
}

function ourResult(protocol: CustomAssignmentProtocol, layout: Layout): Map<string, Map<string, number[]>> {
  const partitions = partitionsInSubscriptionOrder(layout.members, (topic) =>
    Array.from({ length: layout.partitionCounts.get(topic) ?? 0 }, (_, i) => i),
  );
  return protocol.assign(layout.members, partitions);
}

/** Plain comparable form: member -> topic -> partitions, empty entries dropped (kafka-node keeps empty members). */
function normalized(result: Map<string, Map<string, number[]>>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [memberId, topics] of result) {
    const entries = [...topics].filter(([, ids]) => ids.length > 0);
    out[memberId] = Object.fromEntries(entries);
  }
  return out;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Topics may have 0 partitions (not in metadata) unless `minPartitions` is 1: kafka-node's range crashes on those. */
function randomLayout(seed: number, minPartitions = 0): Layout {
  const next = random(seed);
  const pick = (n: number): number => Math.floor(next() * n);
  const topicPool = ['orders', 'payments', 'audit', '42', '7', 'z-last', 'a-first', 'Upper', '0', 'événements'];
  const topics = topicPool.slice(0, 1 + pick(topicPool.length));
  const partitionCounts = new Map(
    topics.map((topic) => [topic, minPartitions + pick(9 - minPartitions)] as [string, number]),
  );
  const memberCount = 1 + pick(7);
  const members = new Map<string, string[]>();
  for (let i = 0; i < memberCount; i++) {
    const style = pick(3);
    const id =
      style === 0 ? `kafka-node-${pick(1000)}-${i}` : style === 1 ? `consumer-${i}-${pick(1e6).toString(16)}` : `Z${i}`;
    const subscription = topics.filter(() => next() < 0.6);
    members.set(id, subscription.length > 0 ? subscription : [topics[pick(topics.length)]!]);
  }
  return { members, partitionCounts };
}

describe('modern/assignment (kafka-node compatible assigners)', () => {
  it('objectKeyOrder enumerates like a plain object', () => {
    const names = ['b', '10', 'a', '2', '01', '4294967295', '4294967294', 'b', '-1', '0'];
    const object: Record<string, true> = {};
    for (const name of names) object[name] = true;
    expect(objectKeyOrder(names)).to.deep.equal(Object.keys(object));
  });

  for (const [name, protocol] of [
    ['roundrobin', kafkaNodeRoundRobin],
    ['range', kafkaNodeRange],
  ] as const) {
    it(`${name} reproduces kafka-node's lib/assignment/${name} on 400 member/partition layouts`, () => {
      for (let seed = 1; seed <= 400; seed++) {
        const layout = randomLayout(seed, name === 'range' ? 1 : 0);
        const expected = normalized(kafkaNodeResult(name, layout));
        const actual = normalized(ourResult(protocol, layout));
        expect(
          actual,
          `seed ${seed}: ${JSON.stringify([...layout.members])} ${JSON.stringify([...layout.partitionCounts])}`,
        ).to.deep.equal(expected);
      }
    });

    it(`${name} gives every subscribed partition to exactly one subscriber`, () => {
      for (let seed = 1000; seed < 1100; seed++) {
        const layout = randomLayout(seed);
        const owners = new Map<string, string>();
        for (const [memberId, topics] of ourResult(protocol, layout)) {
          for (const [topic, ids] of topics) {
            expect(layout.members.get(memberId), `${memberId} got ${topic} without subscribing`).to.include(topic);
            for (const id of ids) {
              const key = `${topic}/${id}`;
              expect(owners.has(key), `${key} assigned twice`).to.equal(false);
              owners.set(key, memberId);
            }
          }
        }
        const subscribed = new Set([...layout.members.values()].flat());
        const expectedCount = [...subscribed].reduce((sum, topic) => sum + (layout.partitionCounts.get(topic) ?? 0), 0);
        expect(owners.size).to.equal(expectedCount);
      }
    });
  }

  it('range leaves topics without partitions out (kafka-node throws on them)', () => {
    const layout: Layout = { members: new Map([['m1', ['gone', 'here']]]), partitionCounts: new Map([['here', 2]]) };
    expect(normalized(ourResult(kafkaNodeRange, layout))).to.deep.equal({ m1: { here: [0, 1] } });
  });

  it('the roundrobin cursor carries over between topics, as in kafka-node', () => {
    const layout: Layout = {
      members: new Map([
        ['m1', ['a', 'b']],
        ['m2', ['a', 'b']],
      ]),
      partitionCounts: new Map([
        ['a', 3],
        ['b', 1],
      ]),
    };
    expect(normalized(ourResult(kafkaNodeRoundRobin, layout))).to.deep.equal({
      m1: { a: [0, 2] },
      m2: { a: [1], b: [0] },
    });
  });

  describe('as a kafkajs assigner', () => {
    function metadata(partitionIds: number[]): PartitionMetadata[] {
      return partitionIds.map((partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
      }));
    }
    // The leader's view of the cluster; the assigner only reads partition metadata and asks for missing topics.
    function clusterWith(topics: Record<string, number[]>, requested: string[][]): Cluster {
      return {
        addMultipleTargetTopics: async (names: string[]) => {
          requested.push(names);
        },
        findTopicPartitionMetadata: (topic: string) => metadata(topics[topic] ?? []),
      } as unknown as Cluster;
    }

    function member(memberId: string, topics: string[]): GroupMember {
      return { memberId, memberMetadata: encodeSubscription({ version: 0, topics, userData: null }) };
    }

    it('advertises the standard consumer protocol subscription under the kafka-node name', () => {
      const assigner = kafkajsAssigner(kafkaNodeRange)({
        cluster: clusterWith({}, []),
        groupId: 'g',
        logger: undefined as never,
      });
      const protocol = assigner.protocol({ topics: ['t1', 't2'] });
      expect(protocol.name).to.equal('range');
      expect(decodeSubscription(protocol.metadata)).to.deep.equal({ version: 0, topics: ['t1', 't2'], userData: null });
    });

    it('assigns every member, including topics only other members subscribe to', async () => {
      const requested: string[][] = [];
      const assigner = kafkajsAssigner(kafkaNodeRoundRobin)({
        cluster: clusterWith({ shared: [0, 1, 2, 3], other: [0, 1] }, requested),
        groupId: 'g',
        logger: undefined as never,
      });
      const members = [
        member('kafkajs-1', ['shared']),
        member('kafka-node-1', ['shared', 'other']),
        member('idle', ['missing']),
      ];
      const result = await assigner.assign({ members, topics: ['shared'] });
      expect(requested).to.deep.equal([['shared', 'other', 'missing']]);
      const decoded = Object.fromEntries(result.map((r) => [r.memberId, decodeAssignment(r.memberAssignment).topics]));
      const expected = kafkaNodeResult('roundrobin', {
        members: decodeMembers(members),
        partitionCounts: new Map([
          ['shared', 4],
          ['other', 2],
        ]),
      });
      expect(decoded).to.deep.equal({
        'kafkajs-1': [...(expected.get('kafkajs-1') ?? [])].map(([topic, partitions]) => ({ topic, partitions })),
        'kafka-node-1': [...(expected.get('kafka-node-1') ?? [])].map(([topic, partitions]) => ({ topic, partitions })),
        idle: [],
      });
    });

    it('rejects what a custom protocol returns for unknown members or partitions', async () => {
      const rogue: CustomAssignmentProtocol = {
        name: 'rogue',
        version: 1,
        assign: () => new Map([['nobody', new Map([['t', [0]]])]]),
      };
      const assigner = kafkajsAssigner(rogue)({
        cluster: clusterWith({ t: [0] }, []),
        groupId: 'g',
        logger: undefined as never,
      });
      let failure: unknown;
      await assigner
        .assign({ members: [member('m', ['t'])], topics: ['t'] })
        .catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(ConfigurationError);
    });

    it('runs custom protocols with their own name and version', async () => {
      const everythingToFirst: CustomAssignmentProtocol = {
        name: 'first-takes-all',
        version: 3,
        assign: (members, partitions) => {
          const [first] = [...members.keys()].sort();
          return new Map([[first!, new Map([...partitions].map(([topic, ids]) => [topic, [...ids]]))]]);
        },
      };
      const assigner = kafkajsAssigner(everythingToFirst)({
        cluster: clusterWith({ t: [0, 1] }, []),
        groupId: 'g',
        logger: undefined as never,
      });
      expect(assigner.name).to.equal('first-takes-all');
      const result = await assigner.assign({ members: [member('b', ['t']), member('a', ['t'])], topics: ['t'] });
      const decoded = Object.fromEntries(result.map((r) => [r.memberId, decodeAssignment(r.memberAssignment)]));
      expect(decoded.a).to.deep.equal({ version: 3, topics: [{ topic: 't', partitions: [0, 1] }], userData: null });
      expect(decoded.b!.topics).to.deep.equal([]);
    });
  });

  it('resolves protocol names and checks custom protocol objects', () => {
    expect(resolveProtocols(undefined).map((p) => p.name)).to.deep.equal(['roundrobin']);
    expect(resolveProtocols(['range', 'roundrobin']).map((p) => p.name)).to.deep.equal(['range', 'roundrobin']);
    expect(() => resolveProtocols(['constructor' as never])).to.throw(ConfigurationError);
    expect(() => resolveProtocols([{ name: '', version: 0, assign: () => new Map() }])).to.throw(ConfigurationError);
  });
});
