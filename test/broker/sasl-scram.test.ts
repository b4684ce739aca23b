import { expect } from 'chai';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { MemoryLogger, startBroker, BrokerOptionsError, type EmbeddedBroker } from '../../src/broker';
import { createKafka } from '../../src/kafka';
import { AuthenticationError, UnsupportedFeatureError } from '../../src/common/errors';
import type { KafkaConfig, SaslOptions } from '../../src/common/types';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader, Writer } from '../../src/protocol/primitives';
import { testCertificates } from '../fixtures/tls';
import { startOrSkip } from '../fixtures/processes';
import { requestFrame } from '../helpers/frames';

const PASSWORD = 'scram-pa55word-never-logged';

/** One connection that sends a frame and waits for the next frame back (size prefix stripped). */
class FrameConnection {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer | null) => void) | null = null;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.(null);
      this.waiting = null;
    });
  }

  static open(address: string): Promise<FrameConnection> {
    const separator = address.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect(
        { host: address.slice(0, separator), port: Number(address.slice(separator + 1)) },
        () => resolve(new FrameConnection(socket)),
      );
      socket.once('error', reject);
    });
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4) return;
    const size = this.buffered.readInt32BE(0);
    if (this.buffered.length < 4 + size) return;
    const frame = this.buffered.subarray(4, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const waiting = this.waiting;
    this.waiting = null;
    waiting(frame);
  }

  /** Sends bytes already framed; resolves with the next frame, or null if the broker closed the connection. */
  exchange(framed: Buffer): Promise<Buffer | null> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(framed);
      this.deliver();
      if (this.closed) resolve(null);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

const authenticateFrame = (token: string, correlationId: number) =>
  requestFrame(ApiKey.SaslAuthenticate, 1, (w) => w.bytes(Buffer.from(token, 'utf8')), correlationId);
const rawFrame = (token: string) => Buffer.from(new Writer().bytes(Buffer.from(token, 'utf8')).toBuffer());

/** SaslAuthenticate v1 answer after the correlation id: error code, message, server token. */
function readAuthenticate(frame: Buffer | null): { errorCode: number; errorMessage: string | null; token: string } {
  expect(frame, 'an answer').to.not.equal(null);
  const reader = new Reader(frame!, 4);
  return {
    errorCode: reader.int16(),
    errorMessage: reader.nullableString(),
    token: (reader.bytes() ?? Buffer.alloc(0)).toString('utf8'),
  };
}

/** The client side of RFC 5802, written out from the RFC, to check the broker's arithmetic independently of kafkajs. */
function clientProof(
  digest: 'sha256' | 'sha512',
  password: string,
  serverFirst: string,
  clientFirstBare: string,
  finalWithoutProof: string,
) {
  const fields = new Map(serverFirst.split(',').map((part) => [part[0]!, part.slice(2)] as [string, string]));
  const salted = pbkdf2Sync(
    password,
    Buffer.from(fields.get('s')!, 'base64'),
    Number(fields.get('i')),
    digest === 'sha256' ? 32 : 64,
    digest,
  );
  const clientKey = createHmac(digest, salted).update('Client Key').digest();
  const authMessage = `${clientFirstBare},${serverFirst},${finalWithoutProof}`;
  const signature = createHmac(digest, createHash(digest).update(clientKey).digest()).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
  const serverSignature = createHmac(digest, createHmac(digest, salted).update('Server Key').digest())
    .update(authMessage)
    .digest('base64');
  return {
    proof: proof.toString('base64'),
    serverSignature,
    nonce: fields.get('r')!,
    iterations: Number(fields.get('i')),
  };
}

