import { expect } from 'chai';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { RawConnection } from '../helpers/raw-client';

interface KafkaNodeAdmin {
  listTopics(callback: (error: unknown, result: [unknown, { metadata: Record<string, unknown> }]) => void): void;
  describeConfigs(payload: unknown, callback: (error: unknown, result: { configEntries: { configName: string; configValue: string }[] }[]) => void): void;
}

function kafkaNodeCall<T>(run: (done: (error: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));
}

describe('broker/admin APIs (CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs)', () => {
  let broker: EmbeddedBroker;
  let admin: Admin;
  beforeEach(async () => {
    broker = await startBroker({ nodes: 3, logger: silentLogger, autoCreateTopics: false });
    admin = new Kafka({ brokers: broker.brokers, clientId: 'admin-test', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } }).admin();
    await admin.connect();
  });
  afterEach(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it('kafkajs: creates, lists, grows and deletes topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3, replicationFactor: 2 }], waitForLeaders: true })).to.equal(true);
    expect(await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] })).to.equal(false);
    expect(await admin.listTopics()).to.deep.equal(['events']);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: ['events'] })).topics;
    expect(metadata!.partitions.map((p) => p.replicas.length)).to.deep.equal([2, 2, 2]);

    await admin.createPartitions({ topicPartitions: [{ topic: 'events', count: 5 }] });
    expect(broker.cluster.getTopic('events')!.partitions).to.have.length(5);
    const shrink = await admin.createPartitions({ topicPartitions: [{ topic: 'events', count: 2 }] }).then(() => null, (e: { type?: string }) => e);
    expect(shrink?.type).to.equal('INVALID_PARTITIONS');

    await admin.deleteTopics({ topics: ['events'] });
    expect(await admin.listTopics()).to.deep.equal([]);
  });

  it('kafkajs: validateOnly creates nothing; invalid names and replication factors are refused with Kafka codes', async () => {
    expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry-run', numPartitions: 2 }] })).to.equal(true);
    expect(broker.cluster.getTopic('dry-run')).to.equal(undefined);

    const invalid = await admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] }).then(() => null, (e: { errors?: { type: string }[] }) => e);
    expect(invalid?.errors?.[0]?.type).to.equal('INVALID_TOPIC_EXCEPTION');
    const tooMany = await admin.createTopics({ topics: [{ topic: 'wide', numPartitions: 1, replicationFactor: 4 }] }).then(() => null, (e: { errors?: { type: string }[] }) => e);
    expect(tooMany?.errors?.[0]?.type).to.equal('INVALID_REPLICATION_FACTOR');
    const zero = await admin.createTopics({ topics: [{ topic: 'empty', numPartitions: 0 }] }).then(() => null, (e: { errors?: { type: string }[] }) => e);
    expect(zero?.errors?.[0]?.type).to.equal('INVALID_PARTITIONS');
  });

  it('kafkajs: describes topic overrides and defaults, and broker configs', async () => {
    await admin.createTopics({ topics: [{ topic: 'configured', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 2, name: 'configured', configNames: ['retention.ms', 'cleanup.policy'] },
        { type: 4, name: '1' },
      ],
    });
    const topic = resources.find((r) => r.resourceType === 2)!;
    expect(topic.configEntries.map((e) => [e.configName, e.configValue, e.isDefault])).to.deep.equal([
      ['cleanup.policy', 'delete', true],
      ['retention.ms', '1000', false],
    ]);
    const brokerConfigs = resources.find((r) => r.resourceType === 4)!;
    expect(brokerConfigs.configEntries.find((e) => e.configName === 'auto.create.topics.enable')?.configValue).to.equal('false');
  });

  it('kafka-node: KafkaClient.createTopics, Admin.listTopics and Admin.describeConfigs', async () => {
    const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, requestTimeout: 5000 });
    // kafka-node's typings omit Admin although the library exports it.
    const kafkaNodeAdmin = new (kafkaNode as unknown as { Admin: new (client: kafkaNode.KafkaClient) => KafkaNodeAdmin }).Admin(client);
    try {
      const created = await kafkaNodeCall<{ topic: string; error?: string }[]>((done) =>
        client.createTopics([{ topic: 'legacy', partitions: 2, replicationFactor: 1 }, { topic: 'bad/name', partitions: 1, replicationFactor: 1 }], done),
      );
      expect(created).to.have.length(1);
      expect(created[0]!.topic).to.equal('bad/name');
      expect(created[0]!.error).to.match(/invalid|characters/i);
      expect(broker.cluster.getTopic('legacy')!.partitions).to.have.length(2);

      const listed = await kafkaNodeCall<[unknown, { metadata: Record<string, unknown> }]>((done) => kafkaNodeAdmin.listTopics(done));
      expect(Object.keys(listed[1].metadata)).to.include('legacy');

      const described = await kafkaNodeCall<{ configEntries: { configName: string; configValue: string }[] }[]>((done) =>
        kafkaNodeAdmin.describeConfigs({ resources: [{ resourceType: 'topic', resourceName: 'legacy', configNames: ['cleanup.policy'] }], includeSynonyms: false }, done),
      );
      expect(described[0]!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([['cleanup.policy', 'delete']]);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('only the controller accepts topic administration (NOT_CONTROLLER elsewhere)', async () => {
    const controller = broker.cluster.controllerId();
    const other = [...broker.cluster.nodes.values()].find((node) => node.id !== controller)!;
    const connection = await RawConnection.open(other.address);
    try {
      const body = await connection.request(ApiKey.CreateTopics, 1, (w) => {
        w.array(['elsewhere'], (tw, name) => {
          tw.string(name).int32(1).int16(1).int32(0).int32(0);
        });
        w.int32(5000).boolean(false);
      });
      const [result] = body.array((r) => ({ name: r.string(), errorCode: r.int16(), message: r.nullableString() }));
      expect(result).to.include({ name: 'elsewhere', errorCode: ErrorCode.NOT_CONTROLLER });
    } finally {
      connection.close();
    }
    expect(broker.cluster.getTopic('elsewhere')).to.equal(undefined);

    // After the controller stops, another node takes over and kafkajs finds it.
    await admin.disconnect();
    await broker.stopNode(controller);
    admin = new Kafka({ brokers: [other.address], clientId: 'admin-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'after-failover', numPartitions: 1 }] })).to.equal(true);
    expect(broker.cluster.controllerId()).to.not.equal(controller);
  });
});
