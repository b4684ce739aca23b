/**
 * The clients a reliability scenario runs with. One scenario definition drives each of them through the same faults:
 *   - common/<backend>: the common interface (createKafka: producer with acks=-1, consumerGroup with auto-commit);
 *   - facade/<backend>: the kafka-node facade (KafkaClient + HighLevelProducer with requireAcks -1, ConsumerGroup with
 *     autoCommit, close(true, cb)), configured as a kafka-node application would be (retryOptions, requestTimeout).
 * Sends that fail are retried by the scenario's StreamProducer until acknowledged, as an application would.
 */
import type { BackendName, ConsumedMessage } from '../../src/common/types';
import {
  ConsumerGroup,
  HighLevelProducer,
  KafkaClient,
  type KafkaClientOptions,
  type Message,
} from '../../src/adapter';
import { startMember } from '../helpers/backend-tests';
import { BACKENDS, commonSender, drain, resilientKafka, type BatchSender, type StreamProducer } from './harness';
import { until } from '../helpers/poll';

export interface MemberSettings {
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  autoCommitIntervalMs: number;
}

/** A group member as a scenario watches it. */
export interface ScenarioMember {
  readonly messages: ConsumedMessage[];
  /** Every assignment received, each as sorted "topic/partition" names. */
  readonly assignments: string[][];
  /** The latest assignment. */
  current(): string[];
  /** "topic/partition" of what was handled since the latest assignment. */
  handledSinceAssignment(): Set<string>;
  /** Leaves the group, committing what was handled. */
  close(): Promise<void>;
}

export type DriverKind = 'common' | 'facade';

export interface ClientDriver {
  readonly kind: DriverKind;
  readonly backend: BackendName;
  /** "common/kafkajs", "facade/kafka-node"...: for test names, group and topic names, and the printed tallies. */
  readonly label: string;
  sender(brokers: string[]): BatchSender;
  member(brokers: string[], settings: MemberSettings): Promise<ScenarioMember>;
}

/** What resilientKafka sets on the common interface, in kafka-node's option names (retryOptions, requestTimeout). */
export function resilientFacadeOptions(backend: BackendName, brokers: string[]): KafkaClientOptions {
  return {
    kafkaHost: brokers.join(','),
    backend,
    clientId: `reliability-facade-${backend}`,
    connectTimeout: 2000,
    requestTimeout: 5000,
    retryOptions: { retries: 8, minTimeout: 100, maxTimeout: 1000 },
  };
}

const sortedNames = (partitions: ReadonlyArray<{ topic: string; partition: number }>): string[] =>
  partitions.map((p) => `${p.topic}/${p.partition}`).sort();

function commonDriver(backend: BackendName): ClientDriver {
  return {
    kind: 'common',
    backend,
    label: `common/${backend}`,
    sender: (brokers) => commonSender(resilientKafka(backend, brokers)),
    async member(brokers, settings) {
      const member = await startMember(resilientKafka(backend, brokers), {
        groupId: settings.groupId,
        topics: [settings.topic],
        fromOffset: 'earliest',
        sessionTimeoutMs: settings.sessionTimeoutMs,
        heartbeatIntervalMs: 500,
        autoCommitIntervalMs: settings.autoCommitIntervalMs,
      });
      // The first assignment may come before this listener; messages before a later one are what it must skip.
      let mark = 0;
      member.group.on('assigned', () => (mark = member.messages.length));
      return {
        messages: member.messages,
        handledSinceAssignment: () => new Set(member.messages.slice(mark).map((m) => `${m.topic}/${m.partition}`)),
        get assignments() {
          return member.assignments.map((event) => sortedNames(event.partitions));
        },
        current: () => member.current(),
        close: () => member.group.close(),
      };
    },
  };
}

/** The partitions a facade ConsumerGroup owns, from `topicPayloads` as kafka-node keeps them. */
export function facadeAssignment(group: ConsumerGroup): string[] {
  return sortedNames(group.topicPayloads);
}

/** A kafka-node message (value decoded as utf8) in the common shape the tally reads. */
export function fromFacadeMessage(message: Message): ConsumedMessage {
  return {
    topic: message.topic,
    partition: message.partition ?? -1,
    offset: message.offset ?? -1,
    key: null,
    value: Buffer.from(String(message.value)),
    timestamp: 0,
    headers: {},
  };
}

