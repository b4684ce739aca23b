import * as fs from 'fs';
import {
  startBroker,
  silentLogger,
  BrokerOptionsError,
  BROKER_PROFILES,
  type BrokerLogger,
  type BrokerProfile,
  type BrokerTlsOptions,
  type EmbeddedBroker,
} from '../broker';
import { UsageError } from './usage-error';

/** Broker logs go to stderr so stdout carries only the address line (or JSON) that scripts read. */
const stderrLogger: BrokerLogger = {
  info: (message) => process.stderr.write(`[broker] ${message}\n`),
  warn: (message) => process.stderr.write(`[broker] ${message}\n`),
};

export interface BrokerCommandOptions {
  port: string;
  nodes: string;
  dataDir?: string;
  saslUser?: string[];
  saslMechanisms?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsClientAuth?: boolean;
  autoCreateTopics: boolean;
  partitions: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
}

function integerOption(value: string, name: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

function parseSaslUsers(values: string[] | undefined): Record<string, string> | null {
  if (!values || values.length === 0) return null;
  const users: Record<string, string> = {};
  for (const value of values) {
    const separator = value.indexOf(':');
    if (separator <= 0) throw new UsageError('--sasl-user takes name:password (for example --sasl-user alice:secret)');
    users[value.slice(0, separator)] = value.slice(separator + 1);
  }
  return users;
}

function readPem(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

/** TLS listener options from --tls-*; null when none is given. Files are read before anything listens. */
function parseTls(options: BrokerCommandOptions): BrokerTlsOptions | null {
  const { tlsCert, tlsKey, tlsCa, tlsClientAuth } = options;
  if (tlsCert === undefined && tlsKey === undefined) {
    if (tlsCa !== undefined || tlsClientAuth)
      throw new UsageError('--tls-ca and --tls-client-auth need --tls-cert and --tls-key');
    return null;
  }
  if (tlsCert === undefined || tlsKey === undefined) throw new UsageError('TLS needs both --tls-cert and --tls-key');
  if (tlsClientAuth && tlsCa === undefined)
    throw new UsageError('--tls-client-auth needs --tls-ca to check client certificates against');
  const tls: BrokerTlsOptions = {
    cert: readPem(tlsCert, '--tls-cert'),
    key: readPem(tlsKey, '--tls-key'),
    requestCert: tlsClientAuth === true,
  };
  if (tlsCa !== undefined) tls.ca = readPem(tlsCa, '--tls-ca');
  return tls;
}

function parseProfile(value: string | undefined): BrokerProfile {
  const profile = BROKER_PROFILES.find((name) => name === (value ?? 'default'));
  if (!profile) throw new UsageError(`--profile must be ${BROKER_PROFILES.join(' or ')}, got "${value}"`);
  return profile;
}

/**
 * `kafka-node-adapter broker`: starts the embedded broker, prints where it listens, and runs until SIGINT/SIGTERM.
 * Resolves with the exit code once stopped.
 */
export async function runBrokerCommand(
  options: BrokerCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const port = integerOption(options.port, '--port', 0, 65535);
  const nodes = integerOption(options.nodes, '--nodes', 1, 64);
  const defaultPartitions = integerOption(options.partitions, '--partitions', 1, 10000);
  const saslUsers = parseSaslUsers(options.saslUser);
  const saslMechanisms = options.saslMechanisms?.split(',').map((name) => name.trim().toUpperCase());
  if (saslMechanisms && saslUsers === null) throw new UsageError('--sasl-mechanisms needs at least one --sasl-user');
  const tls = parseTls(options);
  const profile = parseProfile(options.profile);
  let broker: EmbeddedBroker;
  try {
    broker = await startBroker({
      port,
      nodes,
      dataDir: options.dataDir ?? null,
      saslUsers,
      saslMechanisms,
      tls,
      autoCreateTopics: options.autoCreateTopics,
      defaultPartitions,
      profile,
      logger: options.quiet ? silentLogger : stderrLogger,
    });
  } catch (error) {
    if (error instanceof BrokerOptionsError) throw new UsageError(error.message);
    const { code, port: busyPort } = error as NodeJS.ErrnoException & { port?: number };
    if (code === 'EADDRINUSE') {
      process.stderr.write(
        `kafka-node-adapter broker: port ${busyPort ?? port} is already in use; pick another --port, or --port 0 for free ports\n`,
      );
      return 1;
    }
    process.stderr.write(`kafka-node-adapter broker: could not start the broker: ${(error as Error).message}\n`);
    return 1;
  }
  if (options.json) {
    out.write(
      `${JSON.stringify({ bootstrap: broker.bootstrap, brokers: broker.brokers, nodes, dataDir: options.dataDir ?? null, sasl: saslUsers !== null, tls: tls !== null, profile })}\n`,
    );
  } else {
    out.write(`${broker.bootstrap}\n`);
    process.stderr.write(
      `embedded Kafka broker: ${nodes} node(s)${options.dataDir ? `, data in ${options.dataDir}` : ', in memory'}${tls ? ', TLS' : ''}${saslUsers ? ', SASL' : ''}${profile === 'default' ? '' : `, ${profile} profile`}; Ctrl-C stops it\n`,
    );
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(received);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  if (!options.quiet) process.stderr.write(`embedded Kafka broker: ${signal} received, stopping\n`);
  await broker.stop();
  return 0;
}
