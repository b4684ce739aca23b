/**
 * The kafka-4 profile without Java: the embedded broker serves what Apache Kafka 4.4 serves (the table in
 * src/broker/apis/profiles.ts, held to the real broker by differential-kafka4.test.ts), so kafka-node code fails here
 * as it fails on 4.x while kafkajs runs; the default profile keeps every version.
 */
import { expect } from 'chai';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import type { Reader } from '../../src/protocol/primitives';
import { BrokerOptionsError, type BrokerProfile } from '../../src/broker';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { RawConnection } from '../helpers/raw-client';
import { describeError, kafkaNodeProduce, kafkajs, startKafkajsMember } from './differential/clients';

function ranges(reader: Reader): Record<string, string> {
  return Object.fromEntries(reader.array((r) => [ApiKey[r.int16()] ?? '?', `${r.int16()}-${r.int16()}`]));
}

async function apiVersions(
  broker: EmbeddedBroker,
  version: number,
): Promise<{ errorCode: number; ranges: Record<string, string> }> {
  const connection = await RawConnection.open(broker.brokers[0]!);
  try {
    const reader = await connection.request(ApiKey.ApiVersions, version, () => undefined);
    return { errorCode: reader.int16(), ranges: ranges(reader) };
  } finally {
    connection.close();
  }
}

/** An empty Produce (acks 1, no topics) of `version`: 'answered', or how the connection ended. */
async function emptyProduce(broker: EmbeddedBroker, version: number): Promise<string> {
  const connection = await RawConnection.open(broker.brokers[0]!);
  try {
    await connection.request(ApiKey.Produce, version, (w) =>
      (version >= 3 ? w.string(null) : w).int16(1).int32(1000).int32(0),
    );
    return 'answered';
  } catch (error) {
    return (error as Error).message;
  } finally {
    connection.close();
  }
}

describe('broker/profiles: kafka-4 and default', function () {
  this.timeout(60000);
  let kafka4: EmbeddedBroker | undefined;
  let plain: EmbeddedBroker | undefined;

  before(async () => {
    [kafka4, plain] = await Promise.all([startEmbedded({ profile: 'kafka-4' }), startEmbedded()]);
  });
  after(async () => {
    await Promise.all([kafka4?.stop(), plain?.stop()]);
  });

  it('kafka-4 advertises Kafka 4.4 minima (Produce still from 0) capped at what the broker implements', async () => {
    const answer = await apiVersions(kafka4!, 0);
    expect(answer.errorCode).to.equal(ErrorCode.NONE);
    expect(answer.ranges).to.include({
      Produce: '0-7',
      Fetch: '4-11',
      ListOffsets: '1-4',
      Metadata: '0-6',
      OffsetCommit: '2-7',
      OffsetFetch: '1-5',
      CreateTopics: '2-4',
      DeleteTopics: '1-3',
      DescribeConfigs: '1-2',
      ApiVersions: '0-2',
    });
    expect((await apiVersions(plain!, 0)).ranges).to.include({
      Produce: '0-7',
      Fetch: '0-11',
      ListOffsets: '0-4',
      OffsetCommit: '0-7',
      CreateTopics: '0-4',
    });
  });

  it('kafka-4 closes the connection on Produce v0-2 although it advertises them; the default profile answers', async () => {
    const kafka4Outcomes = await Promise.all([0, 1, 2, 3].map((v) => emptyProduce(kafka4!, v)));
    expect(kafka4Outcomes).to.deep.equal([
      'connection closed by the broker',
      'connection closed by the broker',
      'connection closed by the broker',
      'answered',
    ]);
    expect(await Promise.all([0, 1, 2, 3].map((v) => emptyProduce(plain!, v)))).to.deep.equal([
      'answered',
      'answered',
      'answered',
      'answered',
    ]);
  });

  it('an unknown ApiVersions version: kafka-4 lists only ApiVersions, the default profile everything', async () => {
    const kafka4Answer = await apiVersions(kafka4!, 9);
    expect(kafka4Answer).to.deep.equal({ errorCode: ErrorCode.UNSUPPORTED_VERSION, ranges: { ApiVersions: '0-2' } });
    const plainAnswer = await apiVersions(plain!, 9);
    expect(plainAnswer.errorCode).to.equal(ErrorCode.UNSUPPORTED_VERSION);
    expect(Object.keys(plainAnswer.ranges)).to.have.length.greaterThan(20);
  });

  it('kafka-node fails on kafka-4 as on Kafka 4.4 (its Produce v2 is refused), kafkajs produces and consumes', async () => {
    const refused = await kafkaNodeProduce(kafka4!.bootstrap, [
      { topic: 'profile-kafka-node', messages: ['hello'] },
    ]).then(
      () => 'sent',
      (error: unknown) => describeError(error),
    );
    expect(refused).to.equal('BrokerNotAvailableError: Broker not available (socket closed)');
    expect(
      await kafkaNodeProduce(plain!.bootstrap, [{ topic: 'profile-kafka-node', messages: ['hello'] }]),
    ).to.deep.equal({ 'profile-kafka-node': { 0: 0 } });

    const kafka = kafkajs(kafka4!.brokers);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'profile-kafkajs', acks: -1, messages: [{ key: 'k', value: 'runs on 4.x' }] });
    await producer.disconnect();
    const member = await startKafkajsMember(kafka, { groupId: 'profile-kafkajs' }, 'profile-kafkajs', {
      fromBeginning: true,
    });
    try {
      expect((await member.waitForMessages(1)).map((m) => m.value)).to.deep.equal(['runs on 4.x']);
    } finally {
      await member.close();
    }
  });

  it('an unknown profile is refused before anything listens', async () => {
    const error = await startEmbedded({ profile: 'kafka-5' as BrokerProfile }).then(
      (broker) => broker.stop().then(() => null),
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(BrokerOptionsError);
    expect((error as Error).message).to.equal('profile "kafka-5" is not known; use default or kafka-4');
  });
});
