/**
 * The modern backend: the common interface (src/common/types.ts) on kafkajs 2.2.4. It only translates; shared rules
 * (validation, partitioners, errors) live in src/common, codecs in src/protocol.
 */
import type { Kafka } from 'kafkajs';
import type { ResolvedKafkaConfig } from '../common/config';
import type {
  Admin,
  Backend,
  Capabilities,
  ConsumerGroup,
  ConsumerGroupConfig,
  PartitionFetcher,
  Producer,
  ProducerOptions,
} from '../common/types';
import { ModernAdmin } from './admin';
import { createKafkajsClient } from './client';
import { MODERN_COMPRESSION, registerCompressionCodecs } from './compression';
import { ModernConsumerGroup } from './consumer-group';
import { ModernPartitionFetcher } from './partition-fetcher';
import type { LoggingOptions } from './logging';
import { ModernProducer } from './producer';

export const MODERN_CAPABILITIES: Capabilities = Object.freeze({
  headers: true,
  idempotence: true,
  transactions: true,
  compression: MODERN_COMPRESSION,
  partitioners: Object.freeze(['default', 'random', 'cyclic', 'keyed', 'murmur2'] as const),
});

export interface ModernBackendOptions {
  /** Where kafkajs's log lines go (default: nowhere). Secrets are redacted before the sink sees them. */
  logging?: LoggingOptions;
}

class ModernBackend implements Backend {
  readonly name = 'kafkajs' as const;
  readonly capabilities = MODERN_CAPABILITIES;
  private readonly kafka: Kafka;

  constructor(
    private readonly config: ResolvedKafkaConfig,
    private readonly options: ModernBackendOptions,
  ) {
    this.kafka = createKafkajsClient(config, { logging: options.logging });
    registerCompressionCodecs();
  }

  producer(options?: ProducerOptions): Producer {
    return new ModernProducer(this.kafka, this.config, this.capabilities, options);
  }

  consumerGroup(config: ConsumerGroupConfig): ConsumerGroup {
    // Each group gets its own kafkajs client: it reads its generation id from that client's log entries.
    return new ModernConsumerGroup(this.config, config, this.options.logging);
  }

  admin(): Admin {
    return new ModernAdmin(this.kafka, this.config);
  }

  partitionFetcher(): PartitionFetcher {
    return new ModernPartitionFetcher(this.kafka);
  }
}

export function createModernBackend(config: ResolvedKafkaConfig, options: ModernBackendOptions = {}): Backend {
  return new ModernBackend(config, options);
}

export { ModernConsumerGroup } from './consumer-group';
export type { BufferStats } from '../common/consumer-group';
export type { LogRecord, LogSink, LoggingOptions } from './logging';
