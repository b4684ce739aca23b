import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import { KAFKA_4_VERSION, sharedKafka4 } from '../fixtures/real-kafka';
import { startRecordingProxy } from '../fixtures/recording-proxy';
import { ApiKey } from '../../src/protocol/api-keys';
import { resolveKafkaConfig } from '../../src/common/config';
import { createLegacyBackend } from '../../src/legacy';
import { KafkaProtocolError, UnsupportedFeatureError, ConfigurationError } from '../../src/common/errors';
import { ErrorCode } from '../../src/protocol/error-codes';
import type { Backend, ConsumedMessage, Producer } from '../../src/common/types';
import { createKafka } from '../../src/kafka';
import { closeQuietly, modernBackend, startMember, until, type Member } from '../modern/helpers';

// One list of transaction scenarios, run through the common interface on each transactional backend (kafkajs, and
// confluent on the embedded broker) against each broker: the embedded one, real Apache Kafka 4.x (KRaft) and
// librdkafka 2.0.2's mock cluster. The mock accepts the whole transactional protocol (InitProducerId
// through EndTxn) but writes no transaction markers, so it has no last stable offset (read_committed readers see
// aborted records), never applies TxnOffsetCommit offsets, and cannot serve kafkajs's plain idempotent producer (that
// asks the controller for its id, and the mock names controller 0, which is no broker). Scenarios needing those say so.

