import { expect } from 'chai';
import * as realKafkaNode from 'kafka-node';
import {
  Admin,
  ConsumerGroup,
  HighLevelProducer,
  InvalidConfigError,
  KafkaClient,
  Offset,
  Producer,
  resetWarnings,
  setWarningHandler,
  type AdapterWarning,
  type ProduceRequest,
} from '../../src/adapter';
import { ConfigurationError } from '../../src/common/errors';
import type { BackendName, ConsumedMessage } from '../../src/common/types';
import { createKafka } from '../../src/kafka';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { closeQuietly, startMember } from '../helpers/backend-tests';
import { until } from '../helpers/poll';

const MESSAGE_MAX_BYTES = 4096;

interface Outcome {
  error: (Error & { errorCode?: number; code?: unknown }) | null;
  result?: unknown;
  elapsedMs: number;
}

/** Runs a callback-style call; a synchronous throw counts as the outcome too. */
function outcomeOf(
  run: (cb: (error: Error | null, result?: unknown) => void) => void,
  timeoutMs = 10000,
): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ error: new Error(`no callback within ${timeoutMs} ms`), elapsedMs: Date.now() - started }),
      timeoutMs,
    );
    const done = (error: Error | null, result?: unknown): void => {
      clearTimeout(timer);
      resolve({ error, result, elapsedMs: Date.now() - started });
    };
    try {
      run(done);
    } catch (error) {
      done(error as Error);
    }
  });
}

function thrown(run: () => unknown): Error | null {
  try {
    run();
    return null;
  } catch (error) {
    return error as Error;
  }
}

