/** The facade's error classes by their file name under kafka-node/lib/errors, for the kafka-node/lib/errors/<Name> requires. */
import * as errors from '../errors';

export const ERROR_FILES = {
  ApiNotSupportedError: errors.ApiNotSupportedError,
  BrokerNotAvailableError: errors.BrokerNotAvailableError,
  FailedToRebalanceConsumerError: errors.FailedToRebalanceConsumerError,
  FailedToRegisterConsumerError: errors.FailedToRegisterConsumerError,
  GroupCoordinatorNotAvailableError: errors.GroupCoordinatorNotAvailable,
  GroupLoadInProgressError: errors.GroupLoadInProgress,
  HeartbeatTimeoutError: errors.HeartbeatTimeout,
  IllegalGenerationError: errors.IllegalGeneration,
  InvalidConfigError: errors.InvalidConfigError,
  InvalidConsumerOffsetError: errors.InvalidConsumerOffsetError,
  InvalidRequestError: errors.InvalidRequestError,
  MessageSizeTooLargeError: errors.MessageSizeTooLargeError,
  NotControllerError: errors.NotControllerError,
  NotCoordinatorForGroupError: errors.NotCoordinatorForGroup,
  RebalanceInProgressError: errors.RebalanceInProgress,
  SaslAuthenticationError: errors.SaslAuthenticationError,
  TimeoutError: errors.TimeoutError,
  TopicsNotExistError: errors.TopicsNotExistError,
  UnknownMemberIdError: errors.UnknownMemberId,
} as const;
