/**
 * kafka-node-adapter: the common promise-based Kafka interface over kafka-node or kafkajs, its error classes and
 * partitioners, the parity runner, and (from 'kafka-node-adapter/broker') the embedded broker.
 */
export { createKafka } from './kafka';
export * from './common/types';
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
} from './common/errors';
export { BACKEND_ENV_VARIABLE, DEFAULT_BACKEND, resolveBackendName } from './common/config';
export { createPartitionChooser, kafkaNodeKeyHash, murmur2 } from './common/partitioners';
export { PARITY_SCENARIOS } from './compat/scenarios';
export { runParity, runScenario } from './compat/runner';
export type { ParityScenario, ScenarioContext } from './compat/context';
