/**
 * Promise wrappers around the two client libraries, as the scenarios use them. Each call opens its own connection(s)
 * and closes them, so one scenario cannot leak state into the next. Nothing here knows which broker it talks to.
 */
import * as kafkaNode from 'kafka-node';
import { readBack, type StoredMessage } from '../../../src/compat/kafka-node-api/read-back';
import {
  Kafka,
  logLevel,
  type Consumer as KafkajsConsumer,
  type ConsumerConfig,
  type EachMessagePayload,
} from 'kafkajs';
import { until } from '../../helpers/poll';

export const KAFKA_NODE_CLIENT_ID = 'differential';

export function describeError(error: unknown): string {
  // kafkajs names the broker's error code in `type` only (e.g. INVALID_REQUEST).
  const type = (error as { type?: unknown } | null)?.type;
  if (error instanceof Error) return `${error.name}${typeof type === 'string' ? ` ${type}` : ''}: ${error.message}`;
  return String(error);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The first value `attempt` returns (undefined: not yet); a failed attempt is tried again, its error reported at the end. */
export async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 10000,
  intervalMs = 100,
): Promise<T> {
  let value: T | undefined;
  let last: unknown;
  const found = async (): Promise<boolean> => {
    try {
      value = await attempt();
    } catch (error) {
      last = error;
    }
    return value !== undefined;
  };
  await until(found, what, timeoutMs, intervalMs).catch((error: Error) => {
    throw new Error(`${error.message}${last ? ` (last error: ${describeError(last)})` : ''}`);
  });
  return value!;
}

// ---------------------------------------------------------------------------------------------------------------
// kafka-node
// ---------------------------------------------------------------------------------------------------------------

export type KafkaNodeCallback<T> = (error: unknown, result: T) => void;

export function callback<T>(run: (done: KafkaNodeCallback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, result) => (error ? reject(error) : resolve(result))));
}

export async function openKafkaNodeClient(bootstrap: string): Promise<kafkaNode.KafkaClient> {
  const client = new kafkaNode.KafkaClient({
    kafkaHost: bootstrap,
    clientId: KAFKA_NODE_CLIENT_ID,
    connectTimeout: 5000,
    requestTimeout: 10000,
    connectRetryOptions: { retries: 2, minTimeout: 100, maxTimeout: 500 },
  });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve());
        client.once('error', reject);
      }),
      15000,
      `kafka-node KafkaClient ready (${bootstrap})`,
    );
  } catch (error) {
    await closeKafkaNodeClient(client);
    throw error;
  }
  client.on('error', () => undefined);
  return client;
}

export function closeKafkaNodeClient(client: kafkaNode.KafkaClient): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()));
}

export async function withKafkaNodeClient<T>(
  bootstrap: string,
  use: (client: kafkaNode.KafkaClient) => Promise<T>,
): Promise<T> {
  const client = await openKafkaNodeClient(bootstrap);
  try {
    return await use(client);
  } finally {
    await closeKafkaNodeClient(client);
  }
}

/** kafka-node's produce answer: topic -> partition -> base offset. */
export type KafkaNodeProduceResult = Record<string, Record<string, number>>;

export async function kafkaNodeProduce(
  bootstrap: string,
  payloads: kafkaNode.ProduceRequest[],
  options: kafkaNode.ProducerOptions = { requireAcks: 1 },
): Promise<KafkaNodeProduceResult> {
  return withKafkaNodeClient(bootstrap, async (client) => {
    const topics = [...new Set(payloads.map((p) => p.topic))];
    // The partitioner picks from the client's cached metadata: load it first (kafka-node does not).
    await callback<unknown>((done) => client.refreshMetadata(topics, (error) => done(error, undefined)));
    const producer = new kafkaNode.Producer(client, options);
    producer.on('error', () => undefined);
    return callback<KafkaNodeProduceResult>((done) => producer.send(payloads, done));
  });
}

export type ConsumedMessage = StoredMessage;

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

