import { expect } from 'chai';
import { ConfigurationError, KafkaProtocolError } from '../../src/common/errors';
import type { Admin, Backend } from '../../src/common/types';
import { ErrorCode } from '../../src/protocol/error-codes';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { closeQuietly, failure, legacyBackend, numbered, produce, startMember, until, type Member } from './helpers';

describe('legacy admin (embedded broker)', function () {
  this.timeout(30000);
  let broker: EmbeddedBroker;
  let backend: Backend;
  let admin: Admin;
  let counter = 0;
  const name = (what: string): string => `legacy-admin-${what}-${Date.now()}-${counter++}`;
  const members: Member[] = [];

  before(async () => {
    broker = await startEmbedded();
    backend = legacyBackend(broker.brokers);
    admin = backend.admin();
    await admin.connect();
  });
  afterEach(async () => {
    await closeQuietly(members.splice(0).map((m) => m.group));
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.stop();
  });

  it('creates topics (broker defaults where not given), lists them sorted, and refuses duplicates with TOPIC_ALREADY_EXISTS', async () => {
    const [a, b] = [name('b-second'), name('a-first')];
    await admin.createTopics([
      { topic: a },
      { topic: b, numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '60000' } },
    ]);
    expect(broker.cluster.getTopic(a)!.partitions).to.have.length(1);
    expect(broker.cluster.getTopic(b)!.partitions).to.have.length(3);
    // Leaders are there when createTopics returns: offsets can be read at once.
    expect(await admin.fetchTopicOffsets(b)).to.deep.equal(
      [0, 1, 2].map((partition) => ({ partition, earliest: 0, latest: 0 })),
    );
    const topics = await admin.listTopics();
    expect(topics).to.include.members([a, b]);
    expect(topics).to.deep.equal([...topics].sort());
    expect(topics.some((t) => t.startsWith('__'))).to.equal(false);
    const exists = await failure(admin.createTopics([{ topic: b, numPartitions: 3 }]));
    expect(exists).to.be.instanceOf(KafkaProtocolError);
    expect(exists.code).to.equal(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it('checks arguments before any I/O', async () => {
    const unconnected = backend.admin();
    expect(await failure(unconnected.createTopics([]))).to.be.instanceOf(ConfigurationError);
    expect(await failure(unconnected.createTopics([{ topic: 'x', numPartitions: 0 }]))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(await failure(unconnected.createTopics([{ topic: 'x' }, { topic: 'x' }]))).to.be.instanceOf(
      ConfigurationError,
    );
    expect(await failure(unconnected.deleteTopics([''] as string[]))).to.be.instanceOf(ConfigurationError);
    expect(await failure(unconnected.describeGroups([]))).to.be.instanceOf(ConfigurationError);
    expect(await failure(unconnected.fetchTopicOffsets(''))).to.be.instanceOf(ConfigurationError);
    expect((await failure(unconnected.listTopics())).message).to.match(/not connected/);
  });

  it('deletes topics (raw DeleteTopics: kafka-node 5 has no encoder for it); unknown ones fail with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = name('doomed');
    await admin.createTopics([{ topic, numPartitions: 2 }]);
    await admin.deleteTopics([topic]);
    await until(() => broker.cluster.getTopic(topic) === undefined, 'the topic to go');
    expect(await admin.listTopics()).to.not.include(topic);
    const unknown = await failure(admin.deleteTopics([name('never-was')]));
    expect(unknown.code).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('reads earliest/latest offsets per partition and committed offsets (-1 where none)', async () => {
    const topic = name('offsets');
    await admin.createTopics([{ topic, numPartitions: 2 }]);
    await produce(backend, topic, [
      ...numbered(3, 'x').map((m) => ({ ...m, partition: 0 })),
      { value: 'y', partition: 1 },
    ]);
    expect(await admin.fetchTopicOffsets(topic)).to.deep.equal([
      { partition: 0, earliest: 0, latest: 3 },
      { partition: 1, earliest: 0, latest: 1 },
    ]);
    const groupId = name('readers');
    expect(await admin.fetchCommittedOffsets(groupId, topic)).to.deep.equal([
      { topic, partition: 0, offset: -1 },
      { topic, partition: 1, offset: -1 },
    ]);
    const m = await startMember(backend, { groupId, topics: [topic], fromOffset: 'earliest', autoCommit: false });
    members.push(m);
    await until(() => m.messages.length === 4, 'the 4 messages');
    await m.group.commit([{ topic, partition: 0, offset: 2 }]);
    expect(await admin.fetchCommittedOffsets(groupId, topic)).to.deep.equal([
      { topic, partition: 0, offset: 2 },
      { topic, partition: 1, offset: -1 },
    ]);
  });

  it('lists and describes groups, with each member and its assignment', async () => {
    const topic = name('described');
    await admin.createTopics([{ topic, numPartitions: 3 }]);
    const groupId = name('watched');
    const m = await startMember(backend, {
      groupId,
      topics: [topic],
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
    });
    members.push(m);
    expect(await admin.listGroups()).to.deep.include({ groupId, protocolType: 'consumer' });
    const groups = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).to.deep.equal(groups.map((g) => g.groupId).sort());
    const missing = name('nobody');
    const [described, dead] = await admin.describeGroups([groupId, missing]);
    expect(described).to.deep.include({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'roundrobin' });
    expect(described!.members).to.have.length(1);
    expect(described!.members[0]).to.deep.include({
      memberId: m.assignments[0]!.memberId,
      clientId: 'kafka-node-adapter',
    });
    expect(described!.members[0]!.assignment).to.deep.equal([0, 1, 2].map((partition) => ({ topic, partition })));
    expect(dead).to.deep.include({ groupId: missing, state: 'Dead', members: [] });
  });

  it('finds the controller again after it moved', async () => {
    const cluster = await startEmbedded({ nodes: 2 });
    const clustered = legacyBackend(cluster.brokers).admin();
    try {
      await clustered.connect();
      await clustered.createTopics([{ topic: name('first'), numPartitions: 1, replicationFactor: 2 }]);
      const controller = cluster.cluster.controllerId();
      await cluster.stopNode(controller);
      const second = name('second');
      await clustered.createTopics([{ topic: second, numPartitions: 2, replicationFactor: 1 }]);
      expect(cluster.cluster.getTopic(second)!.partitions).to.have.length(2);
    } finally {
      await clustered.disconnect();
      await cluster.stop();
    }
  });
});
