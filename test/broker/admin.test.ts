import { expect } from 'chai';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader } from '../../src/protocol/primitives';
import { RawConnection } from '../helpers/raw-client';

interface KafkaNodeAdmin {
  listTopics(callback: (error: unknown, result: [unknown, { metadata: Record<string, unknown> }]) => void): void;
  describeConfigs(
    payload: unknown,
    callback: (error: unknown, result: { configEntries: { configName: string; configValue: string }[] }[]) => void,
  ): void;
}

type KafkaJsError = { type?: string; errors?: { type: string }[] } | null;

/** The kafkajs error of a call expected to fail (null if it succeeded); retried errors are unwrapped. */
function failure(promise: Promise<unknown>): Promise<KafkaJsError> {
  return promise.then(
    () => null,
    (error: KafkaJsError & { name?: string; cause?: KafkaJsError }) =>
      error?.name === 'KafkaJSNumberOfRetriesExceeded' ? (error.cause ?? error) : error,
  );
}

function readTopicResults(
  body: Reader,
  version: number,
): { name: string; errorCode: number; errorMessage: string | null }[] {
  if (version >= 2) body.int32();
  return body.array((r) => ({
    name: r.string(),
    errorCode: r.int16(),
    errorMessage: version >= 1 ? r.nullableString() : null,
  }));
}

function kafkaNodeCall<T>(run: (done: (error: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));
}

