/** The resolved common configuration as a kafkajs client. */
import { Kafka, type KafkaConfig as KafkajsConfig, type LogEntry } from 'kafkajs';
import type { ResolvedKafkaConfig } from '../common/config';
import { useCodecChecksumInKafkajs } from './checksum';
import { kafkajsLogging, type LoggingOptions, type LogLevelName } from './logging';

export interface ClientOptions {
  logging?: LoggingOptions;
  /** Sees every kafkajs log entry of this client (see kafkajsLogging). */
  observeLog?: (entry: LogEntry) => void;
  observeLevel?: LogLevelName;
}

export function kafkajsConfig(config: ResolvedKafkaConfig, options: ClientOptions = {}): KafkajsConfig {
  const { kafkajsLevel, logCreator } = kafkajsLogging(options.logging, options.observeLog, options.observeLevel);
  const kafkajs: KafkajsConfig = {
    brokers: [...config.brokers],
    clientId: config.clientId,
    connectionTimeout: config.connectTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: {
      retries: config.retry.retries,
      initialRetryTime: config.retry.initialRetryTimeMs,
      maxRetryTime: config.retry.maxRetryTimeMs,
    },
    logLevel: kafkajsLevel,
    logCreator,
  };
  if (config.ssl !== undefined && config.ssl !== false) kafkajs.ssl = config.ssl === true ? true : { ...config.ssl };
  if (config.sasl) {
    const { mechanism, username, password } = config.sasl;
    kafkajs.sasl =
      mechanism === 'plain'
        ? { mechanism, username, password }
        : mechanism === 'scram-sha-256'
          ? { mechanism, username, password }
          : { mechanism, username, password };
  }
  return kafkajs;
}

export function createKafkajsClient(config: ResolvedKafkaConfig, options: ClientOptions = {}): Kafka {
  useCodecChecksumInKafkajs();
  return new Kafka(kafkajsConfig(config, options));
}
