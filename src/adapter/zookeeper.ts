/**
 * kafka-node 3.x's ZooKeeper `Client(connectionString, clientId, zkOptions, noAckBatchOptions, sslOptions)`: brokers
 * are read from ZooKeeper's /brokers/ids/<id> registrations (host/port, or `endpoints` when listeners are set), then
 * the client behaves as a KafkaClient on them. Clusters without ZooKeeper (KRaft) can pass `kafkaHost` in the options
 * (6th argument): it is used, with a one-time deprecation warning, when ZooKeeper cannot be reached.
 */
import { InvalidConfigError, BrokerNotAvailableError } from './errors';
import { KafkaClient } from './client';
import { parseKafkaHost } from './options';
import type { AckBatchOptions, KafkaClientOptions, SslOptions, ZKOptions } from './types';
import { warnOnce } from './warnings';

interface ZooKeeperClient {
  once(event: 'connected' | 'disconnected' | 'expired', listener: () => void): void;
  connect(): void;
  close(): void;
  getChildren(path: string, callback: (error: Error | null, children: string[]) => void): void;
  getData(path: string, callback: (error: Error | null, data: Buffer | undefined) => void): void;
}

interface ZooKeeperModule {
  createClient(
    connectionString: string,
    options?: { sessionTimeout?: number; spinDelay?: number; retries?: number },
  ): ZooKeeperClient;
}

/** A broker registration as Kafka writes it under /brokers/ids. */
export interface BrokerRegistration {
  host?: string | null;
  port?: number | string | null;
  endpoints?: string[];
}

/** "host:port" of a registration: host/port when set, else the endpoint whose security protocol fits `tls`. */
export function brokerAddress(registration: BrokerRegistration, tls: boolean): string | null {
  const endpoints = (registration.endpoints ?? [])
    .map((endpoint) => /^([A-Z_]+):\/\/\[?([^\]]*?)\]?:(\d+)$/i.exec(endpoint))
    .filter((m): m is RegExpExecArray => m !== null);
  const preferred =
    endpoints.find(([, protocol]) => (tls ? /SSL$/i.test(protocol!) : /PLAINTEXT$/i.test(protocol!))) ?? endpoints[0];
  if (tls && preferred) return `${preferred[2]}:${preferred[3]}`;
  const port = Number(registration.port);
  if (registration.host && Number.isInteger(port) && port > 0) return `${registration.host}:${port}`;
  return preferred ? `${preferred[2]}:${preferred[3]}` : null;
}

/** Every registered broker's address, from ZooKeeper at `connectionString` (chroot allowed: "zk:2181/kafka"). */
export function discoverBrokers(
  connectionString: string,
  options: ZKOptions & { timeoutMs: number; tls: boolean },
): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zookeeper = require('node-zookeeper-client') as ZooKeeperModule;
  const zk = zookeeper.createClient(connectionString, {
    sessionTimeout: options.sessionTimeout,
    spinDelay: options.spinDelay,
    retries: options.retries,
  });
  return new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      zk.close();
      reject(
        new BrokerNotAvailableError(`ZooKeeper at ${connectionString} did not answer within ${options.timeoutMs} ms`),
      );
    }, options.timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      zk.close();
      reject(error);
    };
    zk.once('connected', () => {
      zk.getChildren('/brokers/ids', (error, ids) => {
        if (error)
          return fail(new BrokerNotAvailableError(`reading /brokers/ids from ZooKeeper failed: ${error.message}`));
        Promise.all(
          ids.map(
            (id) =>
              new Promise<string | null>((done, failed) =>
                zk.getData(`/brokers/ids/${id}`, (dataError, data) => {
                  if (dataError) return failed(dataError);
                  try {
                    done(brokerAddress(JSON.parse(String(data)) as BrokerRegistration, options.tls));
                  } catch (parseError) {
                    failed(parseError as Error);
                  }
                }),
              ),
          ),
        ).then(
          (addresses) => {
            clearTimeout(timer);
            zk.close();
            const brokers = addresses.filter((a): a is string => a !== null);
            if (brokers.length === 0)
              reject(new BrokerNotAvailableError(`no brokers registered in ZooKeeper at ${connectionString}`));
            else resolve(brokers.sort());
          },
          (readError: Error) =>
            fail(
              new BrokerNotAvailableError(`reading a broker registration from ZooKeeper failed: ${readError.message}`),
            ),
        );
      });
    });
    zk.connect();
  });
}

const ZK_OPTION_NAMES = new Set(['connectionString', 'zkOptions']);

export class Client extends KafkaClient {
  readonly connectionString: string;
  readonly zkOptions: ZKOptions;
  readonly noAckBatchOptions: AckBatchOptions | undefined;
  /** kafkaHost as the caller gave it (KafkaClient fills in a default). */
  private readonly fallbackKafkaHost: string | undefined;

  constructor(
    connectionString = 'localhost:2181/',
    clientId?: string,
    zkOptions?: ZKOptions,
    noAckBatchOptions?: AckBatchOptions,
    sslOptions?: SslOptions,
    options: KafkaClientOptions = {},
  ) {
    if (typeof connectionString !== 'string' || connectionString.length === 0)
      throw new InvalidConfigError('Client: connectionString must be "host:port[,host:port][/chroot]"');
    super({
      ...options,
      ...(clientId !== undefined ? { clientId } : {}),
      ...(sslOptions !== undefined ? { sslOptions } : {}),
    });
    this.connectionString = connectionString;
    this.zkOptions = zkOptions ?? {};
    this.noAckBatchOptions = noAckBatchOptions;
    this.fallbackKafkaHost = options.kafkaHost;
  }

  protected override extraOptionNames(): ReadonlySet<string> {
    return ZK_OPTION_NAMES;
  }

  protected override async discoverBrokers(): Promise<string[]> {
    const fallback = this.fallbackKafkaHost;
    try {
      return await discoverBrokers(this.connectionString, {
        ...this.zkOptions,
        timeoutMs: this.options.connectTimeout ?? 10000,
        tls: this.options.sslOptions !== undefined,
      });
    } catch (error) {
      if (!fallback) throw error;
      warnOnce(
        'zookeeper.kafka-host-fallback',
        `ZooKeeper at ${this.connectionString} is not reachable (${(error as Error).message}); using kafkaHost ${fallback}. The ZooKeeper Client is deprecated: use KafkaClient({ kafkaHost }).`,
      );
      return parseKafkaHost(fallback);
    }
  }
}
