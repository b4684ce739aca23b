import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import {
  ConfigurationError,
  KafkaError,
  KafkaProtocolError,
  NoCommittedOffsetError,
  OffsetOutOfRangeError,
  UnsupportedFeatureError,
} from '../../src/common/errors';
import { API_RANGES } from '../../src/broker/apis/registry';
import { ErrorCode } from '../../src/protocol/error-codes';
import type { Backend, CompressionName, ConsumedMessage } from '../../src/common/types';
import { createPartitionChooser } from '../../src/common/partitioners';
import {
  closeQuietly,
  expectExactlyOnceInOrder,
  modernBackend,
  numbered,
  produce,
  startMember,
  until,
  type Member,
} from './helpers';

// The modern backend against the embedded broker over TCP: every behaviour of the common contract, end to end.
describe('modern backend on the embedded broker', function () {
  this.timeout(60000);
  let broker: EmbeddedBroker;
  let backend: Backend;
  let counter = 0;
  const open: Member[] = [];

  const INIT_PRODUCER_ID = 22;
  const fresh = (prefix: string): string => `${prefix}-${++counter}-${Date.now().toString(36)}`;
  function topic(partitions: number): string {
    const name = fresh('modern');
    const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
    expect(result.errorCode).to.equal(0);
    return name;
  }
  async function member(...args: Parameters<typeof startMember>): Promise<Member> {
    const started = await startMember(...args);
    open.push(started);
    return started;
  }

  before(async () => {
    broker = await startEmbedded();
    backend = modernBackend(broker.brokers);
  });
  afterEach(async () => {
    await closeQuietly(open.splice(0).map((m) => m.group));
  });
  after(async () => {
    await broker?.stop();
  });

  describe('producer', () => {
    it('sends keyed and unkeyed messages with headers; returns per-partition base offsets', async () => {
      const name = topic(3);
      const alphaPartition = createPartitionChooser('keyed')([0, 1, 2], Buffer.from('alpha'));
      const otherPartition = (alphaPartition + 1) % 3;
      const producer = backend.producer({ partitioner: 'keyed' });
      await producer.connect();
      const first = await producer.send({
        topic: name,
        messages: [
          { key: 'alpha', value: 'a1', headers: { trace: 'x-1', bin: Buffer.from([0, 1, 2]) } },
          { key: 'alpha', value: 'a2' },
          { key: null, value: 'explicit', partition: otherPartition },
        ],
      });
      const second = await producer.send({ topic: name, messages: [{ key: 'alpha', value: 'a3' }] });
      await producer.disconnect();
      expect(first).to.deep.equal(
        [alphaPartition, otherPartition]
          .sort((a, b) => a - b)
          .map((partition) => ({ topic: name, partition, baseOffset: 0 })),
      );
      expect(second).to.deep.equal([{ topic: name, partition: alphaPartition, baseOffset: 2 }]);

      const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'earliest' });
      await until(() => reader.messages.length === 4, '4 messages');
      const alpha = reader.messages.filter((m) => m.key?.toString() === 'alpha');
      expect(alpha.map((m) => [m.partition, m.offset, m.value!.toString()])).to.deep.equal([
        [alphaPartition, 0, 'a1'],
        [alphaPartition, 1, 'a2'],
        [alphaPartition, 2, 'a3'],
      ]);
      expect(alpha[0]!.headers).to.deep.equal({ trace: Buffer.from('x-1'), bin: Buffer.from([0, 1, 2]) });
      expect(Buffer.isBuffer(alpha[0]!.key)).to.equal(true);
      const explicit = reader.messages.find((m) => m.value?.toString() === 'explicit')!;
      expect([explicit.partition, explicit.offset, explicit.key, explicit.headers]).to.deep.equal([
        otherPartition,
        0,
        null,
        {},
      ]);
      expect(explicit.timestamp).to.be.within(Date.now() - 60000, Date.now());
    });

    it('acks=0 reports the partitions with offset -1, and the messages arrive', async () => {
      const name = topic(2);
      const producer = backend.producer({ partitioner: 'cyclic' });
      await producer.connect();
      const result = await producer.send({ topic: name, acks: 0, messages: [{ value: 'x' }, { value: 'y' }] });
      await producer.disconnect();
      expect(result).to.deep.equal([
        { topic: name, partition: 0, baseOffset: -1 },
        { topic: name, partition: 1, baseOffset: -1 },
      ]);
      const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'earliest' });
      await until(() => reader.messages.length === 2, 'the acks=0 messages');
    });

    it('validates before any I/O', async () => {
      const producer = backend.producer();
      // Not connected: validation must fail first, with the argument named.
      const bad: Array<[unknown, RegExp]> = [
        [{ topic: '', messages: [{ value: 'x' }] }, /topic/],
        [{ topic: 't', messages: [] }, /messages/],
        [{ topic: 't', messages: [{ value: 42 }] }, /value/],
        [{ topic: 't', messages: [{ value: 'x', partition: 1.5 }] }, /partition/],
        [{ topic: 't', messages: [{ value: 'x' }], acks: 2 }, /acks/],
        [{ topic: 't', messages: [{ value: 'x', headers: { h: 1 } }] }, /headers/],
        [{ topic: 't', messages: [{ value: 'x' }], compression: 'brotli' }, /compression/],
      ];
      for (const [request, pattern] of bad) {
        let failure: unknown;
        await producer.send(request as never).catch((error: unknown) => (failure = error));
        expect(failure, JSON.stringify(request)).to.be.instanceOf(ConfigurationError);
        expect((failure as Error).message).to.match(pattern);
      }
      let unsupported: unknown;
      await producer
        .send({ topic: 't', messages: [{ value: 'x' }], compression: 'zstd' })
        .catch((error: unknown) => (unsupported = error));
      expect(unsupported).to.be.instanceOf(UnsupportedFeatureError);
      expect(() => backend.producer({ partitioner: 'fancy' as never })).to.throw(ConfigurationError);
    });

    it("idempotent: true uses kafkajs's idempotent producer (InitProducerId, advertised by the broker)", async () => {
      const name = topic(2);
      expect(
        API_RANGES.some((range) => range.apiKey === INIT_PRODUCER_ID),
        'InitProducerId advertised',
      ).to.equal(true);
      const producer = backend.producer({ idempotent: true, partitioner: 'cyclic' });
      let failure: unknown;
      await producer.connect().catch((error: unknown) => (failure = error));
      expect(failure).to.equal(undefined);
      const results = [];
      for (let i = 0; i < 4; i++)
        results.push(...(await producer.send({ topic: name, messages: [{ value: `i${i}` }] })));
      await producer.disconnect();
      expect(results.map((r) => [r.partition, r.baseOffset])).to.deep.equal([
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]);
      let notAll: unknown;
      await producer
        .send({ topic: name, acks: 1, messages: [{ value: 'x' }] })
        .catch((error: unknown) => (notAll = error));
      expect(notAll).to.be.instanceOf(ConfigurationError);
    });

    it('an explicit partition that does not exist fails with ConfigurationError', async () => {
      const name = topic(2);
      const producer = backend.producer();
      await producer.connect();
      let failure: unknown;
      await producer
        .send({ topic: name, messages: [{ value: 'x', partition: 5 }] })
        .catch((error: unknown) => (failure = error));
      await producer.disconnect();
      expect(failure).to.be.instanceOf(ConfigurationError);
    });
  });

  describe('payloads', () => {
    for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as CompressionName[]) {
      it(`${compression}: batches round-trip`, async () => {
        const name = topic(2);
        const messages = Array.from({ length: 20 }, (_, i) => ({
          key: `k${i % 3}`,
          value: `${compression}-${i}-${'z'.repeat(i * 50)}`,
        }));
        const producer = backend.producer({ partitioner: 'keyed' });
        await producer.connect();
        await producer.send({ topic: name, messages, compression });
        await producer.disconnect();
        const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'earliest' });
        await until(() => reader.messages.length === 20, '20 messages');
        expectExactlyOnceInOrder(reader.messages, 20);
        expect(reader.messages.map((m) => m.value!.toString()).sort()).to.deep.equal(
          messages.map((m) => m.value).sort(),
        );
      });
    }

    it('0 bytes to 1 MB values, null keys and null values', async () => {
      const name = topic(1);
      const sizes = [0, 1, 1024, 100 * 1024, 1000 * 1000];
      // One send per message: a 1 MB value fills a whole request on its own (message.max.bytes).
      for (const message of [
        ...sizes.map((size, i) => ({ key: null, value: Buffer.alloc(size, i + 1) })),
        { key: 'no value', value: null },
        { key: Buffer.from([0, 255]), value: Buffer.from([1, 2, 3]) },
      ]) {
        await produce(backend, name, [message]);
      }
      const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'earliest' });
      await until(() => reader.messages.length === 7, '7 messages');
      const [zero, ...rest] = reader.messages;
      expect(zero!.value).to.deep.equal(Buffer.alloc(0));
      expect(zero!.key).to.equal(null);
      expect(rest.slice(0, 4).map((m) => m.value!.length)).to.deep.equal(sizes.slice(1));
      expect(rest[3]!.value!.equals(Buffer.alloc(1000 * 1000, 5))).to.equal(true);
      expect(rest[4]!.value).to.equal(null);
      expect(rest[4]!.key!.toString()).to.equal('no value');
      expect(rest[5]!.key).to.deep.equal(Buffer.from([0, 255]));
    });
  });

  describe('consumer group', () => {
    it('fromOffset latest reads only what was produced after run() resolved', async () => {
      const name = topic(2);
      await produce(backend, name, numbered(6, 'before'));
      const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'latest' });
      await produce(backend, name, numbered(4, 'after'));
      await until(() => reader.messages.length === 4, '4 new messages');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(reader.messages.map((m) => m.value!.toString()).sort()).to.deep.equal([
        'after-0',
        'after-1',
        'after-2',
        'after-3',
      ]);
    });

    it('fromOffset none fails with NoCommittedOffsetError without commits, and resumes with them', async () => {
      const name = topic(2);
      await produce(backend, name, numbered(4, 'm'));
      const groupId = fresh('g');
      let failure: unknown;
      const group = backend.consumerGroup({ groupId, topics: [name], fromOffset: 'none' });
      await group.run({ eachMessage: () => undefined }).catch((error: unknown) => (failure = error));
      await group.close();
      expect(failure).to.be.instanceOf(NoCommittedOffsetError);
      expect((failure as NoCommittedOffsetError).partitions).to.deep.equal([
        { topic: name, partition: 0 },
        { topic: name, partition: 1 },
      ]);

      const first = await member(backend, { groupId, topics: [name], fromOffset: 'earliest' });
      await until(() => first.messages.length === 4, '4 messages');
      await first.group.close();
      await produce(backend, name, numbered(2, 'late'));
      const resumed = await member(backend, { groupId, topics: [name], fromOffset: 'none' });
      await until(() => resumed.messages.length === 2, 'the 2 late messages');
      expect(resumed.messages.every((m) => m.value!.toString().startsWith('late'))).to.equal(true);
    });

    it('manual commit, restart: resumes exactly after the last committed message', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(10, 'm'));
      const groupId = fresh('g');
      const first = await member(backend, { groupId, topics: [name], fromOffset: 'earliest', autoCommit: false });
      await until(() => first.messages.length === 10, '10 messages');
      await first.group.commit([{ topic: name, partition: 0, offset: 6 }]);
      await first.group.close({ commit: false });

      const admin = backend.admin();
      await admin.connect();
      expect(await admin.fetchCommittedOffsets(groupId, name)).to.deep.equal([
        { topic: name, partition: 0, offset: 6 },
      ]);
      await admin.disconnect();

      const second = await member(backend, { groupId, topics: [name], fromOffset: 'earliest', autoCommit: false });
      await until(() => second.messages.length === 4, '4 messages');
      expect(second.messages.map((m) => m.offset)).to.deep.equal([6, 7, 8, 9]);
    });

    it('close() commits what the handler finished; commit() without offsets commits the same', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(5, 'm'));
      const groupId = fresh('g');
      const first = await member(backend, { groupId, topics: [name], fromOffset: 'earliest', autoCommit: false });
      await until(() => first.messages.length === 5, '5 messages');
      await first.group.commit();
      const admin = backend.admin();
      await admin.connect();
      expect((await admin.fetchCommittedOffsets(groupId, name))[0]!.offset).to.equal(5);
      await produce(backend, name, numbered(3, 'n'));
      await until(() => first.messages.length === 8, '8 messages');
      await first.group.close();
      expect((await admin.fetchCommittedOffsets(groupId, name))[0]!.offset).to.equal(8);
      await admin.disconnect();
    });

    it('a handler that throws: the message is retried, never skipped, never committed', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(5, 'm'));
      const groupId = fresh('g');
      let failing = true;
      const attempts: number[] = [];
      const reader = await member(
        modernBackend(broker.brokers, { retry: { retries: 5, initialRetryTimeMs: 20, maxRetryTimeMs: 50 } }),
        { groupId, topics: [name], fromOffset: 'earliest', autoCommit: true, autoCommitIntervalMs: 0 },
        (message) => {
          attempts.push(message.offset);
          if (message.offset === 2 && failing) throw new Error('handler failed');
        },
      );
      await until(() => attempts.filter((o) => o === 2).length >= 3, 'three failed attempts');
      const admin = backend.admin();
      await admin.connect();
      expect(await admin.fetchCommittedOffsets(groupId, name)).to.deep.equal([
        { topic: name, partition: 0, offset: 2 },
      ]);
      expect(reader.messages.map((m) => m.offset)).to.deep.equal([0, 1]);
      failing = false;
      await until(() => reader.messages.length === 5, 'all 5 after the retries');
      expect(reader.messages.map((m) => m.offset)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(attempts.filter((o) => o !== 2)).to.deep.equal([0, 1, 3, 4]);
      expect(reader.errors.length).to.equal(attempts.filter((o) => o === 2).length - 1);
      expect(reader.errors.every((e) => e.message === 'handler failed')).to.equal(true);
      await reader.group.close();
      expect((await admin.fetchCommittedOffsets(groupId, name))[0]!.offset).to.equal(5);
      await admin.disconnect();
    });

    it('pause stops a topic until resume; the other topic keeps flowing', async () => {
      const held = topic(1);
      const flowing = topic(1);
      const reader = await member(backend, { groupId: fresh('g'), topics: [held, flowing], fromOffset: 'earliest' });
      reader.group.pause([held]);
      await produce(backend, held, numbered(3, 'held'));
      await produce(backend, flowing, numbered(3, 'flowing'));
      await until(() => reader.messages.length === 3, 'the flowing topic');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(reader.messages.every((m) => m.topic === flowing)).to.equal(true);
      reader.group.resume([held]);
      await until(() => reader.messages.length === 6, 'the resumed topic');
      expectExactlyOnceInOrder(reader.messages, 6);
    });

    it('seek moves the next read of an assigned partition', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(6, 'm'));
      const reader = await member(backend, { groupId: fresh('g'), topics: [name], fromOffset: 'earliest' });
      await until(() => reader.messages.length === 6, '6 messages');
      reader.group.seek({ topic: name, partition: 0, offset: 2 });
      await until(() => reader.messages.length === 10, 'the 4 re-read messages');
      expect(reader.messages.slice(6).map((m) => m.offset)).to.deep.equal([2, 3, 4, 5]);
    });

    it('close() waits for the handler in progress and commits it; revokes the assignment', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(3, 'm'));
      const groupId = fresh('g');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const reader = await member(
        backend,
        { groupId, topics: [name], fromOffset: 'earliest', autoCommit: false },
        async (message) => {
          if (message.offset === 1) await gate;
        },
      );
      await until(() => reader.messages.length === 1, 'the first message');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = reader.group.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(reader.messages).to.have.length(1);
      release();
      await closed;
      expect(reader.messages.map((m) => m.offset)).to.deep.equal([0, 1]);
      expect(reader.revocations.map((r) => r.partitions)).to.deep.equal([[{ topic: name, partition: 0 }]]);
      const admin = backend.admin();
      await admin.connect();
      expect((await admin.fetchCommittedOffsets(groupId, name))[0]!.offset).to.equal(2);
      await admin.disconnect();
    });

    it('outOfRangeOffset earliest: a position past the log end restarts from the earliest offset', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(4, 'm'));
      const reader = await member(backend, {
        groupId: fresh('g'),
        topics: [name],
        fromOffset: 'earliest',
        outOfRangeOffset: 'earliest',
      });
      await until(() => reader.messages.length === 4, '4 messages');
      reader.group.seek({ topic: name, partition: 0, offset: 100 });
      await until(() => reader.messages.length === 8, 'the log again from its start');
      expect(reader.messages.slice(4).map((m) => m.offset)).to.deep.equal([0, 1, 2, 3]);
    });

    it('outOfRangeOffset none: reports OffsetOutOfRangeError and reads nothing from a reset position', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(4, 'm'));
      const reader = await member(backend, {
        groupId: fresh('g'),
        topics: [name],
        fromOffset: 'earliest',
        outOfRangeOffset: 'none',
      });
      await until(() => reader.messages.length === 4, '4 messages');
      reader.group.seek({ topic: name, partition: 0, offset: 100 });
      await until(() => reader.errors.length > 0, 'an out-of-range error');
      expect(reader.errors[0]).to.be.instanceOf(OffsetOutOfRangeError);
      expect(reader.errors[0]).to.include({ topic: name, partition: 0, code: ErrorCode.OFFSET_OUT_OF_RANGE });
      await produce(backend, name, numbered(2, 'later'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(reader.messages).to.have.length(4);
      reader.group.seek({ topic: name, partition: 0, offset: 3 });
      await until(() => reader.messages.length === 7, 'reading again after seek()');
      expect(reader.messages.slice(4).map((m) => m.offset)).to.deep.equal([3, 4, 5]);
    });

    it('two members share the partitions, rebalance, and nothing is lost or read twice', async () => {
      const name = topic(4);
      const groupId = fresh('g');
      const config = {
        groupId,
        topics: [name],
        fromOffset: 'earliest' as const,
        heartbeatIntervalMs: 200,
        sessionTimeoutMs: 6000,
      };
      const first = await member(backend, config);
      expect(first.current()).to.have.length(4);
      const second = await member(backend, config);
      await until(() => first.current().length === 2 && second.current().length === 2, 'an even split');
      expect(first.assignments.length).to.equal(2);
      expect(first.revocations.length).to.equal(1);
      expect(first.assignments[1]!.generationId).to.be.greaterThan(first.assignments[0]!.generationId);
      expect(second.assignments[0]!.generationId).to.equal(first.assignments[1]!.generationId);
      expect([...first.current(), ...second.current()].sort()).to.deep.equal([0, 1, 2, 3].map((p) => `${name}/${p}`));

      await produce(backend, name, numbered(40, 'a'));
      await until(() => first.messages.length + second.messages.length === 40, '40 messages');
      expect(first.messages.length).to.be.greaterThan(0);
      expect(second.messages.length).to.be.greaterThan(0);
      await first.group.close();
      await until(() => second.current().length === 4, 'the survivor to take all partitions');
      await produce(backend, name, numbered(20, 'b'));
      await until(() => first.messages.length + second.messages.length === 60, '60 messages');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expectExactlyOnceInOrder([...first.messages, ...second.messages], 60);
    });

    it('eachBatch hands whole batches and commits them once the handler returns', async () => {
      const name = topic(1);
      await produce(backend, name, numbered(7, 'm'));
      const groupId = fresh('g');
      const group = backend.consumerGroup({ groupId, topics: [name], fromOffset: 'earliest', autoCommit: false });
      const batches: ConsumedMessage[][] = [];
      await group.run({ eachBatch: (batch) => void batches.push(batch.messages) });
      await until(() => batches.flat().length === 7, '7 messages in batches');
      await group.close();
      const admin = backend.admin();
      await admin.connect();
      expect((await admin.fetchCommittedOffsets(groupId, name))[0]!.offset).to.equal(7);
      await admin.disconnect();
    });

    it('run() checks its handler and state', async () => {
      const group = backend.consumerGroup({ groupId: fresh('g'), topics: [topic(1)] });
      await group.run({} as never).catch((error: unknown) => expect(error).to.be.instanceOf(ConfigurationError));
      expect(() => backend.consumerGroup({ groupId: '', topics: ['t'] })).to.throw(ConfigurationError);
      expect(() => backend.consumerGroup({ groupId: 'g', topics: ['t'], fromOffset: 'oldest' as never })).to.throw(
        ConfigurationError,
      );
      let failure: unknown;
      await group.commit().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(KafkaError);
      await group.close();
    });
  });

  describe('admin', () => {
    it('creates topics (TOPIC_ALREADY_EXISTS the second time) and deletes them', async () => {
      const name = fresh('created');
      const admin = backend.admin();
      await admin.connect();
      try {
        await admin.createTopics([
          { topic: name, numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '60000' } },
        ]);
        expect(await admin.listTopics()).to.include(name);
        expect((await admin.fetchTopicOffsets(name)).map((o) => o.partition)).to.deep.equal([0, 1, 2]);
        let again: unknown;
        await admin.createTopics([{ topic: name, numPartitions: 1 }]).catch((error: unknown) => (again = error));
        expect(again).to.be.instanceOf(KafkaProtocolError);
        expect((again as KafkaProtocolError).code).to.equal(ErrorCode.TOPIC_ALREADY_EXISTS);
        await admin.deleteTopics([name]);
        expect(await admin.listTopics()).to.not.include(name);
      } finally {
        await admin.disconnect();
      }
    });

    it('validates admin arguments before any I/O', async () => {
      const admin = backend.admin();
      const calls: Array<() => Promise<unknown>> = [
        () => admin.createTopics([{ topic: '' }]),
        () => admin.createTopics([{ topic: 'a', numPartitions: 0 }]),
        () => admin.createTopics([{ topic: 'a' }, { topic: 'a' }]),
        () => admin.deleteTopics([]),
        () => admin.fetchTopicOffsets(''),
        () => admin.fetchCommittedOffsets('', 't'),
        () => admin.describeGroups([]),
      ];
      for (const call of calls) {
        let failure: unknown;
        await call().catch((error: unknown) => (failure = error));
        expect(failure, call.toString()).to.be.instanceOf(ConfigurationError);
      }
    });

    it('lists topics and groups, fetches topic and committed offsets, describes groups with assignments', async () => {
      const name = topic(3);
      await produce(backend, name, numbered(9, 'm'));
      const groupId = fresh('g');
      const reader = await member(backend, { groupId, topics: [name], fromOffset: 'earliest' });
      await until(() => reader.messages.length === 9, '9 messages');
      await reader.group.commit();
      const admin = backend.admin();
      await admin.connect();
      try {
        expect(await admin.listTopics()).to.include(name);
        const offsets = await admin.fetchTopicOffsets(name);
        expect(offsets.map((o) => o.partition)).to.deep.equal([0, 1, 2]);
        expect(offsets.reduce((sum, o) => sum + o.latest - o.earliest, 0)).to.equal(9);
        const committed = await admin.fetchCommittedOffsets(groupId, name);
        expect(committed.map((c) => c.offset)).to.deep.equal(offsets.map((o) => o.latest));
        expect(await admin.fetchCommittedOffsets(fresh('nobody'), name)).to.deep.equal(
          [0, 1, 2].map((partition) => ({ topic: name, partition, offset: -1 })),
        );
        expect((await admin.listGroups()).find((g) => g.groupId === groupId)).to.deep.equal({
          groupId,
          protocolType: 'consumer',
        });
        const [described] = await admin.describeGroups([groupId]);
        expect(described).to.deep.include({
          groupId,
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'roundrobin',
        });
        expect(described!.members).to.have.length(1);
        expect(described!.members[0]!.assignment).to.deep.equal(
          [0, 1, 2].map((partition) => ({ topic: name, partition })),
        );
      } finally {
        await admin.disconnect();
      }
    });
  });
});
