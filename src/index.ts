/**
 * kafka-node-adapter: the kafka-node facade (KafkaClient, Producer, ConsumerGroup, ... as kafka-node exports them, so
 * the package also works installed under the npm alias `kafka-node`), the common promise-based Kafka interface over
 * kafka-node or kafkajs with its error classes and partitioners, the parity runner, and (from
 * 'kafka-node-adapter/broker') the embedded broker.
 *
 * Common-interface types whose names the facade uses for kafka-node's classes and options are exported with a
 * `Common` prefix: CommonProducer, CommonConsumerGroup, CommonAdmin, CommonProducerOptions, CommonRetryOptions,
 * CommonSaslOptions.
 */
export * from './adapter';
export { createKafka } from './kafka';
export { BACKEND_NAMES } from './common/types';
export type {
  Acks,
  Admin as CommonAdmin,
  AssignmentProtocolName,
  Backend,
  BackendName,
  BrokerMetadata,
  Capabilities,
  ClusterMetadata,
  CompressionName,
  ConsumedMessage,
  ConsumerGroup as CommonConsumerGroup,
  ConsumerGroupConfig,
  ConsumerGroupEvents,
  CustomAssignmentProtocol,
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  KafkaConfig,
  MessageBatch,
  MessageHeaders,
  NewTopic,
  OutgoingMessage,
  PartitionBaseOffset,
  PartitionMetadata,
  PartitionOffsets,
  PartitionerFunction,
  PartitionerName,
  Producer as CommonProducer,
  ProducerOptions as CommonProducerOptions,
  RebalanceEvent,
  RetryOptions as CommonRetryOptions,
  RunOptions,
  SaslOptions as CommonSaslOptions,
  SendRequest,
  StartPosition,
  TlsOptions,
  TopicMetadata,
  TopicPartition,
  TopicPartitionOffset,
} from './common/types';
export {
  KafkaError,
  KafkaProtocolError,
  ConfigurationError,
  UnsupportedFeatureError,
  KafkaConnectionError,
  KafkaTimeoutError,
  AuthenticationError,
  NoCommittedOffsetError,
  OffsetOutOfRangeError,
  UnsupportedBrokerVersionError,
} from './common/errors';
export type { RefusedApi } from './common/errors';
export { BACKEND_ENV_VARIABLE, DEFAULT_BACKEND, resolveBackendName } from './common/config';
export { createPartitionChooser, kafkaNodeKeyHash, murmur2 } from './common/partitioners';
export { PARITY_SCENARIOS } from './compat/scenarios';
export { runParity, runScenario } from './compat/runner';
export type { ParityScenario, ScenarioContext } from './compat/context';
