/**
 * The legacy backend: the common interface (src/common/types.ts) on kafka-node 5.0.0. It only translates; shared rules
 * (validation, partitioners, errors) live in src/common, codecs in src/protocol.
 */
import type { ResolvedKafkaConfig } from '../common/config';
import { UnsupportedFeatureError } from '../common/errors';
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
import { LegacyAdmin } from './admin';
import { LegacyConsumerGroup } from './consumer-group';
import { LegacyPartitionFetcher } from './partition-fetcher';
import { LegacyProducer } from './producer';

export const LEGACY_CAPABILITIES: Capabilities = Object.freeze({
  headers: false,
  idempotence: false,
  transactions: false,
  compression: Object.freeze(['none', 'gzip', 'snappy'] as const),
  partitioners: Object.freeze(['default', 'random', 'cyclic', 'keyed', 'murmur2'] as const),
});

class LegacyBackend implements Backend {
  readonly name = 'kafka-node' as const;
  readonly capabilities = LEGACY_CAPABILITIES;

  constructor(private readonly config: ResolvedKafkaConfig) {
    // kafka-node 5 speaks SASL/PLAIN only.
    if (config.sasl && config.sasl.mechanism !== 'plain') {
      throw new UnsupportedFeatureError(
        `SASL mechanism "${config.sasl.mechanism}"`,
        'kafka-node',
        'kafka-node 5 supports SASL/PLAIN only',
      );
    }
  }

  producer(options?: ProducerOptions): Producer {
    return new LegacyProducer(this.config, this.capabilities, options);
  }

  consumerGroup(config: ConsumerGroupConfig): ConsumerGroup {
    return new LegacyConsumerGroup(this.config, config);
  }

  admin(): Admin {
    return new LegacyAdmin(this.config);
  }

  partitionFetcher(): PartitionFetcher {
    return new LegacyPartitionFetcher(this.config);
  }
}

export function createLegacyBackend(config: ResolvedKafkaConfig): Backend {
  return new LegacyBackend(config);
}

export { LegacyConsumerGroup, DEFAULT_MAX_BUFFERED_MESSAGES } from './consumer-group';
export type { BufferStats } from '../common/consumer-group';
export { toKafkaError as toKafkaErrorFromKafkaNode } from './errors';
