/**
 * What `kafka-node/lib/errors` gives: kafka-node's error index (the same members, ConsumerGroupErrors in
 * its order) made of the facade's classes, so `err instanceof X` for the X of kafka-node/lib/errors holds for the errors
 * the facade raises.
 */
import * as errors from '../errors';

export const ApiNotSupportedError = errors.ApiNotSupportedError;
export const BrokerNotAvailableError = errors.BrokerNotAvailableError;
export const TopicsNotExistError = errors.TopicsNotExistError;
export const FailedToRegisterConsumerError = errors.FailedToRegisterConsumerError;
export const InvalidConsumerOffsetError = errors.InvalidConsumerOffsetError;
export const FailedToRebalanceConsumerError = errors.FailedToRebalanceConsumerError;
export const InvalidConfigError = errors.InvalidConfigError;
export const SaslAuthenticationError = errors.SaslAuthenticationError;
export const InvalidRequestError = errors.InvalidRequestError;
export const ConsumerGroupErrors = errors.ConsumerGroupErrors;
