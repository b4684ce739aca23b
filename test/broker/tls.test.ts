import { expect } from 'chai';
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { MemoryLogger, startBroker, BrokerOptionsError, type EmbeddedBroker } from '../../src/broker';
import { createKafka } from '../../src/kafka';
import { AuthenticationError } from '../../src/common/errors';
import type { BackendName, KafkaConfig } from '../../src/common/types';
import { testCertificates, type TestCertificates } from '../fixtures/tls';
import { startOrSkip } from '../fixtures/processes';
import { closeQuietly, startMember } from '../helpers/backend-tests';
import { until } from '../helpers/poll';

const PASSWORD = 'tls-pa55word-never-logged';
const BACKENDS: BackendName[] = ['kafka-node', 'kafkajs'];

/** Fails fast: these tests are about refusals, not about riding them out. */
function config(backend: BackendName, broker: EmbeddedBroker, extra: Partial<KafkaConfig>): KafkaConfig {
  return {
    backend,
    brokers: broker.brokers,
    connectTimeoutMs: 3000,
    requestTimeoutMs: 5000,
    retry: { retries: 0 },
    ...extra,
  };
}

describe('broker/TLS listeners (SASL_SSL)', function () {
  this.timeout(30000);
  let certificates: TestCertificates;
  let broker: EmbeddedBroker;
  let logger: MemoryLogger;

  before(async function () {
    certificates = await startOrSkip(this, testCertificates);
  });
  beforeEach(async () => {
    logger = new MemoryLogger();
    broker = await startBroker({
      logger,
      saslUsers: { alice: PASSWORD },
      tls: { key: certificates.serverKey, cert: certificates.serverCert },
      groupInitialRebalanceDelayMs: 0,
    });
  });
  afterEach(async () => {
    await broker?.stop();
    expect(logger.lines.join('\n'), 'the broker log never shows a password').to.not.include(PASSWORD);
  });

  for (const backend of BACKENDS) {
    describe(backend, () => {
      it('authenticates with SASL/PLAIN over TLS: creates a topic, produces, consumes', async () => {
        const kafka = createKafka(
          config(backend, broker, {
            ssl: { ca: certificates.ca },
            sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
            retry: { retries: 3 },
          }),
        );
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics([{ topic: 'secured', numPartitions: 1 }]);
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: 'secured', messages: [{ value: 'one' }, { value: 'two' }, { value: 'three' }] });
        await producer.disconnect();
        const member = await startMember(kafka, {
          groupId: `tls-${backend}`,
          topics: ['secured'],
          fromOffset: 'earliest',
        });
        try {
          await until(() => member.messages.length >= 3, 'three messages over TLS');
          expect(member.messages.map((m) => m.value?.toString())).to.deep.equal(['one', 'two', 'three']);
          expect((await admin.fetchTopicOffsets('secured'))[0]?.latest).to.equal(3);
        } finally {
          await closeQuietly([member.group]);
          await admin.disconnect();
        }
      });

      it('a wrong password fails with AuthenticationError that names the cause and not the password', async () => {
        const wrong = `${PASSWORD}-typo`;
        const admin = createKafka(
          config(backend, broker, {
            ssl: { ca: certificates.ca },
            sasl: { mechanism: 'plain', username: 'alice', password: wrong },
          }),
        ).admin();
        const error = await admin
          .connect()
          .then(() => admin.listTopics())
          .then(
            () => null,
            (e: Error) => e,
          );
        await admin.disconnect().catch(() => undefined);
        expect(error).to.be.instanceOf(AuthenticationError);
        expect(error?.message).to.match(/Invalid username or password/);
        expect(error?.message).to.not.include(wrong);
        expect(logger.lines.join('\n')).to.not.include(wrong);
      });

      it('a broker certificate from an untrusted CA fails with AuthenticationError naming TLS', async () => {
        const admin = createKafka(
          config(backend, broker, {
            ssl: { ca: certificates.otherCa },
            sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
          }),
        ).admin();
        const error = await admin
          .connect()
          .then(() => admin.listTopics())
          .then(
            () => null,
            (e: Error) => e,
          );
        await admin.disconnect().catch(() => undefined);
        expect(error, 'connection refused').to.be.instanceOf(AuthenticationError);
        expect(error?.message).to.match(/TLS/);
        expect(error?.message).to.match(/certificate/i);
      });
    });
  }

  it('requestCert: a client certificate signed by the CA is accepted, a client without one is refused', async () => {
    const mutual = await startBroker({
      logger,
      tls: { key: certificates.serverKey, cert: certificates.serverCert, ca: certificates.ca, requestCert: true },
    });
    try {
      const withCertificate = new Kafka({
        brokers: mutual.brokers,
        logLevel: logLevel.NOTHING,
        ssl: { ca: certificates.ca, key: certificates.clientKey, cert: certificates.clientCert },
      }).admin();
      await withCertificate.connect();
      expect(await withCertificate.listTopics()).to.be.an('array');
      await withCertificate.disconnect();

      const withoutCertificate = new Kafka({
        brokers: mutual.brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        ssl: { ca: certificates.ca },
      }).admin();
      const error = await withoutCertificate
        .connect()
        .then(() => withoutCertificate.listTopics())
        .then(
          () => null,
          (e: Error) => e,
        );
      await withoutCertificate.disconnect();
      expect(error).to.be.instanceOf(Error);
      await until(
        () => logger.lines.some((line) => /TLS handshake with .* failed/.test(line)),
        'the broker to log the refused handshake',
        5000,
      );
    } finally {
      await mutual.stop();
    }
  });

  it('a plaintext client on a TLS listener gets nothing served, and the broker says why', async () => {
    const plaintext = new Kafka({
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 1500,
      retry: { retries: 0 },
    }).admin();
    const error = await plaintext
      .connect()
      .then(() => plaintext.listTopics())
      .then(
        () => null,
        (e: Error) => e,
      );
    await plaintext.disconnect();
    expect(error).to.be.instanceOf(Error);
    await until(
      () => logger.lines.some((line) => /TLS handshake with .* failed/.test(line)),
      'the broker to log the refused handshake',
      5000,
    );
  });

  it('stop() does not wait for a client stuck before its TLS handshake', async () => {
    const silent = net.connect({ host: '127.0.0.1', port: Number(broker.brokers[0]!.split(':')[1]) });
    silent.on('error', () => undefined);
    await new Promise((resolve) => silent.once('connect', resolve));
    const stopping = Date.now();
    await broker.stop();
    expect(Date.now() - stopping, 'stopped without waiting for the silent client').to.be.below(1000);
    silent.destroy();
  });

  it('refuses TLS options without a key or certificate before listening', async () => {
    const error = await startBroker({ logger, tls: { key: '', cert: certificates.serverCert } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(BrokerOptionsError);
    expect(error?.message).to.match(/key and cert/);
  });
});
