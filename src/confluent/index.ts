/**
 * The confluent backend: the common interface (src/common/types.ts) on @confluentinc/kafka-javascript, Confluent's
 * client on librdkafka, through its KafkaJS-style API. It only translates; shared rules (validation, partitioners,
 * errors, the consumer-group core) live in src/common. The library is an optional peer dependency, loaded here only.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
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
import { ConfluentAdmin } from './admin';
import { confluentConfig } from './client';
import { ConfluentConsumerGroup } from './consumer-group';
import { loadConfluent } from './library';
import { ConfluentPartitionFetcher } from './partition-fetcher';
import { ConfluentProducer } from './producer';

/**
 * librdkafka's codecs (it links zlib, snappy, lz4 and zstd). Partitions are chosen by the common partitioners and
 * sent explicitly, so every name maps keys as on the other backends. Custom assignment protocols are not possible
 * (librdkafka assigns in C) and are refused with UnsupportedFeatureError.
 */
export const CONFLUENT_CAPABILITIES: Capabilities = Object.freeze({
  headers: true,
  idempotence: true,
  transactions: true,
  compression: Object.freeze(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const),
  partitioners: Object.freeze(['default', 'random', 'cyclic', 'keyed', 'murmur2'] as const),
});

class ConfluentBackend implements Backend {
  readonly name = 'confluent' as const;
  readonly capabilities = CONFLUENT_CAPABILITIES;
  private readonly kafka: KafkaJS.Kafka;

  constructor(private readonly config: ResolvedKafkaConfig) {
    const { kafkaJS } = loadConfluent();
    this.kafka = new kafkaJS.Kafka(confluentConfig(config));
  }

  producer(options?: ProducerOptions): Producer {
    return new ConfluentProducer(this.kafka, this.config, this.capabilities, options);
  }

  consumerGroup(config: ConsumerGroupConfig): ConsumerGroup {
    return new ConfluentConsumerGroup(this.kafka, this.config, config);
  }

  admin(): Admin {
    return new ConfluentAdmin(this.kafka, this.config);
  }

  /** kafka-node's plain Consumer: librdkafka's assign() reads without a group; commits carry no generation. */
  partitionFetcher(): PartitionFetcher {
    return new ConfluentPartitionFetcher(this.kafka, this.config);
  }
}

export function createConfluentBackend(config: ResolvedKafkaConfig): Backend {
  return new ConfluentBackend(config);
}

export { ConfluentConsumerGroup } from './consumer-group';
export { CONFLUENT_PACKAGE, ConfluentLibraryMissingError } from './library';
