import { ConfigurationError } from './errors';
import { BACKEND_NAMES, type BackendName, type KafkaConfig, type RetryOptions } from './types';

export const BACKEND_ENV_VARIABLE = 'KAFKA_NODE_BACKEND';
export const DEFAULT_BACKEND: BackendName = 'kafka-node';

/** A KafkaConfig with every default filled in, checked before any connection is made. */
export interface ResolvedKafkaConfig extends Omit<KafkaConfig, 'backend' | 'retry'> {
  backend: BackendName;
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  retry: RetryOptions;
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/;

/** Env KAFKA_NODE_BACKEND wins over nothing; an explicit option wins over the env. */
export function resolveBackendName(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): BackendName {
  const chosen = explicit ?? env[BACKEND_ENV_VARIABLE] ?? DEFAULT_BACKEND;
  if (!(BACKEND_NAMES as readonly string[]).includes(chosen)) {
    const source = explicit !== undefined ? 'option "backend"' : `environment variable ${BACKEND_ENV_VARIABLE}`;
    throw new ConfigurationError(`${source} is "${chosen}": use "kafka-node", "kafkajs" or "confluent"`);
  }
  return chosen as BackendName;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigurationError(
      `${name} must be a non-negative integer (milliseconds or a count), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function resolveKafkaConfig(config: KafkaConfig, env: NodeJS.ProcessEnv = process.env): ResolvedKafkaConfig {
  if (config === null || typeof config !== 'object') throw new ConfigurationError('a configuration object is required');
  const { brokers } = config;
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new ConfigurationError('brokers must be a non-empty array of "host:port" strings, e.g. ["127.0.0.1:9092"]');
  }
  for (const broker of brokers) {
    const match = typeof broker === 'string' ? HOST_PORT.exec(broker) : null;
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigurationError(
        `broker address ${JSON.stringify(broker)} is not "host:port" with a port from 1 to 65535`,
      );
    }
  }
  if (config.clientId !== undefined && (typeof config.clientId !== 'string' || config.clientId.length === 0)) {
    throw new ConfigurationError('clientId must be a non-empty string');
  }
  const { ssl } = config;
  if (
    ssl !== undefined &&
    typeof ssl !== 'boolean' &&
    (ssl === null || typeof ssl !== 'object' || Array.isArray(ssl))
  ) {
    throw new ConfigurationError(
      'ssl must be true, false or TLS options ({ ca, cert, key, rejectUnauthorized, servername })',
    );
  }
  if (config.sasl !== undefined) {
    if (config.sasl === null || typeof config.sasl !== 'object') {
      throw new ConfigurationError('sasl must be { mechanism, username, password }');
    }
    const { mechanism, username, password } = config.sasl;
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism)) {
      throw new ConfigurationError(
        `sasl.mechanism must be "plain", "scram-sha-256" or "scram-sha-512", got ${JSON.stringify(mechanism)}`,
      );
    }
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw new ConfigurationError('sasl.username and sasl.password must be strings');
    }
  }
  const retry = config.retry ?? {};
  return {
    ...config,
    backend: resolveBackendName(config.backend, env),
    clientId: config.clientId ?? 'kafka-node-adapter',
    connectTimeoutMs: positiveInteger(config.connectTimeoutMs, 'connectTimeoutMs', 10000),
    requestTimeoutMs: positiveInteger(config.requestTimeoutMs, 'requestTimeoutMs', 30000),
    retry: {
      retries: positiveInteger(retry.retries, 'retry.retries', 5),
      initialRetryTimeMs: positiveInteger(retry.initialRetryTimeMs, 'retry.initialRetryTimeMs', 300),
      maxRetryTimeMs: positiveInteger(retry.maxRetryTimeMs, 'retry.maxRetryTimeMs', 30000),
    },
  };
}
