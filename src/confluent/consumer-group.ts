/**
 * The common ConsumerGroup on @confluentinc/kafka-javascript: a driver of the shared consumer-group core
 * (src/common/consumer-group), on the library's KafkaJS-style consumer.
 *
 * How the common contract maps onto librdkafka:
 * - Delivery runs through `eachBatch` with auto-resolve off: an offset is resolved (stored for librdkafka's commit,
 *   and the next fetch position) only once the handler returned for that message. A handler that throws leaves its
 *   message unresolved; the library seeks back to it, so it is fetched again after the handler's backoff.
 * - Rebalances arrive in librdkafka's rebalance callback, which the library awaits before it applies the assignment:
 *   revocation waits for the handler in progress and commits (autoCommit) first; an assignment settles each
 *   partition's start position there (committed offset, else fromOffset) and hands librdkafka the offsets, so
 *   fromOffset and outOfRangeOffset (librdkafka's one auto.offset.reset) can differ as in kafka-node.
 * - Assignment protocols: librdkafka's built-in 'roundrobin' and 'range', which carry kafka-node's names, so a group
 *   can mix kafka-node members and these. Custom assignment protocols cannot run inside librdkafka: refused.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ResolvedKafkaConfig } from '../common/config';
import { DrivenConsumerGroup, type ConsumerGroupDriver, type GroupSession } from '../common/consumer-group';
import { KafkaError, KafkaTimeoutError, NoCommittedOffsetError, UnsupportedFeatureError } from '../common/errors';
import { byTopicThenPartition, partitionKey } from '../common/group-helpers';
import type {
  ConsumedMessage,
  ConsumerGroupConfig,
  MessageBatch,
  TopicPartition,
  TopicPartitionOffset,
} from '../common/types';
import { resolveConsumerGroupConfig, type ResolvedConsumerGroupConfig } from '../common/validation';
import { toKafkaError, translated } from './errors';

/** librdkafka's rebalance event for a new assignment (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS; else a revocation). */
const ASSIGN_PARTITIONS = -175;
/** librdkafka's "the committed offset" (RD_KAFKA_OFFSET_STORED). */
const OFFSET_STORED = -1001;

/** A partition to assign and where librdkafka starts it (an offset, or OFFSET_STORED). */
type StartOffset = TopicPartitionOffset;

type LibraryConsumer = KafkaJS.Consumer;
type LibraryMessage = KafkaJS.KafkaMessage;

function protocolNames(config: ResolvedConsumerGroupConfig): string[] {
  return config.protocols.map((protocol) => {
    if (typeof protocol !== 'string') {
      throw new UnsupportedFeatureError(
        `custom assignment protocol "${protocol.name}"`,
        'confluent',
        "librdkafka assigns partitions in C with its built-in assignors: use 'roundrobin' or 'range'",
      );
    }
    return protocol;
  });
}

function headersOf(headers: KafkaJS.IHeaders | undefined): Record<string, Buffer> {
  const converted: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A repeated header name arrives as an array: keep the last, as Kafka's Headers.lastHeader does.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined && last !== null) converted[name] = Buffer.isBuffer(last) ? last : Buffer.from(last);
  }
  return converted;
}

function consumed(topic: string, partition: number, message: LibraryMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: headersOf(message.headers),
  };
}

export class ConfluentConsumerGroup extends DrivenConsumerGroup {
  constructor(kafka: KafkaJS.Kafka, clientConfig: ResolvedKafkaConfig, config: ConsumerGroupConfig) {
    const resolved = resolveConsumerGroupConfig(config);
    const protocols = protocolNames(resolved);
    super(resolved, clientConfig.retry, (session) => new ConfluentGroupDriver(kafka, clientConfig, session, protocols));
  }
}

class ConfluentGroupDriver implements ConsumerGroupDriver {
  private readonly consumer: LibraryConsumer;
  private admin: KafkaJS.Admin | null = null;
  /** A live assignment: pause, seek and commit can reach the group. */
  private member = false;
  private generation = 0;
  private handling: Promise<void> | null = null;
  private wakeBackoff: (() => void) | null = null;

