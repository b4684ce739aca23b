import * as fs from 'fs';
import type { Command } from 'commander';
import type { SaslOptions, TlsOptions } from '../common/types';
import { UsageError } from './usage-error';

/** The TLS and SASL options of the commands that connect to a cluster (compat, probe), as parsed by commander. */
export interface ClientCommandOptions {
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsInsecure?: boolean;
  saslMechanism?: string;
  saslUser?: string;
}

const MECHANISMS: readonly SaslOptions['mechanism'][] = ['plain', 'scram-sha-256', 'scram-sha-512'];

export function addClientOptions(command: Command): Command {
  return command
    .option('--tls', 'connect with TLS (implied by the other --tls-* options)')
    .option('--tls-ca <file>', 'PEM CA to trust for the brokers’ certificates')
    .option('--tls-cert <file>', 'PEM client certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-insecure', 'do not verify the brokers’ certificates')
    .option('--sasl-mechanism <name>', 'SASL mechanism: plain, scram-sha-256 or scram-sha-512 (needs --sasl-user)')
    .option('--sasl-user <name:password>', 'SASL user (mechanism plain unless --sasl-mechanism says otherwise)');
}

function readPem(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`${option} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The client settings the options ask for; bad combinations are usage errors before any connection. */
export function clientSettings(options: ClientCommandOptions): { ssl?: TlsOptions | boolean; sasl?: SaslOptions } {
  const settings: { ssl?: TlsOptions | boolean; sasl?: SaslOptions } = {};
  if (Boolean(options.tlsCert) !== Boolean(options.tlsKey))
    throw new UsageError('--tls-cert and --tls-key go together');
  if (options.tls || options.tlsCa || options.tlsCert || options.tlsInsecure) {
    const tls: TlsOptions = {};
    if (options.tlsCa) tls.ca = readPem(options.tlsCa, '--tls-ca');
    if (options.tlsCert) tls.cert = readPem(options.tlsCert, '--tls-cert');
    if (options.tlsKey) tls.key = readPem(options.tlsKey, '--tls-key');
    if (options.tlsInsecure) tls.rejectUnauthorized = false;
    settings.ssl = Object.keys(tls).length > 0 ? tls : true;
  }
  if (options.saslMechanism && !options.saslUser)
    throw new UsageError('--sasl-mechanism needs --sasl-user name:password');
  if (options.saslUser) {
    const at = options.saslUser.indexOf(':');
    if (at <= 0) throw new UsageError(`--sasl-user ${options.saslUser}: expected name:password`);
    const mechanism = (options.saslMechanism ?? 'plain').toLowerCase();
    if (!(MECHANISMS as readonly string[]).includes(mechanism))
      throw new UsageError(`--sasl-mechanism ${options.saslMechanism}: use ${MECHANISMS.join(', ')}`);
    settings.sasl = {
      mechanism: mechanism as SaslOptions['mechanism'],
      username: options.saslUser.slice(0, at),
      password: options.saslUser.slice(at + 1),
    };
  }
  return settings;
}

/** `--brokers a:1,b:2 --brokers c:3` as one list. */
export function brokerList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}
