/**
 * Partition assignment for consumer groups on kafkajs, interoperable with kafka-node 5 members of the same group.
 *
 * During a rolling migration a group holds kafka-node ConsumerGroup members and members of this backend at once.
 * The coordinator picks one protocol all members support and one leader computes everyone's assignment, so this
 * backend registers assigners under kafka-node's protocol names ('roundrobin', 'range'), speaks the standard consumer
 * protocol encoding (consumer-protocol.ts), and computes exactly what kafka-node's lib/assignment would compute from
 * the same JoinGroup response: whichever member leads, the group gets the same assignment.
 *
 * kafka-node's algorithms depend on JavaScript object key order (topics keyed in plain objects), which this module
 * reproduces explicitly with `objectKeyOrder`.
 */
import type { Assigner, GroupMember, GroupMemberAssignment, PartitionAssigner } from 'kafkajs';
import { ConfigurationError } from '../common/errors';
import type { AssignmentProtocolName, CustomAssignmentProtocol } from '../common/types';
import { decodeSubscription, encodeAssignment, encodeSubscription, type TopicAssignment } from './consumer-protocol';

type Members = ReadonlyMap<string, readonly string[]>;
type Partitions = ReadonlyMap<string, readonly number[]>;
type MemberAssignments = Map<string, Map<string, number[]>>;

const MAX_ARRAY_INDEX = 2 ** 32 - 2;

function isArrayIndex(name: string): boolean {
  if (!/^(0|[1-9][0-9]*)$/.test(name)) return false;
  return Number(name) <= MAX_ARRAY_INDEX;
}

/**
 * The order in which a plain object created by inserting `names` in order enumerates its keys: array-index-like names
 * first, ascending, then the others in first-insertion order. Duplicates are dropped.
 */
export function objectKeyOrder(names: Iterable<string>): string[] {
  const indices: string[] = [];
  const others: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    (isArrayIndex(name) ? indices : others).push(name);
  }
  indices.sort((a, b) => Number(a) - Number(b));
  return [...indices, ...others];
}

/** Sorts as Array.prototype.sort does without a comparator (UTF-16 code units), which kafka-node uses on member ids. */
function defaultSort(values: Iterable<string>): string[] {
  return [...values].sort();
}

function emptyAssignments(members: Members): MemberAssignments {
  const assignments: MemberAssignments = new Map();
  for (const memberId of objectKeyOrder(members.keys())) assignments.set(memberId, new Map());
  return assignments;
}

function give(assignments: MemberAssignments, memberId: string, topic: string, partition: number): void {
  let topics = assignments.get(memberId);
  if (!topics) {
    topics = new Map();
    assignments.set(memberId, topics);
  }
  const partitions = topics.get(topic);
  if (partitions) partitions.push(partition);
  else topics.set(topic, [partition]);
}

/**
 * kafka-node's 'roundrobin': every (topic, partition) in metadata order, handed out by one cursor cycling over the
 * sorted member ids and skipping members not subscribed to the topic. The cursor carries over from topic to topic.
 */
export const kafkaNodeRoundRobin: CustomAssignmentProtocol = {
  name: 'roundrobin',
  version: 0,
  assign(members, partitions) {
    const assignments = emptyAssignments(members);
    const sorted = defaultSort(members.keys());
    if (sorted.length === 0) return assignments;
    let cursor = -1;
    for (const [topic, ids] of partitions) {
      const subscribed = sorted.some((memberId) => members.get(memberId)!.includes(topic));
      if (!subscribed) continue;
      for (const partition of ids) {
        while (!members.get(sorted[(cursor + 1) % sorted.length]!)!.includes(topic))
          cursor = (cursor + 1) % sorted.length;
        cursor = (cursor + 1) % sorted.length;
        give(assignments, sorted[cursor]!, topic, partition);
      }
    }
    return assignments;
  },
};

/**
 * kafka-node's 'range': per topic (in order of first subscription, object key order), the topic's partitions split
 * into contiguous ranges over its sorted subscribers, the first `partitions % subscribers` getting one extra.
 */
export const kafkaNodeRange: CustomAssignmentProtocol = {
  name: 'range',
  version: 0,
  assign(members, partitions) {
    const assignments = emptyAssignments(members);
    const subscribersByTopic = new Map<string, string[]>();
    for (const [memberId, topics] of members) {
      for (const topic of topics) {
        const subscribers = subscribersByTopic.get(topic);
        if (subscribers) subscribers.push(memberId);
        else subscribersByTopic.set(topic, [memberId]);
      }
    }
    for (const topic of objectKeyOrder(subscribersByTopic.keys())) {
      const subscribers = subscribersByTopic.get(topic)!.sort();
      const ids = partitions.get(topic) ?? [];
      const perMember = Math.floor(ids.length / subscribers.length);
      const withExtra = ids.length % subscribers.length;
      subscribers.forEach((memberId, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i + 1 > withExtra ? 0 : 1);
        for (const partition of ids.slice(start, start + length)) give(assignments, memberId, topic, partition);
      });
    }
    return assignments;
  },
};

export const BUILT_IN_PROTOCOLS: Readonly<Record<AssignmentProtocolName, CustomAssignmentProtocol>> = {
  roundrobin: kafkaNodeRoundRobin,
  range: kafkaNodeRange,
};

