/**
 * kafka-node KafkaClient plumbing shared by the legacy producer, consumer group and admin: client options from the
 * common config, connecting, topic metadata, and raw requests for the APIs kafka-node 5 cannot encode or decodes
 * lossily (they still go over kafka-node's own connections, correlation ids and request timeouts).
 */
import type { ResolvedKafkaConfig } from '../common/config';
import { KafkaProtocolError, UnsupportedBrokerVersionError, type RefusedApi } from '../common/errors';
import { TLS_FAILURE_CODES } from '../common/error-mapping';
import { backOff } from '../common/retry';
import { ApiKey } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { Reader, Writer } from '../protocol/primitives';
import { settle, toKafkaError } from './errors';
import { kafkaNode, type KafkaNodeBroker, type KafkaNodeClient, type KafkaNodeClientOptions } from './kafka-node';
import { encodeRequestFrame } from '../protocol/request-frame';

export function sslOptionsOf(config: ResolvedKafkaConfig): Record<string, unknown> | undefined {
  if (config.ssl === undefined || config.ssl === false) return undefined;
  return config.ssl === true ? {} : { ...config.ssl };
}

export function saslOptionsOf(config: ResolvedKafkaConfig): KafkaNodeClientOptions['sasl'] {
  if (!config.sasl) return undefined;
  return { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password };
}

/** kafka-node's connection settings from the common config (retry.* become its connect retry schedule). */
export function kafkaClientOptions(config: ResolvedKafkaConfig): KafkaNodeClientOptions {
  const options: KafkaNodeClientOptions = {
    kafkaHost: config.brokers.join(','),
    clientId: config.clientId,
    connectTimeout: config.connectTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Nothing connects before connect() is called.
    autoConnect: false,
    connectRetryOptions: {
      retries: config.retry.retries,
      factor: 2,
      minTimeout: config.retry.initialRetryTimeMs,
      maxTimeout: config.retry.maxRetryTimeMs,
      randomize: false,
    },
  };
  const ssl = sslOptionsOf(config);
  if (ssl) options.sslOptions = ssl;
  const sasl = saslOptionsOf(config);
  if (sasl) options.sasl = sasl;
  return options;
}

/** The APIs kafka-node cannot work without, by kafka-node's name, with Kafka's name. */
const KAFKA_NODE_CORE_APIS: Readonly<Record<string, string>> = {
  produce: 'Produce',
  fetch: 'Fetch',
  offset: 'ListOffsets',
  metadata: 'Metadata',
  offsetCommit: 'OffsetCommit',
  offsetFetch: 'OffsetFetch',
  groupCoordinator: 'FindCoordinator',
  joinGroup: 'JoinGroup',
  syncGroup: 'SyncGroup',
  heartbeat: 'Heartbeat',
  leaveGroup: 'LeaveGroup',
};

/**
 * The refusal a connected broker's ApiVersions answer announces: APIs whose lowest served version is above the highest
 * kafka-node speaks. Apache Kafka 4.x keeps listing Produce from v0 (old clients check it) but closes the connection on
 * v0-2 (KIP-896); its Fetch starting at v4 is what gives it away. Null when every broker serves kafka-node.
 */
export function brokerRefusal(client: KafkaNodeClient): UnsupportedBrokerVersionError | null {
  for (const broker of Object.values(client.brokers ?? {})) {
    const table = broker.apiSupport;
    if (!table) continue;
    const refused: RefusedApi[] = [];
    for (const [name, api] of Object.entries(KAFKA_NODE_CORE_APIS)) {
      const support = table[name];
      if (support && typeof support.usable === 'number' && support.usable < support.min)
        refused.push({ api, brokerMin: support.min, clientMax: support.usable });
    }
    if (refused.length === 0) continue;
    const kafka4 =
      refused.some((r) => r.api === 'Fetch' && r.brokerMin >= 4) && !refused.some((r) => r.api === 'Produce');
    const note = kafka4
      ? 'Apache Kafka 4.x also closes the connection on Produce v0-2 (KIP-896), though it still lists them'
      : undefined;
    return new UnsupportedBrokerVersionError(broker.socket.addr, 'kafka-node', refused, note);
  }
  return null;
}

