/**
 * kafka-node's ConsumerGroup as the common consumer group drives it: its options from the common configs, its
 * messages as ConsumedMessage, how to close it.
 */
import type { ResolvedKafkaConfig } from '../common/config';
import type { ConsumedMessage } from '../common/types';
import type { ResolvedConsumerGroupConfig } from '../common/validation';
import { kafkaNodeProtocols } from './assignment';
import { saslOptionsOf, sslOptionsOf } from './client';
import type { KafkaNodeConsumerGroup, KafkaNodeConsumerGroupOptions, KafkaNodeMessage } from './kafka-node';

/** Metadata stored with our commits. Non-empty: kafka-node reads offset 0 with empty metadata as "nothing committed". */
export const COMMIT_METADATA = 'm';

/** A kafka-node message as the common interface's ConsumedMessage. */
export function consumedFromKafkaNode(message: KafkaNodeMessage): ConsumedMessage {
  const timestamp = message.timestamp instanceof Date ? message.timestamp.getTime() : -1;
  return {
    topic: message.topic,
    partition: Number(message.partition),
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    // Magic-0 messages (Kafka 0.9, Fetch v0/v1) have none: Kafka's NO_TIMESTAMP.
    timestamp: Number.isFinite(timestamp) ? timestamp : -1,
    headers: {},
  };
}

/** Leaves the group (when a member) and closes kafka-node's client; a failing LeaveGroup is only logged by kafka-node. */
export function closeKafkaNodeGroup(group: KafkaNodeConsumerGroup): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      group.close(false, () => resolve());
    } catch {
      resolve();
    }
  });
}

/** kafka-node ConsumerGroup options from the common configs. */
export function kafkaNodeGroupOptions(
  clientConfig: ResolvedKafkaConfig,
  config: ResolvedConsumerGroupConfig,
  onRebalance: KafkaNodeConsumerGroupOptions['onRebalance'],
): KafkaNodeConsumerGroupOptions & { autoConnect: boolean } {
  const options: KafkaNodeConsumerGroupOptions & { autoConnect: boolean } = {
    kafkaHost: clientConfig.brokers.join(','),
    id: clientConfig.clientId,
    groupId: config.groupId,
    connectTimeout: clientConfig.connectTimeoutMs,
    requestTimeout: clientConfig.requestTimeoutMs,
    connectRetryOptions: {
      retries: clientConfig.retry.retries,
      factor: 2,
      minTimeout: clientConfig.retry.initialRetryTimeMs,
      maxTimeout: clientConfig.retry.maxRetryTimeMs,
      randomize: false,
    },
    autoConnect: false,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: config.heartbeatIntervalMs,
    protocol: kafkaNodeProtocols(config.protocols),
    fromOffset: config.fromOffset,
    outOfRangeOffset: config.outOfRangeOffset,
    autoCommit: false,
    commitOffsetsOnFirstJoin: false,
    fetchMaxWaitMs: config.maxWaitTimeMs,
    fetchMaxBytes: config.maxBytesPerPartition,
    encoding: 'buffer',
    keyEncoding: 'buffer',
    connectOnReady: false,
    // kafka-node's recovery schedule for group errors (coordinator moved, rebalance...): at least its own 10 tries.
    retries: Math.max(clientConfig.retry.retries, 10),
    retryMinTimeout: clientConfig.retry.initialRetryTimeMs,
    onRebalance,
  };
  const ssl = sslOptionsOf(clientConfig);
  if (ssl) options.sslOptions = ssl;
  const sasl = saslOptionsOf(clientConfig);
  if (sasl) options.sasl = sasl;
  return options;
}
