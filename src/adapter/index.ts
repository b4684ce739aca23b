/**
 * The kafka-node facade: kafka-node 5's public API (plus 3.x's ZooKeeper Client) on the common interface, so code
 * written for kafka-node runs unchanged on the kafka-node or the kafkajs backend. Entry points:
 * `kafka-node-adapter/kafka-node`, the package root, and `node -r kafka-node-adapter/register`.
 */
export { KafkaClient } from './client';
export { Client } from './zookeeper';
export { Producer, HighLevelProducer, BaseProducer, ProducerStream, KeyedMessage, PARTITIONER_TYPES } from './producer';
export { ConsumerGroup } from './consumer-group';
export { ConsumerGroupStream } from './consumer-group-stream';
export { Consumer, ConsumerStream } from './consumer';
export { Offset } from './offset';
export { Admin } from './admin';
export { DefaultPartitioner, CyclicPartitioner, RandomPartitioner, KeyedPartitioner } from './partitioners';
import { CustomPartitioner as CustomPartitionerClass } from './partitioners';
import { KafkaClient as KafkaClientClass } from './client';
import { Producer as ProducerClass, HighLevelProducer as HighLevelProducerClass } from './producer';
import { Consumer as ConsumerClass, ConsumerStream as ConsumerStreamClass } from './consumer';
import { ConsumerGroup as ConsumerGroupClass } from './consumer-group';
import { Offset as OffsetClass } from './offset';
import { refuseInternalMethods } from './internal-methods';

refuseInternalMethods({
  KafkaClient: KafkaClientClass,
  Producer: ProducerClass,
  HighLevelProducer: HighLevelProducerClass,
  Consumer: ConsumerClass,
  ConsumerStream: ConsumerStreamClass,
  ConsumerGroup: ConsumerGroupClass,
  Offset: OffsetClass,
});
import type { CustomPartitioner as CustomPartitionerFunction } from './types';
/**
 * kafka-node's runtime exports a CustomPartitioner class, while its type declarations name the partitioner function
 * type CustomPartitioner: both are kept, the value as the class and the type as the function.
 */
export const CustomPartitioner = CustomPartitionerClass;
export type CustomPartitioner = CustomPartitionerFunction;
export { KafkaNodeInternalMethodError } from './internal-methods';
export {
  ApiNotSupportedError,
  BrokerNotAvailableError,
  TopicsNotExistError,
  FailedToRegisterConsumerError,
  InvalidConsumerOffsetError,
  FailedToRebalanceConsumerError,
  InvalidConfigError,
  SaslAuthenticationError,
  InvalidRequestError,
  TimeoutError,
  GroupCoordinatorNotAvailable,
  GroupLoadInProgress,
  HeartbeatTimeout,
  IllegalGeneration,
  NotCoordinatorForGroup,
  RebalanceInProgress,
  UnknownMemberId,
  ConsumerGroupErrors,
} from './errors';
export {
  setWarningHandler,
  setStrict,
  resetWarnings,
  ADAPTER_WARNINGS,
  STRICT_ENV_VARIABLE,
  type AdapterWarning,
  type WarningHandler,
} from './warnings';
export { CONFIG_FILE_NAME } from './options';
export type * from './types';