function ready(client: { once(event: 'ready', listener: () => void): unknown }): Promise<void> {
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

// Bad input through the facade: where kafka-node fails before any I/O the facade does too, with kafka-node's error
// class and message; where the facade deliberately checks more (or less) than kafka-node, the test name says so. Every
// case checks with the broker that nothing was appended (log end offsets unchanged), and the cases kafka-node answers
// quickly are run on the real kafka-node 5 as well for comparison.
for (const backend of ['kafka-node', 'kafkajs'] as BackendName[]) {
  describe(`adapter facade on the ${backend} backend: bad input`, function () {
    this.timeout(30000);
    let broker: EmbeddedBroker;
    let client: KafkaClient;
    let producer: Producer;
    let realClient: realKafkaNode.KafkaClient;
    let realProducer: realKafkaNode.Producer;
    const warnings: AdapterWarning[] = [];
    const topic = `bad-input-${backend}`;

    const endOffsets = (): number[] => broker.cluster.getTopic(topic)!.partitions.map((p) => p.log.logEndOffset);

    /** Runs `action` and checks no message reached the topic (what an early error must guarantee). */
    async function nothingSent<T>(action: () => Promise<T>): Promise<T> {
      const before = endOffsets();
      const result = await action();
      expect(endOffsets(), 'log end offsets of the topic').to.deep.equal(before);
      return result;
    }

    const facadeSend = (payloads: ProduceRequest[]): Promise<Outcome> => outcomeOf((cb) => producer.send(payloads, cb));
    const realSend = (payloads: ProduceRequest[]): Promise<Outcome> =>
      outcomeOf((cb) => realProducer.send(payloads as realKafkaNode.ProduceRequest[], cb));

    before(async () => {
      setWarningHandler((warning) => warnings.push(warning));
      broker = await startEmbedded({ messageMaxBytes: MESSAGE_MAX_BYTES });
      broker.cluster.createTopic({ name: topic, numPartitions: 2, replicationFactor: 1 });
      client = new KafkaClient({ kafkaHost: broker.bootstrap, backend });
      await ready(client);
      producer = new Producer(client, { requireAcks: 1 });
      realClient = new realKafkaNode.KafkaClient({ kafkaHost: broker.bootstrap });
      realClient.on('error', () => undefined);
      await ready(realClient);
      realProducer = new realKafkaNode.Producer(realClient, { requireAcks: 1 });
    });

    beforeEach(() => {
      warnings.length = 0;
      resetWarnings();
    });

    after(async () => {
      setWarningHandler(null);
      await new Promise((resolve) => (producer ? producer.close(() => resolve(undefined)) : resolve(undefined)));
      await new Promise((resolve) =>
        realProducer ? realProducer.close(() => resolve(undefined)) : resolve(undefined),
      );
      await broker?.stop();
    });

    it('a payload with an empty or missing topic fails before any I/O with ConfigurationError (deliberate: kafka-node never calls back for "" and throws a TypeError for a missing topic)', async () => {
      for (const payload of [{ topic: '', messages: ['x'] }, { messages: ['x'] } as unknown as ProduceRequest]) {
        const outcome = await nothingSent(() => facadeSend([payload]));
        expect(outcome.error, JSON.stringify(payload)).to.be.instanceOf(ConfigurationError);
        expect(outcome.error!.message).to.match(/payloads\[0\] needs a non-empty string "topic"/);
        expect(outcome.elapsedMs, 'answered without waiting for the network').to.be.below(1000);
      }
      const reference = await nothingSent(() => realSend([{ messages: ['x'] } as unknown as ProduceRequest]));
      expect(reference.error, 'kafka-node: missing topic').to.be.instanceOf(TypeError);
    });

    it('send() of a non-array fails with ConfigurationError before any I/O', async () => {
      const outcome = await nothingSent(() =>
        outcomeOf((cb) => producer.send({ topic, messages: ['x'] } as unknown as ProduceRequest[], cb)),
      );
      expect(outcome.error).to.be.instanceOf(ConfigurationError);
      expect(outcome.error!.message).to.match(/array of payloads/);
    });

    it('an empty payload list answers {} and sends nothing, as kafka-node', async () => {
      const outcome = await nothingSent(() => facadeSend([]));
      const reference = await nothingSent(() => realSend([]));
      expect(outcome.error).to.equal(null);
      expect(outcome.result).to.deep.equal(reference.result).and.to.deep.equal({});
    });

    it('non-Buffer, non-string values are sent as kafka-node sends them: toString() (42 -> "42", {} -> "[object Object]"), null as a null value', async () => {
      const values = [42, { a: 1 }, null, true] as unknown as string[];
      const facadeOutcome = await facadeSend([{ topic, partition: 0, messages: values }]);
      const realOutcome = await realSend([{ topic, partition: 1, messages: values }]);
      expect(facadeOutcome.error, 'facade send').to.equal(null);
      expect(realOutcome.error, 'kafka-node send').to.equal(null);
      const expected = endOffsets().reduce((sum, end) => sum + end, 0);
      const member = await startMember(createKafka({ backend, brokers: broker.brokers }), {
        groupId: `read-${topic}`,
        topics: [topic],
        fromOffset: 'earliest',
      });
      try {
        await until(() => member.messages.length >= expected, `${expected} messages read back`);
        const valuesOf = (partition: number) =>
          member.messages
            .filter((m: ConsumedMessage) => m.partition === partition)
            .slice(-values.length)
            .map((m) => (m.value === null ? null : m.value.toString()));
        expect(valuesOf(0), 'facade').to.deep.equal(['42', '[object Object]', null, 'true']);
        expect(valuesOf(0), 'facade vs kafka-node').to.deep.equal(valuesOf(1));
      } finally {
        await closeQuietly([member.group]);
      }
    });

    it(`a message larger than message.max.bytes (${MESSAGE_MAX_BYTES}) fails with kafka-node's Error("MessageSizeTooLarge") (plus errorCode 10), nothing appended`, async () => {
      const big = 'x'.repeat(MESSAGE_MAX_BYTES + 1000);
      const outcome = await nothingSent(() => facadeSend([{ topic, partition: 0, messages: [big] }]));
      const reference = await nothingSent(() => realSend([{ topic, partition: 0, messages: [big] }]));
      expect(reference.error?.message, 'kafka-node').to.equal('MessageSizeTooLarge');
      expect(outcome.error, 'facade').to.be.instanceOf(Error);
      expect([outcome.error!.name, outcome.error!.message]).to.deep.equal([
        reference.error!.name,
        reference.error!.message,
      ]);
      expect(outcome.error!.errorCode).to.equal(10);
    });

    it('an unknown partition fails with BrokerNotAvailableError("Could not find the leader") as kafka-node, nothing sent', async () => {
      const outcome = await nothingSent(() => facadeSend([{ topic, partition: 7, messages: ['x'] }]));
      const reference = await nothingSent(() => realSend([{ topic, partition: 7, messages: ['x'] }]));
      expect([outcome.error?.name, outcome.error?.message]).to.deep.equal([
        reference.error?.name,
        reference.error?.message,
      ]);
      expect([outcome.error?.name, outcome.error?.message]).to.deep.equal([
        'BrokerNotAvailableError',
        'Could not find the leader',
      ]);
    });

    it('createTopics with an invalid topic name answers the per-topic error in the result as kafka-node (text from the backend), creates nothing', async () => {
      const name = 'bad topic!';
      const outcome = await outcomeOf((cb) =>
        client.createTopics([{ topic: name, partitions: 1, replicationFactor: 1 }], cb as never),
      );
      const reference = await outcomeOf((cb) =>
        realClient.createTopics([{ topic: name, partitions: 1, replicationFactor: 1 }], cb as never),
      );
      expect(reference.error, 'kafka-node').to.equal(null);
      expect(outcome.error, 'facade').to.equal(null);
      const [entry] = outcome.result as Array<{ topic: string; error: string }>;
      expect(entry?.topic).to.equal(name);
      expect(entry?.error)
        .to.be.a('string')
        .and.match(/invalid|illegal|characters/i);
      expect(Object.keys((reference.result as object[])[0]!)).to.deep.equal(Object.keys(entry!));
      expect(broker.cluster.getTopic(name)).to.equal(undefined);
    });

    it("ConsumerGroup with an empty or missing topic list throws kafka-node's messages synchronously (deliberate: Error, where kafka-node throws an AssertionError)", () => {
      const options = {
        kafkaHost: broker.bootstrap,
        groupId: `g-${topic}`,
        backend,
        connectOnReady: false,
        autoConnect: false,
      };
      for (const topics of [[], undefined]) {
        const facadeError = thrown(() => new ConsumerGroup(options, topics as unknown as string[]));
        const realError = thrown(
          () =>
            new realKafkaNode.ConsumerGroup(
              {
                kafkaHost: broker.bootstrap,
                groupId: `g-${topic}`,
                connectOnReady: false,
                autoConnect: false,
              } as realKafkaNode.ConsumerGroupOptions,
              topics as unknown as string[],
            ),
        );
        expect(facadeError, `facade, topics ${JSON.stringify(topics)}`).to.be.instanceOf(Error);
        expect(facadeError!.message).to.equal(realError!.message);
        expect(realError!.name).to.equal('AssertionError');
      }
    });

    it("ConsumerGroup with an invalid fromOffset throws kafka-node's Error before any I/O", () => {
      const facadeError = thrown(
        () =>
          new ConsumerGroup(
            { kafkaHost: broker.bootstrap, groupId: `g-${topic}`, backend, fromOffset: 'begin' as 'earliest' },
            [topic],
          ),
      );
      const realError = thrown(
        () =>
          new realKafkaNode.ConsumerGroup(
            { kafkaHost: broker.bootstrap, groupId: `g-${topic}`, fromOffset: 'begin' as 'earliest' },
            [topic],
          ),
      );
      expect(facadeError?.message)
        .to.equal(realError?.message)
        .and.to.equal('fromOffset begin should be either: latest, earliest, none');
    });

    it('unknown KafkaClient and ConsumerGroup option names are warned once each on the warning channel (deliberate: kafka-node ignores them silently)', () => {
      const typo = new KafkaClient({
        kafkaHost: broker.bootstrap,
        backend,
        autoConnect: false,
        requestTimeOut: 1000,
      } as never);
      new KafkaClient({ kafkaHost: broker.bootstrap, backend, autoConnect: false, requestTimeOut: 1000 } as never);
      expect(typo.ready).to.equal(false);
      new ConsumerGroup(
        {
          kafkaHost: broker.bootstrap,
          backend,
          autoConnect: false,
          connectOnReady: false,
          sessionTimeOut: 1000,
        } as never,
        [topic],
      );
      expect(warnings.map((w) => [w.name, w.backend])).to.deep.equal([
        ['option.KafkaClient.requestTimeOut', null],
        ['option.ConsumerGroup.sessionTimeOut', null],
      ]);
      expect(warnings[0]!.message).to.match(/"requestTimeOut" is not a kafka-node option/);
      expect(warnings[1]!.message).to.match(/^ConsumerGroup: option "sessionTimeOut" is not a kafka-node option/);
    });

    it('unknown Producer and HighLevelProducer option names are warned once each, like client options (deliberate: kafka-node ignores them silently)', () => {
      new Producer(client, { requireAcks: 1, ackTimeOutMs: 100 } as never);
      new Producer(client, { requireAcks: 1, ackTimeOutMs: 100 } as never);
      new HighLevelProducer(client, { partitionType: 2 } as never);
      expect(warnings.map((w) => [w.name, w.backend])).to.deep.equal([
        ['option.Producer.ackTimeOutMs', null],
        ['option.HighLevelProducer.partitionType', null],
      ]);
      expect(warnings[0]!.message).to.match(/^Producer: option "ackTimeOutMs" is not a kafka-node option/);
    });

    it('wrong ConsumerGroup option types throw InvalidConfigError before any I/O (deliberate: kafka-node accepts them or fails later)', () => {
      const base = { kafkaHost: broker.bootstrap, groupId: `g-types-${topic}`, backend };
      const cases: Array<[string, Record<string, unknown>]> = [
        ['sessionTimeout "x"', { sessionTimeout: 'x' }],
        ['autoCommit "yes"', { autoCommit: 'yes' }],
        ['fromOffset 42', { fromOffset: 42 }],
        ['outOfRangeOffset "begin"', { outOfRangeOffset: 'begin' }],
        ['fetchMaxBytes -1', { fetchMaxBytes: -1 }],
        ['protocol "roundrobin"', { protocol: 'roundrobin' }],
        ['groupId 7', { groupId: 7 }],
      ];
      for (const [what, extra] of cases) {
        const error = thrown(() => new ConsumerGroup({ ...base, ...extra } as never, [topic]));
        expect(error, what).to.be.instanceOf(InvalidConfigError);
      }
      expect(thrown(() => new ConsumerGroup({ ...base, fromOffset: 42 } as never, [topic]))!.message).to.equal(
        'fromOffset 42 should be either: latest, earliest, none',
      );
    });

    it('a payload with an invalid topic name fails at once with kafka-node\'s Error("InvalidTopic") (also InvalidConfigError, errorCode 17), nothing sent', async () => {
      for (const name of ['bad topic!', 'x'.repeat(250), '.', '..', 'caf\u00e9']) {
        const outcome = await nothingSent(() => facadeSend([{ topic: name, messages: ['x'] }]));
        const what = name.length > 20 ? `${name.length} characters` : JSON.stringify(name);
        expect(outcome.error, what).to.be.instanceOf(InvalidConfigError);
        expect([outcome.error!.name, outcome.error!.message, outcome.error!.errorCode], what).to.deep.equal([
          'Error',
          'InvalidTopic',
          17,
        ]);
        expect((outcome.error as Error & { reason?: string }).reason, what)
          .to.be.a('string')
          .and.match(/topic name/);
        expect(outcome.elapsedMs, `${what}: answered without waiting for the network`).to.be.below(1000);
        expect(broker.cluster.getTopic(name), what).to.equal(undefined);
      }
    });

    if (backend === 'kafka-node') {
      it('kafka-node itself answers an invalid topic name with Error("InvalidTopic"), after its metadata retries (reference for the case above)', async () => {
        const reference = await realSend([{ topic: 'bad topic!', messages: ['x'] }]);
        expect([reference.error?.name, reference.error?.message]).to.deep.equal(['Error', 'InvalidTopic']);
      });
    }

    it('a ConsumerGroup on an invalid topic name emits kafka-node\'s Error("InvalidTopic") on "error" and never "connect", on both backends (deliberate: kafka-node joins and sits idle)', async () => {
      const group = new ConsumerGroup({ kafkaHost: broker.bootstrap, groupId: `g-invalid-${topic}`, backend }, [
        'bad topic!',
      ]);
      const events: string[] = [];
      group.on('connect', () => events.push('connect'));
      try {
        const error = await new Promise<Error & { errorCode?: number }>((resolve) => group.once('error', resolve));
        expect([error.name, error.message, error.errorCode]).to.deep.equal(['Error', 'InvalidTopic', 17]);
        expect(error).to.be.instanceOf(InvalidConfigError);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(events).to.deep.equal([]);
        expect(broker.cluster.getTopic('bad topic!')).to.equal(undefined);
      } finally {
        await new Promise((resolve) => group.close(false, () => resolve(undefined)));
      }
    });

    it('methods kafka-node answers only through a callback throw InvalidConfigError before any I/O when it is missing (kafka-node throws "cb is not a function" after the I/O)', async () => {
      const offset = new Offset(client);
      const admin = new Admin(client);
      const created = `no-callback-${backend}`;
      const calls: Array<[string, () => unknown]> = [
        ['client.topicExists', () => client.topicExists([topic], undefined as never)],
        [
          'client.createTopics',
          () => client.createTopics([{ topic: created, partitions: 1, replicationFactor: 1 }], undefined as never),
        ],
        ['client.loadMetadataForTopics', () => client.loadMetadataForTopics([topic], undefined as never)],
        ['offset.fetch', () => offset.fetch([{ topic, partition: 0 }], undefined as never)],
        ['offset.fetchLatestOffsets', () => offset.fetchLatestOffsets([topic], undefined as never)],
        ['offset.fetchEarliestOffsets', () => offset.fetchEarliestOffsets([topic], undefined as never)],
        ['offset.fetchCommits', () => offset.fetchCommits('g', [{ topic, partition: 0 }], undefined as never)],
        ['offset.commit', () => offset.commit('g', [{ topic, partition: 0, offset: 1 }], undefined as never)],
        ['admin.listGroups', () => admin.listGroups(undefined as never)],
        ['admin.listTopics', () => admin.listTopics(undefined as never)],
        ['admin.describeGroups', () => admin.describeGroups(['g'], undefined as never)],
        [
          'admin.createTopics',
          () => admin.createTopics([{ topic: created, partitions: 1, replicationFactor: 1 }], undefined as never),
        ],
        ['producer.createTopics', () => producer.createTopics([created], undefined as never)],
      ];
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => {
        unhandled.push(reason);
      };
      process.on('unhandledRejection', onUnhandled);
      try {
        for (const [what, call] of calls) {
          const error = thrown(call);
          expect(error, what).to.be.instanceOf(InvalidConfigError);
          expect(error!.message, what).to.match(/needs a callback/);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(broker.cluster.getTopic(created), 'no topic created').to.equal(undefined);
        expect(unhandled, 'unhandled rejections').to.deep.equal([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('wrong option types fail before any I/O with InvalidConfigError / ConfigurationError (deliberate: kafka-node accepts requestTimeout "abc" and requireAcks 2)', () => {
      const cases: Array<[string, () => unknown]> = [
        [
          'requestTimeout "abc"',
          () => new KafkaClient({ kafkaHost: broker.bootstrap, backend, requestTimeout: 'abc' as unknown as number }),
        ],
        ['connectTimeout -1', () => new KafkaClient({ kafkaHost: broker.bootstrap, backend, connectTimeout: -1 })],
        ['kafkaHost 9092', () => new KafkaClient({ kafkaHost: 9092 as unknown as string, backend })],
        [
          'autoConnect "yes"',
          () => new KafkaClient({ kafkaHost: broker.bootstrap, backend, autoConnect: 'yes' as unknown as boolean }),
        ],
        ['retryOptions 3', () => new KafkaClient({ kafkaHost: broker.bootstrap, backend, retryOptions: 3 as never })],
        ['backend 1', () => new KafkaClient({ kafkaHost: broker.bootstrap, backend: 1 as unknown as BackendName })],
      ];
      for (const [what, construct] of cases) expect(thrown(construct), what).to.be.instanceOf(InvalidConfigError);
      for (const requireAcks of [2, '1']) {
        const error = thrown(() => new Producer(client, { requireAcks: requireAcks as number }));
        expect(error, `requireAcks ${JSON.stringify(requireAcks)}`).to.be.instanceOf(ConfigurationError);
        expect(error!.message).to.match(/requireAcks must be 0, 1 or -1/);
      }
      expect(
        thrown(() => new realKafkaNode.Producer(realClient, { requireAcks: 2 })),
        'kafka-node accepts requireAcks 2',
      ).to.equal(null);
      expect(
        thrown(
          () =>
            new realKafkaNode.KafkaClient({
              kafkaHost: broker.bootstrap,
              requestTimeout: 'abc' as unknown as number,
              autoConnect: false,
            }),
        ),
        'kafka-node accepts requestTimeout "abc"',
      ).to.equal(null);
    });

    it('send() without a callback sends and throws nothing (deliberate: kafka-node sends, then throws "callback is not a function" from its socket handler)', async () => {
      const before = endOffsets();
      expect(
        thrown(() => producer.send([{ topic, partition: 1, messages: ['no callback'] }], undefined as never)),
      ).to.equal(null);
      await until(() => endOffsets()[1] === before[1]! + 1, 'the message to be appended');
      expect(endOffsets()[0]).to.equal(before[0]);
    });
  });
}
