import { expect } from 'chai';
import * as net from 'net';
import * as kafkajs from 'kafkajs';
import {
  AuthenticationError,
  ConfigurationError,
  KafkaConnectionError,
  KafkaError,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedFeatureError,
} from '../../src/common/errors';
import { resolveKafkaConfig } from '../../src/common/config';
import { ErrorCode } from '../../src/protocol/error-codes';
import { toKafkaError } from '../../src/modern/errors';
import { createModernBackend } from '../../src/modern';

// kafkajs builds its protocol errors from the broker's code with this table; using it keeps `type`/`retriable` real.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };

type ErrorClass = new (...args: unknown[]) => Error;
const kafkajsErrors = kafkajs as unknown as Record<string, ErrorClass>;

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('modern/errors (kafkajs errors -> common errors)', () => {
  it('maps protocol errors to KafkaProtocolError with the Kafka code and type', () => {
    for (const code of [
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.REBALANCE_IN_PROGRESS,
      ErrorCode.TOPIC_ALREADY_EXISTS,
      ErrorCode.ILLEGAL_GENERATION,
    ]) {
      const mapped = toKafkaError(createErrorFromCode(code));
      expect(mapped).to.be.instanceOf(KafkaProtocolError);
      expect(mapped.code).to.equal(code);
      expect((mapped as KafkaProtocolError).type).to.match(/^[A-Z_]+$/);
      expect(mapped.cause).to.have.property('name', 'KafkaJSProtocolError');
    }
    expect(toKafkaError(createErrorFromCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).retriable).to.equal(true);
    expect(toKafkaError(createErrorFromCode(ErrorCode.TOPIC_ALREADY_EXISTS)).retriable).to.equal(false);
  });

  it('maps SASL failures to AuthenticationError', () => {
    expect(toKafkaError(createErrorFromCode(ErrorCode.SASL_AUTHENTICATION_FAILED))).to.be.instanceOf(
      AuthenticationError,
    );
    const sasl = toKafkaError(
      new kafkajsErrors.KafkaJSSASLAuthenticationError!('SASL PLAIN authentication failed: bad credentials'),
    );
    expect(sasl).to.be.instanceOf(AuthenticationError);
    expect(sasl.code).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED);
  });

  it('unwraps retry exhaustion to its cause', () => {
    const cause = createErrorFromCode(ErrorCode.NOT_COORDINATOR);
    const exhausted = new kafkajsErrors.KafkaJSNumberOfRetriesExceeded!(cause, { retryCount: 5, retryTime: 100 });
    const mapped = toKafkaError(exhausted);
    expect(mapped).to.be.instanceOf(KafkaProtocolError);
    expect(mapped.code).to.equal(ErrorCode.NOT_COORDINATOR);
    const nested = new kafkajsErrors.KafkaJSNonRetriableError!(exhausted, { cause: exhausted });
    expect(toKafkaError(nested).code).to.equal(ErrorCode.NOT_COORDINATOR);
  });

  it('returns our own errors unchanged, also when kafkajs wrapped them', () => {
    const ours = new ConfigurationError('bad partition');
    expect(toKafkaError(ours)).to.equal(ours);
    expect(toKafkaError(new kafkajsErrors.KafkaJSNonRetriableError!(ours, { cause: ours }))).to.equal(ours);
  });

  it('maps connection, timeout, TLS and unsupported-feature errors', () => {
    expect(
      toKafkaError(
        new kafkajsErrors.KafkaJSConnectionError!('Connection error: ECONNREFUSED', {
          broker: 'h:1',
          code: 'ECONNREFUSED',
        }),
      ),
    ).to.be.instanceOf(KafkaConnectionError);
    expect(
      toKafkaError(new kafkajsErrors.KafkaJSConnectionClosedError!('Closed', { host: 'h', port: 1 })),
    ).to.be.instanceOf(KafkaConnectionError);
    const tls = toKafkaError(
      new kafkajsErrors.KafkaJSConnectionError!('Connection error: self-signed certificate', {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      }),
    );
    expect(tls).to.be.instanceOf(AuthenticationError);
    const timeout = toKafkaError(
      new kafkajsErrors.KafkaJSRequestTimeoutError!('Request Fetch(key: 1, version: 11) timed out', { broker: 'h:1' }),
    );
    expect(timeout).to.be.instanceOf(KafkaTimeoutError);
    expect(timeout.code).to.equal(ErrorCode.REQUEST_TIMED_OUT);
    const notImplemented = toKafkaError(new kafkajsErrors.KafkaJSNotImplemented!('ZSTD compression not implemented'));
    expect(notImplemented).to.be.instanceOf(UnsupportedFeatureError);
    expect(notImplemented.message).to.contain('ZSTD compression').and.contain('kafkajs');
    expect(
      toKafkaError(
        new kafkajsErrors.KafkaJSServerDoesNotSupportApiKey!('no', { apiKey: 22, apiName: 'InitProducerId' }),
      ).code,
    ).to.equal(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('maps aggregates to their first failure', () => {
    const aggregate = new kafkajsErrors.KafkaJSAggregateError!('Topic creation errors', [
      new kafkajsErrors.KafkaJSCreateTopicError!(createErrorFromCode(ErrorCode.INVALID_PARTITIONS), 'a'),
    ]);
    expect(toKafkaError(aggregate).code).to.equal(ErrorCode.INVALID_PARTITIONS);
    const groups = new kafkajsErrors.KafkaJSDeleteGroupsError!('failed', [
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
    ]);
    expect(toKafkaError(groups).code).to.equal(ErrorCode.NON_EMPTY_GROUP);
  });

  it('lets no kafkajs error type escape: every exported kafkajs error maps to a KafkaError', () => {
    const names = Object.keys(kafkajsErrors).filter(
      (name) => /^KafkaJS/.test(name) && typeof kafkajsErrors[name] === 'function',
    );
    expect(names.length).to.be.greaterThan(25);
    for (const name of names) {
      const ErrorType = kafkajsErrors[name]!;
      let instance: Error;
      if (name === 'KafkaJSAggregateError') instance = new ErrorType('aggregate', []);
      else if (name === 'KafkaJSDeleteTopicRecordsError') instance = new ErrorType({ partitions: [] });
      else if (name === 'KafkaJSNoBrokerAvailableError' || name === 'KafkaJSFetcherRebalanceError')
        instance = new ErrorType();
      else if (name === 'KafkaJSOffsetOutOfRange' || name === 'KafkaJSCreateTopicError')
        instance = new ErrorType(createErrorFromCode(1), {});
      else instance = new ErrorType(`${name} happened`, {});
      const mapped = toKafkaError(instance);
      expect(mapped, name).to.be.instanceOf(KafkaError);
      expect(mapped.name, name).to.not.match(/^KafkaJS/);
    }
    expect(toKafkaError(new TypeError('boom'))).to.be.instanceOf(KafkaError);
    expect(toKafkaError('a string')).to.be.instanceOf(KafkaError);
  });

  it('a real refused connection surfaces as KafkaConnectionError from the backend', async () => {
    const port = await closedPort();
    const backend = createModernBackend(
      resolveKafkaConfig({
        backend: 'kafkajs',
        brokers: [`127.0.0.1:${port}`],
        retry: { retries: 0, initialRetryTimeMs: 10 },
        connectTimeoutMs: 500,
      }),
    );
    const admin = backend.admin();
    let failure: unknown;
    await admin.connect().catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(KafkaConnectionError);
    expect((failure as KafkaError).code).to.equal(ErrorCode.NETWORK_EXCEPTION);
    await admin.disconnect();
  });
});