export function sortMessages(messages: ConsumedMessage[]): ConsumedMessage[] {
  return [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Fetches with kafka-node's plain Consumer (no group) from the given offsets until `count` messages arrived. */
export function kafkaNodeFetch(
  bootstrap: string,
  topic: string,
  fromOffsets: Record<number, number>,
  count: number,
  timeoutMs = 10000,
): Promise<ConsumedMessage[]> {
  return readBack(bootstrap, topic, fromOffsets, count, timeoutMs, KAFKA_NODE_CLIENT_ID);
}

/** A kafka-node ConsumerGroup member with what it received and its current assignment. */
export interface KafkaNodeMember {
  readonly group: kafkaNode.ConsumerGroup;
  readonly messages: ConsumedMessage[];
  /** Partitions of `topic` assigned in the member's current generation. */
  partitions(topic: string): number[];
  /** True once joined and not rebalancing. */
  stable(): boolean;
  generation(): number | undefined;
  /** Resolves after the next completed join (or at once if stable already). */
  joined(timeoutMs?: number): Promise<void>;
  waitForMessages(count: number, timeoutMs?: number): Promise<ConsumedMessage[]>;
  /** commit=true commits the consumed offsets before leaving. */
  close(commit?: boolean): Promise<void>;
}

interface ConsumerGroupInternals {
  topicPayloads?: { topic: string; partition: number }[];
  connecting?: boolean;
  ready?: boolean;
  generationId?: number;
}

export function startKafkaNodeMember(
  bootstrap: string,
  groupId: string,
  topics: string[],
  options: Partial<kafkaNode.ConsumerGroupOptions> = {},
): KafkaNodeMember {
  const group = new kafkaNode.ConsumerGroup(
    {
      kafkaHost: bootstrap,
      groupId,
      sessionTimeout: 6000,
      heartbeatInterval: 250,
      fetchMaxWaitMs: 100,
      retryMinTimeout: 250,
      encoding: 'utf8',
      keyEncoding: 'utf8',
      fromOffset: 'earliest',
      autoCommit: false,
      ...options,
    },
    topics,
  );
  const internals = group as unknown as ConsumerGroupInternals;
  const messages: ConsumedMessage[] = [];
  const errors: unknown[] = [];
  let joins = 0;
  group.on('message', (message) => {
    messages.push({
      partition: message.partition ?? -1,
      offset: message.offset ?? -1,
      key: text(message.key),
      value: text(message.value),
    });
  });
  group.on('error', (error) => errors.push(error));
  group.on('rebalanced', () => {
    joins += 1;
  });
  const stable = (): boolean => joins > 0 && !internals.connecting && internals.ready === true;
  const until = async (what: string, done: () => boolean, timeoutMs: number): Promise<void> => {
    await eventually(
      `kafka-node member of ${groupId}: ${what}`,
      async () => {
        if (errors.length) throw errors[errors.length - 1];
        return done() ? true : undefined;
      },
      timeoutMs,
      25,
    ).catch((error: unknown) => {
      throw new Error(
        `${describeError(error)}${errors.length ? ` (errors: ${errors.map(describeError).join('; ')})` : ''}`,
      );
    });
  };
  return {
    group,
    messages,
    partitions: (topic) =>
      (internals.topicPayloads ?? [])
        .filter((p) => p.topic === topic)
        .map((p) => p.partition)
        .sort((a, b) => a - b),
    stable,
    generation: () => internals.generationId,
    joined: (timeoutMs = 20000) => until('join', stable, timeoutMs),
    async waitForMessages(count, timeoutMs = 15000) {
      await until(`${messages.length}/${count} messages`, () => messages.length >= count, timeoutMs);
      return sortMessages(messages);
    },
    async close(commit = false) {
      await new Promise<void>((resolve) => group.close(commit, () => resolve()));
    },
  };
}

/** Waits until every member is stable in the same generation and together they own `partitionCount` partitions. */
export async function kafkaNodeGroupSettled(
  members: KafkaNodeMember[],
  topic: string,
  partitionCount: number,
  timeoutMs = 20000,
): Promise<number[][]> {
  return eventually(
    `kafka-node group of ${members.length} settled on ${topic}`,
    async () => {
      if (!members.every((m) => m.stable())) return undefined;
      const generations = new Set(members.map((m) => m.generation()));
      if (generations.size !== 1) return undefined;
      const owned = members.map((m) => m.partitions(topic));
      const all = owned.flat();
      if (all.length !== partitionCount || new Set(all).size !== partitionCount) return undefined;
      return owned;
    },
    timeoutMs,
    50,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// kafkajs
// ---------------------------------------------------------------------------------------------------------------

export function kafkajs(brokers: string[], clientId = 'differential'): Kafka {
  return new Kafka({
    brokers,
    clientId,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    connectionTimeout: 3000,
    requestTimeout: 10000,
  });
}

export interface KafkajsMessage extends ConsumedMessage {
  headers: Record<string, string>;
}

export interface KafkajsMember {
  readonly consumer: KafkajsConsumer;
  readonly messages: KafkajsMessage[];
  /** Assignment and protocol of the member's latest join (undefined before the first). */
  lastJoin(): { assignment: Record<string, number[]>; protocol: string } | undefined;
  joined(timeoutMs?: number): Promise<void>;
  /** Resolves after a fetch completed following the latest join (offsets of a new group are resolved by then). */
  fetchedOnce(timeoutMs?: number): Promise<void>;
  /** The error the consumer crashed with (kafkajs does not restart a consumer after a non-retriable error). */
  crash(): unknown;
  waitForMessages(count: number, timeoutMs?: number): Promise<KafkajsMessage[]>;
  close(): Promise<void>;
}

function headerText(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {}))
    out[key] = Array.isArray(value) ? value.map((v) => text(v)).join(',') : (text(value) ?? '');
  return out;
}

export function sortKafkajsMessages(messages: KafkajsMessage[]): KafkajsMessage[] {
  return [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Connects, subscribes and runs a kafkajs consumer (quick heartbeats and fetch waits, as tests need). */
export async function startKafkajsMember(
  kafka: Kafka,
  config: Partial<ConsumerConfig> & { groupId: string },
  topic: string,
  options: { fromBeginning: boolean; autoCommit?: boolean },
): Promise<KafkajsMember> {
  const consumer = kafka.consumer({
    sessionTimeout: 6000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
    rebalanceTimeout: 10000,
    ...config,
  });
  const messages: KafkajsMessage[] = [];
  let join: { assignment: Record<string, number[]>; protocol: string } | undefined;
  let joins = 0;
  let fetchesSinceJoin = 0;
  let crashed: unknown;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const assignment: Record<string, number[]> = {};
    for (const [name, partitions] of Object.entries(event.payload.memberAssignment))
      assignment[name] = [...partitions].sort((a, b) => a - b);
    join = { assignment, protocol: event.payload.groupProtocol };
    joins += 1;
    fetchesSinceJoin = 0;
  });
  consumer.on(consumer.events.FETCH, () => {
    fetchesSinceJoin += 1;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    crashed = event.payload.error;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: options.autoCommit ?? true,
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      messages.push({
        partition,
        offset: Number(message.offset),
        key: text(message.key),
        value: text(message.value),
        headers: headerText(message.headers),
      });
    },
  });
  const until = (what: string, done: () => boolean, timeoutMs: number): Promise<true> =>
    eventually(
      `kafkajs member of ${config.groupId}: ${what}`,
      async () => {
        if (crashed) throw crashed;
        return done() ? true : undefined;
      },
      timeoutMs,
      25,
    );
  return {
    consumer,
    messages,
    lastJoin: () => join,
    crash: () => crashed,
    joined: async (timeoutMs = 20000) => {
      await until('join', () => joins > 0, timeoutMs);
    },
    fetchedOnce: async (timeoutMs = 20000) => {
      await until('first fetch after join', () => joins > 0 && fetchesSinceJoin > 0, timeoutMs);
    },
    async waitForMessages(count, timeoutMs = 20000) {
      await until(`${messages.length}/${count} messages`, () => messages.length >= count, timeoutMs);
      return sortKafkajsMessages(messages);
    },
    close: () => consumer.disconnect(),
  };
}

/** Waits until the members' latest assignments of `topic` are disjoint and cover all `partitionCount` partitions. */
export async function kafkajsGroupSettled(
  members: KafkajsMember[],
  topic: string,
  partitionCount: number,
  timeoutMs = 30000,
): Promise<number[][]> {
  return eventually(
    `kafkajs group of ${members.length} settled on ${topic}`,
    async () => {
      const crashed = members.find((m) => m.crash() !== undefined);
      if (crashed) throw crashed.crash();
      const owned = members.map((m) => m.lastJoin()?.assignment[topic]);
      const all = owned.flatMap((o) => o ?? []);
      // Thrown, not returned: a timeout then names what each member last got.
      if (owned.some((o) => o === undefined) || all.length !== partitionCount || new Set(all).size !== partitionCount)
        throw new Error(`latest assignments ${JSON.stringify(owned.map((o) => o ?? 'none'))}`);
      return owned as number[][];
    },
    timeoutMs,
    25,
  );
}
