import type { CompressionName, OutgoingMessage, PartitionerName } from '../common/types';
import { renderPayload } from './trace';
import type { ParityScenario, ScenarioContext } from './context';

/**
 * The parity scenarios: each written once against the common interface and run on every backend. They check their
 * own invariants (nothing lost, nothing twice) and record what they observe; the runner compares the records.
 */

async function produce(
  context: ScenarioContext,
  topic: string,
  messages: OutgoingMessage[],
  options: { partitioner?: PartitionerName; compression?: CompressionName; acks?: -1 | 0 | 1 } = {},
): Promise<void> {
  const producer = context.backend.producer({ partitioner: options.partitioner ?? 'keyed' });
  await producer.connect();
  try {
    // One send per message, so the partitioner is consulted per message and the sent record is exact.
    for (const message of messages) {
      const [result] = await producer.send({
        topic,
        messages: [message],
        acks: options.acks ?? -1,
        compression: options.compression,
      });
      context.check(result !== undefined, `send to ${topic} returned no partition`);
      context.trace.record({
        kind: 'sent',
        topic,
        partition: result.partition,
        key: renderPayload(message.key ?? null),
        value: renderPayload(message.value),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

function numbered(count: number, prefix: string, keyed = true): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: keyed ? `${prefix}-key-${i % 7}` : null,
    value: `${prefix}-value-${i}`,
  }));
}

function assertExactlyOnce(
  context: ScenarioContext,
  consumed: { topic: string; partition: number; offset: number }[],
  expected: number,
): void {
  const seen = new Set(consumed.map((m) => `${m.topic}/${m.partition}/${m.offset}`));
  context.check(seen.size === consumed.length, `${consumed.length - seen.size} message(s) consumed twice`);
  context.check(seen.size === expected, `expected ${expected} distinct messages, consumed ${seen.size}`);
}

const keyedAcrossPartitions: ParityScenario = {
  id: 'keyed-produce',
  title: 'keyed and unkeyed messages across 3 partitions, consumed from earliest',
  async run(context) {
    const topic = await context.createTopic('orders', 3);
    const messages = [
      ...numbered(12, 'keyed'),
      ...numbered(3, 'explicit', false).map((m, i) => ({ ...m, partition: i % 3 })),
    ];
    await produce(context, topic, messages);
    context.trace.section('consume');
    const consumed = await context.consume({
      groupId: context.groupId('readers'),
      topics: [topic],
      count: messages.length,
      fromOffset: 'earliest',
    });
    assertExactlyOnce(context, consumed, messages.length);
  },
};

function partitionerScenario(partitioner: PartitionerName): ParityScenario {
  return {
    id: `partitioner-${partitioner}`,
    title: `partitioner "${partitioner}" maps keys to the same partitions`,
    async run(context) {
      const topic = await context.createTopic(`by-${partitioner}`, 5);
      const keys = ['alpha', 'beta', 'gamma', 'delta', '用户-7', 'epsilon', 'zeta', 'eta', '', 'theta'];
      await produce(
        context,
        topic,
        keys.map((key, i) => ({ key, value: `v${i}` })),
        { partitioner },
      );
    },
  };
}

const randomPartitioner: ParityScenario = {
  id: 'partitioner-random',
  title: 'partitioner "random" only picks existing partitions',
  async run(context) {
    const topic = await context.createTopic('by-random', 4);
    const producer = context.backend.producer({ partitioner: 'random' });
    await producer.connect();
    const partitions = new Set<number>();
    try {
      for (let i = 0; i < 40; i++) {
        const [result] = await producer.send({ topic, messages: [{ key: `k${i}`, value: `v${i}` }] });
        partitions.add(result!.partition);
      }
    } finally {
      await producer.disconnect();
    }
    context.check(
      [...partitions].every((p) => p >= 0 && p < 4),
      `random chose partitions ${[...partitions].join(',')}`,
    );
    context.trace.record({ kind: 'fact', name: 'partitions within range', value: true });
  },
};

const startPositions: ParityScenario = {
  id: 'start-positions',
  title: 'fromOffset earliest / latest / none, with and without committed offsets',
  async run(context) {
    const topic = await context.createTopic('positions', 2);
    await produce(context, topic, numbered(6, 'before'));

    context.trace.section('earliest without commits');
    const fromEarliest = await context.consume({
      groupId: context.groupId('g-earliest'),
      topics: [topic],
      count: 6,
      fromOffset: 'earliest',
    });
    assertExactlyOnce(context, fromEarliest, 6);

    context.trace.section('latest without commits');
    const latest = await context.startMember({
      groupId: context.groupId('g-latest'),
      topics: [topic],
      fromOffset: 'latest',
    });
    await produce(context, topic, numbered(4, 'after'));
    await context.waitForCount(latest.messages, 4);
    await context.closeMember(latest.group);
    context.check(
      latest.messages.every((m) => m.value?.toString().startsWith('after')),
      'latest consumer saw messages sent before it joined',
    );

    context.trace.section('none without commits');
    try {
      const none = await context.startMember({
        groupId: context.groupId('g-none'),
        topics: [topic],
        fromOffset: 'none',
      });
      await context.closeMember(none.group, false);
      context.check(false, 'fromOffset "none" without committed offsets did not fail');
    } catch (error) {
      context.recordError(error);
    }

    context.trace.section('none with commits');
    // g-earliest committed the 6 'before' messages; the 4 'after' and 2 'late' ones are new to it.
    const resumed = await context.startMember({
      groupId: context.groupId('g-earliest'),
      topics: [topic],
      fromOffset: 'none',
    });
    await produce(context, topic, numbered(2, 'late'));
    await context.waitForCount(resumed.messages, 6);
    await context.closeMember(resumed.group);
    context.check(
      resumed.messages.every((m) => !m.value?.toString().startsWith('before')),
      'the resumed member re-read messages its group had committed',
    );
  },
};

const commitAndResume: ParityScenario = {
  id: 'commit-resume',
  title: 'manual commit, restart, resume exactly after the last committed message',
  async run(context) {
    const topic = await context.createTopic('resume', 1);
    await produce(context, topic, numbered(10, 'm', false));
    const groupId = context.groupId('resumers');

    context.trace.section('first run');
    const first = await context.startMember({ groupId, topics: [topic], fromOffset: 'earliest', autoCommit: false });
    await context.waitForCount(first.messages, 10);
    await first.group.commit([{ topic, partition: 0, offset: 6 }]);
    await context.closeMember(first.group, false);

    const admin = context.backend.admin();
    await admin.connect();
    try {
      for (const offset of await admin.fetchCommittedOffsets(groupId, topic))
        context.trace.record({ kind: 'committed', ...offset });
    } finally {
      await admin.disconnect();
    }

    context.trace.section('second run');
    const second = await context.consume({
      groupId,
      topics: [topic],
      count: 4,
      fromOffset: 'earliest',
      autoCommit: false,
    });
    context.check(second[0]?.offset === 6, `second run started at offset ${String(second[0]?.offset)}, expected 6`);
  },
};

const twoMembers: ParityScenario = {
  id: 'two-member-rebalance',
  title: 'two members share 4 partitions; nothing lost, nothing read twice',
  async run(context) {
    const topic = await context.createTopic('shared', 4);
    const groupId = context.groupId('pair');
    const first = await context.startMember({ groupId, topics: [topic], fromOffset: 'earliest', record: false });
    const second = await context.startMember({ groupId, topics: [topic], fromOffset: 'earliest', record: false });
    await produce(context, topic, numbered(40, 'shared'));
    const all = () => [...first.messages, ...second.messages];
    const deadline = Date.now() + 30000;
    while (all().length < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    // Commit while the group is stable: once one member leaves, the other's commit would meet the rebalance.
    await first.group.commit();
    await second.group.commit();
    await context.closeMember(first.group, false);
    await context.closeMember(second.group, false);
    const consumed = all();
    assertExactlyOnce(context, consumed, 40);
    context.check(
      first.messages.length > 0 && second.messages.length > 0,
      `one member got nothing (${first.messages.length}/${second.messages.length})`,
    );
    context.trace.section('consumed');
    for (const message of consumed) context.recordMessage(message);
  },
};

const pauseResume: ParityScenario = {
  id: 'pause-resume',
  title: 'a paused topic delivers nothing until resumed; the other topic keeps flowing',
  async run(context) {
    const held = await context.createTopic('held', 1);
    const flowing = await context.createTopic('flowing', 1);
    const member = await context.startMember({
      groupId: context.groupId('pauser'),
      topics: [held, flowing],
      fromOffset: 'earliest',
      record: false,
    });
    member.group.pause([held]);
    await produce(context, held, numbered(3, 'held', false));
    await produce(context, flowing, numbered(3, 'flowing', false));
    await context.waitForCount(member.messages, 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    context.check(
      member.messages.every((m) => m.topic === flowing),
      'a paused topic delivered messages',
    );
    context.trace.record({ kind: 'fact', name: 'delivered while paused', value: member.messages.length });
    member.group.resume([held]);
    await context.waitForCount(member.messages, 6);
    await context.closeMember(member.group);
    context.trace.section('consumed');
    for (const message of member.messages) context.recordMessage(message);
  },
};

function compressionScenario(compression: CompressionName): ParityScenario {
  return {
    id: `compression-${compression}`,
    title: `${compression}-compressed messages round-trip`,
    compression: [compression],
    async run(context) {
      const topic = await context.createTopic(`packed-${compression}`, 2);
      const messages = numbered(8, compression).map((m, i) => ({
        ...m,
        value: `${String(m.value)}-${'x'.repeat(i * 100)}`,
      }));
      const producer = context.backend.producer({ partitioner: 'keyed' });
      await producer.connect();
      try {
        await producer.send({ topic, messages, compression });
      } finally {
        await producer.disconnect();
      }
      const consumed = await context.consume({
        groupId: context.groupId('unpackers'),
        topics: [topic],
        count: messages.length,
        fromOffset: 'earliest',
      });
      assertExactlyOnce(context, consumed, messages.length);
    },
  };
}

const payloadSizes: ParityScenario = {
  id: 'payload-sizes',
  title: 'values from 0 bytes to 1 MB (1,000,000 bytes)',
  async run(context) {
    const topic = await context.createTopic('sizes', 1);
    const sizes = [0, 1, 1024, 100 * 1024, 1000 * 1000];
    const messages = sizes.map((size, i) => ({ key: `size-${size}`, value: Buffer.alloc(size, i + 1) }));
    await produce(context, topic, messages);
    const consumed = await context.consume({
      groupId: context.groupId('sizers'),
      topics: [topic],
      count: sizes.length,
      fromOffset: 'earliest',
    });
    context.check(
      consumed.map((m) => m.value?.length ?? -1).join() === sizes.join(),
      `sizes read back: ${consumed.map((m) => m.value?.length).join()}`,
    );
  },
};

const nullsAndEncodings: ParityScenario = {
  id: 'nulls-and-encodings',
  title: 'null keys, null values, UTF-8 and binary payloads',
  async run(context) {
    const topic = await context.createTopic('payloads', 1);
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await produce(context, topic, [
      { key: null, value: 'null key' },
      { key: 'null value', value: null },
      { key: null, value: null },
      { key: '键', value: '消息内容 — ünïcødé ✓ 🚀' },
      { key: Buffer.from([0, 255, 1]), value: binary },
      { key: '', value: '' },
    ]);
    const consumed = await context.consume({
      groupId: context.groupId('decoders'),
      topics: [topic],
      count: 6,
      fromOffset: 'earliest',
    });
    context.check(consumed[4]?.value?.equals(binary) === true, 'binary value changed on the way');
    context.check(consumed[1]?.value === null, 'a null value came back as non-null');
  },
};

export const PARITY_SCENARIOS: readonly ParityScenario[] = [
  keyedAcrossPartitions,
  partitionerScenario('default'),
  partitionerScenario('cyclic'),
  partitionerScenario('keyed'),
  partitionerScenario('murmur2'),
  randomPartitioner,
  startPositions,
  commitAndResume,
  twoMembers,
  pauseResume,
  compressionScenario('gzip'),
  compressionScenario('snappy'),
  payloadSizes,
  nullsAndEncodings,
];
