import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, MemoryLogger, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader, Writer } from '../../src/protocol/primitives';
import { exchangeRaw, requestFrame } from '../helpers/frames';

const PASSWORD = 'pa55-w0rd-never-logged';

function plainToken(user: string, password: string): Buffer {
  return Buffer.from(`\u0000${user}\u0000${password}`, 'utf8');
}

/** A bare SASL token frame, as sent after SaslHandshake v0: a size prefix and the token, no request header. */
function rawTokenFrame(token: Buffer): Buffer {
  return Buffer.from(new Writer().bytes(token).toBuffer());
}

/** Splits what a broker sent into frame bodies (after each size prefix). */
function splitFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let at = 0;
  while (bytes.length - at >= 4) {
    const size = bytes.readInt32BE(at);
    frames.push(bytes.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return frames;
}

function kafkaNodeConnect(bootstrap: string, password: string): Promise<Error | null> {
  const client = new kafkaNode.KafkaClient({
    kafkaHost: bootstrap,
    sasl: { mechanism: 'plain', username: 'alice', password },
    connectTimeout: 3000,
    requestTimeout: 3000,
    connectRetryOptions: { retries: 0 },
  } as kafkaNode.KafkaClientOptions);
  return new Promise((resolve) => {
    const finish = (error: Error | null) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.close(() => resolve(error));
    };
    client.once('ready', () => {
      client.loadMetadataForTopics([], (error: Error | null) => finish(error));
    });
    client.once('error', (error: Error) => finish(error));
  });
}

describe('broker/SASL PLAIN', () => {
  let broker: EmbeddedBroker;
  let logger: MemoryLogger;
  beforeEach(async () => {
    logger = new MemoryLogger();
    broker = await startBroker({ logger, saslUsers: { alice: PASSWORD } });
  });
  afterEach(async () => {
    await broker.stop();
    expect(logger.lines.join('\n')).to.not.include(PASSWORD);
  });

  it('kafkajs authenticates with the right password and fails clearly with a wrong one', async () => {
    const good = new Kafka({
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
    }).admin();
    await good.connect();
    expect(await good.listTopics()).to.be.an('array');
    await good.disconnect();

    const bad = new Kafka({
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' },
    }).admin();
    const error = await bad.connect().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.name).to.equal('KafkaJSSASLAuthenticationError');
    expect(error?.message).to.match(/Invalid username or password/);
    expect(error?.message).to.not.include('wrong');
  });

  it('kafka-node authenticates with the right password and fails with a wrong one', async () => {
    expect(await kafkaNodeConnect(broker.bootstrap, PASSWORD)).to.equal(null);
    const error = await kafkaNodeConnect(broker.bootstrap, 'wrong');
    expect(error).to.be.instanceOf(Error);
    expect(error?.name).to.equal('SaslAuthenticationError');
    expect(error?.message).to.match(/Invalid username or password/);
    expect(logger.lines.some((line) => /SASL\/PLAIN authentication failed/.test(line))).to.equal(true);
  });

  it('answers a failed SaslAuthenticate with SASL_AUTHENTICATION_FAILED, then closes the connection (as Kafka)', async () => {
    const outcome = await exchangeRaw(
      broker.brokers[0]!,
      Buffer.concat([
        requestFrame(ApiKey.SaslHandshake, 1, (w) => w.string('PLAIN'), 1),
        requestFrame(ApiKey.SaslAuthenticate, 1, (w) => w.bytes(plainToken('alice', `${PASSWORD}-typo`)), 2),
        requestFrame(ApiKey.Metadata, 1, (w) => w.int32(-1), 3),
      ]),
      2000,
    );
    const [handshake, authenticate, ...rest] = splitFrames(outcome.response).map((frame) => new Reader(frame));
    expect(handshake!.int32()).to.equal(1);
    expect(handshake!.int16()).to.equal(ErrorCode.NONE);
    expect(authenticate!.int32()).to.equal(2);
    expect(authenticate!.int16()).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(authenticate!.nullableString()).to.equal('Authentication failed: Invalid username or password');
    expect(rest, 'nothing after the failure').to.have.length(0);
    expect(outcome.closed).to.equal(true);
    expect(logger.lines.join('\n')).to.not.include(`${PASSWORD}-typo`);
  });

  it('SaslHandshake v0: the PLAIN token travels as a bare frame; success is an empty frame, failure a close', async () => {
    const good = await exchangeRaw(
      broker.brokers[0]!,
      Buffer.concat([
        requestFrame(ApiKey.SaslHandshake, 0, (w) => w.string('PLAIN'), 1),
        rawTokenFrame(plainToken('alice', PASSWORD)),
        requestFrame(ApiKey.Metadata, 0, (w) => w.int32(0), 2),
      ]),
      300,
    );
    const [handshake, tokenReply, metadata] = splitFrames(good.response);
    expect(new Reader(handshake!, 4).int16()).to.equal(ErrorCode.NONE);
    expect(tokenReply).to.have.length(0);
    expect(new Reader(metadata!).int32(), 'the Metadata request after authentication is answered').to.equal(2);

    const before = logger.lines.length;
    const bad = await exchangeRaw(
      broker.brokers[0]!,
      Buffer.concat([
        requestFrame(ApiKey.SaslHandshake, 0, (w) => w.string('PLAIN'), 1),
        rawTokenFrame(plainToken('alice', 'nope')),
      ]),
      2000,
    );
    expect(splitFrames(bad.response), 'only the handshake is answered').to.have.length(1);
    expect(bad.closed).to.equal(true);
    expect(logger.lines.slice(before).join('\n')).to.match(
      /SASL\/PLAIN authentication failed.*Invalid username or password/,
    );
  });

  it('refuses mechanisms not enabled with UNSUPPORTED_SASL_MECHANISM (kafkajs SCRAM vs a PLAIN-only broker), names are case-sensitive', async () => {
    const plainOnly = await startBroker({ logger, saslUsers: { alice: PASSWORD }, saslMechanisms: ['PLAIN'] });
    const scram = new Kafka({
      brokers: plainOnly.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: PASSWORD },
    }).admin();
    const error = await scram.connect().then(
      () => null,
      (e: Error & { type?: string }) => e,
    );
    await plainOnly.stop();
    expect(error?.type).to.equal('UNSUPPORTED_SASL_MECHANISM');
    expect(error?.message).to.equal('The broker does not support the requested SASL mechanism');

    const lowerCase = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.SaslHandshake, 1, (w) => w.string('plain')),
      2000,
    );
    const reader = new Reader(lowerCase.response, 8);
    expect(reader.int16()).to.equal(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(reader.array((r) => r.string())).to.deep.equal(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(lowerCase.closed, 'closed after the answer').to.equal(true);
  });

  it('a client configured for SASL against a broker without SASL gets ILLEGAL_SASL_STATE, as from Kafka', async () => {
    const plainBroker = await startBroker({ logger: silentLogger });
    try {
      const client = new Kafka({
        brokers: plainBroker.brokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD },
      }).admin();
      const error = await client.connect().then(
        () => null,
        (e: Error & { type?: string }) => e,
      );
      expect(error?.type).to.equal('ILLEGAL_SASL_STATE');
    } finally {
      await plainBroker.stop();
    }
  });

  it('refuses requests before authentication on a SASL listener', async () => {
    const client = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    const error = await client
      .connect()
      .then(() => client.listTopics())
      .then(
        () => null,
        (e: Error) => e,
      );
    await client.disconnect();
    expect(error).to.be.instanceOf(Error);
    expect(logger.lines.some((line) => /before SASL authentication/.test(line))).to.equal(true);
  });
});
