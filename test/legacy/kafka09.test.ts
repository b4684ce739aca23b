/**
 * The legacy backend against Apache Kafka 0.9.0.1, the broker generation kafka-node 5 was written for: no
 * ApiVersions (kafka-node falls back to Produce/Fetch v0-1, magic-0 messages without timestamps), no CreateTopics or
 * DeleteTopics, Metadata v0 without a controller. Talked to through a proxy that swallows ApiVersions (see
 * test/fixtures/recording-proxy.ts for the 0.9 bug this avoids). Skipped with the reason when Java is missing,
 * outside CI.
 */
import { expect } from 'chai';
import { KafkaProtocolError } from '../../src/common/errors';
import type { Admin, Backend } from '../../src/common/types';
import { ErrorCode } from '../../src/protocol/error-codes';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startOrSkip } from '../fixtures/processes';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { startKafka09Proxy } from '../broker/differential/targets';
import {
  closeQuietly,
  expectExactlyOnceInOrder,
  legacyBackend,
  numbered,
  startMember,
  until,
  type Member,
} from './helpers';

/** 0.9's group.min.session.timeout.ms is 6 s. */
const GROUP_TIMING = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 } as const;

describe('legacy backend against Apache Kafka 0.9.0.1', function () {
  this.timeout(90000);
  let kafka: Kafka09 | undefined;
  let proxy: RecordingProxy | undefined;
  let backend: Backend;
  let admin: Admin;
  let counter = 0;
  const name = (what: string): string => `legacy09-${what}-${counter++}`;
  const members: Member[] = [];

  before(async function () {
    kafka = await startOrSkip(this, () => startKafka09());
    proxy = await startKafka09Proxy(kafka);
    backend = legacyBackend([proxy.address]);
    admin = backend.admin();
    await admin.connect();
  });
  afterEach(async () => {
    await closeQuietly(members.splice(0).map((m) => m.group));
  });
  after(async () => {
    await admin?.disconnect();
    await proxy?.close();
    await kafka?.stop();
  });

  it('produces keyed, unkeyed, gzip and snappy messages and consumes them from earliest, exactly once, in order', async () => {
    const topic = name('roundtrip');
    await kafka!.createTopic(topic, 3);
    const producer = backend.producer({ partitioner: 'keyed' });
    await producer.connect();
    try {
      const first = await producer.send({ topic, messages: numbered(6, 'plain') });
      expect(first.map((r) => r.baseOffset)).to.deep.equal(first.map(() => 0));
      await producer.send({ topic, messages: numbered(4, 'gzip'), compression: 'gzip' });
      await producer.send({ topic, messages: numbered(4, 'snappy'), compression: 'snappy' });
      await producer.send({
        topic,
        messages: [
          { key: null, value: null, partition: 0 },
          { key: '', value: Buffer.alloc(0), partition: 0 },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const m = await startMember(backend, {
      ...GROUP_TIMING,
      groupId: name('readers'),
      topics: [topic],
      fromOffset: 'earliest',
    });
    members.push(m);
    await until(() => m.messages.length === 16, 'all 16 messages', 30000);
    expectExactlyOnceInOrder(m.messages, 16);
    // Magic-0 messages carry no timestamp. (kafka-node writes the messages inside a compressed wrapper as magic 1,
    // whatever the produce version, so those come back with their timestamps even from 0.9.)
    const compressed = (value: Buffer | null): boolean => /^(gzip|snappy)/.test(value?.toString() ?? '');
    expect(m.messages.filter((msg) => !compressed(msg.value)).map((msg) => msg.timestamp)).to.deep.equal(
      Array(8).fill(-1),
    );
    const empty = m.messages.filter((msg) => msg.partition === 0).slice(-2);
    expect(empty.map((msg) => [msg.key, msg.value])).to.deep.equal([
      [null, null],
      [Buffer.alloc(0), Buffer.alloc(0)],
    ]);
    expect(m.messages.filter((msg) => msg.value?.toString().startsWith('snappy'))).to.have.length(4);
    expect(m.errors).to.deep.equal([]);
  });

  it('commits, restarts after the last committed message, and reports offsets through the admin', async () => {
    const topic = name('resume');
    await kafka!.createTopic(topic, 1);
    const producer = backend.producer();
    await producer.connect();
    await producer.send({ topic, messages: numbered(8, 'r') });
    await producer.disconnect();
    const groupId = name('resumers');
    const first = await startMember(backend, {
      ...GROUP_TIMING,
      groupId,
      topics: [topic],
      fromOffset: 'earliest',
      autoCommit: false,
    });
    members.push(first);
    await until(() => first.messages.length === 8, 'the 8 messages', 30000);
    await first.group.commit([{ topic, partition: 0, offset: 5 }]);
    await first.group.close({ commit: false });
    expect(await admin.fetchCommittedOffsets(groupId, topic)).to.deep.equal([{ topic, partition: 0, offset: 5 }]);
    expect(await admin.fetchTopicOffsets(topic)).to.deep.equal([{ partition: 0, earliest: 0, latest: 8 }]);

    const second = await startMember(backend, { ...GROUP_TIMING, groupId, topics: [topic], fromOffset: 'earliest' });
    members.push(second);
    await until(() => second.messages.length === 3, 'the 3 uncommitted messages', 30000);
    expect(second.messages.map((msg) => msg.offset)).to.deep.equal([5, 6, 7]);
    const [group] = await admin.describeGroups([groupId]);
    expect(group).to.deep.include({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'roundrobin' });
    expect(group!.members[0]!.assignment).to.deep.equal([{ topic, partition: 0 }]);
    expect(await admin.listGroups()).to.deep.include({ groupId, protocolType: 'consumer' });
  });

  it('two members rebalance without losing or repeating messages', async () => {
    const topic = name('shared');
    await kafka!.createTopic(topic, 4);
    const groupId = name('pair');
    const producer = backend.producer({ partitioner: 'cyclic' });
    await producer.connect();
    try {
      await producer.send({ topic, messages: numbered(12, 'early') });
      const first = await startMember(backend, { ...GROUP_TIMING, groupId, topics: [topic], fromOffset: 'earliest' });
      members.push(first);
      await until(() => first.messages.length === 12, 'the early messages', 30000);
      const second = await startMember(backend, { ...GROUP_TIMING, groupId, topics: [topic], fromOffset: 'earliest' });
      members.push(second);
      await until(() => first.current().length === 2 && second.current().length === 2, 'a 2/2 split', 30000);
      await producer.send({ topic, messages: numbered(20, 'late') });
      await until(() => first.messages.length + second.messages.length === 32, 'all 32 messages', 30000);
      expectExactlyOnceInOrder([...first.messages, ...second.messages], 32);
    } finally {
      await producer.disconnect();
    }
  });

  it('lists topics; CreateTopics and DeleteTopics do not exist on 0.9: UNSUPPORTED_VERSION', async () => {
    const topic = name('listed');
    await kafka!.createTopic(topic, 1);
    expect(await admin.listTopics()).to.include(topic);
    for (const call of [() => admin.createTopics([{ topic: name('new') }]), () => admin.deleteTopics([topic])]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(KafkaProtocolError);
      expect((error as KafkaProtocolError).code).to.equal(ErrorCode.UNSUPPORTED_VERSION);
    }
  });
});
