/**
 * What `kafka-node/lib/errors` gives: kafka-node's error index (the same members, ConsumerGroupErrors in
 * its order) made of the facade's classes, so `err instanceof X` for the X of kafka-node/lib/errors holds for the errors
 * the facade raises. One object in kafka-node's key order, not ES exports: a program listing the module's keys sees
 * kafka-node's order whichever transpiler built this file.
 */
import * as errors from '../errors';

export = {
  ApiNotSupportedError: errors.ApiNotSupportedError,
  BrokerNotAvailableError: errors.BrokerNotAvailableError,
  TopicsNotExistError: errors.TopicsNotExistError,
  FailedToRegisterConsumerError: errors.FailedToRegisterConsumerError,
  InvalidConsumerOffsetError: errors.InvalidConsumerOffsetError,
  FailedToRebalanceConsumerError: errors.FailedToRebalanceConsumerError,
  InvalidConfigError: errors.InvalidConfigError,
  SaslAuthenticationError: errors.SaslAuthenticationError,
  InvalidRequestError: errors.InvalidRequestError,
  ConsumerGroupErrors: errors.ConsumerGroupErrors,
};