/** Members in JoinGroup order with their subscriptions; metadata nobody can decode counts as no subscription. */
export function decodeMembers(members: readonly GroupMember[]): Map<string, string[]> {
  const decoded = new Map<string, string[]>();
  for (const { memberId, memberMetadata } of members) {
    let topics: string[] = [];
    try {
      topics = decodeSubscription(memberMetadata).topics;
    } catch {
      topics = [];
    }
    decoded.set(memberId, topics);
  }
  return decoded;
}

/**
 * The partitions of every subscribed topic, keyed in the order kafka-node's leader sees them: topics in order of first
 * subscription over the members (its Metadata request order), enumerated as a plain object's keys. Topics without
 * partitions are left out, as kafka-node's metadata map leaves them out.
 */
export function partitionsInSubscriptionOrder(
  members: Members,
  partitionIds: (topic: string) => readonly number[],
): Map<string, number[]> {
  const partitions = new Map<string, number[]>();
  for (const topic of objectKeyOrder([...members.values()].flat())) {
    const ids = [...partitionIds(topic)].sort((a, b) => a - b);
    if (ids.length > 0) partitions.set(topic, ids);
  }
  return partitions;
}

function checkedAssignment(
  protocol: CustomAssignmentProtocol,
  result: unknown,
  members: Members,
  partitions: Partitions,
): MemberAssignments {
  if (!(result instanceof Map)) {
    throw new ConfigurationError(
      `assignment protocol "${protocol.name}" must return a Map of memberId -> Map of topic -> partitions`,
    );
  }
  for (const [memberId, topics] of result as Map<unknown, unknown>) {
    if (typeof memberId !== 'string' || !members.has(memberId)) {
      throw new ConfigurationError(
        `assignment protocol "${protocol.name}" assigned partitions to unknown member ${String(memberId)}`,
      );
    }
    if (!(topics instanceof Map)) {
      throw new ConfigurationError(
        `assignment protocol "${protocol.name}" returned a non-Map assignment for member ${memberId}`,
      );
    }
    for (const [topic, ids] of topics as Map<unknown, unknown>) {
      const known = typeof topic === 'string' ? partitions.get(topic) : undefined;
      if (!known || !Array.isArray(ids) || ids.some((id) => !known.includes(id as number))) {
        throw new ConfigurationError(
          `assignment protocol "${protocol.name}" assigned ${String(topic)}/${JSON.stringify(ids)}, which is not a known topic and partitions`,
        );
      }
    }
  }
  return result as MemberAssignments;
}

function toTopicAssignments(topics: Map<string, number[]> | undefined): TopicAssignment[] {
  return topics ? [...topics].map(([topic, partitions]) => ({ topic, partitions: [...partitions] })) : [];
}

/**
 * A kafkajs partition assigner running `protocol` (built-in or custom) over the standard consumer protocol. The leader
 * loads metadata for every topic any member subscribes to (kafka-node members may subscribe to topics this one does
 * not), and every member gets an assignment entry, possibly empty.
 */
export function kafkajsAssigner(protocol: CustomAssignmentProtocol): PartitionAssigner {
  return ({ cluster }): Assigner => ({
    name: protocol.name,
    version: protocol.version,
    protocol: ({ topics }) => ({
      name: protocol.name,
      metadata: encodeSubscription({ version: protocol.version, topics, userData: null }),
    }),
    async assign({ members }): Promise<GroupMemberAssignment[]> {
      const subscriptions = decodeMembers(members);
      const topics = objectKeyOrder([...subscriptions.values()].flat());
      if (topics.length > 0) await cluster.addMultipleTargetTopics(topics);
      const partitions = partitionsInSubscriptionOrder(subscriptions, (topic) =>
        cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId),
      );
      const assignments = checkedAssignment(
        protocol,
        protocol.assign(subscriptions, partitions),
        subscriptions,
        partitions,
      );
      return [...subscriptions.keys()].map((memberId) => ({
        memberId,
        memberAssignment: encodeAssignment({
          version: protocol.version,
          topics: toTopicAssignments(assignments.get(memberId)),
          userData: null,
        }),
      }));
    },
  });
}

export function resolveProtocols(
  protocols: ReadonlyArray<AssignmentProtocolName | CustomAssignmentProtocol> | undefined,
): CustomAssignmentProtocol[] {
  const chosen = protocols && protocols.length > 0 ? protocols : (['roundrobin'] as const);
  return chosen.map((protocol) => {
    if (typeof protocol === 'string') {
      const builtIn = Object.prototype.hasOwnProperty.call(BUILT_IN_PROTOCOLS, protocol)
        ? BUILT_IN_PROTOCOLS[protocol]
        : undefined;
      if (!builtIn)
        throw new ConfigurationError(
          `unknown assignment protocol "${protocol}": use "roundrobin", "range" or a custom protocol object`,
        );
      return builtIn;
    }
    if (
      !protocol ||
      typeof protocol.name !== 'string' ||
      protocol.name.length === 0 ||
      typeof protocol.assign !== 'function' ||
      !Number.isInteger(protocol.version) ||
      protocol.version < 0
    ) {
      throw new ConfigurationError(
        'a custom assignment protocol needs a non-empty name, an integer version >= 0 and an assign function',
      );
    }
    return protocol;
  });
}
