/**
 * kafka-node 5's error classes (lib/errors), with its names and messages, so `instanceof` checks and `err.name`
 * comparisons in kafka-node code keep working. They extend the project's KafkaError so callers of both APIs see one
 * hierarchy.
 */
import { ConfigurationError, KafkaError } from '../common/errors';
import { KAFKA_NODE_ERROR_NAMES_BY_CODE } from '../common/kafka-node-facts';

export class ApiNotSupportedError extends KafkaError {
  override readonly name: string = 'ApiNotSupportedError';
  constructor() {
    super('The API is not supported by the receiving broker', { retriable: false });
  }
}

/**
 * The base of a kafka-node error class whose one argument is the message: `name`, Kafka code and retriability are
 * the class's. Exported classes extend it (rather than being its result) so they keep their own class name.
 */
function messageOnlyError(
  name: string,
  options: { code?: number; retriable: boolean },
): new (message: string) => KafkaError {
  return class extends KafkaError {
    override readonly name: string = name;
    constructor(message: string) {
      super(message, options);
    }
  };
}

export class BrokerNotAvailableError extends messageOnlyError('BrokerNotAvailableError', { retriable: true }) {}

export class TopicsNotExistError extends KafkaError {
  override readonly name: string = 'TopicsNotExistError';
  constructor(readonly topics: string | string[]) {
    super(`The topic(s) ${topics.toString()} do not exist`, { code: 3, retriable: false });
  }
}

/** Errors kafka-node wraps with a nested cause keep it in `nested`, as nested-error-stacks does. */
class NestedKafkaError extends KafkaError {
  constructor(
    message: string,
    readonly nested?: Error,
  ) {
    super(message, { retriable: false, cause: nested });
  }
}

export class FailedToRegisterConsumerError extends NestedKafkaError {
  override readonly name: string = 'FailedToRegisterConsumerError';
}

export class InvalidConsumerOffsetError extends NestedKafkaError {
  override readonly name: string = 'InvalidConsumerOffsetError';
}

export class FailedToRebalanceConsumerError extends messageOnlyError('FailedToRebalanceConsumerError', {
  retriable: false,
}) {}

/** Also a ConfigurationError: the project's name for bad input caught before any I/O. */
export class InvalidConfigError extends ConfigurationError {
  override readonly name: string = 'InvalidConfigError';
}

/**
 * kafka-node's Error('InvalidTopic') (Kafka error 17), raised here before any I/O (kafka-node raises it after its
 * metadata retries): `name` and `message` stay kafka-node's, `reason` says which rule the name breaks.
 */
export class InvalidTopicError extends InvalidConfigError {
  override readonly name: string = 'Error';
  readonly errorCode = 17;
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super('InvalidTopic');
  }
}

export class SaslAuthenticationError extends KafkaError {
  override readonly name: string = 'SaslAuthenticationError';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message, { code: errorCode, retriable: false });
  }
}

export class InvalidRequestError extends messageOnlyError('InvalidRequest', { retriable: false }) {}

export class TimeoutError extends messageOnlyError('TimeoutError', { code: 7, retriable: true }) {}

export class MessageSizeTooLargeError extends KafkaError {
  override readonly name: string = 'MessageSizeTooLarge';
  /** kafka-node's two forms: the message itself, or the fetch position whose message exceeded the fetch size. */
  constructor(vars: string | { topic: string; partition: number; offset: number }) {
    super(
      typeof vars === 'object'
        ? `Found a message larger than the maximum fetch size of this consumer on topic ${vars.topic} partition ${vars.partition} at fetch offset ${vars.offset}. Increase the fetch size, or decrease the maximum message size the broker will allow.`
        : vars,
      { code: 10, retriable: false },
    );
  }
}

export class NotControllerError extends messageOnlyError('NotController', { code: 41, retriable: true }) {}

export const GroupCoordinatorNotAvailable = messageOnlyError('GroupCoordinatorNotAvailable', {
  code: 15,
  retriable: true,
});
export const GroupLoadInProgress = messageOnlyError('GroupLoadInProgress', { code: 14, retriable: true });
export const HeartbeatTimeout = messageOnlyError('HeartbeatTimeout', { retriable: true });
export const IllegalGeneration = messageOnlyError('IllegalGeneration', { code: 22, retriable: true });
export const NotCoordinatorForGroup = messageOnlyError('NotCoordinatorForGroup', { code: 16, retriable: true });
export const RebalanceInProgress = messageOnlyError('RebalanceInProgress', { code: 27, retriable: true });
export const UnknownMemberId = messageOnlyError('UnknownMemberId', { code: 25, retriable: true });

export const ConsumerGroupErrors = [
  GroupCoordinatorNotAvailable,
  GroupLoadInProgress,
  HeartbeatTimeout,
  IllegalGeneration,
  NotCoordinatorForGroup,
  RebalanceInProgress,
  UnknownMemberId,
] as const;

/**
 * What kafka-node raises as a plain `new Error(message)`: `name` stays 'Error' as there, while the class keeps it in
 * the project's hierarchy and carries the Kafka code when there is one.
 */
export class KafkaNodeError extends KafkaError {
  override readonly name: string = 'Error';
  readonly errorCode: number | undefined;
  constructor(message: string, code?: number, cause?: unknown) {
    super(message, { code: code ?? null, cause });
    this.errorCode = code;
  }
}

/** A common-interface error as kafka-node would have reported it; anything without a kafka-node form passes through. */
export function toKafkaNodeError(error: unknown): Error {
  if (!(error instanceof Error)) return new KafkaNodeError(String(error));
  if (error instanceof KafkaNodeError || error.constructor === Error) return error;
  const code = (error as { code?: unknown }).code;
  if (
    error instanceof KafkaError &&
    typeof code === 'number' &&
    code in KAFKA_NODE_ERROR_NAMES_BY_CODE &&
    code !== 7 &&
    code !== 13
  ) {
    return new KafkaNodeError(KAFKA_NODE_ERROR_NAMES_BY_CODE[code]!, code, error);
  }
  return error;
}

/** a `kafka-node/<internal module>`: thrown at require time, naming the module and what to use instead. */
export class KafkaNodeModuleNotServedError extends ConfigurationError {
  override readonly name: string = 'KafkaNodeModuleNotServedError';
  constructor(
    readonly moduleName: string,
    message: string,
  ) {
    super(message);
  }
}
