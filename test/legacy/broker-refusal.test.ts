/**
 * The kafka-node backend on a broker that no longer serves kafka-node's protocol versions (Apache Kafka 4.x, KIP-896)
 * fails at connect with UnsupportedBrokerVersionError, read from the broker's ApiVersions answer, instead of letting
 * the broker close the connection on the first produce or fetch.
 */
import { expect } from 'chai';
import { UnsupportedBrokerVersionError } from '../../src/common/errors';
import { createKafka } from '../../src/kafka';
import { brokerRefusal } from '../../src/legacy/client';
import type { ApiSupport, KafkaNodeBroker, KafkaNodeClient } from '../../src/legacy/kafka-node';
import { ErrorCode } from '../../src/protocol/error-codes';
import { KAFKA_4_VERSION, sharedKafka4 } from '../fixtures/real-kafka';
import { failure } from './helpers';

function clientWith(table: Record<string, ApiSupport | null>): KafkaNodeClient {
  const broker = { socket: { socketId: 1, addr: '127.0.0.1:9092' }, apiSupport: table } as unknown as KafkaNodeBroker;
  return { brokers: { '127.0.0.1:9092': broker } } as unknown as KafkaNodeClient;
}

describe("legacy/broker-refusal: a broker without kafka-node's protocol versions is named at connect", () => {
  it("Kafka 4.x's ApiVersions (Fetch from v4, ListOffsets from v1, Produce still listed from v0) is a refusal that names Produce too", () => {
    const refusal = brokerRefusal(
      clientWith({
        produce: { min: 0, max: 13, usable: 2 },
        fetch: { min: 4, max: 18, usable: 2 },
        offset: { min: 1, max: 10, usable: 0 },
        metadata: { min: 0, max: 13, usable: 1 },
      }),
    );
    expect(refusal).to.be.instanceOf(UnsupportedBrokerVersionError);
    expect(refusal!.code).to.equal(ErrorCode.UNSUPPORTED_VERSION);
    expect(refusal!.retriable).to.equal(false);
    expect(refusal!.refused.map((r) => r.api)).to.deep.equal(['Fetch', 'ListOffsets']);
    expect(refusal!.message).to.equal(
      'the broker at 127.0.0.1:9092 no longer serves the protocol versions kafka-node speaks: its Fetch starts at v4 (kafka-node sends v0-2), ' +
        'its ListOffsets starts at v1 (kafka-node sends v0), and Apache Kafka 4.x also closes the connection on Produce v0-2 (KIP-896), ' +
        'though it still lists them: use backend kafkajs (KAFKA_NODE_BACKEND=kafkajs)',
    );
  });

  it("a 3.x broker's table, and kafka-node's guessed 0.9 table (null entries), are no refusal", () => {
    expect(
      brokerRefusal(
        clientWith({
          produce: { min: 0, max: 11, usable: 2 },
          fetch: { min: 0, max: 17, usable: 2 },
          offset: { min: 0, max: 9, usable: 1 },
        }),
      ),
    ).to.equal(null);
    expect(
      brokerRefusal(
        clientWith({
          produce: { min: 0, max: 1, usable: 1 },
          fetch: { min: 0, max: 1, usable: 1 },
          createTopics: null,
        }),
      ),
    ).to.equal(null);
    expect(brokerRefusal({ brokers: {} } as unknown as KafkaNodeClient)).to.equal(null);
  });

  describe(`on Apache Kafka ${KAFKA_4_VERSION}`, function () {
    let bootstrap: string;
    before(async function () {
      bootstrap = (await sharedKafka4(this)).bootstrap;
    });

    it('the producer, the consumer group and the admin of the kafka-node backend fail at connect with it', async function () {
      this.timeout(120000);
      const backend = createKafka({ backend: 'kafka-node', brokers: [bootstrap], clientId: 'broker-refusal' });
      const producer = backend.producer();
      const group = backend.consumerGroup({ groupId: 'broker-refusal', topics: ['broker-refusal'] });
      const admin = backend.admin();
      const errors = await Promise.all([
        failure(producer.connect()),
        failure(group.connect()),
        failure(admin.connect()),
      ]);
      await Promise.all(
        [producer.disconnect(), group.close({ commit: false }), admin.disconnect()].map((p) =>
          p.catch(() => undefined),
        ),
      );
      for (const error of errors) {
        expect(error.name, error.message).to.equal('UnsupportedBrokerVersionError');
        expect(error.message).to.include(
          `the broker at ${bootstrap} no longer serves the protocol versions kafka-node speaks: its Fetch starts at v4`,
        );
        expect(error.message).to.include('use backend kafkajs');
      }
    });
  });
});
