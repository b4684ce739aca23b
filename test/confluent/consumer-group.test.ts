/** The confluent backend's consumer group on the embedded broker: what differs from the library's obvious path. */
import { expect } from 'chai';
import * as sinon from 'sinon';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import type { ConsumedMessage } from '../../src/common/types';
import { KafkaTimeoutError } from '../../src/common/errors';
import { loadConfluent } from '../../src/confluent/library';
import { createKafka } from '../../src/kafka';
import { until } from '../helpers/poll';

describe('confluent backend: consumer group start positions', function () {
  this.timeout(120000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
    broker.cluster.createTopic({ name: 'starts', numPartitions: 2, replicationFactor: 1 });
  });

  afterEach(() => sinon.restore());
  after(async () => {
    await broker?.stop();
  });

  // The binding's dependentAdmin() copies the consumer's connection rwlock; a copy taken while a fetch holds it never
  // unlocks and the admin's first request hangs (the group stalls in its rebalance callback). The group must read its
  // committed offsets through an admin client of its own: with dependentAdmin() refusing, it still gets its messages.
  it('reads committed offsets without the consumer-dependent admin client', async () => {
    const { kafkaJS } = loadConfluent();
    const probe = new kafkaJS.Kafka({ kafkaJS: { brokers: [broker.bootstrap] } }).consumer({
      kafkaJS: { groupId: 'probe' },
    });
    const dependentAdmin = sinon
      .stub(Object.getPrototypeOf(probe) as { dependentAdmin(): unknown }, 'dependentAdmin')
      .throws(new Error('dependentAdmin() must not be used: its connection lock is a copy'));

    const backend = createKafka({ brokers: [broker.bootstrap], backend: 'confluent' });
    const producer = backend.producer();
    await producer.connect();
    await producer.send({ topic: 'starts', messages: ['a', 'b', 'c', 'd'].map((value) => ({ key: value, value })) });
    await producer.disconnect();

    const received: ConsumedMessage[] = [];
    const group = backend.consumerGroup({ groupId: 'starts-group', topics: ['starts'], fromOffset: 'earliest' });
    const errors: Error[] = [];
    group.on('error', (error) => errors.push(error));
    await group.connect();
    try {
      await group.run({ eachMessage: (message) => void received.push(message) });
      await until(() => received.length >= 4, 'the 4 messages', 60000, 50);
    } finally {
      await group.close();
    }
    expect(received.map((m) => m.value!.toString()).sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(errors, 'errors emitted by the group').to.deep.equal([]);
    expect(dependentAdmin.called, 'dependentAdmin() called').to.equal(false);
  });

  // librdkafka applies no assignment until the rebalance callback returns: an admin call that never answers must not
  // hold the group forever. Past its bound (here 3 x requestTimeoutMs for one topic) the first assignment fails.
  it('fails the assignment with KafkaTimeoutError when the committed offsets never come', async () => {
    const { kafkaJS } = loadConfluent();
    const probe = new kafkaJS.Kafka({ kafkaJS: { brokers: [broker.bootstrap] } }).admin();
    sinon
      .stub(Object.getPrototypeOf(probe) as { fetchOffsets(): Promise<unknown> }, 'fetchOffsets')
      .returns(new Promise(() => undefined));
    const backend = createKafka({ brokers: [broker.bootstrap], backend: 'confluent', requestTimeoutMs: 1000 });
    const group = backend.consumerGroup({ groupId: 'stalled-starts', topics: ['starts'], fromOffset: 'earliest' });
    group.on('error', () => undefined);
    await group.connect();
    const started = Date.now();
    let failure: unknown;
    try {
      await group.run({ eachMessage: () => undefined });
    } catch (error) {
      failure = error;
    } finally {
      await group.close().catch(() => undefined);
    }
    expect(failure, 'run() rejection').to.be.instanceOf(KafkaTimeoutError);
    expect((failure as Error).message).to.match(/within 3000 ms/);
    expect(Date.now() - started, 'ms until run() rejected').to.be.below(60000);
  });
});
