/**
 * Facts about kafka-node that the facade (src/adapter), the legacy backend (src/legacy) and the migration scanner
 * (src/migration) all need, kept once here, below all three.
 */
import { ErrorCode } from '../protocol/error-codes';

/**
 * kafka-node 5's names for Kafka error codes (lib/protocol/protocol_struct.js ERROR_CODE), name -> code. kafka-node
 * reports a broker's error code as a plain `Error` whose message is that name, e.g. new Error('UnknownTopicOrPartition').
 */
export const KAFKA_NODE_ERROR_CODES: Readonly<Record<string, number>> = {
  Unknown: ErrorCode.UNKNOWN_SERVER_ERROR,
  OffsetOutOfRange: ErrorCode.OFFSET_OUT_OF_RANGE,
  InvalidMessage: ErrorCode.CORRUPT_MESSAGE,
  UnknownTopicOrPartition: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  InvalidMessageSize: ErrorCode.INVALID_FETCH_SIZE,
  LeaderNotAvailable: ErrorCode.LEADER_NOT_AVAILABLE,
  NotLeaderForPartition: ErrorCode.NOT_LEADER_OR_FOLLOWER,
  RequestTimedOut: ErrorCode.REQUEST_TIMED_OUT,
  BrokerNotAvailable: ErrorCode.BROKER_NOT_AVAILABLE,
  ReplicaNotAvailable: ErrorCode.REPLICA_NOT_AVAILABLE,
  MessageSizeTooLarge: ErrorCode.MESSAGE_TOO_LARGE,
  StaleControllerEpochCode: ErrorCode.STALE_CONTROLLER_EPOCH,
  OffsetMetadataTooLargeCode: ErrorCode.OFFSET_METADATA_TOO_LARGE,
  GroupLoadInProgress: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  GroupCoordinatorNotAvailable: ErrorCode.COORDINATOR_NOT_AVAILABLE,
  NotCoordinatorForGroup: ErrorCode.NOT_COORDINATOR,
  InvalidTopic: ErrorCode.INVALID_TOPIC_EXCEPTION,
  RecordListTooLarge: ErrorCode.RECORD_LIST_TOO_LARGE,
  NotEnoughReplicas: ErrorCode.NOT_ENOUGH_REPLICAS,
  NotEnoughReplicasAfterAppend: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  InvalidRequiredAcks: ErrorCode.INVALID_REQUIRED_ACKS,
  IllegalGeneration: ErrorCode.ILLEGAL_GENERATION,
  InconsistentGroupProtocol: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  UnknownMemberId: ErrorCode.UNKNOWN_MEMBER_ID,
  InvalidSessionTimeout: ErrorCode.INVALID_SESSION_TIMEOUT,
  RebalanceInProgress: ErrorCode.REBALANCE_IN_PROGRESS,
  InvalidCommitOffsetSize: ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
  TopicAuthorizationFailed: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  GroupAuthorizationFailed: ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ClusterAuthorizationFailed: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  NotController: ErrorCode.NOT_CONTROLLER,
  InvalidRequest: ErrorCode.INVALID_REQUEST,
};

/** The same table, code -> name. */
export const KAFKA_NODE_ERROR_NAMES_BY_CODE: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(KAFKA_NODE_ERROR_CODES).map(([name, code]) => [code, name]),
);

/** The Kafka code kafka-node means by an error name; null when the name is not one of them. */
export function kafkaNodeErrorCode(name: string): number | null {
  return Object.prototype.hasOwnProperty.call(KAFKA_NODE_ERROR_CODES, name) ? KAFKA_NODE_ERROR_CODES[name]! : null;
}

/** The file in the working directory the facade reads its backend from (and the migration scanner suggests). */
export const CONFIG_FILE_NAME = 'kafka-node-adapter.json';
