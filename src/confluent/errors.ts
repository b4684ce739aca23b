/**
 * @confluentinc/kafka-javascript errors -> the common error hierarchy (src/common/errors.ts). Every error of that
 * library carries librdkafka's `code`: positive codes are Kafka's own error codes, negative ones librdkafka's local
 * errors (-195 transport failure, -185 timed out...). The library's error stays reachable as `cause`.
 */
import {
  AuthenticationError,
  KafkaConnectionError,
  KafkaError,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedFeatureError,
} from '../common/errors';
import { ErrorCode } from '../protocol/error-codes';

/** librdkafka's local error codes (rdkafka.h, RD_KAFKA_RESP_ERR__*) that the common hierarchy distinguishes. */
export const LocalError = {
  BAD_MSG: -199,
  TRANSPORT: -195,
  RESOLVE: -193,
  MSG_TIMED_OUT: -192,
  UNKNOWN_PARTITION: -190,
  UNKNOWN_TOPIC: -188,
  ALL_BROKERS_DOWN: -187,
  INVALID_ARG: -186,
  TIMED_OUT: -185,
  SSL: -181,
  AUTHENTICATION: -169,
  NOT_IMPLEMENTED: -170,
  UNSUPPORTED_FEATURE: -165,
  TIMED_OUT_QUEUE: -166,
  FENCED: -144,
} as const;

interface LibraryErrorShape {
  message?: unknown;
  code?: unknown;
  retriable?: unknown;
  errno?: unknown;
}

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as LibraryErrorShape).message : undefined;
  if (typeof message === 'string' && message.length > 0) return message;
  return typeof error === 'string' ? error : String(error);
}

/** Maps anything the library rejected with (or threw) to a KafkaError; KafkaErrors come back unchanged. */
export function toKafkaError(error: unknown): KafkaError {
  if (error instanceof KafkaError) return error;
  const shape: LibraryErrorShape = typeof error === 'object' && error !== null ? (error as LibraryErrorShape) : {};
  const code = typeof shape.code === 'number' ? shape.code : typeof shape.errno === 'number' ? shape.errno : null;
  const message = messageOf(error);
  if (code === null) return new KafkaError(message, { retriable: false, cause: error });
  if (code > 0) {
    if (code === ErrorCode.SASL_AUTHENTICATION_FAILED)
      return new AuthenticationError(`SASL authentication failed: ${message}`, error);
    return new KafkaProtocolError(code, message, error);
  }
  switch (code) {
    case LocalError.TRANSPORT:
    case LocalError.RESOLVE:
    case LocalError.ALL_BROKERS_DOWN:
      return new KafkaConnectionError(message, error);
    case LocalError.TIMED_OUT:
    case LocalError.MSG_TIMED_OUT:
    case LocalError.TIMED_OUT_QUEUE:
      return new KafkaTimeoutError(message, error);
    case LocalError.AUTHENTICATION:
    case LocalError.SSL:
      return new AuthenticationError(message, error);
    case LocalError.UNKNOWN_TOPIC:
    case LocalError.UNKNOWN_PARTITION:
      return new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message, error);
    case LocalError.NOT_IMPLEMENTED:
    case LocalError.UNSUPPORTED_FEATURE:
      return new UnsupportedFeatureError(message, 'confluent');
    case LocalError.FENCED:
      // librdkafka's own state after the broker refused this producer's epoch (a newer instance, or the transaction
      // timed out): what Kafka answered, as the other backends report it.
      return new KafkaProtocolError(ErrorCode.INVALID_PRODUCER_EPOCH, message, error);
    case LocalError.BAD_MSG:
      return new KafkaError(message, { code: ErrorCode.CORRUPT_MESSAGE, retriable: false, cause: error });
    default:
      return new KafkaError(message, { retriable: shape.retriable === true, cause: error });
  }
}

/** Runs a library call and rethrows its failure as a KafkaError. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error);
  }
}
