/**
 * kafka-node client options -> the common KafkaConfig: defaults as kafka-node 5's KafkaClient, type checks before any
 * I/O (InvalidConfigError), a warning for names kafka-node does not know, and the backend choice.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BACKEND_ENV_VARIABLE, DEFAULT_BACKEND, resolveBackendName } from '../common/config';
import {
  BACKEND_NAMES,
  type BackendName,
  type KafkaConfig,
  type SaslOptions as CommonSasl,
  type TlsOptions,
} from '../common/types';
import { InvalidConfigError } from './errors';
import { CONFIG_FILE_NAME } from '../common/kafka-node-facts';
import type { KafkaClientOptions, RetryOptions, SslOptions } from './types';
import { warnOnce } from './warnings';

/** A JSON file in the working directory: { "backend": "kafkajs", "strict": false }. */
export { CONFIG_FILE_NAME };

export const KAFKA_CLIENT_DEFAULTS = {
  kafkaHost: 'localhost:9092',
  connectTimeout: 10000,
  requestTimeout: 30000,
  autoConnect: true,
  clientId: 'kafka-node-client',
} as const;

export const KNOWN_CLIENT_OPTIONS: ReadonlySet<string> = new Set([
  'kafkaHost',
  'connectTimeout',
  'requestTimeout',
  'autoConnect',
  'connectRetryOptions',
  'retryOptions',
  'sslOptions',
  'ssl',
  'clientId',
  'idleConnection',
  'reconnectOnIdle',
  'maxAsyncRequests',
  'sasl',
  'versions',
  'noAckBatchOptions',
  'backend',
  'strict',
]);

/** kafka-node options the facade accepts but has no use for (connection pooling and tuning of kafka-node itself). */
const IGNORED_CLIENT_OPTIONS = [
  'idleConnection',
  'reconnectOnIdle',
  'maxAsyncRequests',
  'versions',
  'noAckBatchOptions',
];

interface ConfigFile {
  backend?: string;
  strict?: boolean;
}

