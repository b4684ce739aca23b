import { ErrorCode, errorName, isRetriable } from '../protocol/error-codes';
import type { BackendName } from './types';

/**
 * The one error hierarchy callers of the common interface see. Both backends map their library's errors onto it, so
 * no kafka-node or kafkajs error type ever escapes. `name` is stable; `code` is the Kafka error code when there is one.
 */
export class KafkaError extends Error {
  override readonly name: string = 'KafkaError';
  readonly code: number | null;
  readonly retriable: boolean;
  /** The library error this was mapped from, for logs; never part of the contract. */
  override readonly cause?: unknown;

  constructor(message: string, options: { code?: number | null; retriable?: boolean; cause?: unknown } = {}) {
    super(message);
    this.code = options.code ?? null;
    this.retriable = options.retriable ?? (this.code !== null && isRetriable(this.code));
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** A broker answered with a Kafka error code. `type` is Kafka's name for it (e.g. UNKNOWN_TOPIC_OR_PARTITION). */
export class KafkaProtocolError extends KafkaError {
  override readonly name: string = 'KafkaProtocolError';
  readonly type: string;

  constructor(code: number, detail?: string, cause?: unknown) {
    const type = errorName(code);
    super(`${type} (Kafka error ${code})${detail ? `: ${detail}` : ''}`, { code, cause });
    this.type = type;
  }
}

/** Bad input caught before any I/O: the message says which option or argument and what would be valid. */
export class ConfigurationError extends KafkaError {
  override readonly name: string = 'ConfigurationError';
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** A feature the chosen backend cannot provide (headers, idempotence, transactions on kafka-node...). */
export class UnsupportedFeatureError extends KafkaError {
  override readonly name: string = 'UnsupportedFeatureError';
  constructor(
    readonly feature: string,
    readonly backend: BackendName,
    hint?: string,
  ) {
    super(
      `${feature} is not supported by the ${backend} backend${hint ? `: ${hint}` : ''}. ` +
        (backend === 'kafka-node' ? 'Switch to backend "kafkajs" (KAFKA_NODE_BACKEND=kafkajs) to use it.' : ''),
      { retriable: false },
    );
  }
}

/** An API a client needs, and the versions the broker serves against those the client can speak. */
export interface RefusedApi {
  /** Kafka's name of the API (Fetch, Produce...). */
  api: string;
  /** The lowest version the broker serves. */
  brokerMin: number;
  /** The highest version the client speaks. */
  clientMax: number;
}

/**
 * The broker no longer serves the protocol versions the backend's client library speaks (Apache Kafka 4.x removed
 * kafka-node's, KIP-896). Raised when connecting, from the broker's ApiVersions answer: without it a user would only
 * see the broker close the connection on the first produce or fetch.
 */
export class UnsupportedBrokerVersionError extends KafkaError {
  override readonly name: string = 'UnsupportedBrokerVersionError';
  constructor(
    readonly broker: string,
    readonly backend: BackendName,
    readonly refused: readonly RefusedApi[],
    /** What else is known to be gone though the broker still lists it. */
    note?: string,
  ) {
    const apis = refused
      .map(
        (r) =>
          `its ${r.api} starts at v${r.brokerMin} (${backend} sends ${r.clientMax === 0 ? 'v0' : `v0-${r.clientMax}`})`,
      )
      .join(', ');
    super(
      `the broker at ${broker} no longer serves the protocol versions ${backend} speaks: ${apis}${note ? `, and ${note}` : ''}: ` +
        'use backend kafkajs (KAFKA_NODE_BACKEND=kafkajs)',
      { code: ErrorCode.UNSUPPORTED_VERSION, retriable: false },
    );
  }
}

/** Could not reach a broker, or the connection broke. */
export class KafkaConnectionError extends KafkaError {
  override readonly name: string = 'KafkaConnectionError';
  constructor(message: string, cause?: unknown) {
    super(message, { code: ErrorCode.NETWORK_EXCEPTION, retriable: true, cause });
  }
}

export class KafkaTimeoutError extends KafkaError {
  override readonly name: string = 'KafkaTimeoutError';
  constructor(message: string, cause?: unknown) {
    super(message, { code: ErrorCode.REQUEST_TIMED_OUT, retriable: true, cause });
  }
}

/** SASL or TLS refused the credentials. Never carries the password. */
export class AuthenticationError extends KafkaError {
  override readonly name: string = 'AuthenticationError';
  constructor(message: string, cause?: unknown) {
    super(message, { code: ErrorCode.SASL_AUTHENTICATION_FAILED, retriable: false, cause });
  }
}

/** fromOffset 'none' and a partition has no committed offset. */
export class NoCommittedOffsetError extends KafkaError {
  override readonly name: string = 'NoCommittedOffsetError';
  constructor(
    readonly groupId: string,
    readonly partitions: { topic: string; partition: number }[],
  ) {
    super(
      `group "${groupId}" has no committed offset for ${partitions.map((p) => `${p.topic}/${p.partition}`).join(', ')} ` +
        `and fromOffset is "none": commit offsets first, or use fromOffset "earliest" or "latest"`,
      { retriable: false },
    );
  }
}

/** outOfRangeOffset 'none' and the position is outside the partition's log. */
export class OffsetOutOfRangeError extends KafkaError {
  override readonly name: string = 'OffsetOutOfRangeError';
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
  ) {
    super(
      `offset ${offset} is out of range for ${topic}/${partition}: seek to a valid offset, or set outOfRangeOffset ` +
        `to "earliest" or "latest"`,
      { code: ErrorCode.OFFSET_OUT_OF_RANGE, retriable: false },
    );
  }
}
