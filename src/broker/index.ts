import { Cluster, DEFAULT_CLUSTER_SETTINGS, type ClusterSettings } from './cluster';
import { BrokerNode } from './node';
import { consoleLogger, type BrokerLogger } from './logger';
import { SUPPORTED_SASL_MECHANISMS } from './sasl';
import { BROKER_PROFILES } from './apis/profiles';

export interface StartBrokerOptions extends Partial<ClusterSettings> {
  /** Port of the first node (0 or absent: a free port each); node i listens on port + i. */
  port?: number;
  /**
   * One port per node, overriding `port` (0 for a free one): how a test restarts a whole cluster on the ports its
   * clients already know, which need not be consecutive.
   */
  ports?: number[];
  /** Number of broker nodes (default 1). Node ids are 1..nodes. */
  nodes?: number;
  /** Alias of `dataDir` in ClusterSettings, kept for the documented signature. */
  dataDir?: string | null;
  host?: string;
  logger?: BrokerLogger;
}

export interface EmbeddedBroker {
  /** "host:port,host:port" of every node, for kafka-node's kafkaHost. */
  readonly bootstrap: string;
  /** One "host:port" per node, for kafkajs's brokers. */
  readonly brokers: string[];
  readonly cluster: Cluster;
  stopNode(id: number): Promise<void>;
  startNode(id: number): Promise<void>;
  stop(): Promise<void>;
}

export class BrokerOptionsError extends Error {
  override readonly name = 'BrokerOptionsError';
}

function validate(options: StartBrokerOptions): void {
  const { port, nodes } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new BrokerOptionsError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (nodes !== undefined && (!Number.isInteger(nodes) || nodes < 1 || nodes > 64)) {
    throw new BrokerOptionsError(`nodes must be an integer from 1 to 64, got ${String(nodes)}`);
  }
  for (const mechanism of options.saslMechanisms ?? []) {
    if (!SUPPORTED_SASL_MECHANISMS.includes(mechanism)) {
      throw new BrokerOptionsError(
        `SASL mechanism ${JSON.stringify(mechanism)} is not supported; use ${SUPPORTED_SASL_MECHANISMS.join(', ')}`,
      );
    }
  }
  if (options.profile !== undefined && !BROKER_PROFILES.includes(options.profile)) {
    throw new BrokerOptionsError(
      `profile ${JSON.stringify(options.profile)} is not known; use ${BROKER_PROFILES.join(' or ')}`,
    );
  }
  if (options.saslMechanisms?.length === 0)
    throw new BrokerOptionsError('saslMechanisms must name at least one mechanism');
  if (options.tls && (!options.tls.key || !options.tls.cert)) {
    throw new BrokerOptionsError('tls needs both key and cert (PEM) for the listeners');
  }
  if (options.ports !== undefined) {
    const { ports } = options;
    if (!Array.isArray(ports) || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
      throw new BrokerOptionsError(`ports must be integers from 0 to 65535, got ${JSON.stringify(ports)}`);
    }
    if (ports.length !== (nodes ?? 1))
      throw new BrokerOptionsError(`ports names ${ports.length} port(s) for ${nodes ?? 1} node(s)`);
  }
  if (port && nodes && port + nodes - 1 > 65535) {
    throw new BrokerOptionsError(`ports ${port}..${port + nodes - 1} go past 65535; choose a lower --port`);
  }
}

/** Starts an in-process Kafka cluster on 127.0.0.1 that kafka-node and kafkajs can both use. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  validate(options);
  const { port = 0, ports, nodes = 1, host = '127.0.0.1', logger = consoleLogger, ...rest } = options;
  const settings: ClusterSettings = { ...DEFAULT_CLUSTER_SETTINGS };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined && key in settings) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  const cluster = new Cluster(settings, logger);
  const brokerNodes: BrokerNode[] = [];
  for (let i = 0; i < nodes; i++) {
    const node = new BrokerNode(i + 1, host, ports ? ports[i]! : port === 0 ? 0 : port + i, cluster);
    cluster.addNode(node);
    brokerNodes.push(node);
  }
  try {
    for (const node of brokerNodes) await node.start();
  } catch (error) {
    for (const node of brokerNodes) await node.stop();
    cluster.close();
    throw error;
  }
  for (const node of brokerNodes) cluster.nodeStarted(node.id);

  const nodeById = (id: number): BrokerNode => {
    const node = cluster.nodes.get(id);
    if (!node) throw new BrokerOptionsError(`no node ${id}; node ids are 1..${nodes}`);
    return node;
  };
  let stopped = false;
  return {
    brokers: brokerNodes.map((n) => n.address),
    get bootstrap() {
      return brokerNodes.map((n) => n.address).join(',');
    },
    cluster,
    async stopNode(id) {
      const node = nodeById(id);
      await node.stop();
      cluster.nodeStopped(id);
    },
    async startNode(id) {
      const node = nodeById(id);
      await node.start();
      cluster.nodeStarted(id);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const node of brokerNodes) await node.stop();
      cluster.close();
    },
  };
}

export { Cluster } from './cluster';
export type { ClusterSettings, BrokerTlsOptions } from './cluster';
export { BROKER_PROFILES, KAFKA_4_API_VERSIONS, type BrokerProfile } from './apis/profiles';
export { consoleLogger, silentLogger, MemoryLogger, type BrokerLogger } from './logger';
