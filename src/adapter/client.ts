/**
 * kafka-node's KafkaClient on the common interface: connecting means creating the backend (createKafka) and a common
 * Admin, then loading cluster metadata, which the facade caches as kafka-node does (topicMetadata, brokerMetadata)
 * for partitioners and topicExists. Producers, consumer groups and Offset/Admin reach the backend through
 * `clientCore`, which is internal to the facade.
 */
import { EventEmitter } from 'events';
import { KafkaError } from '../common/errors';
import type { Admin, Backend, BackendName, ClusterMetadata, KafkaConfig } from '../common/types';
import { createKafka } from '../kafka';
import { BrokerNotAvailableError, InvalidConfigError, TopicsNotExistError } from './errors';
import { checkKafkaNodeTopicNames, parseClientOptions, parseKafkaHost, type ParsedClientOptions } from './options';
import type {
  BrokerMetadataResponse,
  ClusterMetadataResponse,
  CreateTopicRequest,
  CreateTopicResponse,
  ErrorCallback,
  KafkaClientOptions,
  MetadataResponse,
  NodeCallback,
  OffsetCommitRequest,
  PartitionMetadataResponse,
} from './types';
import { getLogger } from './logging';
import { reportGap } from './warnings';

/** Asked for when the module loads, as kafka-node does: a provider set afterwards does not reach it. */
const logger = getLogger('kafka-node:KafkaClient');

export interface ClientCore {
  readonly parsed: ParsedClientOptions;
  /** The backend once the client is ready. */
  backend(): Promise<Backend>;
  /**
   * The backend for producers: kafka-node's Producer never retries a failed send (the callback gets the error), so
   * this one is configured without retries.
   */
  producerBackend(): Promise<Backend>;
  admin(): Promise<Admin>;
  /** Partition ids of a topic from the cached metadata, ascending; empty when unknown (as kafka-node's cache). */
  cachedPartitions(topic: string): number[];
  /** Loads metadata for all topics into the cache; named topics are asked for as kafka-node does (auto-creating). */
  refresh(autoCreateTopics?: string[]): Promise<ClusterMetadata>;
  gap(name: string, message: string): void;
}

const cores = new WeakMap<KafkaClient, ClientCore>();

export function clientCore(client: KafkaClient): ClientCore {
  const core = cores.get(client);
  if (!core)
    throw new TypeError(
      'expected a KafkaClient of kafka-node-adapter (the facade cannot use a real kafka-node client)',
    );
  return core;
}

/**
 * Runs `action` (a callback, an emit) from a promise handler the way kafka-node runs it from a socket handler: what it
 * throws (an 'error' emitted with no listener, an exception in the caller's callback) is an uncaught exception, not an
 * unhandled promise rejection.
 */
