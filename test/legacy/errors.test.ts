import { expect } from 'chai';
import { createRequire } from 'module';
import {
  AuthenticationError,
  ConfigurationError,
  KafkaConnectionError,
  KafkaError,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedFeatureError,
} from '../../src/common/errors';
import { ErrorCode } from '../../src/protocol/error-codes';
import { KAFKA_NODE_ERROR_CODES, kafkaNodeErrorCode } from '../../src/common/kafka-node-facts';
import { settle, toKafkaError } from '../../src/legacy/errors';

// kafka-node's real error classes, as its code raises them (not exported from its main module).
const load = createRequire(__filename);
type ErrorClass = new (...args: unknown[]) => Error;
const kafkaNodeErrors = load('kafka-node/lib/errors') as Record<string, ErrorClass> & {
  ConsumerGroupErrors: ErrorClass[];
};
const errorClass = (file: string): ErrorClass => load(`kafka-node/lib/errors/${file}`) as ErrorClass;
const protocolStruct = load('kafka-node/lib/protocol/protocol_struct') as { ERROR_CODE: Record<string, string> };
const NestedError = load('nested-error-stacks') as new (message: string, nested: Error) => Error;

function expectProtocol(error: KafkaError, code: number): void {
  expect(error, error.message).to.be.instanceOf(KafkaProtocolError);
  expect(error.code).to.equal(code);
}

