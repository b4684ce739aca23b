import { expect } from 'chai';
import { KafkaConnectionError, KafkaProtocolError, AuthenticationError } from '../../src/common/errors';
import { createPartitionChooser } from '../../src/common/partitioners';
import type { PartitionerName } from '../../src/common/types';
import { ErrorCode } from '../../src/protocol/error-codes';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { legacyBackend, startMember, until, closeQuietly, type Member } from './helpers';

describe('legacy producer (embedded broker)', function () {
  this.timeout(30000);
  let broker: EmbeddedBroker;
  let counter = 0;
  const topicName = (what: string): string => `legacy-p-${what}-${Date.now()}-${counter++}`;
  const members: Member[] = [];

  function createTopic(name: string, partitions: number): void {
    expect(broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 }).errorCode).to.equal(0);
  }

  before(async () => {
    broker = await startEmbedded();
  });
  afterEach(async () => {
    await closeQuietly(members.splice(0).map((m) => m.group));
  });
  after(async () => {
    await broker?.stop();
  });

  for (const partitioner of ['default', 'cyclic', 'keyed', 'murmur2'] as PartitionerName[]) {
    it(`partitioner "${partitioner}" puts each message where the shared chooser says, with per-partition base offsets`, async () => {
      const topic = topicName(partitioner);
      createTopic(topic, 4);
      const backend = legacyBackend(broker.brokers);
      const producer = backend.producer({ partitioner });
      await producer.connect();
      const chooser = createPartitionChooser(partitioner);
      // murmur2 spreads null keys round-robin from a random start, so only keyed messages are predictable there.
      const keys = [
        'alpha',
        'beta',
        partitioner === 'murmur2' ? 'epsilon' : null,
        'gamma',
        '',
        'delta',
        'κλειδί',
        'alpha',
      ];
      const expected = keys.map((key) => chooser([0, 1, 2, 3], key === null ? null : Buffer.from(key)));
      const nextOffset = [0, 0, 0, 0];
      try {
        for (const [i, key] of keys.entries()) {
          const result = await producer.send({ topic, messages: [{ key, value: `v${i}` }] });
          expect(result).to.deep.equal([{ topic, partition: expected[i], baseOffset: nextOffset[expected[i]!] }]);
          nextOffset[expected[i]!]!++;
        }
      } finally {
        await producer.disconnect();
      }
      if (partitioner === 'default') expect(new Set(expected)).to.deep.equal(new Set([0]));
      const offsets = broker.cluster.getTopic(topic)!.partitions.map((p) => p.log.highWatermark);
      expect(offsets).to.deep.equal(nextOffset);
    });
  }

  it('one send spread over partitions reports each partition and its base offset; explicit partitions win', async () => {
    const topic = topicName('spread');
    createTopic(topic, 3);
    const backend = legacyBackend(broker.brokers);
    const producer = backend.producer({ partitioner: 'cyclic' });
    await producer.connect();
    try {
      const first = await producer.send({
        topic,
        messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }, { value: 'd' }, { value: 'e', partition: 2 }],
      });
      expect(first).to.deep.equal([
        { topic, partition: 0, baseOffset: 0 },
        { topic, partition: 1, baseOffset: 0 },
        { topic, partition: 2, baseOffset: 0 },
      ]);
      const second = await producer.send({ topic, messages: [{ value: 'f', partition: 2 }] });
      // cyclic put a and d on 0, b on 1, c on 2; e went to 2 explicitly
      expect(second).to.deep.equal([{ topic, partition: 2, baseOffset: 2 }]);
      const missing = await producer.send({ topic, messages: [{ value: 'g', partition: 7 }] }).catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(KafkaProtocolError);
      expect((missing as KafkaProtocolError).code).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      await producer.disconnect();
    }
  });

  it('acks=0 reports -1 offsets and still writes; acks=1 and -1 report the offset', async () => {
    const topic = topicName('acks');
    createTopic(topic, 1);
    const producer = legacyBackend(broker.brokers).producer();
    await producer.connect();
    try {
      expect(await producer.send({ topic, messages: [{ value: 'x' }], acks: 0 })).to.deep.equal([
        { topic, partition: 0, baseOffset: -1 },
      ]);
      await until(() => broker.cluster.getTopic(topic)!.partitions[0]!.log.highWatermark === 1, 'the acks=0 message');
      expect(await producer.send({ topic, messages: [{ value: 'y' }], acks: 1 })).to.deep.equal([
        { topic, partition: 0, baseOffset: 1 },
      ]);
      expect(await producer.send({ topic, messages: [{ value: 'z' }], acks: -1, timeoutMs: 5000 })).to.deep.equal([
        { topic, partition: 0, baseOffset: 2 },
      ]);
    } finally {
      await producer.disconnect();
    }
  });

  it('creates a topic on first send where the broker auto-creates, and keeps given timestamps', async () => {
    const topic = topicName('auto');
    const backend = legacyBackend(broker.brokers);
    const producer = backend.producer();
    await producer.connect();
    try {
      expect(
        await producer.send({ topic, messages: [{ key: 'k', value: 'old', timestamp: 1000 }, { value: 'now' }] }),
      ).to.deep.equal([{ topic, partition: 0, baseOffset: 0 }]);
    } finally {
      await producer.disconnect();
    }
    const before = Date.now() - 60000;
    const member = await startMember(backend, { groupId: `${topic}-g`, topics: [topic], fromOffset: 'earliest' });
    members.push(member);
    await until(() => member.messages.length === 2, 'both messages');
    expect(member.messages[0]!.timestamp).to.equal(1000);
    expect(member.messages[1]!.timestamp).to.be.within(before, Date.now());
    expect(member.messages.map((m) => m.headers)).to.deep.equal([{}, {}]);
  });

  it('retries when the partition leader moves (NotLeaderForPartition), without losing the send', async () => {
    const cluster = await startEmbedded({ nodes: 2 });
    try {
      const topic = topicName('failover');
      expect(cluster.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 2 }).errorCode).to.equal(
        0,
      );
      const producer = legacyBackend(cluster.brokers).producer();
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value: 'before' }] });
        const leader = cluster.cluster.getTopic(topic)!.partitions[0]!.leader;
        await cluster.stopNode(leader);
        const [result] = await producer.send({ topic, messages: [{ value: 'after' }] });
        expect(result).to.deep.equal({ topic, partition: 0, baseOffset: 1 });
        expect(cluster.cluster.getTopic(topic)!.partitions[0]!.leader).to.not.equal(leader);
      } finally {
        await producer.disconnect();
      }
    } finally {
      await cluster.stop();
    }
  });

  it('fails to connect with KafkaConnectionError when no broker listens', async () => {
    const producer = legacyBackend(['127.0.0.1:1'], {
      retry: { retries: 1, initialRetryTimeMs: 20, maxRetryTimeMs: 50 },
      connectTimeoutMs: 500,
    }).producer();
    const error = await producer.connect().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(KafkaConnectionError);
  });

  it('authenticates with SASL/PLAIN, and reports bad credentials as AuthenticationError', async () => {
    const secured = await startEmbedded({ saslUsers: { alice: 'secret' } });
    try {
      const topic = topicName('sasl');
      const good = legacyBackend(secured.brokers, {
        sasl: { mechanism: 'plain', username: 'alice', password: 'secret' },
      }).producer();
      await good.connect();
      expect(await good.send({ topic, messages: [{ value: 'hi' }] })).to.deep.equal([
        { topic, partition: 0, baseOffset: 0 },
      ]);
      await good.disconnect();
      const bad = legacyBackend(secured.brokers, {
        sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' },
        retry: { retries: 0, initialRetryTimeMs: 20, maxRetryTimeMs: 50 },
        requestTimeoutMs: 3000,
      }).producer();
      const error = await bad.connect().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AuthenticationError);
      expect(String((error as Error).message)).to.not.include('wrong');
    } finally {
      await secured.stop();
    }
  });
});