/** The config file of the working directory, or {} when there is none. */
export function readConfigFile(cwd: string = process.cwd()): ConfigFile {
  const file = path.join(cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfigError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidConfigError(`${file} must hold a JSON object`);
  return parsed as ConfigFile;
}

/** Option `backend`, else env KAFKA_NODE_BACKEND, else kafka-node-adapter.json, else 'kafka-node'. */
export function selectBackend(explicit: unknown, env: NodeJS.ProcessEnv = process.env, cwd?: string): BackendName {
  if (explicit !== undefined) {
    if (typeof explicit !== 'string')
      throw new InvalidConfigError(
        `option "backend" must be "kafka-node", "kafkajs" or "confluent", got ${typeof explicit}`,
      );
    return resolveBackendName(explicit, env);
  }
  if (env[BACKEND_ENV_VARIABLE]) return resolveBackendName(undefined, env);
  const file = readConfigFile(cwd);
  if (file.backend !== undefined) {
    if (!(BACKEND_NAMES as readonly unknown[]).includes(file.backend)) {
      throw new InvalidConfigError(
        `"backend" in ${CONFIG_FILE_NAME} is ${JSON.stringify(file.backend)}: use "kafka-node", "kafkajs" or "confluent"`,
      );
    }
    return file.backend as BackendName;
  }
  return DEFAULT_BACKEND;
}

/** Strict mode from the option, else the config file (the env is read by warnings.ts). */
export function selectStrict(explicit: unknown, cwd?: string): boolean | undefined {
  if (explicit !== undefined) {
    if (typeof explicit !== 'boolean')
      throw new InvalidConfigError(`option "strict" must be true or false, got ${typeof explicit}`);
    return explicit;
  }
  const file = readConfigFile(cwd);
  return typeof file.strict === 'boolean' ? file.strict : undefined;
}

export function expectType(
  options: Record<string, unknown>,
  name: string,
  type: 'number' | 'string' | 'boolean' | 'object',
): void {
  const value = options[name];
  if (value === undefined) return;
  const ok =
    type === 'number'
      ? typeof value === 'number' && Number.isFinite(value) && value >= 0
      : type === 'object'
        ? value !== null && typeof value === 'object'
        : typeof value === type;
  if (!ok)
    throw new InvalidConfigError(
      `option "${name}" must be ${type === 'number' ? 'a non-negative number' : `a ${type}`}, got ${JSON.stringify(value) ?? typeof value}`,
    );
}

/** "host:port,host:port" -> ["host:port", ...] (IPv6 in brackets), checked like kafka-node's parser would use it. */
/**
 * kafka-node's check of a group or client id (lib/utils.js validateConfig): ASCII alphanumerics, '.', '_' and '-'
 * only, else InvalidConfigError with kafka-node's message, thrown at construction as kafka-node does.
 */
export function checkKafkaNodeId(property: string, value: unknown): void {
  if (!/^[a-zA-Z0-9._-]*$/.test(String(value)))
    throw new InvalidConfigError(
      `${property} ${String(value)} is illegal, contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
}

/** kafka-node's check of topic names it creates (lib/utils.js validateTopicNames), with its InvalidConfigError messages. */
export function checkKafkaNodeTopicNames(topics: readonly string[]): void {
  for (const topic of topics) {
    if (topic.length <= 0) throw new InvalidConfigError('topic name is illegal, cannot be empty');
    if (topic === '.' || topic === '..') throw new InvalidConfigError('topic name cannot be . or ..');
    if (topic.length > 249) throw new InvalidConfigError('topic name is illegal, cannot be longer than 249 characters');
    if (!/^[a-zA-Z0-9._-]*$/.test(topic))
      throw new InvalidConfigError(
        `topic name ${topic} is illegal, contains a character other than ASCII alphanumerics .,_ and -`,
      );
  }
}

export function parseKafkaHost(kafkaHost: string): string[] {
  const hosts = kafkaHost
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host.length > 0);
  if (hosts.length === 0) throw new InvalidConfigError('option "kafkaHost" must list at least one "host:port"');
  for (const host of hosts) {
    const port = Number(host.substring(host.lastIndexOf(':') + 1));
    if (host.lastIndexOf(':') <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new InvalidConfigError(
        `option "kafkaHost": ${JSON.stringify(host)} is not "host:port" (e.g. "127.0.0.1:9092")`,
      );
    }
  }
  return hosts;
}

function toTls(
  ssl: boolean | SslOptions | undefined,
  sslOptions: SslOptions | undefined,
): TlsOptions | boolean | undefined {
  const source = sslOptions ?? (typeof ssl === 'object' ? ssl : undefined);
  if (source) {
    const tls: TlsOptions = {};
    if (source.ca !== undefined) tls.ca = source.ca as TlsOptions['ca'];
    if (source.cert !== undefined) tls.cert = source.cert as TlsOptions['cert'];
    if (source.key !== undefined) tls.key = source.key as TlsOptions['key'];
    if (source.rejectUnauthorized !== undefined) tls.rejectUnauthorized = source.rejectUnauthorized;
    if (source.servername !== undefined) tls.servername = source.servername;
    return tls;
  }
  return ssl === true ? true : undefined;
}

function toSasl(sasl: KafkaClientOptions['sasl']): CommonSasl | undefined {
  if (sasl === undefined) return undefined;
  const mechanism = String(sasl.mechanism).toLowerCase();
  if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
    throw new InvalidConfigError(
      `sasl.mechanism ${JSON.stringify(sasl.mechanism)} is not supported: use "plain", "scram-sha-256" or "scram-sha-512"`,
    );
  }
  if (typeof sasl.username !== 'string' || typeof sasl.password !== 'string')
    throw new InvalidConfigError('sasl.username and sasl.password must be strings');
  return { mechanism, username: sasl.username, password: sasl.password };
}

function toRetry(retry: RetryOptions | undefined): KafkaConfig['retry'] {
  if (retry === undefined) return undefined;
  const mapped: NonNullable<KafkaConfig['retry']> = {};
  if (retry.retries !== undefined) mapped.retries = retry.retries;
  if (retry.minTimeout !== undefined) mapped.initialRetryTimeMs = retry.minTimeout;
  if (retry.maxTimeout !== undefined) mapped.maxRetryTimeMs = retry.maxTimeout;
  return mapped;
}

export interface ParsedClientOptions {
  backend: BackendName;
  strict: boolean | undefined;
  clientId: string;
  kafkaHost: string;
  autoConnect: boolean;
  connectTimeout: number;
  requestTimeout: number;
  /** Everything but the brokers, which a ZooKeeper client learns later. */
  config: Omit<KafkaConfig, 'brokers'>;
}

/** Checks and maps kafka-node KafkaClient options; `owner` names the class in warnings. */
export function parseClientOptions(
  options: KafkaClientOptions | undefined,
  owner = 'KafkaClient',
  extraKnown: ReadonlySet<string> = new Set(),
): ParsedClientOptions {
  if (options !== undefined && (options === null || typeof options !== 'object'))
    throw new InvalidConfigError(`${owner} options must be an object`);
  const raw = (options ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(raw)) {
    if (!KNOWN_CLIENT_OPTIONS.has(name) && !extraKnown.has(name)) {
      warnOnce(`option.${owner}.${name}`, `${owner}: option "${name}" is not a kafka-node option and is ignored`);
    }
  }
  for (const name of IGNORED_CLIENT_OPTIONS) {
    if (raw[name] !== undefined && raw[name] !== null)
      warnOnce(
        `option.${owner}.${name}.ignored`,
        `${owner}: option "${name}" tunes kafka-node's own connections and has no effect here`,
      );
  }
  for (const name of ['connectTimeout', 'requestTimeout', 'idleConnection', 'maxAsyncRequests'])
    expectType(raw, name, 'number');
  for (const name of ['kafkaHost', 'clientId']) expectType(raw, name, 'string');
  for (const name of ['autoConnect', 'reconnectOnIdle']) expectType(raw, name, 'boolean');
  for (const name of ['connectRetryOptions', 'retryOptions', 'sslOptions', 'sasl', 'versions'])
    expectType(raw, name, 'object');
  if (raw.ssl !== undefined && typeof raw.ssl !== 'boolean' && (raw.ssl === null || typeof raw.ssl !== 'object')) {
    throw new InvalidConfigError(`option "ssl" must be true, false or TLS options, got ${JSON.stringify(raw.ssl)}`);
  }
  const opts = (options ?? {}) as KafkaClientOptions;
  if (opts.clientId !== undefined) checkKafkaNodeId('clientId', opts.clientId);
  const kafkaHost = opts.kafkaHost ?? KAFKA_CLIENT_DEFAULTS.kafkaHost;
  parseKafkaHost(kafkaHost);
  const connectTimeout = opts.connectTimeout ?? KAFKA_CLIENT_DEFAULTS.connectTimeout;
  const requestTimeout = opts.requestTimeout ?? KAFKA_CLIENT_DEFAULTS.requestTimeout;
  const clientId = opts.clientId ?? KAFKA_CLIENT_DEFAULTS.clientId;
  const config: Omit<KafkaConfig, 'brokers'> = {
    clientId,
    connectTimeoutMs: Math.round(connectTimeout),
    requestTimeoutMs: Math.round(requestTimeout),
  };
  const ssl = toTls(opts.ssl, opts.sslOptions);
  if (ssl !== undefined) config.ssl = ssl;
  const sasl = toSasl(opts.sasl);
  if (sasl) config.sasl = sasl;
  const retry = toRetry(opts.connectRetryOptions ?? opts.retryOptions);
  if (retry) config.retry = retry;
  return {
    backend: selectBackend(raw.backend),
    strict: selectStrict(raw.strict),
    clientId,
    kafkaHost,
    autoConnect: opts.autoConnect ?? KAFKA_CLIENT_DEFAULTS.autoConnect,
    connectTimeout,
    requestTimeout,
    config,
  };
}