  constructor(
    private readonly kafka: KafkaJS.Kafka,
    private readonly clientConfig: ResolvedKafkaConfig,
    private readonly session: GroupSession,
    protocols: string[],
  ) {
    const { config } = session;
    try {
      this.consumer = kafka.consumer({
        kafkaJS: {
          groupId: config.groupId,
          partitionAssigners: protocols as KafkaJS.PartitionAssigners[],
          sessionTimeout: config.sessionTimeoutMs,
          heartbeatInterval: config.heartbeatIntervalMs,
          maxBytesPerPartition: config.maxBytesPerPartition,
          maxWaitTimeInMs: config.maxWaitTimeMs,
          readUncommitted: config.isolationLevel === 'read_uncommitted',
          fromBeginning: config.outOfRangeOffset === 'earliest',
          // Commits are the core's: of handled positions, on its interval, before a rebalance and on close.
          autoCommit: false,
        },
        rebalance_cb: (error: { code: number }, assignment: KafkaJS.TopicPartition[]) =>
          this.onRebalance(error.code, assignment),
      } as KafkaJS.ConsumerConstructorConfig);
    } catch (error) {
      throw toKafkaError(error);
    }
  }

  // ---- the driver contract ----

  async connect(): Promise<void> {
    await translated(() => this.consumer.connect());
  }

