/**
 * Smoke tests of the real Apache Kafka fixtures (test/fixtures/real-kafka.ts): each cluster starts, the kafkajs
 * backend of the common interface produces and consumes through it, and the protocol versions it advertises are
 * those of its release (Kafka 4.x: KIP-896 removed kafka-node's Produce v0-2 and Fetch v0-3).
 */
import { expect } from 'chai';
import { createKafka } from '../../src/kafka';
import { ApiKey } from '../../src/protocol/api-keys';
import { rawRequest } from '../fixtures/processes';
import {
  KAFKA_39_VERSION,
  KAFKA_4_VERSION,
  sharedKafka39,
  sharedKafka4,
  sharedKafka4Cluster,
  type RealKafka,
} from '../fixtures/real-kafka';
import { startMember, produce } from '../helpers/backend-tests';
import { until } from '../helpers/poll';

type Ranges = Map<number, { min: number; max: number }>;

async function apiVersions(kafka: RealKafka): Promise<Ranges> {
  const [host, port] = kafka.bootstrap.split(':');
  const reader = await rawRequest(host!, Number(port), ApiKey.ApiVersions, 0, () => undefined);
  const errorCode = reader.int16();
  expect(errorCode, 'ApiVersions error').to.equal(0);
  return new Map(reader.array((r) => [r.int16(), { min: r.int16(), max: r.int16() }] as const));
}

async function roundTrip(kafka: RealKafka, topic: string, replicationFactor: number): Promise<void> {
  await kafka.createTopic(topic, 3, replicationFactor);
  const backend = createKafka({ backend: 'kafkajs', brokers: kafka.brokers, clientId: 'real-kafka-smoke' });
  const values = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` }));
  await produce(backend, topic, values);
  const member = await startMember(backend, { groupId: `${topic}-group`, topics: [topic], fromOffset: 'earliest' });
  try {
    const seen = () => new Set(member.messages.map((m) => m.value?.toString()));
    await until(() => seen().size >= values.length, `30 messages from ${topic}`, 60000);
    // At least once: a rebalance while the cluster settles (its offsets topic just created) may deliver some twice.
    expect([...seen()].sort()).to.deep.equal(values.map((v) => v.value).sort());
    expect(member.errors).to.deep.equal([]);
  } finally {
    await member.group.close();
  }
}

describe(`broker/real-kafka: Apache Kafka ${KAFKA_4_VERSION} in KRaft mode, one node`, function () {
  let kafka: RealKafka;
  before(async function () {
    kafka = await sharedKafka4(this);
  });

  it("refuses kafka-node's Produce v2 by closing the connection, though ApiVersions still lists Produce from v0", async () => {
    // Measured: 4.x keeps Produce's advertised minimum at 0 (old librdkafka clients check it) but drops any v0-2
    // request with the connection; Fetch's minimum is raised to 4 as KIP-896 says.
    const ranges = await apiVersions(kafka);
    expect(ranges.get(ApiKey.Produce)?.min).to.equal(0);
    expect(ranges.get(ApiKey.Fetch)?.min).to.equal(4);
    const [host, port] = kafka.bootstrap.split(':');
    const produceV2 = rawRequest(host!, Number(port), ApiKey.Produce, 2, (w) => {
      w.int16(1).int32(1000);
      w.array(['real-kafka-produce-v2'], (x, topic) =>
        x.string(topic).array([0], (y, partition) => y.int32(partition).bytes(Buffer.alloc(0))),
      );
    });
    const outcome = await produceV2.then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(outcome).to.equal('connection closed before a response');
  });

  it('the kafkajs backend produces and consumes in a group', async function () {
    this.timeout(120000);
    await roundTrip(kafka, 'real-kafka-smoke-4', 1);
  });
});

describe(`broker/real-kafka: Apache Kafka ${KAFKA_4_VERSION} in KRaft mode, three nodes`, function () {
  let kafka: RealKafka;
  before(async function () {
    kafka = await sharedKafka4Cluster(this);
  });

  it('the three nodes form one cluster: every one lists the three brokers and a topic gets three in-sync replicas', async function () {
    this.timeout(120000);
    expect(kafka.nodes.map((n) => n.id)).to.deep.equal([1, 2, 3]);
    await roundTrip(kafka, 'real-kafka-smoke-rf3', 3);
    const leaders = await Promise.all([0, 1, 2].map((p) => kafka.leaderOf('real-kafka-smoke-rf3', p)));
    for (const leader of leaders) expect([1, 2, 3]).to.include(leader);
  });
});

describe(`broker/real-kafka: Apache Kafka ${KAFKA_39_VERSION} in ZooKeeper mode`, function () {
  let kafka: RealKafka;
  before(async function () {
    kafka = await sharedKafka39(this);
  });

  it("still serves kafka-node's Produce v0 and Fetch v0, and runs with its ZooKeeper", async () => {
    const ranges = await apiVersions(kafka);
    expect(ranges.get(ApiKey.Produce)?.min).to.equal(0);
    expect(ranges.get(ApiKey.Fetch)?.min).to.equal(0);
    expect(kafka.zookeeper).to.match(/^127\.0\.0\.1:\d+$/);
  });

  it('the kafkajs backend produces and consumes in a group', async function () {
    this.timeout(120000);
    await roundTrip(kafka, 'real-kafka-smoke-39', 1);
  });
});