interface TargetCluster {
  brokers: string[];
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

interface Target {
  name: string;
  start(context: Mocha.Context): Promise<TargetCluster>;
  /** What the scenarios need beyond the transactional protocol, and why a target lacks it. */
  lacks: Partial<
    Record<'isolation' | 'transactionalOffsets' | 'idempotentProducer' | 'transactionTimeout' | 'fencing', string>
  >;
}

const MOCK_NO_MARKERS =
  'the librdkafka 2.0.2 mock writes no transaction markers: no last stable offset, aborted records stay visible';

const REAL_KAFKA_4 = `Apache Kafka ${KAFKA_4_VERSION} (KRaft)`;

const TARGETS: Target[] = [
  {
    name: 'embedded broker',
    lacks: {},
    async start() {
      const broker: EmbeddedBroker = await startEmbedded();
      const admin = modernBackend(broker.brokers).admin();
      await admin.connect();
      return {
        brokers: broker.brokers,
        createTopic: (name, partitions) => admin.createTopics([{ topic: name, numPartitions: partitions }]),
        stop: async () => {
          await admin.disconnect();
          await broker.stop();
        },
      };
    },
  },
  {
    name: REAL_KAFKA_4,
    lacks: {},
    async start(context) {
      // Shared with the other files of the run: the scenarios name their topics and ids uniquely, and it stays up.
      const kafka = await sharedKafka4(context);
      return {
        brokers: kafka.brokers,
        createTopic: (name, partitions) => kafka.createTopic(name, partitions),
        stop: async () => undefined,
      };
    },
  },
  {
    name: 'librdkafka mock',
    lacks: {
      isolation: MOCK_NO_MARKERS,
      transactionalOffsets:
        'the librdkafka 2.0.2 mock answers TxnOffsetCommit but never applies the offsets to the group',
      idempotentProducer:
        'kafkajs asks the controller for an idempotent producer id and the mock names controller 0, which is no broker',
      transactionTimeout: 'the librdkafka 2.0.2 mock never times transactions out',
      fencing: 'the librdkafka 2.0.2 mock lets an instance whose transactionalId was initialized again still commit',
    },
    async start(context) {
      const mock: RdkafkaMock = await startOrSkip(context, () => startRdkafkaMock({ brokers: 1 }));
      return {
        brokers: mock.brokers,
        createTopic: (name, partitions) => mock.createTopic({ name, partitions }),
        stop: () => mock.stop(),
      };
    },
  },
];

/** The backends with transactions, and what a scenario cannot check on one of them. */
interface Engine {
  name: string;
  create(brokers: string[]): Backend;
  targets: readonly string[];
  lacks: Target['lacks'];
}

const ENGINES: Engine[] = [
  {
    name: 'kafkajs',
    create: (brokers) => modernBackend(brokers),
    targets: ['embedded broker', REAL_KAFKA_4, 'librdkafka mock'],
    lacks: {},
  },
  {
    name: 'confluent',
    create: (brokers) =>
      createKafka({
        backend: 'confluent',
        brokers,
        retry: { retries: 5, initialRetryTimeMs: 100, maxRetryTimeMs: 2000 },
      }),
    targets: ['embedded broker', REAL_KAFKA_4],
    lacks: {
      idempotentProducer:
        'librdkafka connects to the brokers the metadata names, past the recording proxy, so no produce response can be lost on the way',
    },
  },
];

function skipBecause(context: Mocha.Context, reason: string | undefined): void {
  if (reason === undefined) return;
  (context.test as Mocha.Test & { skipReason?: string }).skipReason = reason;
  context.skip();
}

const values = (messages: ConsumedMessage[], topic?: string): string[] =>
  messages.filter((m) => topic === undefined || m.topic === topic).map((m) => m.value!.toString());

for (const engine of ENGINES)
  for (const baseTarget of TARGETS.filter((t) => engine.targets.includes(t.name))) {
    const target: Target = { ...baseTarget, lacks: { ...baseTarget.lacks, ...engine.lacks } };
    describe(`transactions through the common interface: ${engine.name} backend, ${target.name}`, function () {
      this.timeout(30000);
      let cluster: TargetCluster;
      let backend: Backend;
      let topicCount = 0;
      const members: Member[] = [];
      const producers: Producer[] = [];

      const newTopic = async (partitions = 1): Promise<string> => {
        const name = `txn-${++topicCount}-${Date.now().toString(36)}`;
        await cluster.createTopic(name, partitions);
        return name;
      };
      const transactional = async (transactionalId: string, transactionTimeoutMs?: number): Promise<Producer> => {
        const producer = backend.producer({ transactionalId, transactionTimeoutMs, partitioner: 'keyed' });
        producers.push(producer);
        await producer.connect();
        return producer;
      };
      const reader = async (
        topics: string[],
        isolationLevel: 'read_committed' | 'read_uncommitted',
        groupId = `${isolationLevel}-${topics.join('-')}`,
      ) => {
        const member = await startMember(backend, {
          groupId,
          topics,
          fromOffset: 'earliest',
          isolationLevel,
          heartbeatIntervalMs: 300,
          sessionTimeoutMs: 6000,
        });
        members.push(member);
        return member;
      };

      before(async function () {
        this.timeout(30000);
        cluster = await target.start(this);
        backend = engine.create(cluster.brokers);
      });
      afterEach(async () => {
        await closeQuietly(members.splice(0).map((m) => m.group));
        await Promise.all(producers.splice(0).map((p) => p.disconnect().catch(() => undefined)));
      });
      after(async () => {
        await cluster?.stop();
      });

      it('a committed transaction across two topics reaches read_committed consumers, all of it', async () => {
        const [a, b] = [await newTopic(), await newTopic()];
        const producer = await transactional(`commit-${a}`);
        const transaction = await producer.transaction();
        const first = await transaction.send({ topic: a, messages: [{ value: 'a1' }, { value: 'a2' }] });
        await transaction.send({ topic: b, messages: [{ value: 'b1' }] });
        await transaction.commit();
        expect(first).to.deep.equal([{ topic: a, partition: 0, baseOffset: 0 }]);
        const member = await reader([a, b], 'read_committed');
        await until(() => member.messages.length === 3, '3 committed messages');
        expect(values(member.messages, a)).to.deep.equal(['a1', 'a2']);
        expect(values(member.messages, b)).to.deep.equal(['b1']);
      });

      it('an aborted transaction is invisible to read_committed consumers and visible to read_uncommitted ones', async function () {
        skipBecause(this, target.lacks.isolation);
        const [a, b] = [await newTopic(), await newTopic()];
        const producer = await transactional(`abort-${a}`);
        const steps: { messages: [string, string]; commit: boolean }[] = [
          { messages: ['c1', 'c2'], commit: true },
          { messages: ['x1', 'x2'], commit: false },
          { messages: ['c3', 'c4'], commit: true },
        ];
        for (const step of steps) {
          const transaction = await producer.transaction();
          await transaction.send({ topic: a, messages: [{ value: `${step.messages[0]}` }] });
          await transaction.send({ topic: b, messages: [{ value: `${step.messages[1]}` }] });
          await (step.commit ? transaction.commit() : transaction.abort());
        }
        const [committed, uncommitted] = await Promise.all([
          reader([a, b], 'read_committed'),
          reader([a, b], 'read_uncommitted'),
        ]);
        // Each partition is read in order: once its last committed record arrived, the aborted ones were passed.
        await until(() => committed.messages.length === 4, '4 committed messages');
        await until(() => uncommitted.messages.length === 6, '6 messages');
        expect(values(committed.messages, a)).to.deep.equal(['c1', 'c3']);
        expect(values(committed.messages, b)).to.deep.equal(['c2', 'c4']);
        expect(values(uncommitted.messages, a)).to.deep.equal(['c1', 'x1', 'c3']);
        expect(values(uncommitted.messages, b)).to.deep.equal(['c2', 'x2', 'c4']);
        // Offsets count the markers: each transaction ends with one control record per partition.
        expect(committed.messages.filter((m) => m.topic === a).map((m) => m.offset)).to.deep.equal([0, 4]);
      });

      it('a read_committed consumer waits for an open transaction; read_uncommitted reads it at once', async function () {
        skipBecause(this, target.lacks.isolation);
        const topic = await newTopic();
        const producer = await transactional(`open-${topic}`);
        const transaction = await producer.transaction();
        await transaction.send({ topic, messages: [{ value: 'pending' }] });
        const [committed, uncommitted] = await Promise.all([
          reader([topic], 'read_committed'),
          reader([topic], 'read_uncommitted'),
        ]);
        await until(() => uncommitted.messages.length === 1, 'the uncommitted record');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(committed.messages).to.have.length(0);
        await transaction.commit();
        await until(() => committed.messages.length === 1, 'the record once committed');
      });

      it('sendOffsets: the group resumes after offsets committed in a transaction, never after aborted ones', async function () {
        skipBecause(this, target.lacks.transactionalOffsets);
        const source = await newTopic();
        const plain = backend.producer();
        producers.push(plain);
        await plain.connect();
        await plain.send({ topic: source, messages: ['m0', 'm1', 'm2', 'm3', 'm4'].map((value) => ({ value })) });
        const groupId = `offsets-${source}`;
        const producer = await transactional(`offsets-${source}`);
        const aborted = await producer.transaction();
        await aborted.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: source, partitions: [{ partition: 0, offset: 4 }] }],
        });
        await aborted.abort();
        const committed = await producer.transaction();
        await committed.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: source, partitions: [{ partition: 0, offset: 2 }] }],
        });
        await committed.commit();
        const member = await reader([source], 'read_committed', groupId);
        await until(() => member.messages.length === 3, 'the 3 messages after offset 2');
        expect(values(member.messages)).to.deep.equal(['m2', 'm3', 'm4']);
      });

      it('a new producer with the same transactionalId fences the old one and aborts what it left open', async function () {
        skipBecause(this, target.lacks.fencing);
        const topic = await newTopic();
        const old = await transactional(`fenced-${topic}`);
        const left = await old.transaction();
        await left.send({ topic, messages: [{ value: 'left-open' }] });
        const replacement = await transactional(`fenced-${topic}`);
        const transaction = await replacement.transaction();
        await transaction.send({ topic, messages: [{ value: 'from-new' }] });
        await transaction.commit();
        const failure = await left.commit().then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure, 'the old instance cannot commit').to.be.instanceOf(KafkaProtocolError);
        expect((failure as KafkaProtocolError).code).to.equal(ErrorCode.INVALID_PRODUCER_EPOCH);
        const member = await reader([topic], 'read_committed');
        await until(() => member.messages.length === 1, "the new instance's record");
        expect(values(member.messages)).to.deep.equal(['from-new']);
      });

      it('a transaction left open past transactionTimeoutMs is aborted by the broker, and its producer fenced', async function () {
        skipBecause(this, target.lacks.transactionTimeout);
        const topic = await newTopic();
        const producer = await transactional(`timeout-${topic}`, 1000);
        const transaction = await producer.transaction();
        await transaction.send({ topic, messages: [{ value: 'too-slow' }] });
        await new Promise((resolve) => setTimeout(resolve, 1600));
        const failure = await transaction.commit().then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure).to.be.instanceOf(KafkaProtocolError);
        expect((failure as KafkaProtocolError).code, "fenced by the broker's abort").to.equal(
          ErrorCode.INVALID_PRODUCER_EPOCH,
        );
        const next = await transactional(`timeout-${topic}-next`);
        const later = await next.transaction();
        await later.send({ topic, messages: [{ value: 'in-time' }] });
        await later.commit();
        const member = await reader([topic], 'read_committed');
        await until(() => member.messages.length === 1, 'the later committed record');
        expect(values(member.messages)).to.deep.equal(['in-time']);
      });

      it('idempotent producer: a produce response lost on the way is retried without writing the batch twice', async function () {
        skipBecause(this, target.lacks.idempotentProducer);
        const topic = await newTopic();
        let produceResponses = 0;
        const proxy = await startRecordingProxy(cluster.brokers[0]!, {
          loseResponse: (exchange) => exchange.apiKey === ApiKey.Produce && produceResponses++ === 0,
        });
        try {
          const producer = engine.create([proxy.address]).producer({ idempotent: true });
          producers.push(producer);
          await producer.connect();
          for (let i = 0; i < 5; i++) await producer.send({ topic, messages: [{ value: `i${i}` }] });
          const produceRequests = proxy.exchanges.filter((e) => e.apiKey === ApiKey.Produce).length;
          expect(produceRequests, 'the first produce was sent twice').to.equal(6);
        } finally {
          await proxy.close();
        }
        const member = await reader([topic], 'read_uncommitted');
        await until(() => member.messages.length >= 5, '5 messages');
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(values(member.messages)).to.deep.equal(['i0', 'i1', 'i2', 'i3', 'i4']);
        expect(member.messages.map((m) => m.offset)).to.deep.equal([0, 1, 2, 3, 4]);
      });

      it('transactional misuse fails before any I/O', async () => {
        const producer = await transactional(`misuse-${Date.now()}`);
        const outside = await producer.send({ topic: 'x', messages: [{ value: 'v' }] }).then(
          () => null,
          (error: unknown) => error,
        );
        expect(outside).to.be.instanceOf(ConfigurationError);
        expect((outside as Error).message).to.match(/inside producer\.transaction\(\)/);
        const plain = backend.producer();
        const noId = await plain.transaction().then(
          () => null,
          (error: unknown) => error,
        );
        expect(noId).to.be.instanceOf(ConfigurationError);
      });
    });
  }

describe('transactions through the common interface: kafka-node backend', () => {
  it('refuses transactional producers and transaction() with UnsupportedFeatureError', async () => {
    const backend = createLegacyBackend(resolveKafkaConfig({ backend: 'kafka-node', brokers: ['127.0.0.1:9'] }));
    expect(() => backend.producer({ transactionalId: 'tx' })).to.throw(UnsupportedFeatureError, /transactions/);
    const failure = await backend
      .producer()
      .transaction()
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).to.be.instanceOf(UnsupportedFeatureError);
    expect((failure as Error).message).to.match(/Switch to backend "kafkajs"/);
  });
});
