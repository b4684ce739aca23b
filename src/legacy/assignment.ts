/**
 * Assignment protocols for kafka-node's ConsumerGroup `protocol` option. 'roundrobin' and 'range' are kafka-node's
 * own (lib/assignment), passed by name. A CustomAssignmentProtocol of the common interface is translated to
 * kafka-node's callback shape: kafka-node hands the leader the partitions per topic (ids as object-key strings, topics
 * in the order of its metadata answer) and the members in JoinGroup order, and expects one entry per member back.
 */
import { ConfigurationError } from '../common/errors';
import type { AssignmentProtocolName, CustomAssignmentProtocol } from '../common/types';
import { toKafkaError } from './errors';
import type { KafkaNodeAssignmentProtocol, KafkaNodeGroupMember, KafkaNodeMemberAssignment } from './kafka-node';

type Members = Map<string, string[]>;
type Partitions = Map<string, number[]>;

/** Checks what a custom protocol returned: known members, known topics, existing partitions, none twice. */
export function checkAssignment(
  protocol: CustomAssignmentProtocol,
  result: unknown,
  members: Members,
  partitions: Partitions,
): Map<string, Map<string, number[]>> {
  if (!(result instanceof Map)) {
    throw new ConfigurationError(
      `assignment protocol "${protocol.name}" must return a Map of memberId -> Map of topic -> partitions`,
    );
  }
  const taken = new Set<string>();
  for (const [memberId, topics] of result as Map<unknown, unknown>) {
    if (typeof memberId !== 'string' || !members.has(memberId)) {
      throw new ConfigurationError(
        `assignment protocol "${protocol.name}" assigned partitions to unknown member ${String(memberId)}`,
      );
    }
    if (!(topics instanceof Map))
      throw new ConfigurationError(
        `assignment protocol "${protocol.name}" returned a non-Map assignment for member ${memberId}`,
      );
    for (const [topic, ids] of topics as Map<unknown, unknown>) {
      const known = typeof topic === 'string' ? partitions.get(topic) : undefined;
      if (!known || !Array.isArray(ids) || ids.some((id) => !known.includes(id as number))) {
        throw new ConfigurationError(
          `assignment protocol "${protocol.name}" assigned ${String(topic)}/${JSON.stringify(ids)}, which is not a known topic and partitions`,
        );
      }
      for (const id of ids as number[]) {
        const key = `${String(topic)}/${id}`;
        if (taken.has(key))
          throw new ConfigurationError(
            `assignment protocol "${protocol.name}" assigned ${key} to more than one member`,
          );
        taken.add(key);
      }
    }
  }
  return result as Map<string, Map<string, number[]>>;
}

/** A common CustomAssignmentProtocol as kafka-node's assignment protocol object. */
export function toKafkaNodeProtocol(protocol: CustomAssignmentProtocol): KafkaNodeAssignmentProtocol {
  return {
    name: protocol.name,
    version: protocol.version,
    assign(topicPartitions, groupMembers: KafkaNodeGroupMember[], callback) {
      let assignments: KafkaNodeMemberAssignment[];
      try {
        const members: Members = new Map(groupMembers.map((member) => [member.id, [...(member.subscription ?? [])]]));
        const partitions: Partitions = new Map(
          Object.keys(topicPartitions).map((topic) => [
            topic,
            topicPartitions[topic]!.map(Number).sort((a, b) => a - b),
          ]),
        );
        const result = checkAssignment(protocol, protocol.assign(members, partitions), members, partitions);
        assignments = [...members.keys()].map((memberId) => ({
          memberId,
          version: protocol.version,
          topicPartitions: Object.fromEntries(
            [...(result.get(memberId) ?? new Map<string, number[]>())].map(([topic, ids]) => [topic, [...ids]]),
          ),
        }));
      } catch (error) {
        callback(toKafkaError(error));
        return;
      }
      callback(null, assignments);
    },
  };
}

/** kafka-node's `protocol` option; a fresh array and fresh objects per group (kafka-node writes into them). */
export function kafkaNodeProtocols(
  protocols: ReadonlyArray<AssignmentProtocolName | CustomAssignmentProtocol>,
): Array<string | KafkaNodeAssignmentProtocol> {
  return protocols.map((protocol) => (typeof protocol === 'string' ? protocol : toKafkaNodeProtocol(protocol)));
}
