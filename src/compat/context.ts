import type {
  Backend,
  Capabilities,
  ConsumedMessage,
  ConsumerGroup,
  ConsumerGroupConfig,
  KafkaConfig,
} from '../common/types';
import { KafkaError } from '../common/errors';
import { Trace, renderPayload } from './trace';

export class ScenarioCheckError extends Error {
  override readonly name = 'ScenarioCheckError';
}

export type CapabilityFlag = 'headers' | 'idempotence' | 'transactions';

/** One behaviour written once and run on every backend; what it observes goes to `context.trace`. */
export interface ParityScenario {
  id: string;
  title: string;
  /** Capabilities a backend needs; a backend without one reports the scenario as unsupported. */
  requires?: CapabilityFlag[];
  /** Compression codecs the scenario uses. */
  compression?: Capabilities['compression'][number][];
  run(context: ScenarioContext): Promise<void>;
}

/**
 * Creates a topic out of band, for clusters whose admin API a backend cannot use (Kafka 0.9 has no CreateTopics;
 * librdkafka's mock has no admin APIs at all).
 */
export type TopicProvisioner = (name: string, numPartitions: number) => Promise<void>;

export interface ConsumeOptions extends Partial<Omit<ConsumerGroupConfig, 'groupId' | 'topics'>> {
  groupId: string;
  topics: string[];
  /** Stop once this many messages arrived. */
  count: number;
  /** Name used in the trace for this member's assignments. */
  member?: string;
  timeoutMs?: number;
  /** Record consumed messages in the trace (default true). */
  record?: boolean;
}

const DEFAULT_CONSUME_TIMEOUT_MS = 30000;

/** What a scenario may use: the backend, the trace, and namespaced topics and groups it cleans up. */
export class ScenarioContext {
  readonly trace = new Trace();
  private readonly topics: string[] = [];
  private readonly openGroups = new Set<ConsumerGroup>();

  constructor(
    readonly backend: Backend,
    readonly config: KafkaConfig,
    readonly namespace: string,
    private readonly provisionTopic: TopicProvisioner | null = null,
  ) {}

  check(condition: boolean, message: string): void {
    if (!condition) throw new ScenarioCheckError(message);
  }

  /** Creates `<namespace>-<shortName>` and records it under its short name. */
  async createTopic(shortName: string, numPartitions: number): Promise<string> {
    const name = `${this.namespace}-${shortName}`;
    if (this.provisionTopic) {
      await this.provisionTopic(name, numPartitions);
    } else {
      const admin = this.backend.admin();
      await admin.connect();
      try {
        await admin.createTopics([{ topic: name, numPartitions, replicationFactor: 1 }]);
      } finally {
        await admin.disconnect();
      }
    }
    this.topics.push(name);
    this.trace.alias(name, shortName);
    return name;
  }

  groupId(shortName: string): string {
    const name = `${this.namespace}-${shortName}`;
    this.trace.alias(name, shortName);
    return name;
  }

  recordMessage(message: ConsumedMessage): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) headers[name] = renderPayload(value) ?? 'null';
    this.trace.record({
      kind: 'consumed',
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: renderPayload(message.key),
      value: renderPayload(message.value),
      headers,
    });
  }

  recordError(error: unknown): void {
    if (error instanceof KafkaError) this.trace.record({ kind: 'error', name: error.name, code: error.code });
    else throw error;
  }

  /** Starts a group member and returns it with the messages it receives; the caller closes it. */
  async startMember(
    options: Omit<ConsumeOptions, 'count'>,
  ): Promise<{ group: ConsumerGroup; messages: ConsumedMessage[] }> {
    const { groupId, topics, member, record = true, timeoutMs: _timeout, ...rest } = options;
    // 6 s is Kafka 0.9's minimum session timeout; shorter than the 30 s default so a cluster that holds a rejoin for
    // a session timeout (librdkafka's mock does) keeps scenarios quick.
    const group = this.backend.consumerGroup({ groupId, topics, sessionTimeoutMs: 6000, ...rest });
    this.openGroups.add(group);
    const messages: ConsumedMessage[] = [];
    if (member) {
      group.on('assigned', (event) => {
        this.trace.record({
          kind: 'assignment',
          member,
          partitions: event.partitions.map((p) => `${p.topic}/${p.partition}`).sort(),
        });
      });
    }
    await group.connect();
    await group.run({
      eachMessage: (message) => {
        messages.push(message);
        if (record) this.recordMessage(message);
      },
    });
    return { group, messages };
  }

  async closeMember(group: ConsumerGroup, commit = true): Promise<void> {
    this.openGroups.delete(group);
    await group.close({ commit });
  }

  /** Waits until `messages` holds at least `count` entries, or fails saying how many arrived. */
  async waitForCount(
    messages: readonly unknown[],
    count: number,
    timeoutMs = DEFAULT_CONSUME_TIMEOUT_MS,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline)
        throw new ScenarioCheckError(`expected ${count} messages within ${timeoutMs} ms, got ${messages.length}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Joins a group, consumes `count` messages, closes (committing them), and returns them. */
  async consume(options: ConsumeOptions): Promise<ConsumedMessage[]> {
    const { group, messages } = await this.startMember(options);
    try {
      await this.waitForCount(messages, options.count, options.timeoutMs);
    } finally {
      await this.closeMember(group);
    }
    return messages;
  }

  /**
   * Closes members the scenario left open and deletes its topics. Returns the topics it could not delete; errors here
   * never hide the scenario's own.
   */
  async cleanup(): Promise<string[]> {
    for (const group of this.openGroups) await group.close({ commit: false }).catch(() => undefined);
    this.openGroups.clear();
    if (this.topics.length === 0) return [];
    const admin = this.backend.admin();
    try {
      await admin.connect();
      await admin.deleteTopics(this.topics);
      return [];
    } catch {
      return [...this.topics];
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  get createdTopics(): readonly string[] {
    return this.topics;
  }
}