/** A facade ConsumerGroup member, resolving once it has its first assignment. */
export function startFacadeMember(
  backend: BackendName,
  brokers: string[],
  settings: MemberSettings,
  onError: (error: Error) => void = () => undefined,
): Promise<ScenarioMember & { group: ConsumerGroup }> {
  const group = new ConsumerGroup(
    {
      ...resilientFacadeOptions(backend, brokers),
      groupId: settings.groupId,
      fromOffset: 'earliest',
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: 500,
      autoCommit: true,
      autoCommitIntervalMs: settings.autoCommitIntervalMs,
    },
    [settings.topic],
  );
  let mark = 0;
  const member = {
    group,
    messages: [] as ConsumedMessage[],
    assignments: [] as string[][],
    current(): string[] {
      return this.assignments[this.assignments.length - 1] ?? [];
    },
    handledSinceAssignment(): Set<string> {
      return new Set(this.messages.slice(mark).map((m) => `${m.topic}/${m.partition}`));
    },
    close: () =>
      new Promise<void>((resolve, reject) => group.close(true, (error) => (error ? reject(error) : resolve()))),
  };
  group.on('message', (message: Message) => member.messages.push(fromFacadeMessage(message)));
  group.on('rebalanced', () => {
    mark = member.messages.length;
    member.assignments.push(facadeAssignment(group));
  });
  group.on('error', onError);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`facade member of ${settings.groupId} got no assignment within 20 s`)),
      20000,
    );
    group.once('rebalanced', () => {
      clearTimeout(timer);
      resolve(member);
    });
  });
}

function facadeSender(backend: BackendName, brokers: string[]): BatchSender {
  const client = new KafkaClient(resilientFacadeOptions(backend, brokers));
  const producer = new HighLevelProducer(client, { requireAcks: -1, ackTimeoutMs: 2000 });
  // Errors of a failed send come back through its callback; the emitter's copies must not crash the process.
  producer.on('error', () => undefined);
  return {
    send: (topic, partition, values) =>
      new Promise<void>((resolve, reject) =>
        producer.send([{ topic, partition, messages: values }], (error) => (error ? reject(error) : resolve())),
      ),
    close: () => new Promise<void>((resolve) => producer.close(() => resolve())),
  };
}

function facadeDriver(backend: BackendName): ClientDriver {
  return {
    kind: 'facade',
    backend,
    label: `facade/${backend}`,
    sender: (brokers) => facadeSender(backend, brokers),
    member: (brokers, settings) => startFacadeMember(backend, brokers, settings),
  };
}

export const DRIVERS: ClientDriver[] = [...BACKENDS.map(commonDriver), ...BACKENDS.map(facadeDriver)];

/** "facade/kafka-node" -> "facade-kafka-node": usable in topic and group names. */
export const slug = (driver: ClientDriver): string => driver.label.replace('/', '-');

/**
 * The group has settled: each member handled something of every partition it owns since its latest assignment. The
 * scenarios wait for it before stopping their stream, because closing a member that owns a partition it has not
 * fetched since it got it back hits a known kafkajs-backend defect: src/modern/consumer-group.ts keeps the handled
 * position of an earlier generation and commits it on close, moving the committed offset backwards (RF report).
 */
export function groupSettled(members: readonly ScenarioMember[]): boolean {
  return members.every((m) => m.current().every((tp) => m.handledSinceAssignment().has(tp)));
}

export async function closeMembersQuietly(members: readonly ScenarioMember[]): Promise<void> {
  await Promise.all(members.map((m) => m.close().catch(() => undefined)));
}

/**
 * Creates the scenario's topic (3 partitions, replicated 3 times) and joins two members of its group to it. Each member
 * goes onto `members` as it joins, so the scenario's `finally` closes it whatever fails next.
 */
export async function topicWithTwoMembers(
  driver: ClientDriver,
  brokers: string[],
  settings: MemberSettings,
  members: ScenarioMember[],
): Promise<void> {
  const admin = resilientKafka(driver.backend, brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics([{ topic: settings.topic, numPartitions: 3, replicationFactor: 3 }]);
  } finally {
    await admin.disconnect();
  }
  for (let i = 0; i < 2; i++) members.push(await driver.member(brokers, settings));
}

/** A scenario's end: once the group has settled, stops the stream and waits until every acknowledged value is consumed. */
export async function settleAndDrain(
  stream: StreamProducer,
  members: readonly ScenarioMember[],
  consumed: () => ConsumedMessage[],
  timeoutMs = 20000,
): Promise<void> {
  await until(() => groupSettled(members), 'every member to consume from each partition it owns', timeoutMs);
  await stream.stop();
  await drain(stream.acknowledged, consumed, timeoutMs);
}