describe('broker/admin APIs (CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs)', () => {
  let broker: EmbeddedBroker;
  let admin: Admin;
  beforeEach(async () => {
    broker = await startBroker({ nodes: 3, logger: silentLogger, autoCreateTopics: false });
    admin = new Kafka({
      brokers: broker.brokers,
      clientId: 'admin-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 50 },
    }).admin();
    await admin.connect();
  });
  afterEach(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it('kafkajs: creates, lists, grows and deletes topics', async () => {
    expect(
      await admin.createTopics({
        topics: [{ topic: 'events', numPartitions: 3, replicationFactor: 2 }],
        waitForLeaders: true,
      }),
    ).to.equal(true);
    expect(await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] })).to.equal(false);
    expect(await admin.listTopics()).to.deep.equal(['events']);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: ['events'] })).topics;
    expect(metadata!.partitions.map((p) => p.replicas.length)).to.deep.equal([2, 2, 2]);

    await admin.createPartitions({ topicPartitions: [{ topic: 'events', count: 5 }] });
    expect(broker.cluster.getTopic('events')!.partitions).to.have.length(5);
    const shrink = await admin.createPartitions({ topicPartitions: [{ topic: 'events', count: 2 }] }).then(
      () => null,
      (e: { type?: string }) => e,
    );
    expect(shrink?.type).to.equal('INVALID_PARTITIONS');

    await admin.deleteTopics({ topics: ['events'] });
    expect(await admin.listTopics()).to.deep.equal([]);
  });

  it('kafkajs: validateOnly creates nothing; invalid names and replication factors are refused with Kafka codes', async () => {
    expect(
      await admin.createTopics({
        validateOnly: true,
        waitForLeaders: false,
        topics: [{ topic: 'dry-run', numPartitions: 2 }],
      }),
    ).to.equal(true);
    expect(broker.cluster.getTopic('dry-run')).to.equal(undefined);

    const invalid = await admin.createTopics({ topics: [{ topic: 'bad name!', numPartitions: 1 }] }).then(
      () => null,
      (e: { errors?: { type: string }[] }) => e,
    );
    expect(invalid?.errors?.[0]?.type).to.equal('INVALID_TOPIC_EXCEPTION');
    const tooMany = await admin
      .createTopics({ topics: [{ topic: 'wide', numPartitions: 1, replicationFactor: 4 }] })
      .then(
        () => null,
        (e: { errors?: { type: string }[] }) => e,
      );
    expect(tooMany?.errors?.[0]?.type).to.equal('INVALID_REPLICATION_FACTOR');
    const zero = await admin.createTopics({ topics: [{ topic: 'empty', numPartitions: 0 }] }).then(
      () => null,
      (e: { errors?: { type: string }[] }) => e,
    );
    expect(zero?.errors?.[0]?.type).to.equal('INVALID_PARTITIONS');
  });

  it('kafkajs: describes topic overrides and defaults, and broker configs', async () => {
    await admin.createTopics({
      topics: [{ topic: 'configured', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });
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
    expect(brokerConfigs.configEntries.find((e) => e.configName === 'auto.create.topics.enable')?.configValue).to.equal(
      'false',
    );
  });

  it('kafka-node: KafkaClient.createTopics, Admin.listTopics and Admin.describeConfigs', async () => {
    const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, requestTimeout: 5000 });
    // kafka-node's typings omit Admin although the library exports it.
    const kafkaNodeAdmin = new (
      kafkaNode as unknown as { Admin: new (client: kafkaNode.KafkaClient) => KafkaNodeAdmin }
    ).Admin(client);
    try {
      const created = await kafkaNodeCall<{ topic: string; error?: string }[]>((done) =>
        client.createTopics(
          [
            { topic: 'legacy', partitions: 2, replicationFactor: 1 },
            { topic: 'bad/name', partitions: 1, replicationFactor: 1 },
          ],
          done,
        ),
      );
      expect(created).to.have.length(1);
      expect(created[0]!.topic).to.equal('bad/name');
      expect(created[0]!.error).to.match(/invalid|characters/i);
      expect(broker.cluster.getTopic('legacy')!.partitions).to.have.length(2);

      const listed = await kafkaNodeCall<[unknown, { metadata: Record<string, unknown> }]>((done) =>
        kafkaNodeAdmin.listTopics(done),
      );
      expect(Object.keys(listed[1].metadata)).to.include('legacy');

      const described = await kafkaNodeCall<{ configEntries: { configName: string; configValue: string }[] }[]>(
        (done) =>
          kafkaNodeAdmin.describeConfigs(
            {
              resources: [{ resourceType: 'topic', resourceName: 'legacy', configNames: ['cleanup.policy'] }],
              includeSynonyms: false,
            },
            done,
          ),
      );
      expect(described[0]!.configEntries.map((e) => [e.configName, e.configValue])).to.deep.equal([
        ['cleanup.policy', 'delete'],
      ]);
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

  it('CreateTopics: configs are checked by name and value (INVALID_CONFIG), assignments are honoured and checked', async () => {
    const unknownConfig = await failure(
      admin.createTopics({ topics: [{ topic: 'c1', configEntries: [{ name: 'retention.millis', value: '1' }] }] }),
    );
    expect(unknownConfig?.errors?.[0]).to.include({ type: 'INVALID_CONFIG' });
    const badValue = await failure(
      admin.createTopics({ topics: [{ topic: 'c2', configEntries: [{ name: 'cleanup.policy', value: 'shred' }] }] }),
    );
    expect(badValue?.errors?.[0]).to.include({ type: 'INVALID_CONFIG' });
    expect(broker.cluster.topics.size).to.equal(0);

    await admin.createTopics({
      topics: [
        {
          topic: 'placed',
          replicaAssignment: [
            { partition: 0, replicas: [3, 1] },
            { partition: 1, replicas: [2, 3] },
          ],
        },
      ],
    });
    expect(broker.cluster.getTopic('placed')!.partitions.map((p) => p.replicas)).to.deep.equal([
      [3, 1],
      [2, 3],
    ]);
    const uneven = await failure(
      admin.createTopics({
        topics: [
          {
            topic: 'uneven',
            replicaAssignment: [
              { partition: 0, replicas: [1] },
              { partition: 1, replicas: [2, 3] },
            ],
          },
        ],
      }),
    );
    expect(uneven?.errors?.[0]).to.include({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    const gap = await failure(
      admin.createTopics({ topics: [{ topic: 'gap', replicaAssignment: [{ partition: 1, replicas: [1] }] }] }),
    );
    expect(gap?.errors?.[0]).to.include({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    const unknownBroker = await failure(
      admin.createTopics({ topics: [{ topic: 'nowhere', replicaAssignment: [{ partition: 0, replicas: [9] }] }] }),
    );
    expect(unknownBroker?.errors?.[0]).to.include({ type: 'INVALID_REPLICA_ASSIGNMENT' });

    await admin.createTopics({ topics: [{ topic: 'metrics_a' }] });
    const collision = await failure(admin.createTopics({ topics: [{ topic: 'metrics.a' }] }));
    expect(collision?.errors?.[0]).to.include({ type: 'INVALID_TOPIC_EXCEPTION' });
    expect(broker.cluster.getTopic('metrics.a')).to.equal(undefined);
  });

  it('CreateTopics on the wire: duplicates, -1 defaults, null configs and timeout 0 answer as Kafka does', async () => {
    const connection = await RawConnection.open(broker.brokers[broker.cluster.controllerId() - 1]!);
    try {
      const body = await connection.request(ApiKey.CreateTopics, 4, (w) => {
        const topic = (
          name: string,
          partitions: number,
          replication: number,
          configs: [string, string | null][] = [],
        ) => {
          w.string(name).int32(partitions).int16(replication).int32(0);
          w.array(configs, (cw, [key, value]) => cw.string(key).string(value));
        };
        w.int32(5);
        topic('twice', 1, 1);
        topic('twice', 1, 1);
        topic('defaults', -1, -1);
        topic('null-config', 1, 1, [['retention.ms', null]]);
        topic('both-set', 2, 1);
        w.int32(0).boolean(false);
      });
      expect(readTopicResults(body, 4).map((t) => [t.name, t.errorCode])).to.deep.equal([
        ['twice', ErrorCode.INVALID_REQUEST],
        ['twice', ErrorCode.INVALID_REQUEST],
        ['defaults', ErrorCode.REQUEST_TIMED_OUT],
        ['null-config', ErrorCode.INVALID_CONFIG],
        ['both-set', ErrorCode.REQUEST_TIMED_OUT],
      ]);
      // timeout_ms 0 means "do not wait", not "do not create".
      expect(broker.cluster.getTopic('defaults')!.partitions.map((p) => p.replicas.length)).to.deep.equal([1]);
      expect(broker.cluster.getTopic('both-set')!.partitions).to.have.length(2);
      expect(broker.cluster.getTopic('twice')).to.equal(undefined);
    } finally {
      connection.close();
    }
  });

  it('DeleteTopics and CreatePartitions: unknown topics, equal counts, validateOnly and replica checks', async () => {
    // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION from DeleteTopics; without retries the broker's answer shows at once.
    const impatient = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await impatient.connect();
    const unknown = await failure(impatient.deleteTopics({ topics: ['never-was'] }));
    await impatient.disconnect();
    expect(unknown?.type).to.equal('UNKNOWN_TOPIC_OR_PARTITION');

    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 2, replicationFactor: 2 }] });
    const same = await failure(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 2 }] }));
    expect(same?.type).to.equal('INVALID_PARTITIONS');
    await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic: 'grow', count: 4 }] });
    expect(broker.cluster.getTopic('grow')!.partitions).to.have.length(2);
    const wrongFactor = await failure(
      admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3, assignments: [[1]] }] }),
    );
    expect(wrongFactor?.type).to.equal('INVALID_REPLICA_ASSIGNMENT');
    const duplicated = await failure(
      admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3, assignments: [[2, 2]] }] }),
    );
    expect(duplicated?.type).to.equal('INVALID_REPLICA_ASSIGNMENT');
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3, assignments: [[3, 1]] }] });
    expect(broker.cluster.getTopic('grow')!.partitions[2]!.replicas).to.deep.equal([3, 1]);
    const missing = await failure(admin.createPartitions({ topicPartitions: [{ topic: 'absent', count: 3 }] }));
    expect(missing?.type).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('DescribeConfigs: every topic config when none are named, synonyms on request, Kafka errors for bad resources', async () => {
    await admin.createTopics({
      topics: [{ topic: 'full', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: true,
      resources: [{ type: 2, name: 'full' }],
    });
    const entries = resources[0]!.configEntries;
    expect(entries.length).to.be.at.least(20);
    const byName = new Map(entries.map((e) => [e.configName, e]));
    expect(byName.get('cleanup.policy')).to.deep.include({ configValue: 'compact', isDefault: false, configSource: 1 });
    expect(
      byName.get('cleanup.policy')!.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]),
    ).to.deep.equal([
      ['cleanup.policy', 'compact', 1],
      ['log.cleanup.policy', 'delete', 5],
    ]);
    expect(byName.get('retention.ms')).to.deep.include({ configValue: '604800000', isDefault: true, configSource: 5 });
    expect(byName.get('max.message.bytes')!.configValue).to.equal(String(broker.cluster.settings.messageMaxBytes));

    const unknown = await failure(
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'nope' }] }),
    );
    expect(unknown?.type).to.equal('UNKNOWN_TOPIC_OR_PARTITION');
    const invalid = await failure(
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'no good' }] }),
    );
    expect(invalid?.type).to.equal('INVALID_TOPIC_EXCEPTION');

    // v0 on the wire: is_default instead of config_source; a broker resource for another id is an INVALID_REQUEST.
    const connection = await RawConnection.open(broker.brokers[0]!);
    try {
      const body = await connection.request(ApiKey.DescribeConfigs, 0, (w) => {
        w.int32(3);
        w.int8(2)
          .string('full')
          .array(['cleanup.policy', 'segment.ms'], (kw, key) => kw.string(key));
        w.int8(4).string('2').int32(-1);
        w.int8(4).string('').int32(-1);
      });
      body.int32();
      const results = body.array((r) => ({
        errorCode: r.int16(),
        errorMessage: r.nullableString(),
        type: r.int8(),
        name: r.string(),
        configs: r.array((c) => ({
          name: c.string(),
          value: c.nullableString(),
          readOnly: c.boolean(),
          isDefault: c.boolean(),
          sensitive: c.boolean(),
        })),
      }));
      expect(results[0]!.configs.map((c) => [c.name, c.value, c.isDefault])).to.deep.equal([
        ['cleanup.policy', 'compact', false],
        ['segment.ms', '604800000', true],
      ]);
      expect(results[1]).to.deep.include({ errorCode: ErrorCode.INVALID_REQUEST, name: '2' });
      expect(results[1]!.errorMessage).to.match(/Unexpected broker id, expected 1/);
      expect(results[2]).to.deep.include({ errorCode: ErrorCode.NONE, configs: [] });
    } finally {
      connection.close();
    }
  });

  it('kafka-node: createTopics with a replica assignment, and Admin.describeConfigs of every config', async () => {
    const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, requestTimeout: 5000 });
    const kafkaNodeAdmin = new (
      kafkaNode as unknown as { Admin: new (client: kafkaNode.KafkaClient) => KafkaNodeAdmin }
    ).Admin(client);
    try {
      const created = await kafkaNodeCall<unknown[]>((done) =>
        client.createTopics(
          [
            {
              topic: 'assigned',
              partitions: 1,
              replicationFactor: 1,
              replicaAssignment: [{ partition: 0, replicas: [2] }],
            } as kafkaNode.CreateTopicRequest,
          ],
          done,
        ),
      );
      expect(created).to.deep.equal([]);
      expect(broker.cluster.getTopic('assigned')!.partitions[0]!.replicas).to.deep.equal([2]);
      const described = await kafkaNodeCall<{ configEntries: { configName: string; configValue: string }[] }[]>(
        (done) =>
          kafkaNodeAdmin.describeConfigs(
            {
              resources: [{ resourceType: 'topic', resourceName: 'assigned', configNames: [] }],
              includeSynonyms: true,
            },
            done,
          ),
      );
      expect(described[0]!.configEntries.map((e) => e.configName)).to.include.members([
        'cleanup.policy',
        'retention.ms',
        'segment.bytes',
      ]);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });
});
