/** Pieces both backends' broker tests use: group members that record what they see, producing, and checks. */
import { expect } from 'chai';
import type {
  Backend,
  ConsumedMessage,
  ConsumerGroup,
  ConsumerGroupConfig,
  OutgoingMessage,
  PartitionerName,
  RebalanceEvent,
} from '../../src/common/types';

export interface Member<Group extends ConsumerGroup = ConsumerGroup> {
  group: Group;
  messages: ConsumedMessage[];
  assignments: RebalanceEvent[];
  revocations: RebalanceEvent[];
  errors: Error[];
  /** Topic/partitions of the latest assignment, "topic/partition" sorted. */
  current(): string[];
}

export async function startMember<Group extends ConsumerGroup = ConsumerGroup>(
  backend: Backend,
  config: ConsumerGroupConfig,
  handler?: (message: ConsumedMessage) => Promise<void> | void,
): Promise<Member<Group>> {
  const group = backend.consumerGroup(config) as Group;
  const member: Member<Group> = {
    group,
    messages: [],
    assignments: [],
    revocations: [],
    errors: [],
    current() {
      const last = this.assignments[this.assignments.length - 1];
      return (last?.partitions ?? []).map((p) => `${p.topic}/${p.partition}`).sort();
    },
  };
  group.on('assigned', (event) => member.assignments.push(event));
  group.on('revoked', (event) => member.revocations.push(event));
  group.on('error', (error) => member.errors.push(error));
  await group.connect();
  await group.run({
    eachMessage: async (message) => {
      if (handler) await handler(message);
      member.messages.push(message);
    },
  });
  return member;
}

export async function produce(
  backend: Backend,
  topic: string,
  messages: OutgoingMessage[],
  options: { partitioner?: PartitionerName } = {},
) {
  const producer = backend.producer({ partitioner: options.partitioner ?? 'keyed' });
  await producer.connect();
  try {
    return await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Sends `total` messages `${i}:${value}` (null keys) in sends of `perSend`, for tests that need a long topic. */
export async function produceInBulk(
  backend: Backend,
  topic: string,
  {
    total,
    perSend,
    value,
    partitioner,
  }: { total: number; perSend: number; value: string; partitioner?: PartitionerName },
): Promise<void> {
  const producer = backend.producer(partitioner === undefined ? undefined : { partitioner });
  await producer.connect();
  for (let sent = 0; sent < total; sent += perSend) {
    await producer.send({
      topic,
      messages: Array.from({ length: perSend }, (_, i) => ({ key: null, value: `${sent + i}:${value}` })),
    });
  }
  await producer.disconnect();
}

export function numbered(count: number, prefix: string): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}-${i % 5}`, value: `${prefix}-${i}` }));
}

/** Every message exactly once, and in offset order within each partition. */
export function expectExactlyOnceInOrder(messages: ConsumedMessage[], expectedCount: number): void {
  const seen = new Set<string>();
  const lastOffset = new Map<string, number>();
  for (const message of messages) {
    const key = `${message.topic}/${message.partition}`;
    const id = `${key}@${message.offset}`;
    expect(seen.has(id), `${id} delivered twice`).to.equal(false);
    seen.add(id);
    expect(message.offset, `${key} out of order`).to.be.greaterThan(lastOffset.get(key) ?? -1);
    lastOffset.set(key, message.offset);
  }
  expect(seen.size).to.equal(expectedCount);
}

export function closeQuietly(groups: Array<Pick<ConsumerGroup, 'close'> | undefined>): Promise<unknown> {
  return Promise.all(groups.map((group) => group?.close({ commit: false }).catch(() => undefined)));
}