describe('broker/SASL SCRAM-SHA-256 and SCRAM-SHA-512', function () {
  this.timeout(20000);
  let broker: EmbeddedBroker;
  let logger: MemoryLogger;
  beforeEach(async () => {
    logger = new MemoryLogger();
    broker = await startBroker({ logger, saslUsers: { alice: PASSWORD, 'bob,the=admin': 'b0b-secret' } });
  });
  afterEach(async () => {
    await broker.stop();
    expect(logger.lines.join('\n'), 'the broker log never shows a password').to.not.include(PASSWORD);
  });

  const kafkajsConfig = (sasl: SaslOptions, extra: Partial<KafkaConfig> = {}): KafkaConfig => ({
    backend: 'kafkajs',
    brokers: broker.brokers,
    connectTimeoutMs: 3000,
    requestTimeoutMs: 5000,
    retry: { retries: 0 },
    sasl,
    ...extra,
  });

  for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
    it(`kafkajs through the common interface: ${mechanism} authenticates, produces and reads offsets`, async () => {
      const kafka = createKafka(kafkajsConfig({ mechanism, username: 'alice', password: PASSWORD }));
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics([{ topic: `scram-${mechanism}`, numPartitions: 2 }]);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: `scram-${mechanism}`,
        messages: [
          { value: 'a', partition: 0 },
          { value: 'b', partition: 1 },
        ],
      });
      await producer.disconnect();
      expect((await admin.fetchTopicOffsets(`scram-${mechanism}`)).map((p) => p.latest)).to.deep.equal([1, 1]);
      await admin.disconnect();
    });

    it(`kafkajs ${mechanism}: a wrong password and an unknown user fail alike with AuthenticationError, without the password`, async () => {
      const wrong = `${PASSWORD}-typo`;
      const failures: Array<Error | null> = [];
      for (const username of ['alice', 'mallory']) {
        const admin = createKafka(kafkajsConfig({ mechanism, username, password: wrong })).admin();
        failures.push(
          await admin.connect().then(
            () => null,
            (e: Error) => e,
          ),
        );
        await admin.disconnect().catch(() => undefined);
      }
      for (const error of failures) {
        expect(error).to.be.instanceOf(AuthenticationError);
        expect(error?.message).to.match(/Invalid username or password/);
        expect(error?.message).to.not.include(wrong);
      }
      expect(failures[0]?.message, 'nothing tells a missing user from a wrong password').to.equal(failures[1]?.message);
      expect(logger.lines.join('\n')).to.not.include(wrong);
      expect(
        logger.lines.filter((line) => new RegExp(`SASL/${mechanism.toUpperCase()} authentication failed`).test(line)),
      ).to.have.length(2);
    });
  }

  it('SCRAM over TLS (SASL_SSL) with kafkajs', async function () {
    const certificates = await startOrSkip(this, testCertificates);
    const secure = await startBroker({
      logger,
      saslUsers: { alice: PASSWORD },
      tls: { key: certificates.serverKey, cert: certificates.serverCert },
    });
    try {
      const admin = createKafka({
        backend: 'kafkajs',
        brokers: secure.brokers,
        ssl: { ca: certificates.ca },
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: PASSWORD },
      }).admin();
      await admin.connect();
      expect(await admin.listTopics()).to.be.an('array');
      await admin.disconnect();
    } finally {
      await secure.stop();
    }
  });

  it('the kafka-node backend refuses SCRAM with UnsupportedFeatureError before any connection', () => {
    const connectionsBefore = logger.lines.length;
    expect(() =>
      createKafka({
        backend: 'kafka-node',
        brokers: broker.brokers,
        sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD },
      }),
    )
      .to.throw(UnsupportedFeatureError, /SCRAM|scram/)
      .that.satisfies((error: Error) => !error.message.includes(PASSWORD));
    expect(logger.lines.length).to.equal(connectionsBefore);
  });

  it('the exchange follows RFC 5802: escaped user names, server signature checked by an independent client', async () => {
    const connection = await FrameConnection.open(broker.brokers[0]!);
    try {
      const handshake = await connection.exchange(
        requestFrame(ApiKey.SaslHandshake, 1, (w) => w.string('SCRAM-SHA-256'), 1),
      );
      expect(new Reader(handshake!, 4).int16()).to.equal(ErrorCode.NONE);
      const clientNonce = randomBytes(12).toString('base64');
      const clientFirstBare = `n=bob=2Cthe=3Dadmin,r=${clientNonce}`;
      const first = readAuthenticate(await connection.exchange(authenticateFrame(`n,,${clientFirstBare}`, 2)));
      expect(first.errorCode).to.equal(ErrorCode.NONE);
      const finalWithoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${first.token.split(',')[0]!.slice(2)}`;
      const computed = clientProof('sha256', 'b0b-secret', first.token, clientFirstBare, finalWithoutProof);
      expect(computed.nonce.startsWith(clientNonce), 'the server nonce extends the client nonce').to.equal(true);
      expect(computed.iterations).to.equal(4096);
      const final = readAuthenticate(
        await connection.exchange(authenticateFrame(`${finalWithoutProof},p=${computed.proof}`, 3)),
      );
      expect(final).to.deep.equal({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        token: `v=${computed.serverSignature}`,
      });
      const metadata = await connection.exchange(requestFrame(ApiKey.Metadata, 1, (w) => w.int32(-1), 4));
      expect(new Reader(metadata!).int32(), 'served after authentication').to.equal(4);
    } finally {
      connection.close();
    }
  });

  it('SaslHandshake v0: SCRAM tokens travel as bare frames both ways', async () => {
    const connection = await FrameConnection.open(broker.brokers[0]!);
    try {
      const handshake = await connection.exchange(
        requestFrame(ApiKey.SaslHandshake, 0, (w) => w.string('SCRAM-SHA-512'), 1),
      );
      expect(new Reader(handshake!, 4).int16()).to.equal(ErrorCode.NONE);
      const clientFirstBare = 'n=alice,r=raw-nonce';
      const serverFirst = (await connection.exchange(rawFrame(`n,,${clientFirstBare}`)))!.toString('utf8');
      expect(serverFirst).to.match(/^r=raw-nonce[^,]+,s=[^,]+,i=4096$/);
      const finalWithoutProof = `c=biws,r=${serverFirst.split(',')[0]!.slice(2)}`;
      const computed = clientProof('sha512', PASSWORD, serverFirst, clientFirstBare, finalWithoutProof);
      const serverFinal = await connection.exchange(rawFrame(`${finalWithoutProof},p=${computed.proof}`));
      expect(serverFinal!.toString('utf8')).to.equal(`v=${computed.serverSignature}`);
    } finally {
      connection.close();
    }
  });

  it('refuses a replayed or altered exchange: wrong nonce, wrong channel binding, malformed first message', async () => {
    const attempt = async (finalFor: (nonce: string) => string) => {
      const connection = await FrameConnection.open(broker.brokers[0]!);
      await connection.exchange(requestFrame(ApiKey.SaslHandshake, 1, (w) => w.string('SCRAM-SHA-256'), 1));
      const first = readAuthenticate(await connection.exchange(authenticateFrame('n,,n=alice,r=abc', 2)));
      const outcome = readAuthenticate(
        await connection.exchange(authenticateFrame(finalFor(first.token.split(',')[0]!.slice(2)), 3)),
      );
      const closedAfter = (await connection.exchange(requestFrame(ApiKey.Metadata, 1, (w) => w.int32(-1), 4))) === null;
      connection.close();
      return { ...outcome, closedAfter };
    };
    const wrongNonce = await attempt(() => 'c=biws,r=abcdef,p=AAAA');
    expect(wrongNonce.errorCode).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(wrongNonce.errorMessage).to.match(/nonce/);
    expect(wrongNonce.closedAfter).to.equal(true);
    const wrongBinding = await attempt((nonce) => `c=eSws,r=${nonce},p=AAAA`);
    expect(wrongBinding.errorMessage).to.match(/channel binding/);
    const badProof = await attempt((nonce) => `c=biws,r=${nonce},p=${randomBytes(32).toString('base64')}`);
    expect(badProof.errorMessage).to.equal('Authentication failed: Invalid username or password');

    const connection = await FrameConnection.open(broker.brokers[0]!);
    await connection.exchange(requestFrame(ApiKey.SaslHandshake, 1, (w) => w.string('SCRAM-SHA-256'), 1));
    const malformed = readAuthenticate(await connection.exchange(authenticateFrame('p=tls-unique,,n=alice,r=abc', 2)));
    connection.close();
    expect(malformed.errorCode).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(malformed.errorMessage).to.equal(
      'Invalid SCRAM-SHA-256 client first message: channel binding is not supported',
    );
  });

  it('only the configured mechanisms are offered, and unknown ones are refused at start', async () => {
    const scramOnly = await startBroker({ logger, saslUsers: { alice: PASSWORD }, saslMechanisms: ['SCRAM-SHA-512'] });
    try {
      const plain = new Kafka({
        brokers: scramOnly.brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
      }).admin();
      const error = await plain.connect().then(
        () => null,
        (e: Error & { type?: string }) => e,
      );
      expect(error?.type).to.equal('UNSUPPORTED_SASL_MECHANISM');
    } finally {
      await scramOnly.stop();
    }
    const refused = await startBroker({ logger, saslUsers: { alice: PASSWORD }, saslMechanisms: ['SCRAM-SHA-1'] }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).to.be.instanceOf(BrokerOptionsError);
    expect(refused?.message).to.match(/SCRAM-SHA-1.*not supported/);
  });
});