export function outsidePromise(action: () => void): void {
  try {
    action();
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}

function callbackOf<T>(cb: NodeCallback<T> | undefined, promise: Promise<T>): void {
  promise.then(
    (value) => outsidePromise(() => cb?.(null, value)),
    (error: unknown) => outsidePromise(() => cb?.(error instanceof Error ? error : new KafkaError(String(error)))),
  );
}

export { callbackOf };

/**
 * kafka-node answers these methods only through their callback and throws from its socket handler when there is none:
 * refuse the call before any I/O instead (never an unhandled rejection, never work whose outcome nobody sees).
 */
export function requireCallback(cb: unknown, method: string): void {
  if (typeof cb !== 'function')
    throw new InvalidConfigError(`${method} needs a callback (error, result) => { ... } as its last argument`);
}

export class KafkaClient extends EventEmitter {
  readonly options: KafkaClientOptions;
  readonly clientId: string;
  /** 'kafka-node', 'kafkajs' or 'confluent': the engine underneath (not a kafka-node property). */
  readonly backendName: BackendName;
  ready = false;
  closing = false;
  connecting = false;
  topicMetadata: ClusterMetadataResponse['metadata'] = {};
  brokerMetadata: BrokerMetadataResponse = {};
  clusterMetadata: { controllerId?: number } = {};

  private kafka: Backend | null = null;
  private producerKafka: Backend | null = null;
  private commonAdmin: Admin | null = null;
  private readyPromise: Promise<void> | null = null;

  constructor(options?: KafkaClientOptions) {
    super();
    const parsed = parseClientOptions(
      options,
      this.constructor.name === 'Client' ? 'Client' : 'KafkaClient',
      this.extraOptionNames(),
    );
    this.options = {
      ...options,
      kafkaHost: parsed.kafkaHost,
      clientId: parsed.clientId,
      connectTimeout: parsed.connectTimeout,
      requestTimeout: parsed.requestTimeout,
      autoConnect: parsed.autoConnect,
    };
    this.clientId = parsed.clientId;
    this.backendName = parsed.backend;
    const refreshes = new Map<string, Promise<ClusterMetadata>>();
    cores.set(this, {
      parsed,
      backend: async () => {
        await this.whenReady();
        return this.kafka!;
      },
      producerBackend: async () => {
        await this.whenReady();
        return this.producerKafka!;
      },
      admin: async () => {
        await this.whenReady();
        return this.commonAdmin!;
      },
      cachedPartitions: (topic) =>
        Object.values(this.topicMetadata[topic] ?? {})
          .map((p) => p.partition)
          .sort((a, b) => a - b),
      refresh: (autoCreateTopics) => {
        // Sends paced faster than a metadata round trip (a new topic, every send waiting for its leader) share the
        // refresh in flight instead of each queueing one more request behind it.
        const key = autoCreateTopics?.length ? [...autoCreateTopics].sort().join('\u0000') : '';
        const inFlight = refreshes.get(key);
        if (inFlight) return inFlight;
        const refresh = (async () => {
          if (autoCreateTopics?.length)
            await this.commonAdmin?.fetchMetadata(autoCreateTopics, { allowAutoTopicCreation: true });
          return this.loadMetadata();
        })().finally(() => refreshes.delete(key));
        refreshes.set(key, refresh);
        return refresh;
      },
      gap: (name, message) => reportGap(name, this.backendName, message, parsed.strict),
    });
    if (parsed.autoConnect) this.connect();
  }

  /** Option names a subclass accepts on top of KafkaClient's. */
  protected extraOptionNames(): ReadonlySet<string> {
    return new Set();
  }

  /** The brokers to bootstrap from; the ZooKeeper Client discovers them instead. */
  protected discoverBrokers(): Promise<string[]> {
    return Promise.resolve(parseKafkaHost(clientCore(this).parsed.kafkaHost));
  }

  connect(): void {
    if (this.ready || this.readyPromise) return;
    this.readyPromise = this.open();
    this.readyPromise.catch((error: unknown) => {
      this.readyPromise = null;
      if (!this.closing) outsidePromise(() => this.emit('error', error));
    });
  }

  /** Resolves once ready (connecting if needed), rejects if connecting failed. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.closing) return Promise.reject(new BrokerNotAvailableError('the client is closed'));
    this.connect();
    return this.readyPromise!;
  }

  private async open(): Promise<void> {
    this.connecting = true;
    // Lets a subclass constructor finish before discovery starts.
    await Promise.resolve();
    try {
      const { parsed } = clientCore(this);
      const brokers = await this.discoverBrokers();
      const config: KafkaConfig = { ...parsed.config, backend: parsed.backend, brokers };
      const kafka = createKafka(config);
      const admin = kafka.admin();
      await admin.connect();
      if (this.closing) {
        await admin.disconnect().catch(() => undefined);
        throw new BrokerNotAvailableError('the client was closed while connecting');
      }
      this.kafka = kafka;
      this.producerKafka = createKafka({ ...config, retry: { ...config.retry, retries: 0 } });
      this.commonAdmin = admin;
      logger.debug(`connected to ${brokers.join(',')} on backend ${parsed.backend}`);
      this.emit('connect');
      await this.loadMetadata();
      this.ready = true;
      this.emit('ready');
    } finally {
      this.connecting = false;
    }
  }

  private async loadMetadata(topics?: string[]): Promise<ClusterMetadata> {
    if (!this.commonAdmin) throw new BrokerNotAvailableError('Broker not available');
    const metadata = await this.commonAdmin.fetchMetadata(topics);
    this.updateMetadatas(metadata, topics === undefined);
    return metadata;
  }

  private updateMetadatas(metadata: ClusterMetadata, replace: boolean): void {
    const brokers: BrokerMetadataResponse = {};
    for (const broker of metadata.brokers)
      brokers[broker.nodeId] = { nodeId: broker.nodeId, host: broker.host, port: broker.port };
    this.brokerMetadata = brokers;
    if (metadata.controllerId !== null) this.clusterMetadata = { controllerId: metadata.controllerId };
    const topics: ClusterMetadataResponse['metadata'] = replace ? {} : { ...this.topicMetadata };
    for (const { topic, partitions } of metadata.topics) topics[topic] = partitionMap(topic, partitions);
    this.topicMetadata = topics;
  }

  close(cb?: ErrorCallback): void {
    logger.debug('close client');
    this.closing = true;
    this.ready = false;
    const admin = this.commonAdmin;
    this.commonAdmin = null;
    const closed = (admin ? admin.disconnect().catch(() => undefined) : Promise.resolve()).then(() => {
      this.emit('close', this);
    });
    closed.then(
      () => outsidePromise(() => cb?.(null)),
      () => outsidePromise(() => cb?.(null)),
    );
  }

  topicExists(topics: string[], cb: ErrorCallback): void {
    requireCallback(cb, 'KafkaClient.topicExists');
    this.whenReady()
      .then(() => this.loadMetadata())
      .then(
        () => {
          const missing = topics.filter((topic) => !(topic in this.topicMetadata));
          outsidePromise(() => cb(missing.length === 0 ? null : new TopicsNotExistError(missing)));
        },
        (error: Error) => outsidePromise(() => cb(error)),
      );
  }

  refreshMetadata(topics: string[], cb?: ErrorCallback): void {
    if (!topics.length) {
      cb?.();
      return;
    }
    this.whenReady()
      .then(() => this.loadMetadata(topics))
      .then(
        () => outsidePromise(() => cb?.(null)),
        (error: Error) => outsidePromise(() => cb?.(error)),
      );
  }

  /** The metadata of `topics` (all topics for []), as kafka-node's [brokers, { metadata, clusterMetadata }]. */
  loadMetadataForTopics(topics: string[], cb: NodeCallback<MetadataResponse>): void {
    requireCallback(cb, 'KafkaClient.loadMetadataForTopics');
    this.whenReady()
      .then(() => this.loadMetadata(topics.length === 0 ? undefined : topics))
      .then(
        (metadata) => {
          const metadataByTopic: ClusterMetadataResponse['metadata'] = {};
          for (const { topic, partitions } of metadata.topics) metadataByTopic[topic] = partitionMap(topic, partitions);
          const result = [
            { ...this.brokerMetadata },
            { clusterMetadata: { controllerId: metadata.controllerId ?? -1 }, metadata: metadataByTopic },
          ] as MetadataResponse;
          outsidePromise(() => cb(null, result));
        },
        (error: Error) => outsidePromise(() => cb(error)),
      );
  }

  /**
   * kafka-node's group-member commit. The common interface commits for members only from inside a consumer group, so
   * this commits as a standalone tool (generation -1), which Kafka accepts only while the group has no active members.
   */
  sendOffsetCommitV2Request(
    group: string,
    generationId: number,
    memberId: string,
    commits: OffsetCommitRequest[],
    cb: NodeCallback<Record<string, { partition: number; errorCode: number }>>,
  ): void {
    requireCallback(cb, 'KafkaClient.sendOffsetCommitV2Request');
    const core = clientCore(this);
    callbackOf(
      cb,
      (async () => {
        core.gap(
          'client.sendOffsetCommitV2Request',
          `commits for group "${group}" ignore generation ${generationId} and member "${memberId}" (standalone commit)`,
        );
        const admin = await core.admin();
        const offsets = commits.map((c) => ({ topic: c.topic, partition: c.partition ?? 0, offset: c.offset }));
        await admin.commitOffsets(group, offsets);
        const result: Record<string, { partition: number; errorCode: number }> = {};
        for (const o of offsets) result[o.topic] = { partition: o.partition, errorCode: 0 };
        return result;
      })(),
    );
  }

  /**
   * kafka-node's two forms: topic names (created by the broker's auto-creation, answering the names) or
   * CreateTopicRequests (CreateTopics API, answering only the failures as { topic, error }).
   */
  createTopics(topics: Array<string | CreateTopicRequest>, cb: NodeCallback<CreateTopicResponse[] | string[]>): void {
    requireCallback(cb, 'KafkaClient.createTopics');
    const names = topics.every((t) => typeof t === 'string');
    const work = (async (): Promise<CreateTopicResponse[] | string[]> => {
      if (names) checkKafkaNodeTopicNames(topics as string[]);
      const admin = await clientCore(this).admin();
      if (names) {
        const wanted = topics as string[];
        const existing = new Set((await admin.fetchMetadata()).topics.map((t) => t.topic));
        const missing = wanted.filter((topic) => !existing.has(topic));
        if (missing.length > 0) await admin.createTopics(missing.map((topic) => ({ topic })));
        await this.loadMetadata();
        return wanted;
      }
      const failures: CreateTopicResponse[] = [];
      for (const request of topics as CreateTopicRequest[]) {
        if (request.replicaAssignment?.length)
          clientCore(this).gap(
            'createTopics.replicaAssignment',
            'replicaAssignment is ignored: the broker places replicas',
          );
        try {
          await admin.createTopics([
            {
              topic: request.topic,
              numPartitions: request.partitions,
              replicationFactor: request.replicationFactor,
              configs: Object.fromEntries((request.configEntries ?? []).map(({ name, value }) => [name, value])),
            },
          ]);
        } catch (error) {
          failures.push({ topic: request.topic, error: (error as Error).message });
        }
      }
      await this.loadMetadata();
      return failures;
    })();
    work.then(
      (result) => outsidePromise(() => cb(null, result)),
      (error: Error) => outsidePromise(() => cb(error)),
    );
  }
}

function partitionMap(
  topic: string,
  partitions: ClusterMetadata['topics'][number]['partitions'],
): Record<number, PartitionMetadataResponse> {
  const map: Record<number, PartitionMetadataResponse> = {};
  for (const p of partitions)
    map[p.partition] = { topic, partition: p.partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] };
  return map;
}
