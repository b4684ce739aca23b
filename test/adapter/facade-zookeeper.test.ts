import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startOrSkip } from '../fixtures/processes';
import { call } from './helpers/facade-suite';
import { registerBroker, startZooKeeper, type StandaloneZooKeeper } from './helpers/zookeeper';
import { Client, ConsumerGroup, Producer, type Message, type ProduceResult } from '../../src/adapter';
import { brokerAddress } from '../../src/adapter/zookeeper';
import { resetWarnings, setWarningHandler, type AdapterWarning } from '../../src/adapter/warnings';
import type { BackendName } from '../../src/common/types';

describe('adapter facade: ZooKeeper Client broker discovery', function () {
  this.timeout(60000);

  it('reads host/port, or the endpoint matching the security protocol when listeners are set', () => {
    expect(brokerAddress({ host: 'kafka-1', port: 9092, endpoints: ['PLAINTEXT://kafka-1:9092'] }, false)).to.equal(
      'kafka-1:9092',
    );
    expect(
      brokerAddress({ host: null, port: -1, endpoints: ['SSL://kafka-1:9093', 'PLAINTEXT://kafka-1:9092'] }, false),
    ).to.equal('kafka-1:9092');
    expect(
      brokerAddress(
        { host: 'kafka-1', port: 9092, endpoints: ['PLAINTEXT://kafka-1:9092', 'SSL://kafka-1:9093'] },
        true,
      ),
    ).to.equal('kafka-1:9093');
    expect(brokerAddress({ host: null, port: -1, endpoints: ['SASL_PLAINTEXT://[::1]:9094'] }, false)).to.equal(
      '::1:9094',
    );
    expect(brokerAddress({ host: null, port: -1, endpoints: [] }, false)).to.equal(null);
  });

  it('falls back to kafkaHost, with one deprecation warning, when ZooKeeper cannot be reached', async () => {
    const broker = await startEmbedded();
    const warnings: AdapterWarning[] = [];
    setWarningHandler((warning) => warnings.push(warning));
    const client = new Client('127.0.0.1:1', 'zk-fallback', { retries: 0 }, undefined, undefined, {
      kafkaHost: broker.bootstrap,
      connectTimeout: 1500,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve());
        client.once('error', reject);
      });
      expect(warnings.map((w) => w.name)).to.deep.equal(['zookeeper.kafka-host-fallback']);
      expect(Object.values(client.brokerMetadata).map((b) => `${b.host}:${b.port}`)).to.deep.equal(broker.brokers);
    } finally {
      setWarningHandler(null);
      resetWarnings();
      await new Promise((resolve) => client.close(resolve));
      await broker.stop();
    }
  });

  describe('with a ZooKeeper holding the embedded broker registrations', () => {
    let zookeeper: StandaloneZooKeeper;
    let broker: EmbeddedBroker;
    before(async function () {
      zookeeper = await startOrSkip(this, () => startZooKeeper());
      broker = await startEmbedded({ nodes: 2 });
      for (const [index, address] of broker.brokers.entries()) {
        const port = Number(address.split(':')[1]);
        await registerBroker(zookeeper.connect, index + 1, '127.0.0.1', port);
      }
    });
    after(async () => {
      await broker?.stop();
      await zookeeper?.stop();
    });

    for (const backend of ['kafka-node', 'kafkajs'] as BackendName[]) {
      it(`${backend}: ConsumerGroup({ host: <ZooKeeper> }) (kafka-node 3.x) finds the brokers and consumes`, async () => {
        const topic = `zk-group-${backend}`;
        broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 });
        const client = new Client(zookeeper.connect, `zk-producer-${backend}`, undefined, undefined, undefined, {
          backend,
        });
        const producer = new Producer(client);
        await call<ProduceResult>((cb) => producer.send([{ topic, messages: ['via zookeeper'] }], cb));
        await new Promise((resolve) => producer.close(resolve));
        const group = new ConsumerGroup(
          {
            host: zookeeper.connect,
            backend,
            groupId: `zk-group-${backend}`,
            fromOffset: 'earliest',
            sessionTimeout: 10000,
          },
          topic,
        );
        try {
          const message = await new Promise<Message>((resolve) => group.once('message', resolve));
          expect([message.topic, message.value, message.offset]).to.deep.equal([topic, 'via zookeeper', 0]);
          expect(group.client).to.be.instanceOf(Client);
        } finally {
          await new Promise((resolve) => group.close(resolve));
        }
      });

      it(`${backend}: Client(connectionString, clientId) discovers both brokers and produces`, async () => {
        const client = new Client(zookeeper.connect, `zk-${backend}`, undefined, undefined, undefined, { backend });
        try {
          await new Promise<void>((resolve, reject) => {
            client.once('ready', () => resolve());
            client.once('error', reject);
          });
          expect(client.clientId).to.equal(`zk-${backend}`);
          expect(Object.values(client.brokerMetadata).map((b) => `${b.host}:${b.port}`)).to.deep.equal(broker.brokers);
          const producer = new Producer(client);
          const result = await call<ProduceResult>((cb) =>
            producer.send([{ topic: `zk-${backend}`, messages: 'hello' }], cb),
          );
          expect(result).to.deep.equal({ [`zk-${backend}`]: { 0: 0 } });
        } finally {
          await new Promise((resolve) => client.close(resolve));
        }
      });
    }
  });
});
