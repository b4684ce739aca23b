import { expect } from 'chai';
import * as sinon from 'sinon';
import { KafkaError, NoCommittedOffsetError, OffsetOutOfRangeError } from '../../src/common/errors';
import type { Backend, ConsumedMessage, CustomAssignmentProtocol, MessageBatch } from '../../src/common/types';
import type { LegacyConsumerGroup } from '../../src/legacy';
import { ApiKey } from '../../src/protocol/api-keys';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { rawRequest } from '../fixtures/processes';
import {
  closeQuietly,
  expectExactlyOnceInOrder,
  legacyBackend,
  numbered,
  produce,
  sleep,
  startMember,
  until,
  type Member,
} from './helpers';

/** Fast group timing for tests: rebalances are noticed within half a second. */
const FAST = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 300 } as const;

describe('legacy consumer group (embedded broker)', function () {
  this.timeout(40000);
  let broker: EmbeddedBroker;
  let backend: Backend;
  let counter = 0;
  const name = (what: string): string => `legacy-cg-${what}-${Date.now()}-${counter++}`;
  const open: Array<{ close(options?: { commit?: boolean }): Promise<void> }> = [];

  function createTopic(topic: string, partitions: number): string {
    expect(
      broker.cluster.createTopic({ name: topic, numPartitions: partitions, replicationFactor: 1 }).errorCode,
    ).to.equal(0);
    return topic;
  }

  async function member(
    config: Parameters<typeof startMember>[1],
    handler?: Parameters<typeof startMember>[2],
  ): Promise<Member> {
    const started = await startMember(backend, { ...FAST, ...config }, handler);
    open.push(started.group);
    return started;
  }

  async function committed(groupId: string, topic: string): Promise<number[]> {
    const admin = backend.admin();
    await admin.connect();
    try {
      return (await admin.fetchCommittedOffsets(groupId, topic)).map((o) => o.offset);
    } finally {
      await admin.disconnect();
    }
  }

  before(async () => {
    broker = await startEmbedded();
    backend = legacyBackend(broker.brokers);
  });
  afterEach(async () => {
    await closeQuietly(open.splice(0));
  });
  after(async () => {
    await broker?.stop();
  });

  it('reads from earliest, or only what comes after joining with latest', async () => {
    const topic = createTopic(name('positions'), 2);
    await produce(backend, topic, numbered(6, 'before'));
    const earliest = await member({ groupId: name('earliest'), topics: [topic], fromOffset: 'earliest' });
    const latest = await member({ groupId: name('latest'), topics: [topic], fromOffset: 'latest' });
    await until(() => earliest.messages.length === 6, 'the 6 earlier messages');
    await produce(backend, topic, numbered(4, 'after'));
    await until(() => earliest.messages.length === 10 && latest.messages.length === 4, 'the 4 later messages');
    expectExactlyOnceInOrder(earliest.messages, 10);
    expect(latest.messages.map((m) => m.value!.toString()).sort()).to.deep.equal([
      'after-0',
      'after-1',
      'after-2',
      'after-3',
    ]);
    expect(earliest.assignments).to.have.length(1);
    expect(earliest.current()).to.deep.equal([`${topic}/0`, `${topic}/1`]);
    expect(earliest.errors).to.deep.equal([]);
  });

  it('round-trips gzip and snappy, values from 0 bytes to 1 MB, and null keys and values, without errors', async () => {
    const topic = createTopic(name('payloads'), 1);
    const producer = backend.producer();
    await producer.connect();
    const sizes = [0, 1, 1024, 100 * 1024, 1000 * 1000];
    const sent: Array<{ key: Buffer | null; value: Buffer | null }> = [];
    try {
      for (const [i, size] of sizes.entries()) {
        const value = Buffer.alloc(size, i + 1);
        await producer.send({ topic, messages: [{ key: `size-${size}`, value }] });
        sent.push({ key: Buffer.from(`size-${size}`), value });
      }
      await producer.send({
        topic,
        messages: [
          { key: null, value: 'null key' },
          { key: 'null value', value: null },
          { key: null, value: null },
        ],
      });
      sent.push(
        { key: null, value: Buffer.from('null key') },
        { key: Buffer.from('null value'), value: null },
        { key: null, value: null },
      );
      for (const compression of ['gzip', 'snappy'] as const) {
        const values = Array.from({ length: 5 }, (_, i) => `${compression}-${i}-${'z'.repeat(i * 300)}`);
        await producer.send({
          topic,
          compression,
          messages: values.map((value, i) => ({ key: i % 2 ? null : `${compression}${i}`, value })),
        });
        values.forEach((value, i) =>
          sent.push({ key: i % 2 ? null : Buffer.from(`${compression}${i}`), value: Buffer.from(value) }),
        );
      }
    } finally {
      await producer.disconnect();
    }
    const m = await member({ groupId: name('payload-readers'), topics: [topic], fromOffset: 'earliest' });
    await until(() => m.messages.length === sent.length, `all ${sent.length} messages`);
    expect(m.messages.map((msg) => msg.offset)).to.deep.equal(sent.map((_, i) => i));
    for (const [i, expected] of sent.entries()) {
      const got = m.messages[i]!;
      expect(got.key, `key ${i}`).to.deep.equal(expected.key);
      expect(got.value === null ? null : Buffer.compare(got.value, expected.value!), `value ${i}`).to.equal(
        expected.value === null ? null : 0,
      );
      expect(got.value === null || Buffer.isBuffer(got.value)).to.equal(true);
    }
    expect(m.errors).to.deep.equal([]);
  });

  it('commit, close, restart: resumes right after the last committed message', async () => {
    const topic = createTopic(name('resume'), 1);
    await produce(backend, topic, numbered(10, 'm'));
    const groupId = name('resumers');
    const first = await member({ groupId, topics: [topic], fromOffset: 'earliest', autoCommit: false });
    await until(() => first.messages.length === 10, 'all 10 messages');
    await first.group.commit([{ topic, partition: 0, offset: 6 }]);
    expect(await committed(groupId, topic)).to.deep.equal([6]);
    await first.group.close({ commit: false });
    expect(await committed(groupId, topic)).to.deep.equal([6]);

    const second = await member({ groupId, topics: [topic], fromOffset: 'earliest', autoCommit: false });
    await until(() => second.messages.length === 4, 'the 4 uncommitted messages');
    expect(second.messages.map((m) => m.offset)).to.deep.equal([6, 7, 8, 9]);
    await second.group.commit();
    expect(await committed(groupId, topic)).to.deep.equal([10]);
  });

  it('close waits for the handler in progress and commits exactly what was handled', async () => {
    const topic = createTopic(name('close'), 1);
    await produce(backend, topic, numbered(5, 'c'));
    const groupId = name('closers');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const m = await member({ groupId, topics: [topic], fromOffset: 'earliest', autoCommit: false }, async (message) => {
      started.push(message.offset);
      if (message.offset === 2) await released;
    });
    await until(() => started.includes(2), 'the handler to reach offset 2');
    let closed = false;
    const closing = m.group.close().then(() => (closed = true));
    await sleep(200);
    expect(closed, 'close returned while the handler was still running').to.equal(false);
    release();
    await closing;
    expect(m.messages.map((msg) => msg.offset)).to.deep.equal([0, 1, 2]);
    expect(started).to.deep.equal([0, 1, 2]);
    expect(await committed(groupId, topic)).to.deep.equal([3]);
  });

  it('close() arriving while the idle delivery loop runs an auto-commit still resolves (the wake-up is not lost)', async () => {
    const topic = createTopic(name('close-during-commit'), 1);
    await produce(backend, topic, numbered(3, 'w'));
    const m = await member({
      groupId: name('close-during-commit'),
      topics: [topic],
      fromOffset: 'earliest',
      autoCommit: true,
      autoCommitIntervalMs: 100,
    });
    await until(() => m.messages.length === 3, 'the 3 messages');
    // A seam, not a broker stand-in: hold the delivery loop inside its next auto-commit step. Nothing more is produced,
    // so that next call is the idle loop's own (on its fetch watchdog), the one a close() used to be lost behind.
    const loop = (m.group as unknown as { driver: { delivery: { autoCommitIfDue(): Promise<void> } } }).driver.delivery;
    const original = loop.autoCommitIfDue.bind(loop);
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stub = sinon
      .stub(loop, 'autoCommitIfDue')
      .onFirstCall()
      .callsFake(async () => {
        entered();
        await held;
        await original();
      });
    stub.callThrough();
    try {
      await inside;
      const closing = m.group.close();
      release();
      const outcome = await Promise.race([
        closing.then(() => 'closed'),
        sleep(5000).then(() => 'still waiting after 5 s'),
      ]);
      expect(outcome).to.equal('closed');
    } finally {
      stub.restore();
    }
  });

  it('a handler that throws is retried on the same message: nothing skipped, nothing committed past it', async () => {
    const topic = createTopic(name('retry'), 1);
    await produce(backend, topic, numbered(4, 'r'));
    const groupId = name('retriers');
    let failures = 0;
    const attempts: number[] = [];
    const slowBackend = legacyBackend(broker.brokers, {
      retry: { retries: 5, initialRetryTimeMs: 150, maxRetryTimeMs: 300 },
    });
    const m = await startMember(
      slowBackend,
      { ...FAST, groupId, topics: [topic], fromOffset: 'earliest', autoCommitIntervalMs: 0 },
      (message) => {
        attempts.push(message.offset);
        if (message.offset === 1 && failures < 3) {
          failures++;
          throw new Error(`handler failure ${failures}`);
        }
      },
    );
    open.push(m.group);
    await until(() => failures >= 2, 'two failures');
    // While offset 1 keeps failing, the committed position never passes it.
    expect(await committed(groupId, topic)).to.deep.equal([1]);
    await until(() => m.messages.length === 4, 'all 4 messages');
    expect(attempts).to.deep.equal([0, 1, 1, 1, 1, 2, 3]);
    expect(m.messages.map((msg) => msg.offset)).to.deep.equal([0, 1, 2, 3]);
    expect(m.errors.map((e) => e.message)).to.deep.equal([
      'handler failure 1',
      'handler failure 2',
      'handler failure 3',
    ]);
    await until(() => m.group.bufferStats.buffered === 0, 'an empty buffer');
    await m.group.close();
    expect(await committed(groupId, topic)).to.deep.equal([4]);
  });

  it('two members share the partitions through a rebalance: nothing lost, nothing read twice', async () => {
    const topic = createTopic(name('shared'), 4);
    const groupId = name('pair');
    await produce(backend, topic, numbered(20, 'early'));
    const first = await member({ groupId, topics: [topic], fromOffset: 'earliest' });
    await until(() => first.messages.length === 20, 'the first member to read the early messages');
    const second = await member({ groupId, topics: [topic], fromOffset: 'earliest' });
    await until(() => first.current().length === 2 && second.current().length === 2, 'a 2/2 split');
    expect(first.revocations).to.have.length(1);
    expect(first.revocations[0]!.partitions).to.have.length(4);
    expect([...first.current(), ...second.current()].sort()).to.deep.equal([0, 1, 2, 3].map((p) => `${topic}/${p}`));
    expect(second.assignments[0]!.generationId).to.equal(first.assignments[1]!.generationId);
    await produce(backend, topic, numbered(40, 'late'));
    await until(() => first.messages.length + second.messages.length === 60, 'all 60 messages');
    await sleep(300);
    expectExactlyOnceInOrder([...first.messages, ...second.messages], 60);
    expect(second.messages.length).to.be.greaterThan(0);
    expect([...first.errors, ...second.errors]).to.deep.equal([]);
  });

  it('pause stops a topic (its buffered messages too) while the other flows; resume delivers the rest in order', async () => {
    const held = createTopic(name('held'), 1);
    const flowing = createTopic(name('flowing'), 1);
    const m = await member({ groupId: name('pauser'), topics: [held, flowing], fromOffset: 'earliest' });
    await produce(backend, held, numbered(3, 'h0'));
    await until(() => m.messages.length === 3, 'the first held messages');
    m.group.pause([held]);
    await produce(backend, held, numbered(5, 'h1'));
    await produce(backend, flowing, numbered(5, 'f'));
    await until(() => m.messages.length === 8, 'the flowing messages');
    await sleep(400);
    expect(m.messages.slice(3).every((msg) => msg.topic === flowing)).to.equal(true);
    m.group.resume([held]);
    await until(() => m.messages.length === 13, 'the held messages after resume');
    expectExactlyOnceInOrder(m.messages, 13);
  });

  it('pausing a topic while its message is being handled neither loses nor repeats that message', async () => {
    const topic = createTopic(name('pause-midway'), 1);
    await produce(backend, topic, numbered(5, 'p'));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reachedOne = false;
    const m = await member({ groupId: name('midway'), topics: [topic], fromOffset: 'earliest' }, async (message) => {
      if (message.offset === 1) {
        reachedOne = true;
        await released;
      }
    });
    await until(() => reachedOne, 'the handler at offset 1');
    m.group.pause([topic]);
    release();
    await until(() => m.messages.length === 2, 'offset 1 handled');
    await sleep(300);
    expect(m.messages.map((msg) => msg.offset)).to.deep.equal([0, 1]);
    m.group.resume([topic]);
    await until(() => m.messages.length === 5, 'the rest after resume');
    await sleep(200);
    expectExactlyOnceInOrder(m.messages, 5);
  });

  it('seek moves the position backwards and forwards, also before the partition is assigned', async () => {
    const topic = createTopic(name('seek'), 1);
    await produce(backend, topic, numbered(10, 's'));
    const group = backend.consumerGroup({
      ...FAST,
      groupId: name('seekers'),
      topics: [topic],
      fromOffset: 'latest',
    }) as LegacyConsumerGroup;
    open.push(group);
    const offsets: number[] = [];
    group.seek({ topic, partition: 0, offset: 7 });
    await group.run({ eachMessage: (message) => void offsets.push(message.offset) });
    await until(() => offsets.length === 3, 'offsets 7-9');
    group.seek({ topic, partition: 0, offset: 2 });
    await until(() => offsets.length === 11, 'offsets 2-9 again');
    expect(offsets).to.deep.equal([7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('outOfRangeOffset earliest resets an out-of-range position to the start of the log', async () => {
    const topic = createTopic(name('range-earliest'), 1);
    await produce(backend, topic, numbered(3, 'o'));
    const m = await member({
      groupId: name('rangers'),
      topics: [topic],
      fromOffset: 'earliest',
      outOfRangeOffset: 'earliest',
    });
    await until(() => m.messages.length === 3, 'the 3 messages');
    m.group.seek({ topic, partition: 0, offset: 1000 });
    await until(() => m.messages.length === 6, 'the 3 messages again from the start');
    expect(m.messages.map((msg) => msg.offset)).to.deep.equal([0, 1, 2, 0, 1, 2]);
  });

  it('outOfRangeOffset none reports OffsetOutOfRangeError and holds only that partition until seek()', async () => {
    const topic = createTopic(name('range-none'), 2);
    await produce(backend, topic, [
      { value: 'p0', partition: 0 },
      { value: 'p1', partition: 1 },
    ]);
    const m = await member({
      groupId: name('strict'),
      topics: [topic],
      fromOffset: 'earliest',
      outOfRangeOffset: 'none',
    });
    await until(() => m.messages.length === 2, 'both messages');
    m.group.seek({ topic, partition: 0, offset: 50 });
    await until(() => m.errors.length === 1, 'the out-of-range error');
    const [error] = m.errors;
    expect(error).to.be.instanceOf(OffsetOutOfRangeError);
    expect(error).to.include({ topic, partition: 0, offset: 50 });
    await produce(backend, topic, [{ value: 'p1-more', partition: 1 }]);
    await until(() => m.messages.length === 3, 'partition 1 still flowing');
    m.group.seek({ topic, partition: 0, offset: 0 });
    await until(() => m.messages.length === 4, 'partition 0 after seek');
    expect(m.messages.filter((msg) => msg.partition === 1).map((msg) => msg.offset)).to.deep.equal([0, 1]);
    expect(m.messages.filter((msg) => msg.partition === 0).map((msg) => msg.offset)).to.deep.equal([0, 0]);
  });

  it('fromOffset none fails run() with NoCommittedOffsetError naming the partitions, then closes cleanly', async () => {
    const topic = createTopic(name('none'), 2);
    const groupId = name('none-group');
    const group = backend.consumerGroup({ ...FAST, groupId, topics: [topic], fromOffset: 'none' });
    open.push(group);
    const error = await group.run({ eachMessage: () => undefined }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NoCommittedOffsetError);
    expect((error as NoCommittedOffsetError).partitions).to.deep.equal([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    await group.close({ commit: false });
    await expectRejects(group.commit(), KafkaError);
  });

  it('reads an offset of 0 committed by another client (empty metadata) as 0, not as "nothing committed"', async () => {
    const topic = createTopic(name('zero'), 1);
    await produce(backend, topic, numbered(3, 'z'));
    const groupId = name('zero-group');
    // OffsetCommit v2 as a Java client or kafkajs writes it: generation -1 (no member), metadata "".
    const [host, port] = broker.brokers[0]!.split(':');
    const reader = await rawRequest(host!, Number(port), ApiKey.OffsetCommit, 2, (w) => {
      w.string(groupId).int32(-1).string('').int64(-1);
      w.array([topic], (t, name) => t.string(name).array([0], (p) => p.int32(0).int64(0).string('')));
    });
    const [errorCode] = reader.array((t) => {
      t.string();
      return t.array((p) => (p.int32(), p.int16()))[0];
    });
    expect(errorCode).to.equal(0);
    expect(await committed(groupId, topic)).to.deep.equal([0]);
    // With "nothing committed", fromOffset latest would skip all three.
    const m = await member({ groupId, topics: [topic], fromOffset: 'latest' });
    await until(() => m.messages.length === 3, 'the 3 messages from the committed offset 0');
  });

  it("eachBatch gets each partition's buffered messages in order; a failing batch is retried whole", async () => {
    const topic = createTopic(name('batch'), 2);
    await produce(backend, topic, numbered(10, 'b'), { partitioner: 'cyclic' });
    const batches: MessageBatch[] = [];
    let failedOnce = false;
    const retryFast = legacyBackend(broker.brokers, {
      retry: { retries: 3, initialRetryTimeMs: 50, maxRetryTimeMs: 100 },
    });
    const group = retryFast.consumerGroup({
      ...FAST,
      groupId: name('batchers'),
      topics: [topic],
      fromOffset: 'earliest',
    });
    open.push(group);
    await group.run({
      eachBatch: (batch) => {
        if (!failedOnce) {
          failedOnce = true;
          throw new Error('first batch fails');
        }
        batches.push(batch);
      },
    });
    await until(() => batches.reduce((n, b) => n + b.messages.length, 0) === 10, 'all 10 messages in batches');
    const messages: ConsumedMessage[] = batches.flatMap((b) => b.messages);
    expectExactlyOnceInOrder(messages, 10);
    for (const batch of batches) {
      expect(batch.messages.every((m) => m.topic === batch.topic && m.partition === batch.partition)).to.equal(true);
      expect(batch.highWatermark).to.equal(5);
    }
  });

  it('survives a broker restart: commits what it handled before rejoining, then continues without loss or repeats', async () => {
    const restarting = await startEmbedded();
    const local = legacyBackend(restarting.brokers, {
      retry: { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
    });
    try {
      const topic = name('restart');
      expect(
        restarting.cluster.createTopic({ name: topic, numPartitions: 2, replicationFactor: 1 }).errorCode,
      ).to.equal(0);
      await produce(local, topic, numbered(6, 'before'), { partitioner: 'cyclic' });
      const m = await startMember(local, {
        ...FAST,
        groupId: name('survivors'),
        topics: [topic],
        fromOffset: 'earliest',
      });
      open.push(m.group);
      await until(() => m.messages.length === 6, 'the first 6 messages');
      await restarting.stopNode(1);
      await sleep(1500);
      await restarting.startNode(1);
      await produce(local, topic, numbered(6, 'after'), { partitioner: 'cyclic' });
      await until(() => m.messages.length >= 12, 'the 6 later messages');
      await sleep(300);
      expectExactlyOnceInOrder(m.messages, 12);
      expect(m.assignments.length).to.be.greaterThan(1);
    } finally {
      await closeQuietly(open.splice(0));
      await restarting.stop();
    }
  });

  it('partitions added to a topic: the leader leaves and rejoins, committing what was handled first (no repeats)', async () => {
    const topic = createTopic(name('grow'), 1);
    await produce(backend, topic, numbered(3, 'g'));
    const group = backend.consumerGroup({
      ...FAST,
      groupId: name('growers'),
      topics: [topic],
      fromOffset: 'earliest',
      autoCommitIntervalMs: 60000,
    });
    open.push(group);
    await group.connect();
    // Test seam: kafka-node's leader looks for new partitions every 30 s (topicPartitionCheckInterval).
    (
      group as unknown as { driver: { group: { options: { topicPartitionCheckInterval: number } } } }
    ).driver.group.options.topicPartitionCheckInterval = 300;
    const offsets: string[] = [];
    const generations: number[] = [];
    group.on('assigned', (event) => generations.push(event.generationId));
    await group.run({ eachMessage: (message) => void offsets.push(`${message.partition}@${message.offset}`) });
    await until(() => offsets.length === 3, 'the 3 messages');
    expect(broker.cluster.addPartitions(topic, 2).errorCode).to.equal(0);
    await until(() => generations.length === 2, 'the rejoin after the partition check');
    await produce(backend, topic, [
      { value: 'new-0', partition: 0 },
      { value: 'new-1', partition: 1 },
    ]);
    await until(() => offsets.length >= 5, 'the 2 new messages');
    await sleep(300);
    expect(offsets.sort()).to.deep.equal(['0@0', '0@1', '0@2', '0@3', '1@0']);
  });

  it('runs a custom assignment protocol through kafka-node', async () => {
    const topic = createTopic(name('custom'), 3);
    const groupId = name('custom-group');
    const allToSmallestId: CustomAssignmentProtocol = {
      name: 'all-to-smallest',
      version: 1,
      assign(members, partitions) {
        const [smallest] = [...members.keys()].sort();
        const result = new Map<string, Map<string, number[]>>();
        for (const id of members.keys()) result.set(id, new Map());
        result.set(smallest!, new Map([...partitions].map(([t, ids]) => [t, [...ids]])));
        return result;
      },
    };
    const a = await member({ groupId, topics: [topic], protocols: [allToSmallestId] });
    const b = await member({ groupId, topics: [topic], protocols: [allToSmallestId] });
    await until(
      () => a.current().length + b.current().length === 3 && (a.current().length === 0 || b.current().length === 0),
      'all partitions on one member',
    );
    const ids = [a.assignments[a.assignments.length - 1]!.memberId, b.assignments[b.assignments.length - 1]!.memberId];
    const owner = ids[0]! < ids[1]! ? a : b;
    expect(owner.current()).to.deep.equal([0, 1, 2].map((p) => `${topic}/${p}`));
  });
});

async function expectRejects(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(type);
}
