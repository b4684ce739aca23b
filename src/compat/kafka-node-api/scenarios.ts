/**
 * The kafka-node API scenarios: programs written against kafka-node 5.0.0's API, run unchanged on the real kafka-node
 * and on the facade over each backend. Each gets a `kafka` module object and records a trace (events in order,
 * callback results, messages received with topic/partition/offset/key/value); a facade's trace must equal the real
 * kafka-node's. `compat` runs them side by side; test/adapter/differential*.test.ts runs the same set.
 */
import { strict as assert } from 'assert';
import type { ProduceRequest } from 'kafka-node';
import { createPartitionChooser } from '../../common/partitioners';
import { settle } from './callbacks';
import type { KafkaNodeModule } from './engines';
import { readBack } from './read-back';

export type Trace = unknown[];

export interface KafkaNodeApiContext {
  kafka: KafkaNodeModule;
  kafkaHost: string;
  /** A broker of the same cluster kind that creates unknown topics (3 partitions) on first use. */
  autoCreatingKafkaHost: string;
  createTopic(name: string, partitions: number): Promise<void>;
  /** The topic or group name to use for `base` (engines sharing one cluster get distinct names; traces show `base`). */
  name(base: string): string;
  record(entry: unknown): void;
}

/**
 * A difference the facade documents on purpose (with the warning it emits): the entry is left out of the equality
 * check, and the facade's value must be the documented one.
 */
export interface DocumentedDifference {
  entry: number;
  reason: string;
  facadeValue: unknown;
}

/** What a scenario needs of the cluster beyond topics it creates itself. */
export type ClusterNeed = 'auto-creating broker' | 'broker without auto-creation';

export interface KafkaNodeApiScenario {
  id: string;
  name: string;
  uses?: ClusterNeed[];
  documented?: DocumentedDifference[];
  /** A facade gap found by this scenario and reported: the differential test skips while the traces differ. */
  knownFacadeGap?: string;
  run(context: KafkaNodeApiContext): Promise<void>;
  /** Checks the real kafka-node's trace (the reference) beyond equality with the others; throws when it is wrong. */
  check(trace: Trace): void;
}

export function newClient(kafka: KafkaNodeModule, kafkaHost: string) {
  return new kafka.KafkaClient({
    kafkaHost,
    requestTimeout: 10000,
    connectTimeout: 5000,
    connectRetryOptions: { retries: 2, minTimeout: 100, maxTimeout: 500 },
  });
}

export function readyOrError(
  emitter: { once(event: string, listener: (...args: unknown[]) => void): unknown },
  what: string,
): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`${what}: no ready within 10 s`), 10000);
    emitter.once('ready', () => {
      clearTimeout(timer);
      resolve(`${what} ready`);
    });
    emitter.once('error', (error) => {
      clearTimeout(timer);
      resolve(`${what} error ${error instanceof Error ? error.name : String(error)}`);
    });
  });
}

export function close(closable: { close(cb: () => void): void }): Promise<void> {
  return new Promise((resolve) => closable.close(() => resolve()));
}

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  highWaterOffset: number | undefined;
}