describe('legacy/errors (kafka-node errors -> common errors)', () => {
  it('knows every error name kafka-node 5 has, with the code kafka-node gives it', () => {
    for (const [code, name] of Object.entries(protocolStruct.ERROR_CODE)) {
      if (name === 'NoError') continue;
      expect(kafkaNodeErrorCode(name), name).to.equal(Number(code));
    }
    expect(Object.keys(KAFKA_NODE_ERROR_CODES).length).to.equal(Object.keys(protocolStruct.ERROR_CODE).length - 1);
    expect(kafkaNodeErrorCode('toString')).to.equal(null);
  });

  it('maps the plain Errors of produce/fetch/metadata answers by name, keeping where they happened', () => {
    const fetchError = Object.assign(new Error('NotLeaderForPartition'), { topic: 'orders', partition: 2 });
    const mapped = toKafkaError(fetchError);
    expectProtocol(mapped, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(mapped.retriable).to.equal(true);
    expect(mapped.message).to.include('orders/2');
    expect(mapped.cause).to.equal(fetchError);
    expectProtocol(toKafkaError(new Error('MessageSizeTooLarge')), ErrorCode.MESSAGE_TOO_LARGE);
    expectProtocol(toKafkaError(new Error('Unknown')), ErrorCode.UNKNOWN_SERVER_ERROR);
    expect(toKafkaError(new Error('TopicAuthorizationFailed')).retriable).to.equal(false);
  });

  it('reports a code kafka-node has no name for (new Error(undefined)) without inventing one', () => {
    const mapped = toKafkaError(new Error(protocolStruct.ERROR_CODE['87']));
    expect(mapped).to.be.instanceOf(KafkaError).and.not.instanceOf(KafkaProtocolError);
    expect(mapped.code).to.equal(null);
    expect(mapped.message).to.match(/no name for/);
  });

  it('maps metadata topic-error arrays by their first known name', () => {
    expectProtocol(toKafkaError(['LeaderNotAvailable', 'UnknownTopicOrPartition']), ErrorCode.LEADER_NOT_AVAILABLE);
    expect(toKafkaError(['what'])).to.be.instanceOf(KafkaError);
  });

  it('maps the consumer group error classes with the code the broker sent', () => {
    const expected: Record<string, number> = {
      GroupCoordinatorNotAvailable: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      GroupLoadInProgress: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      IllegalGeneration: ErrorCode.ILLEGAL_GENERATION,
      NotCoordinatorForGroup: ErrorCode.NOT_COORDINATOR,
      RebalanceInProgress: ErrorCode.REBALANCE_IN_PROGRESS,
      UnknownMemberId: ErrorCode.UNKNOWN_MEMBER_ID,
    };
    for (const ErrorType of kafkaNodeErrors.ConsumerGroupErrors) {
      const error = new ErrorType('Kafka Error Code: x');
      if (error.name === 'HeartbeatTimeout') {
        expect(toKafkaError(error)).to.be.instanceOf(KafkaTimeoutError);
        continue;
      }
      expectProtocol(toKafkaError(error), expected[error.name]!);
    }
    // createGroupError sets errorCode, also for codes without a class of their own.
    const inconsistent = Object.assign(new Error('InconsistentGroupProtocol'), { errorCode: 23 });
    expectProtocol(toKafkaError(inconsistent), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const unnamed = Object.assign(new Error(''), { errorCode: 82 });
    expectProtocol(toKafkaError(unnamed), 82);
    expectProtocol(toKafkaError(new (errorClass('NotControllerError'))('x')), ErrorCode.NOT_CONTROLLER);
  });

  it('maps the other kafka-node classes', () => {
    expect(toKafkaError(new (errorClass('TimeoutError'))('Request timed out after 30000ms'))).to.be.instanceOf(
      KafkaTimeoutError,
    );
    expect(
      toKafkaError(new kafkaNodeErrors.BrokerNotAvailableError!('Broker not available (socket closed)')),
    ).to.be.instanceOf(KafkaConnectionError);
    expectProtocol(
      toKafkaError(new kafkaNodeErrors.BrokerNotAvailableError!('Could not find the leader')),
      ErrorCode.LEADER_NOT_AVAILABLE,
    );
    expectProtocol(
      toKafkaError(new kafkaNodeErrors.TopicsNotExistError!(['a', 'b'])),
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expectProtocol(toKafkaError(new kafkaNodeErrors.InvalidRequestError!('bad')), ErrorCode.INVALID_REQUEST);
    expectProtocol(toKafkaError(new kafkaNodeErrors.ApiNotSupportedError!()), ErrorCode.UNSUPPORTED_VERSION);
    expectProtocol(
      toKafkaError(new kafkaNodeErrors.InvalidConsumerOffsetError!('Offset out of range')),
      ErrorCode.OFFSET_OUT_OF_RANGE,
    );
    expectProtocol(
      toKafkaError(new (errorClass('MessageSizeTooLargeError'))({ topic: 't', partition: 0, offset: 5 })),
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    expect(toKafkaError(new kafkaNodeErrors.InvalidConfigError!('clientId is illegal'))).to.be.instanceOf(
      ConfigurationError,
    );
    const sasl = toKafkaError(
      new kafkaNodeErrors.SaslAuthenticationError!(58, 'Authentication failed: Invalid username or password'),
    );
    expect(sasl).to.be.instanceOf(AuthenticationError);
    expect(sasl.message).to.include('58');
    expect(toKafkaError(new kafkaNodeErrors.FailedToRebalanceConsumerError!('x'))).to.be.instanceOf(KafkaError);
  });

  it('unwraps NestedError', () => {
    const nested = new NestedError(
      'refreshBrokerMetadata failed',
      new (errorClass('TimeoutError'))('Request timed out'),
    );
    expect(toKafkaError(nested)).to.be.instanceOf(KafkaTimeoutError);
  });

  it('maps socket and TLS failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111 });
    const mapped = toKafkaError(refused);
    expect(mapped).to.be.instanceOf(KafkaConnectionError);
    expect(mapped.retriable).to.equal(true);
    expect(
      toKafkaError(Object.assign(new Error('self signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })),
    ).to.be.instanceOf(AuthenticationError);
  });

  it('maps kafka-node message strings it raises without a class', () => {
    expect(toKafkaError(new Error('Broker is not ready'))).to.be.instanceOf(KafkaConnectionError);
    expect(toKafkaError(new Error('client is closing'))).to.be.instanceOf(KafkaConnectionError);
    expectProtocol(toKafkaError(new Error('Topic(s) does not exist')), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const magic = toKafkaError(new Error('Not a message set. Magic byte is 2'));
    expect(magic.code).to.equal(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    expect(toKafkaError(new Error('Snappy codec is not installed'))).to.be.instanceOf(UnsupportedFeatureError);
    expect(toKafkaError(new Error('unsupported SASL auth type: SCRAM-SHA-256'))).to.be.instanceOf(
      UnsupportedFeatureError,
    );
    const other = toKafkaError('some string');
    expect(other).to.be.instanceOf(KafkaError);
    expect(other.message).to.equal('some string');
  });

  it('passes KafkaErrors through unchanged, and never lets a kafka-node type out', () => {
    const ours = new ConfigurationError('x');
    expect(toKafkaError(ours)).to.equal(ours);
    for (const value of [undefined, null, 42, {}, new Error('anything')])
      expect(toKafkaError(value)).to.be.instanceOf(KafkaError);
  });

  it('settle() turns callbacks into promises of mapped errors, also for synchronous throws', async () => {
    expect(await settle<number>((callback) => callback(null, 3))).to.equal(3);
    const failed = await settle((callback) => callback(new Error('RebalanceInProgress'))).catch(
      (error: unknown) => error,
    );
    expectProtocol(failed as KafkaError, ErrorCode.REBALANCE_IN_PROGRESS);
    const thrown = await settle(() => {
      throw new kafkaNodeErrors.InvalidConfigError!('bad topic');
    }).catch((error: unknown) => error);
    expect(thrown).to.be.instanceOf(ConfigurationError);
  });
});