/**
 * Waits for a kafka-node client (or a ConsumerGroup's) to be ready: connected, metadata loaded.
 *
 * kafka-node keeps a TLS verification failure to itself while connecting (it retries, then reports a request
 * timeout), but its 'close' event hands over the socket that carries the error; a refused certificate does not fix
 * itself, so it ends the wait at once with the real cause.
 */
export function whenReady(client: KafkaNodeClient, start: () => void): Promise<void> {
  if (client.ready) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      client.removeListener('ready', onReady);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
    };
    const onClose = (socket: unknown): void => {
      const cause = (socket as { error?: { code?: unknown } } | null)?.error;
      if (typeof cause?.code === 'string' && TLS_FAILURE_CODES.has(cause.code)) onError(cause);
    };
    client.on('close', onClose);
    // A broker that refuses kafka-node's versions lets it connect and load metadata, then closes the connection
    // on its first produce or fetch (Kafka 4.x): say so now, whether kafka-node got as far as 'ready' or not.
    const onReady = (): void => {
      cleanup();
      const refusal = brokerRefusal(client);
      if (refusal) reject(refusal);
      else resolve();
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(brokerRefusal(client) ?? toKafkaError(error));
    };
    client.once('ready', onReady);
    client.once('error', onError);
    try {
      start();
    } catch (error) {
      cleanup();
      reject(toKafkaError(error));
    }
  });
}

/**
 * A connected KafkaClient. Its 'error' events (connection failures after kafka-node's own retries) are swallowed here:
 * each request made through it fails with the mapped error instead, and an unhandled 'error' would crash the process.
 */
export async function connectedClient(config: ResolvedKafkaConfig): Promise<KafkaNodeClient> {
  let client: KafkaNodeClient;
  try {
    client = new kafkaNode.KafkaClient(kafkaClientOptions(config));
  } catch (error) {
    throw toKafkaError(error);
  }
  client.on('error', () => undefined);
  try {
    await whenReady(client, () => client.connect());
  } catch (error) {
    await closeClient(client);
    throw error;
  }
  return client;
}

export function closeClient(client: KafkaNodeClient): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      client.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** Partition ids of `topic` in kafka-node's cached metadata, ascending (empty when it has none). */
export function cachedPartitions(client: KafkaNodeClient, topic: string): number[] {
  const partitions = client.topicMetadata[topic];
  if (!partitions) return [];
  return Object.values(partitions)
    .map((metadata) => Number(metadata.partition))
    .sort((a, b) => a - b);
}

/**
 * The partitions of `topic`, refreshing kafka-node's metadata when it knows none (which also lets a broker with
 * auto-create make the topic; kafka-node retries while leaders are being elected).
 */
export async function topicPartitions(client: KafkaNodeClient, topic: string, refresh = false): Promise<number[]> {
  let partitions = refresh ? [] : cachedPartitions(client, topic);
  if (partitions.length > 0) return partitions;
  await settle<void>((callback) => client.refreshMetadata([topic], (error) => callback(error)));
  partitions = cachedPartitions(client, topic);
  if (partitions.length === 0)
    throw new KafkaProtocolError(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `topic "${topic}" has no partitions with a leader`,
    );
  return partitions;
}

/**
 * What a broker's ApiVersions answer said about one API (kafka-node's API names), or null when the broker lacks it.
 * A broker that never answered ApiVersions (before Kafka 0.10) gets kafka-node's guessed 0.9 table, recognisable by
 * its null entries (a real answer only holds objects); it claims CreateTopics v0, which such brokers do not have, so
 * only Produce/Fetch/Metadata/offset/group APIs are believed from it.
 */
export function apiSupportOf(broker: KafkaNodeBroker | undefined, apiName: string): { max: number } | null {
  const table = broker?.apiSupport;
  if (!table) return null;
  const guessed = Object.values(table).some((entry) => entry === null);
  if (guessed && (apiName === 'createTopics' || apiName === 'deleteTopics' || apiName === 'describeConfigs'))
    return null;
  const support = table[apiName];
  return support && typeof support.max === 'number' ? { max: support.max } : null;
}

function responseBytes(response: Buffer | { slice(): Buffer }): Buffer {
  return Buffer.isBuffer(response) ? response : response.slice();
}

