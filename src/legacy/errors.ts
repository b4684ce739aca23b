/**
 * kafka-node errors -> the common error hierarchy (src/common/errors.ts). Every callback and event of the legacy
 * backend passes its failures through `toKafkaError`, so no kafka-node error type reaches a caller; the original
 * stays reachable as `cause` for logs.
 *
 * kafka-node reports failures in several shapes, all handled here:
 * - its classes in lib/errors (identified by `name`; the consumer group ones carry `errorCode` when the broker sent one);
 * - a plain Error whose message is kafka-node's name for a Kafka error code ('NotLeaderForPartition'), from produce,
 *   fetch and metadata answers; an empty message when kafka-node has no name for the code;
 * - arrays of those names (topic errors of a metadata answer);
 * - NestedError wrappers (`nested`), Node socket errors (`code`: ECONNREFUSED...), TLS verification failures, and
 *   plain strings.
 */
import {
  AuthenticationError,
  ConfigurationError,
  KafkaConnectionError,
  KafkaError,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedFeatureError,
} from '../common/errors';
import { TLS_FAILURE_CODES } from '../common/error-mapping';
import { kafkaNodeErrorCode } from '../common/kafka-node-facts';
import { ErrorCode } from '../protocol/error-codes';

/** kafka-node's error classes (lib/errors) that stand for one Kafka error code. */
const CLASS_CODES: Readonly<Record<string, number>> = {
  GroupCoordinatorNotAvailable: ErrorCode.COORDINATOR_NOT_AVAILABLE,
  GroupLoadInProgress: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  IllegalGeneration: ErrorCode.ILLEGAL_GENERATION,
  NotCoordinatorForGroup: ErrorCode.NOT_COORDINATOR,
  RebalanceInProgress: ErrorCode.REBALANCE_IN_PROGRESS,
  UnknownMemberId: ErrorCode.UNKNOWN_MEMBER_ID,
  NotController: ErrorCode.NOT_CONTROLLER,
  InvalidRequest: ErrorCode.INVALID_REQUEST,
  MessageSizeTooLarge: ErrorCode.MESSAGE_TOO_LARGE,
  TopicsNotExistError: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ApiNotSupportedError: ErrorCode.UNSUPPORTED_VERSION,
  InvalidConsumerOffsetError: ErrorCode.OFFSET_OUT_OF_RANGE,
};

/** Node socket error codes meaning the broker could not be reached or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Messages of plain Errors kafka-node raises when it has no usable connection. */
const CONNECTION_MESSAGES = [
  /^Broker is not ready/,
  /^client is closing/,
  /^failed to connect to brokers/,
  /^Unable to find available brokers/,
  /^No broker with id/,
  /^Client is not ready/,
  /^Broker not available/,
];

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errno?: unknown;
  errorCode?: unknown;
  nested?: unknown;
  topic?: unknown;
  partition?: unknown;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

function messageOf(error: unknown): string {
  const { message } = shape(error);
  if (typeof message === 'string') return message;
  return typeof error === 'string' ? error : String(error);
}

/** "topic/partition" when kafka-node attached them (fetch errors do). */
function where(error: ErrorShape): string {
  if (typeof error.topic !== 'string') return '';
  return typeof error.partition === 'number' || typeof error.partition === 'string'
    ? ` (${error.topic}/${error.partition})`
    : ` (${error.topic})`;
}

function protocolError(code: number, detail: string, cause: unknown): KafkaError {
  if (
    code === ErrorCode.SASL_AUTHENTICATION_FAILED ||
    code === ErrorCode.UNSUPPORTED_SASL_MECHANISM ||
    code === ErrorCode.ILLEGAL_SASL_STATE
  ) {
    return new AuthenticationError(`SASL authentication failed: ${detail}`, cause);
  }
  return new KafkaProtocolError(code, detail, cause);
}

/**
 * Maps anything kafka-node failed with (callback error, 'error' event) to a KafkaError. KafkaErrors (ours, thrown from
 * inside a callback we gave kafka-node) come back unchanged.
 */