/** A ConsumerGroup that records its events (consecutive repeats folded) and its messages. */
export function startGroup(
  context: KafkaNodeApiContext,
  options: {
    groupId: string;
    topics: string[];
    fromOffset: 'earliest' | 'latest';
    protocol: string[];
    recordHighWater: boolean;
    /** More kafka-node ConsumerGroup options (topicPartitionCheckInterval...). */
    more?: Record<string, unknown>;
  },
) {
  const group = new context.kafka.ConsumerGroup(
    {
      kafkaHost: context.kafkaHost,
      groupId: options.groupId,
      fromOffset: options.fromOffset,
      protocol: options.protocol as ('roundrobin' | 'range')[],
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      fetchMaxWaitMs: 100,
      autoCommit: false,
      encoding: 'utf8',
      keyEncoding: 'utf8',
      ...options.more,
    },
    options.topics,
  );
  const events: string[] = [];
  const messages: ReceivedMessage[] = [];
  const note = (event: string): void => {
    if (events[events.length - 1] !== event) events.push(event);
  };
  let joined = false;
  group.on('connect', () => note('connect'));
  group.on('rebalancing', () => note('rebalancing'));
  group.on('rebalanced', () => {
    joined = true;
    note('rebalanced');
  });
  group.on('error', (error: unknown) => note(`error ${error instanceof Error ? error.name : String(error)}`));
  group.on('message', (message) => {
    note('message');
    messages.push({
      topic: message.topic,
      partition: message.partition ?? -1,
      offset: message.offset ?? -1,
      key: text(message.key),
      value: text(message.value),
      // The high watermark a message carries depends on fetch timing unless everything was produced beforehand.
      highWaterOffset: options.recordHighWater ? message.highWaterOffset : undefined,
    });
  });
  return {
    group,
    events,
    messages,
    joined: () => joined,
    sortedMessages: () =>
      [...messages].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset),
    close: (commit: boolean) =>
      settle<unknown>((done) => group.close(commit, (error: unknown) => done(error, 'closed'))),
    commit: () =>
      settle<unknown>((done) =>
        group.commit(true, (error: unknown, result: unknown) =>
          done(error, result === undefined ? 'committed' : result),
        ),
      ),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function produceWith(
  context: KafkaNodeApiContext,
  payloads: { topic: string; messages: string[]; partition?: number; key?: string }[],
  partitionerType = 3,
) {
  const client = newClient(context.kafka, context.kafkaHost);
  const producer = new context.kafka.Producer(client, { requireAcks: 1, partitionerType });
  await readyOrError(producer, 'producer');
  const results = [];
  for (const payload of payloads) results.push(await settle((done) => producer.send([payload], done)));
  await close(producer);
  return results;
}

const KEYS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

export const KAFKA_NODE_API_SCENARIOS: readonly KafkaNodeApiScenario[] = [
  {
    id: 'producer-shapes',
    name: 'Producer send shapes: explicit partition, several payloads, keyed partitioner, gzip and snappy',
    async run(context) {
      const { kafka, record } = context;
      await context.createTopic(context.name('shapes'), 3);
      await context.createTopic(context.name('shapes-b'), 1);
      const client = newClient(kafka, context.kafkaHost);
      const producer = new kafka.Producer(client, { requireAcks: 1, partitionerType: 3 });
      record(await readyOrError(producer, 'producer'));
      record(
        await settle((done) =>
          producer.send([{ topic: context.name('shapes'), partition: 2, messages: ['p2-a', 'p2-b'] }], done),
        ),
      );
      record(
        await settle((done) =>
          producer.send(
            [
              { topic: context.name('shapes'), partition: 0, messages: 'single string' },
              { topic: context.name('shapes-b'), messages: ['other topic'] },
            ],
            done,
          ),
        ),
      );
      for (const key of KEYS) {
        record(
          await settle((done) =>
            producer.send(
              [{ topic: context.name('shapes'), key, messages: new kafka.KeyedMessage(key, `keyed ${key}`) }],
              done,
            ),
          ),
        );
      }
      record(
        await settle((done) =>
          producer.send(
            [
              {
                topic: context.name('shapes'),
                partition: 1,
                attributes: 1,
                messages: ['gzip 1', 'gzip 2', new kafka.KeyedMessage('gz', 'gzip 3')],
              },
            ],
            done,
          ),
        ),
      );
      record(
        await settle((done) =>
          producer.send(
            [{ topic: context.name('shapes'), partition: 1, attributes: 2, messages: ['snappy 1', 'snappy 2'] }],
            done,
          ),
        ),
      );
      await close(producer);
      // What the broker holds, read back with the real kafka-node whatever the mode.
      record(
        await readBack(context.kafkaHost, context.name('shapes'), { 0: 0, 1: 0, 2: 0 }, 2 + 1 + KEYS.length + 3 + 2),
      );
    },
    check(trace) {
      assert.equal(trace[0], 'producer ready');
      assert.deepEqual(trace[1], { result: { shapes: { 2: 0 } } });
      assert.deepEqual(trace[2], { result: { shapes: { 0: 0 }, 'shapes-b': { 0: 0 } } });
      const keyed = createPartitionChooser('keyed');
      const keyedResults = trace.slice(3, 3 + KEYS.length) as { result: Record<string, Record<string, number>> }[];
      KEYS.forEach((key, i) =>
        assert.deepEqual(Object.keys(keyedResults[i]!.result.shapes!), [String(keyed([0, 1, 2], Buffer.from(key)))]),
      );
      const stored = trace[trace.length - 1] as { partition: number; key: string | null; value: string }[];
      assert.equal(stored.length, 14);
      const onPartition1 = stored.filter((m) => m.partition === 1).map((m) => m.value);
      for (const value of ['gzip 1', 'gzip 3', 'snappy 2'])
        assert.ok(onPartition1.includes(value), `${value} on partition 1`);
      assert.equal(stored.find((m) => m.value === 'gzip 3')?.key, 'gz');
    },
  },
  {
    id: 'auto-created-topics',
    uses: ['auto-creating broker'],
    name: 'keyed Producer, then HighLevelProducer, on topics that auto-creation makes (3 partitions) on the first send',
    async run(context) {
      const { kafka, record } = context;
      const client = newClient(kafka, context.autoCreatingKafkaHost);
      const producer = new kafka.Producer(client, { requireAcks: 1, partitionerType: 3 });
      record(await readyOrError(producer, 'producer'));
      for (const key of KEYS)
        record(
          await settle((done) =>
            producer.send([{ topic: context.name('created-on-send'), key, messages: [`to ${key}`] }], done),
          ),
        );
      await close(producer);
      const highLevelClient = newClient(kafka, context.autoCreatingKafkaHost);
      const highLevel = new kafka.HighLevelProducer(highLevelClient, { requireAcks: 1 });
      record(await readyOrError(highLevel, 'high-level producer'));
      for (let i = 0; i < 4; i++)
        record(
          await settle((done) =>
            highLevel.send([{ topic: context.name('created-on-high-level-send'), messages: [`event ${i}`] }], done),
          ),
        );
      await close(highLevel);
    },
    check(trace) {
      // kafka-node picks a partition before it has the new topic's metadata: the first send fails, the next ones are
      // keyed over the 3 partitions.
      assert.deepEqual(trace[1], { error: { name: 'BrokerNotAvailableError', message: 'Could not find the leader' } });
      const keyed = createPartitionChooser('keyed');
      KEYS.slice(1).forEach((key, i) => {
        assert.deepEqual(Object.keys((trace[i + 2] as { result: Record<string, object> }).result['created-on-send']!), [
          String(keyed([0, 1, 2], Buffer.from(key))),
        ]);
      });
      assert.equal(trace[KEYS.length + 1], 'high-level producer ready');
      assert.equal(trace.length, KEYS.length + 6);
    },
  },
  {
    id: 'high-level-producer',
    name: 'HighLevelProducer: cyclic by default, keyed with partitionerType 3',
    async run(context) {
      const { kafka, record } = context;
      await context.createTopic(context.name('hlp'), 3);
      const client = newClient(kafka, context.kafkaHost);
      const cyclic = new kafka.HighLevelProducer(client, { requireAcks: 1 });
      record(await readyOrError(cyclic, 'cyclic'));
      for (let i = 0; i < 4; i++)
        record(await settle((done) => cyclic.send([{ topic: context.name('hlp'), messages: [`cyclic ${i}`] }], done)));
      await close(cyclic);
      const keyedClient = newClient(kafka, context.kafkaHost);
      const keyed = new kafka.HighLevelProducer(keyedClient, { requireAcks: 1, partitionerType: 3 });
      record(await readyOrError(keyed, 'keyed'));
      for (const key of KEYS.slice(0, 3))
        record(
          await settle((done) =>
            keyed.send([{ topic: context.name('hlp'), key, messages: [`hl ${key}`], attributes: 1 }], done),
          ),
        );
      await close(keyed);
      record(await readBack(context.kafkaHost, context.name('hlp'), { 0: 0, 1: 0, 2: 0 }, 7));
    },
    check(trace) {
      assert.deepEqual(
        trace.slice(1, 5),
        [0, 1, 2, 0].map((p, i) => ({ result: { hlp: { [p]: i < 3 ? 0 : 1 } } })),
      );
      assert.equal((trace[trace.length - 1] as unknown[]).length, 7);
    },
  },
  {
    id: 'group-earliest',
    name: 'ConsumerGroup fromOffset earliest, roundrobin: every message, then close with commit',
    async run(context) {
      await context.createTopic(context.name('cg-earliest'), 3);
      const sent = await produceWith(
        context,
        KEYS.map((key) => ({ topic: context.name('cg-earliest'), key, messages: [`${key} from earliest`] })),
      );
      context.record(sent);
      const member = startGroup(context, {
        groupId: context.name('g-earliest'),
        topics: [context.name('cg-earliest')],
        fromOffset: 'earliest',
        protocol: ['roundrobin'],
        recordHighWater: true,
      });
      await until(() => member.messages.length >= KEYS.length, 'six messages');
      context.record(await member.close(true));
      context.record(member.events);
      context.record(member.sortedMessages());
      // The commit on close is visible to an Offset client.
      const client = newClient(context.kafka, context.kafkaHost);
      const offset = new context.kafka.Offset(client);
      context.record(
        await settle((done) =>
          offset.fetchCommits(
            context.name('g-earliest'),
            [0, 1, 2].map((partition) => ({ topic: context.name('cg-earliest'), partition })),
            done,
          ),
        ),
      );
      await close(client);
    },
    check(trace) {
      assert.deepEqual(trace[1], { result: 'closed' });
      // kafka-node announces the first join as a rebalance too.
      assert.deepEqual(trace[2], ['rebalancing', 'connect', 'rebalanced', 'message']);
      assert.equal((trace[3] as unknown[]).length, KEYS.length);
      assert.deepEqual(trace[4], { result: { 'cg-earliest': { 0: 1, 1: 3, 2: 2 } } });
    },
  },
  {
    id: 'group-latest',
    name: 'ConsumerGroup fromOffset latest, range: only what is produced after the join',
    async run(context) {
      await context.createTopic(context.name('cg-latest'), 2);
      context.record(
        await produceWith(context, [
          { topic: context.name('cg-latest'), partition: 0, messages: ['before 0'] },
          { topic: context.name('cg-latest'), partition: 1, messages: ['before 1'] },
        ]),
      );
      const member = startGroup(context, {
        groupId: context.name('g-latest'),
        topics: [context.name('cg-latest')],
        fromOffset: 'latest',
        protocol: ['range'],
        recordHighWater: false,
      });
      await until(member.joined, 'the join');
      // A fetch round after the join, so the latest offsets have been resolved before anything new arrives.
      await new Promise((resolve) => setTimeout(resolve, 500));
      context.record(
        await produceWith(
          context,
          [0, 1, 0, 1].map((partition, i) => ({
            topic: context.name('cg-latest'),
            partition,
            messages: [`after ${i}`],
          })),
        ),
      );
      await until(() => member.messages.length >= 4, 'four new messages');
      context.record(await member.commit());
      context.record(await member.close(false));
      context.record(member.events);
      context.record(member.sortedMessages());
    },
    check(trace) {
      const messages = trace[trace.length - 1] as ReceivedMessage[];
      assert.deepEqual(
        messages.map((m) => m.value),
        ['after 0', 'after 2', 'after 1', 'after 3'],
      );
      assert.deepEqual(
        messages.map((m) => m.offset),
        [1, 2, 1, 2],
      );
    },
  },
  {
    id: 'plain-consumer',
    name: 'plain Consumer: explicit partitions from given offsets (fromOffset: true), then close',
    async run(context) {
      const { kafka, record } = context;
      await context.createTopic(context.name('plain'), 2);
      record(
        await produceWith(context, [
          { topic: context.name('plain'), partition: 0, messages: ['p0-0', 'p0-1', 'p0-2'] },
          { topic: context.name('plain'), partition: 1, messages: ['p1-0', 'p1-1'] },
        ]),
      );
      const client = newClient(kafka, context.kafkaHost);
      const consumer = new kafka.Consumer(
        client,
        [
          { topic: context.name('plain'), partition: 0, offset: 1 },
          { topic: context.name('plain'), partition: 1, offset: 0 },
        ],
        {
          groupId: context.name('plain-consumer'),
          fromOffset: true,
          autoCommit: false,
          fetchMaxWaitMs: 100,
          encoding: 'utf8',
        },
      );
      const messages: ReceivedMessage[] = [];
      const errors: string[] = [];
      consumer.on('message', (message) =>
        messages.push({
          topic: message.topic,
          partition: message.partition ?? -1,
          offset: message.offset ?? -1,
          key: text(message.key),
          value: text(message.value),
          highWaterOffset: message.highWaterOffset,
        }),
      );
      consumer.on('error', (error: Error) => errors.push(error.name));
      await until(() => messages.length >= 4, 'four messages');
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
      record(errors);
      record([...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset));
    },
    check(trace) {
      assert.deepEqual(trace[1], []);
      assert.deepEqual(
        (trace[2] as ReceivedMessage[]).map((m) => m.value),
        ['p0-1', 'p0-2', 'p1-0', 'p1-1'],
      );
    },
  },
  {
    id: 'offset-api',
    name: 'Offset: fetch, fetchLatestOffsets, fetchEarliestOffsets, commit then fetchCommits',
    documented: [
      {
        entry: 6,
        reason:
          "the facade's Offset.commit stores offsets in Kafka and warns (offset.commit.kafka-storage); kafka-node's OffsetCommit v0 goes to ZooKeeper-stored offsets, which its own fetchCommits (OffsetFetch v1) never reads",
        facadeValue: { result: { offsets: { 0: 2, 1: 1 } } },
      },
    ],
    async run(context) {
      const { kafka, record } = context;
      await context.createTopic(context.name('offsets'), 2);
      record(
        await produceWith(context, [
          { topic: context.name('offsets'), partition: 0, messages: ['a', 'b', 'c'] },
          { topic: context.name('offsets'), partition: 1, messages: ['d'] },
        ]),
      );
      const client = newClient(kafka, context.kafkaHost);
      const offset = new kafka.Offset(client);
      record(
        await settle((done) =>
          offset.fetch(
            [
              { topic: context.name('offsets'), partition: 0, time: -1, maxNum: 1 },
              { topic: context.name('offsets'), partition: 1, time: -2, maxNum: 1 },
            ],
            done,
          ),
        ),
      );
      record(await settle((done) => offset.fetchLatestOffsets([context.name('offsets')], done)));
      record(await settle((done) => offset.fetchEarliestOffsets([context.name('offsets')], done)));
      record(
        await settle((done) =>
          offset.fetchCommits(context.name('offsets-group'), [{ topic: context.name('offsets'), partition: 0 }], done),
        ),
      );
      record(
        await settle((done) =>
          offset.commit(
            context.name('offsets-group'),
            [
              { topic: context.name('offsets'), partition: 0, offset: 2 },
              { topic: context.name('offsets'), partition: 1, offset: 1, metadata: 'm' },
            ],
            done,
          ),
        ),
      );
      record(
        await settle((done) =>
          offset.fetchCommits(
            context.name('offsets-group'),
            [
              { topic: context.name('offsets'), partition: 0 },
              { topic: context.name('offsets'), partition: 1 },
            ],
            done,
          ),
        ),
      );
      await close(client);
    },
    check(trace) {
      assert.deepEqual(trace.slice(1), [
        { result: { offsets: { 0: [3], 1: [0] } } },
        { result: { offsets: { 0: 3, 1: 1 } } },
        { result: { offsets: { 0: 0, 1: 0 } } },
        { result: { offsets: { 0: -1 } } },
        trace[5],
        // Offset.commit is OffsetCommit v0 (ZooKeeper-stored offsets on a real Kafka) while fetchCommits is OffsetFetch
        // v1 (Kafka-stored): kafka-node never sees its own Offset.commit through fetchCommits.
        { result: { offsets: { 0: -1, 1: -1 } } },
      ]);
      assert.ok(trace[5] && typeof trace[5] === 'object' && 'result' in trace[5], 'Offset.commit answered');
    },
  },
  {
    id: 'produce-errors',
    uses: ['broker without auto-creation'],
    name: 'errors: unknown topic with auto-creation off, unknown partition, bad payloads',
    async run(context) {
      const { kafka, record } = context;
      await context.createTopic(context.name('errors-known'), 1);
      const client = newClient(kafka, context.kafkaHost);
      const producer = new kafka.Producer(client, { requireAcks: 1 });
      record(await readyOrError(producer, 'producer'));
      record(
        await settle((done) => producer.send([{ topic: context.name('no-such-topic'), messages: ['lost'] }], done)),
      );
      record(
        await settle((done) =>
          producer.send([{ topic: context.name('errors-known'), partition: 7, messages: ['no such partition'] }], done),
        ),
      );
      // kafka-node throws on these synchronously; a facade may call back with a validation error instead: only the
      // failure itself is compared.
      const outcome = (settled: { result: unknown } | { error: unknown }): string =>
        'error' in settled ? 'failed' : 'accepted';
      const notAnArray = { topic: context.name('errors-known'), messages: ['x'] } as unknown as ProduceRequest[];
      record(outcome(await settle((done) => producer.send(notAnArray, done))));
      const noTopic = [{ messages: ['x'] }] as unknown as ProduceRequest[];
      record(outcome(await settle((done) => producer.send(noTopic, done))));
      record(
        await settle((done) =>
          producer.send([{ topic: context.name('errors-known'), messages: ['still fine'] }], done),
        ),
      );
      const offset = new kafka.Offset(client);
      record(await settle((done) => offset.fetchLatestOffsets([context.name('no-such-topic')], done)));
      await close(producer);
    },
    check(trace) {
      assert.deepEqual(trace, [
        'producer ready',
        { error: { name: 'Error', message: 'UnknownTopicOrPartition' } },
        { error: { name: 'BrokerNotAvailableError', message: 'Could not find the leader' } },
        'failed',
        'failed',
        { result: { 'errors-known': { 0: 0 } } },
        { error: { name: 'Error', message: 'Topic(s) does not exist' } },
      ]);
    },
  },
];