/**
 * Sends one request (header v1) on `broker`'s kafka-node connection and decodes the answer after its correlation id.
 * A decode failure or an Error returned by `readBody` rejects, mapped.
 */
export function rawRequest<T>(
  client: KafkaNodeClient,
  broker: KafkaNodeBroker,
  request: { apiKey: number; version: number; writeBody: (writer: Writer) => void; readBody: (reader: Reader) => T },
): Promise<T> {
  const correlationId = client.nextId();
  const frame = encodeRequestFrame(request.apiKey, request.version, correlationId, client.clientId, request.writeBody);
  return settle<T>((callback) =>
    client.sendWhenReady(
      broker,
      correlationId,
      frame,
      (response) => {
        try {
          const bytes = responseBytes(response);
          // size and correlation id come first
          return request.readBody(new Reader(bytes, 8, bytes.length));
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      },
      (error, result) => callback(error, result as T),
    ),
  );
}

/** The controller's connection, for CreateTopics/DeleteTopics. */
export function controllerBroker(client: KafkaNodeClient): Promise<KafkaNodeBroker> {
  return settle<KafkaNodeBroker>((callback) => client.getController((error, broker) => callback(error, broker)));
}

/** The group coordinator's connection (FindCoordinator through kafka-node), remembered as kafka-node does. */
export async function coordinatorBroker(
  client: KafkaNodeClient,
  groupId: string,
  refresh = false,
): Promise<KafkaNodeBroker> {
  if (refresh || client.coordinatorId === undefined) {
    const coordinator = await settle<{ coordinatorId: number }>((callback) =>
      client.sendGroupCoordinatorRequest(groupId, callback),
    );
    client.coordinatorId = String(coordinator.coordinatorId);
  }
  const broker = client.brokerForLeader(client.coordinatorId);
  if (!broker)
    throw new KafkaProtocolError(
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
      `no connection to coordinator ${String(client.coordinatorId)} of group "${groupId}"`,
    );
  return broker;
}

/** A Kafka error answered for one partition of a request (raised so that callers can retry or report it). */
class PartitionErrorAnswer extends KafkaProtocolError {
  constructor(code: number, topic: string, partition: number) {
    super(code, `${topic}/${partition}`);
  }
}

/**
 * Committed offsets of `groupId` (OffsetFetch v1, as kafka-node sends it), -1 where none, decoded here because
 * kafka-node's decoder turns every partition error into -1 ("nothing committed", so a consumer would silently apply
 * fromOffset) and reports an offset of 0 committed with empty metadata (the Java client's and kafkajs's commits) as
 * -1 too. Coordinator errors are retried with the config's schedule after looking the coordinator up again.
 */
export async function fetchCommitted(
  client: KafkaNodeClient,
  groupId: string,
  partitions: ReadonlyMap<string, readonly number[]>,
  retry: ResolvedKafkaConfig['retry'],
): Promise<Map<string, Map<number, number>>> {
  const topics = [...partitions].filter(([, ids]) => ids.length > 0);
  for (let failures = 0; ; failures++) {
    try {
      const broker = await coordinatorBroker(client, groupId, failures > 0);
      return await rawRequest(client, broker, {
        apiKey: ApiKey.OffsetFetch,
        version: 1,
        writeBody: (writer) =>
          writer
            .string(groupId)
            .array(topics, (w, [topic, ids]) => w.string(topic).array([...ids], (p, id) => p.int32(id))),
        readBody: (reader) => {
          const committed = new Map<string, Map<number, number>>();
          reader.array((topicReader) => {
            const topic = topicReader.string();
            const offsets = committed.get(topic) ?? new Map<number, number>();
            committed.set(topic, offsets);
            topicReader.array((partitionReader) => {
              const partition = partitionReader.int32();
              const offset = partitionReader.int64Number();
              partitionReader.nullableString();
              const errorCode = partitionReader.int16();
              if (errorCode !== ErrorCode.NONE) throw new PartitionErrorAnswer(errorCode, topic, partition);
              offsets.set(partition, offset < 0 ? -1 : offset);
            });
          });
          return committed;
        },
      });
    } catch (error) {
      const mapped = toKafkaError(error);
      if (!mapped.retriable || failures >= retry.retries) throw mapped;
      await backOff(retry, failures + 1);
    }
  }
}