  async start(): Promise<void> {
    const { config } = this.session;
    await translated(() => this.consumer.subscribe({ topics: config.topics }));
    await translated(() =>
      this.consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.deliver(payload),
      }),
    );
  }

  async abort(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }

  isMember(): boolean {
    return this.member;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    await translated(() =>
      this.consumer.commitOffsets(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
      ),
    );
  }

  pausesChanged(): void {
    this.applyPauses();
  }

  seek(position: TopicPartitionOffset): boolean {
    const { topic, partition } = position;
    if (
      !this.member ||
      !this.session.isAssigned(topic, partition) ||
      this.session.subscription.isHeld(topic, partition)
    )
      return false;
    this.seekNow(position);
    return true;
  }

  async quiesce(): Promise<void> {
    this.wakeBackoff?.();
    if (this.handling) await this.handling.catch(() => undefined);
  }

  async commitOnClose(): Promise<void> {
    if (!this.member) return;
    await this.session.offsets.commit(
      (offsets) => this.commit(offsets),
      (topic, partition) => this.session.isAssigned(topic, partition),
    );
  }

  async disconnect(): Promise<void> {
    try {
      await translated(() => this.consumer.disconnect());
    } finally {
      this.member = false;
      this.session.revoked();
      const admin = this.admin;
      this.admin = null;
      if (admin) await admin.disconnect().catch(() => undefined);
    }
  }

  mapError(error: unknown): KafkaError {
    return toKafkaError(error);
  }

  // ---- delivery ----

  private async deliver(payload: KafkaJS.EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!this.session.running || batch.messages.length === 0) return;
    const work = this.session.handler.batches ? this.deliverBatch(payload) : this.deliverMessages(payload);
    this.handling = work;
    try {
      await work;
      await this.autoCommit();
    } finally {
      this.handling = null;
      this.session.countBuffered(0);
    }
  }

  private deliverable(topic: string, partition: number): boolean {
    return this.session.running && this.member && this.session.subscription.fetchable(topic, partition);
  }

  private async deliverMessages(payload: KafkaJS.EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    let remaining = batch.messages.length;
    this.session.countBuffered(remaining);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || !this.deliverable(topic, partition)) return;
      const failure = await this.session.handler.runMessage(consumed(topic, partition, message));
      if (failure) {
        await this.backOff(failure.retryInMs);
        return;
      }
      resolveOffset(message.offset);
      this.session.offsets.moved(topic, partition, Number(message.offset) + 1);
      this.session.countBuffered(--remaining);
    }
  }

  private async deliverBatch(payload: KafkaJS.EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    if (!isRunning() || isStale() || !this.deliverable(topic, partition)) return;
    const messages = batch.messages.map((message) => consumed(topic, partition, message));
    this.session.countBuffered(messages.length);
    const delivered: MessageBatch = { topic, partition, highWatermark: Number(batch.highWatermark), messages };
    const failure = await this.session.handler.runBatch(delivered);
    if (failure) {
      await this.backOff(failure.retryInMs);
      return;
    }
    const last = batch.messages[batch.messages.length - 1]!;
    resolveOffset(last.offset);
    this.session.offsets.moved(topic, partition, Number(last.offset) + 1);
  }

  private async autoCommit(): Promise<void> {
    if (!this.member) return;
    await this.session.offsets.autoCommitIfDue(
      (offsets) => this.commit(offsets),
      (error) => this.session.emitError(toKafkaError(error)),
    );
  }

  /** A handler failed: wait its backoff before the library fetches the same message again (close() cuts it short). */
  private async backOff(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeBackoff = null;
  }

  // ---- group membership ----

  /**
   * librdkafka's rebalance callback; the library applies the assignment once the returned promise resolves, with the
   * offsets returned (a partition without one starts at its committed offset).
   */
  private async onRebalance(code: number, assignment: KafkaJS.TopicPartition[]): Promise<StartOffset[] | undefined> {
    if (code !== ASSIGN_PARTITIONS) {
      await this.onRevoke();
      return undefined;
    }
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition })).sort(byTopicThenPartition);
    const generation = ++this.generation;
    this.member = true;
    this.session.offsets.clear();
    this.session.subscription.clearPartitionStops();
    for (const { topic, partition } of partitions) this.session.handler.reset(topic, partition);
    this.session.assigned({ memberId: '', generationId: -1, partitions });
    let starts: TopicPartitionOffset[];
    try {
      starts = await this.boundedStartPositions(partitions);
    } catch (error) {
      const mapped = toKafkaError(error);
      if (!this.session.failFirstAssignment(mapped)) this.session.emitError(mapped);
      // Nothing may be read from a partition whose start is unknown: hold them until the next rebalance.
      for (const { topic, partition } of partitions) this.session.subscription.hold(topic, partition);
      setImmediate(() => this.applyPauses());
      return partitions.map(({ topic, partition }) => ({ topic, partition, offset: OFFSET_STORED }));
    }
    const withSeeks = starts.map((start) => this.session.subscription.takeSeek(start.topic, start.partition) ?? start);
    for (const start of withSeeks)
      if (start.offset >= 0) this.session.offsets.started(start.topic, start.partition, start.offset);
    // Pauses are applied once the library has assigned the partitions (after this callback returns).
    setImmediate(() => {
      if (this.generation !== generation) return;
      this.applyPauses();
      this.session.firstAssignmentReady();
    });
    return withSeeks.map(({ topic, partition, offset }) => ({ topic, partition, offset }));
  }

  private async onRevoke(): Promise<void> {
    this.generation++;
    this.wakeBackoff?.();
    if (this.handling) await this.handling.catch(() => undefined);
    if (this.member && this.session.running && this.session.config.autoCommit && this.session.offsets.dirty) {
      await this.session.offsets
        .commit(
          (offsets) => this.commit(offsets),
          (topic, partition) => this.session.isAssigned(topic, partition),
        )
        .catch((error: unknown) => this.session.emitError(toKafkaError(error)));
    }
    this.member = false;
    this.session.revoked();
  }

  /**
   * startPositions() within a bound past the library's own request timeouts: its admin calls block in C, where a
   * defect can leave one waiting forever (as dependentAdmin()'s copied lock did), and librdkafka applies no assignment
   * until this callback returns. Past the bound the assignment fails with KafkaTimeoutError (its partitions are held
   * until the next rebalance) and the next one opens a fresh admin client; the stuck one is left, not destroyed, since
   * destroying it would wait on the same call.
   */
  private async boundedStartPositions(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const topics = new Set(partitions.map((p) => p.topic)).size;
    const limitMs = (2 * topics + 1) * this.clientConfig.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.admin = null;
        reject(
          new KafkaTimeoutError(
            `librdkafka's admin client gave no committed offsets or log ends within ${limitMs} ms; ` +
              'the partitions wait for the next rebalance',
          ),
        );
      }, limitMs);
    });
    try {
      return await Promise.race([this.startPositions(partitions), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Where each assigned partition starts: its committed offset when it has one, else fromOffset's end of the log
   * (librdkafka's own reset, auto.offset.reset, follows outOfRangeOffset). fromOffset 'none' without a committed
   * offset fails with NoCommittedOffsetError.
   */
  private async startPositions(partitions: TopicPartition[]): Promise<TopicPartitionOffset[]> {
    if (partitions.length === 0) return [];
    const { config } = this.session;
    const admin = await this.connectedAdmin();
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const committed = new Map<string, number>();
    for (const topic of topics) {
      const ids = partitions.filter((p) => p.topic === topic).map((p) => p.partition);
      const answer = await admin.fetchOffsets({
        groupId: config.groupId,
        topics: [{ topic, partitions: ids }],
      } as unknown as Parameters<KafkaJS.Admin['fetchOffsets']>[0]);
      for (const entry of answer)
        for (const p of entry.partitions)
          if (Number(p.offset) >= 0) committed.set(partitionKey(entry.topic, p.partition), Number(p.offset));
    }
    const missing = partitions.filter(({ topic, partition }) => !committed.has(partitionKey(topic, partition)));
    if (missing.length > 0 && config.fromOffset === 'none') throw new NoCommittedOffsetError(config.groupId, missing);
    const ends = new Map<string, number>();
    for (const topic of new Set(missing.map((p) => p.topic))) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic, {
        timeout: this.clientConfig.requestTimeoutMs,
        // KafkaJS.IsolationLevel: 0 read_uncommitted (the log end), 1 read_committed (the last stable offset).
        isolationLevel: (config.isolationLevel === 'read_committed' ? 1 : 0) as KafkaJS.IsolationLevel,
      })) {
        ends.set(partitionKey(topic, partition), Number(config.fromOffset === 'earliest' ? low : high));
      }
    }
    return partitions.map(({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      return { topic, partition, offset: committed.get(key) ?? ends.get(key) ?? 0 };
    });
  }

  private seekNow(position: TopicPartitionOffset): void {
    const { topic, partition, offset } = position;
    try {
      this.consumer.seek({ topic, partition, offset: String(offset) });
    } catch (error) {
      throw toKafkaError(error);
    }
    this.session.handler.reset(topic, partition);
    this.session.offsets.moved(topic, partition, offset);
  }

  /** Makes the library's pause state match ours: paused topics whole, plus held partitions of the others. */
  private applyPauses(): void {
    if (!this.member) return;
    const { config, subscription } = this.session;
    const assigned = this.session.assignment?.partitions ?? [];
    try {
      for (const topic of config.topics) {
        const ids = assigned.filter((p) => p.topic === topic).map((p) => p.partition);
        if (ids.length === 0) continue;
        const stopped = subscription.isPaused(topic) ? ids : subscription.stoppedPartitions(topic);
        const running = ids.filter((id) => !stopped.includes(id));
        if (stopped.length > 0) this.consumer.pause([{ topic, partitions: stopped }]);
        if (running.length > 0) this.consumer.resume([{ topic, partitions: running }]);
      }
    } catch {
      // No live assignment right now (between a revocation and the next assignment): the next one applies it again.
    }
  }

  /**
   * An admin client of its own, not the consumer's dependentAdmin(): the binding (1.10.1) gives a dependent admin a
   * bitwise copy of the consumer's connection rwlock instead of sharing it. A copy taken while a fetch holds the lock
   * for reading stays read-locked forever, and every admin call (they take it for writing) then waits forever: the
   * rebalance callback never returns and the group stalls (seen under load as hangs in the first assignment).
   */
  private async connectedAdmin(): Promise<KafkaJS.Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        throw toKafkaError(error);
      }
      this.admin = admin;
    }
    return this.admin;
  }
}
