/**
 * kafkajs errors -> the common error hierarchy (src/common/errors.ts). Every promise and event of the modern backend
 * passes its failures through `toKafkaError`, so no kafkajs error type ever reaches a caller; the kafkajs error stays
 * reachable as `cause` for logs.
 *
 * kafkajs identifies its errors by `name` (several share a class, and InvalidVarInt/InvalidLong even reuse the name
 * KafkaJSNonRetriableError), so the mapping keys on names and duck-typed fields (`code`, `type`, `cause`, `errors`).
 */
import {
  AuthenticationError,
  KafkaConnectionError,
  KafkaError,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedFeatureError,
} from '../common/errors';
import { TLS_FAILURE_CODES } from '../common/error-mapping';
import { ErrorCode } from '../protocol/error-codes';

interface KafkajsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  errors?: unknown;
  groups?: unknown;
  partitions?: unknown;
  broker?: unknown;
  topic?: unknown;
  partition?: unknown;
  error?: unknown;
  errorCode?: unknown;
}

const SASL_FAILURE_CODES = new Set<number>([ErrorCode.SASL_AUTHENTICATION_FAILED]);

function shape(error: unknown): KafkajsErrorShape {
  return typeof error === 'object' && error !== null ? (error as KafkajsErrorShape) : {};
}

function messageOf(error: unknown): string {
  const { message } = shape(error);
  if (typeof message === 'string' && message.length > 0) return message;
  return typeof error === 'string' ? error : String(error);
}

function withBroker(message: string, error: KafkajsErrorShape): string {
  return typeof error.broker === 'string' && !message.includes(error.broker)
    ? `${message} (broker ${error.broker})`
    : message;
}

function protocolError(code: number, error: unknown): KafkaError {
  if (SASL_FAILURE_CODES.has(code))
    return new AuthenticationError(`SASL authentication failed: ${messageOf(error)}`, error);
  return new KafkaProtocolError(code, messageOf(error), error);
}

/** The first failure inside an aggregate (several topics, groups or partitions failed at once). */
function firstNested(error: KafkajsErrorShape): unknown {
  for (const list of [error.errors, error.groups, error.partitions]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const nested = shape(item);
      if (nested.name !== undefined && nested.message !== undefined) return item;
      if (shape(nested.error).name !== undefined) return nested.error;
      if (typeof nested.errorCode === 'number' && nested.errorCode !== 0) return item;
    }
  }
  return undefined;
}

/**
 * Maps anything a kafkajs call rejected with to a KafkaError. Errors that already are KafkaErrors (ours, thrown from
 * inside a kafkajs callback such as the partitioner) come back unchanged, also when kafkajs wrapped them.
 */
export function toKafkaError(error: unknown): KafkaError {
  if (error instanceof KafkaError) return error;
  const e = shape(error);
  const name = typeof e.name === 'string' ? e.name : '';

  // Retry exhaustion and non-retriable wrappers carry the real failure as `cause`.
  if (
    (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError' || name === 'KafkaJSError') &&
    e.cause
  ) {
    return toKafkaError(e.cause);
  }

  switch (name) {
    case 'KafkaJSProtocolError':
    case 'KafkaJSOffsetOutOfRange':
    case 'KafkaJSMemberIdRequired':
    case 'KafkaJSCreateTopicError':
    case 'KafkaJSAlterPartitionReassignmentsError':
      return typeof e.code === 'number'
        ? protocolError(e.code, error)
        : new KafkaError(messageOf(error), { cause: error });
    case 'KafkaJSConnectionError':
    case 'KafkaJSConnectionClosedError': {
      if (typeof e.code === 'string' && TLS_FAILURE_CODES.has(e.code)) {
        return new AuthenticationError(`TLS handshake refused: ${messageOf(error)}`, error);
      }
      return new KafkaConnectionError(withBroker(messageOf(error), e), error);
    }
    case 'KafkaJSNoBrokerAvailableError':
    case 'KafkaJSBrokerNotFound':
      return new KafkaConnectionError(messageOf(error), error);
    case 'KafkaJSRequestTimeoutError':
    case 'KafkaJSTimeout':
    case 'KafkaJSLockTimeout':
      return new KafkaTimeoutError(withBroker(messageOf(error), e), error);
    case 'KafkaJSSASLAuthenticationError':
      return new AuthenticationError(messageOf(error), error);
    case 'KafkaJSGroupCoordinatorNotFound':
      return new KafkaProtocolError(ErrorCode.COORDINATOR_NOT_AVAILABLE, messageOf(error), error);
    case 'KafkaJSMetadataNotLoaded':
    case 'KafkaJSTopicMetadataNotLoaded':
      return new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, messageOf(error), error);
    case 'KafkaJSServerDoesNotSupportApiKey':
      return new KafkaProtocolError(ErrorCode.UNSUPPORTED_VERSION, messageOf(error), error);
    case 'KafkaJSNotImplemented':
      return new UnsupportedFeatureError(messageOf(error).replace(/ not implemented$/i, ''), 'kafkajs');
    case 'KafkaJSUnsupportedMagicByteInMessageSet':
      return new KafkaError(messageOf(error), {
        code: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        retriable: false,
        cause: error,
      });
    case 'KafkaJSPartialMessageError':
      return new KafkaError(messageOf(error), { code: ErrorCode.CORRUPT_MESSAGE, retriable: false, cause: error });
    case 'KafkaJSAggregateError':
    case 'KafkaJSDeleteGroupsError':
    case 'KafkaJSDeleteTopicRecordsError': {
      const nested = firstNested(e);
      if (nested !== undefined) {
        const { errorCode } = shape(nested);
        if (typeof errorCode === 'number' && shape(nested).name === undefined) return protocolError(errorCode, error);
        return toKafkaError(nested);
      }
      return new KafkaError(messageOf(error), { cause: error });
    }
    default:
      break;
  }
  // kafkajs's other errors (stale assignment, rebalance, invariant violations, "producer is disconnected"...) and
  // plain errors thrown inside kafkajs: keep the message and whether kafkajs would retry.
  const retriable = typeof e.retriable === 'boolean' ? e.retriable : false;
  return new KafkaError(messageOf(error), { retriable, cause: error });
}

/** Runs a kafkajs call and rethrows its failure as a KafkaError. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error);
  }
}