export function toKafkaError(error: unknown): KafkaError {
  if (error instanceof KafkaError) return error;
  if (Array.isArray(error)) {
    // Topic errors of a metadata answer: a list of kafka-node code names; the first one decides.
    const first = error.find((item) => typeof item === 'string' && kafkaNodeErrorCode(item) !== null) as
      string | undefined;
    if (first !== undefined)
      return protocolError(kafkaNodeErrorCode(first)!, `metadata answered ${error.join(', ')}`, error);
    return new KafkaError(`kafka-node failed with ${error.map(String).join(', ')}`, { cause: error });
  }
  const e = shape(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const message = messageOf(error);
  const detail = `${message}${where(e)}`;

  if (name === 'NestedError' && e.nested !== undefined) return toKafkaError(e.nested);
  if (typeof e.code === 'string') {
    if (TLS_FAILURE_CODES.has(e.code)) return new AuthenticationError(`TLS handshake refused: ${message}`, error);
    if (NETWORK_CODES.has(e.code)) return new KafkaConnectionError(message, error);
  }

  switch (name) {
    case 'TimeoutError':
      return new KafkaTimeoutError(message, error);
    case 'HeartbeatTimeout':
      return new KafkaTimeoutError(`heartbeat got no answer in time: ${message}`, error);
    case 'BrokerNotAvailableError':
      // kafka-node raises this for "no usable connection"; 'Could not find the leader' means the metadata has none.
      if (/Could not find the leader/.test(message))
        return new KafkaProtocolError(ErrorCode.LEADER_NOT_AVAILABLE, message, error);
      return new KafkaConnectionError(message, error);
    case 'SaslAuthenticationError': {
      const code = typeof e.errorCode === 'number' ? e.errorCode : null;
      return new AuthenticationError(
        code !== null
          ? `SASL authentication failed (Kafka error ${code}): ${message}`
          : `SASL authentication failed: ${message}`,
        error,
      );
    }
    case 'InvalidConfigError':
      return new ConfigurationError(message);
    case 'FailedToRegisterConsumerError':
    case 'FailedToRebalanceConsumerError':
      return new KafkaError(message, { cause: error, retriable: false });
    default:
      break;
  }
  if (Object.prototype.hasOwnProperty.call(CLASS_CODES, name)) {
    const code = typeof e.errorCode === 'number' && e.errorCode !== 0 ? e.errorCode : CLASS_CODES[name]!;
    return protocolError(code, detail, error);
  }
  // createGroupError gives every group answer's error code, named or not.
  if (typeof e.errorCode === 'number' && e.errorCode !== 0) return protocolError(e.errorCode, detail, error);

  const named = kafkaNodeErrorCode(message);
  if (named !== null) return protocolError(named, `kafka-node reported ${message}${where(e)}`, error);
  if (error instanceof Error && message === '' && name === 'Error') {
    // `new Error(ERROR_CODE[code])` for a code kafka-node has no name for: the code itself is lost.
    return new KafkaError(`the broker answered with a Kafka error code kafka-node 5 has no name for${where(e)}`, {
      cause: error,
      retriable: false,
    });
  }
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return new KafkaConnectionError(message, error);
  if (/^Topic\(s\) does not exist/.test(message))
    return new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message, error);
  if (/^Controller broker not available/.test(message))
    return new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, message, error);
  if (/^Not a message set\. Magic byte is/.test(message)) {
    return new KafkaError(`${detail}: kafka-node 5 reads message format v0/v1 only`, {
      code: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
      retriable: false,
      cause: error,
    });
  }
  if (/^Snappy codec is not installed/.test(message))
    return new UnsupportedFeatureError(
      'snappy compression',
      'kafka-node',
      'the native "snappy" package is not installed',
    );
  if (/^unsupported SASL auth type/i.test(message))
    return new UnsupportedFeatureError(`SASL mechanism ${message.replace(/^.*: /, '')}`, 'kafka-node');
  if (/^Unknown group protocol/.test(message))
    return new KafkaProtocolError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, message, error);
  return new KafkaError(message || (name ? `kafka-node ${name}` : 'kafka-node failed without a message'), {
    cause: error,
    retriable: false,
  });
}

/** Runs a kafka-node callback-style call as a promise whose failures are KafkaErrors. */
export function settle<T>(call: (callback: (error: unknown, result?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      call((error, result) => {
        if (error !== null && error !== undefined) reject(toKafkaError(error));
        else resolve(result as T);
      });
    } catch (error) {
      reject(toKafkaError(error));
    }
  });
}
