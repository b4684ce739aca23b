/**
 * The resolved common configuration as @confluentinc/kafka-javascript's constructor config: the KafkaJS-style block
 * for what it maps (brokers, client id, timeouts, retries, SASL) and librdkafka properties for TLS material, which its
 * KafkaJS block only takes as true/false.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ResolvedKafkaConfig } from '../common/config';
import { UnsupportedFeatureError } from '../common/errors';
import type { TlsOptions } from '../common/types';
import { loadConfluent } from './library';

export type ConfluentConfig = KafkaJS.CommonConstructorConfig;

function pem(value: string | Buffer | Array<string | Buffer>): string {
  return (Array.isArray(value) ? value : [value]).map((part) => part.toString()).join('\n');
}

function tlsProperties(ssl: TlsOptions): Record<string, string | boolean> {
  if (ssl.servername !== undefined) {
    throw new UnsupportedFeatureError(
      'ssl.servername',
      'confluent',
      'librdkafka sends the broker host name as SNI and has no override',
    );
  }
  const properties: Record<string, string | boolean> = {};
  if (ssl.ca !== undefined) properties['ssl.ca.pem'] = pem(ssl.ca);
  if (ssl.cert !== undefined) properties['ssl.certificate.pem'] = pem(ssl.cert);
  if (ssl.key !== undefined) properties['ssl.key.pem'] = pem(ssl.key);
  if (ssl.rejectUnauthorized === false) {
    properties['enable.ssl.certificate.verification'] = false;
    properties['ssl.endpoint.identification.algorithm'] = 'none';
  }
  return properties;
}

export function confluentConfig(config: ResolvedKafkaConfig): ConfluentConfig {
  const { kafkaJS } = loadConfluent();
  const block: KafkaJS.KafkaConfig = {
    brokers: [...config.brokers],
    clientId: config.clientId,
    connectionTimeout: config.connectTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: {
      retries: config.retry.retries,
      initialRetryTime: config.retry.initialRetryTimeMs,
      maxRetryTime: config.retry.maxRetryTimeMs,
    },
    // Silent, as the other backends are by default: failures reach the caller as errors, not as log lines.
    logLevel: kafkaJS.logLevel.NOTHING,
  };
  if (config.ssl !== undefined && config.ssl !== false) block.ssl = true;
  if (config.sasl)
    block.sasl = { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password };
  const tls = typeof config.ssl === 'object' ? tlsProperties(config.ssl) : {};
  return { ...tls, kafkaJS: block } as ConfluentConfig;
}
