import { expect } from 'chai';
import { createRequire } from 'module';
import { resolveKafkaConfig } from '../../src/common/config';
import { ConfigurationError, KafkaError, UnsupportedFeatureError } from '../../src/common/errors';
import type { CustomAssignmentProtocol, SendRequest } from '../../src/common/types';
import { resolveConsumerGroupConfig } from '../../src/common/validation';
import { createLegacyBackend, LEGACY_CAPABILITIES } from '../../src/legacy';
import { checkAssignment, kafkaNodeProtocols, toKafkaNodeProtocol } from '../../src/legacy/assignment';
import { kafkaClientOptions } from '../../src/legacy/client';
import { COMMIT_METADATA, consumedFromKafkaNode, kafkaNodeGroupOptions } from '../../src/legacy/kafka-node-group';
import type { KafkaNodeAssignmentProtocol, KafkaNodeMemberAssignment } from '../../src/legacy/kafka-node';
import {
  COMPRESSION_ATTRIBUTES,
  DEFAULT_ACK_TIMEOUT_MS,
  LEGACY_DEFAULT_PARTITIONER,
  toKafkaNodeMessage,
} from '../../src/legacy/producer';

const load = createRequire(__filename);

// Port 1 on loopback: nothing listens, and nothing here may try to connect anyway (validation comes before I/O).
const config = resolveKafkaConfig({
  backend: 'kafka-node',
  brokers: ['127.0.0.1:1', '127.0.0.1:2'],
  clientId: 'unit',
  retry: { retries: 2, initialRetryTimeMs: 50, maxRetryTimeMs: 400 },
});

function assignWith(
  protocol: KafkaNodeAssignmentProtocol,
  topicPartitions: Record<string, Array<string | number>>,
  members: Array<{ id: string; subscription: string[] }>,
) {
  return new Promise<KafkaNodeMemberAssignment[]>((resolve, reject) => {
    protocol.assign(
      topicPartitions,
      members.map((m) => ({ ...m, version: 0 })),
      (error, result) => (error ? reject(error) : resolve(result!)),
    );
  });
}

describe('legacy backend option translation', () => {
  describe('backend', () => {
    it('declares what kafka-node can do', () => {
      const backend = createLegacyBackend(config);
      expect(backend.name).to.equal('kafka-node');
      expect(backend.capabilities).to.equal(LEGACY_CAPABILITIES);
      expect(LEGACY_CAPABILITIES).to.deep.include({ headers: false, idempotence: false, transactions: false });
      expect([...LEGACY_CAPABILITIES.compression]).to.deep.equal(['none', 'gzip', 'snappy']);
      expect([...LEGACY_CAPABILITIES.partitioners]).to.deep.equal(['default', 'random', 'cyclic', 'keyed', 'murmur2']);
      expect(LEGACY_DEFAULT_PARTITIONER).to.equal('default');
    });

    it('refuses SASL mechanisms kafka-node cannot speak', () => {
      const scram = resolveKafkaConfig({
        brokers: ['127.0.0.1:1'],
        sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' },
      });
      expect(() => createLegacyBackend(scram)).to.throw(UnsupportedFeatureError, /scram-sha-256.*kafka-node/);
      const plain = resolveKafkaConfig({
        brokers: ['127.0.0.1:1'],
        sasl: { mechanism: 'plain', username: 'u', password: 'p' },
      });
      expect(kafkaClientOptions(plain).sasl).to.deep.equal({ mechanism: 'plain', username: 'u', password: 'p' });
    });
  });

  describe('KafkaClient options', () => {
    it('come from the common config, and never connect by themselves', () => {
      const options = kafkaClientOptions(config);
      expect(options).to.deep.include({
        kafkaHost: '127.0.0.1:1,127.0.0.1:2',
        clientId: 'unit',
        connectTimeout: 10000,
        requestTimeout: 30000,
        autoConnect: false,
      });
      expect(options.connectRetryOptions).to.deep.equal({
        retries: 2,
        factor: 2,
        minTimeout: 50,
        maxTimeout: 400,
        randomize: false,
      });
      expect(options.sslOptions).to.equal(undefined);
      expect(kafkaClientOptions({ ...config, ssl: true }).sslOptions).to.deep.equal({});
      expect(
        kafkaClientOptions({ ...config, ssl: { rejectUnauthorized: false, servername: 'k' } }).sslOptions,
      ).to.deep.equal({ rejectUnauthorized: false, servername: 'k' });
    });
  });

  describe('producer', () => {
    const backend = createLegacyBackend(config);
    const base: SendRequest = { topic: 't', messages: [{ value: 'v' }] };

    async function sendFails(request: SendRequest): Promise<Error> {
      const producer = backend.producer();
      const error = await producer.send(request).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error, 'send should have failed').to.be.instanceOf(Error);
      return error!;
    }

    it('validates before any I/O (the producer is not even connected)', async () => {
      expect(await sendFails({ ...base, topic: '' })).to.be.instanceOf(ConfigurationError);
      expect(await sendFails({ ...base, messages: [] })).to.be.instanceOf(ConfigurationError);
      expect(await sendFails({ ...base, messages: [{ value: 5 as unknown as string }] })).to.be.instanceOf(
        ConfigurationError,
      );
      expect(await sendFails({ ...base, messages: [{ value: 'v', partition: 1.5 }] })).to.be.instanceOf(
        ConfigurationError,
      );
      expect(await sendFails({ ...base, acks: 2 as unknown as 1 })).to.be.instanceOf(ConfigurationError);
      expect(await sendFails({ ...base, compression: 'brotli' as unknown as 'gzip' })).to.be.instanceOf(
        ConfigurationError,
      );
    });

    it('refuses what kafka-node cannot send, naming the feature, instead of dropping it', async () => {
      const headers = await sendFails({ ...base, messages: [{ value: 'v', headers: { trace: 'abc' } }] });
      expect(headers).to.be.instanceOf(UnsupportedFeatureError);
      expect((headers as UnsupportedFeatureError).feature).to.equal('message headers');
      expect((headers as UnsupportedFeatureError).backend).to.equal('kafka-node');
      for (const compression of ['lz4', 'zstd'] as const) {
        expect(await sendFails({ ...base, compression }), compression).to.be.instanceOf(UnsupportedFeatureError);
      }
      expect(() => backend.producer({ idempotent: true })).to.throw(UnsupportedFeatureError, /idempotent/);
      expect(() => backend.producer({ partitioner: 'fnv' as unknown as 'keyed' })).to.throw(ConfigurationError);
    });

    it('a valid send on a producer that was never connected says so', async () => {
      const error = await sendFails(base);
      expect(error).to.be.instanceOf(KafkaError);
      expect(error.message).to.match(/not connected/);
    });

    it('turns messages into kafka-node KeyedMessages with their own key and timestamp', () => {
      const KeyedMessage = (load('kafka-node') as { KeyedMessage: new (...args: unknown[]) => object }).KeyedMessage;
      const before = Date.now();
      const plain = toKafkaNodeMessage({ value: 'v' });
      expect(plain).to.be.instanceOf(KeyedMessage);
      expect(plain).to.deep.include({ magic: 0, attributes: 0, key: null, value: 'v' });
      expect(plain.timestamp).to.be.within(before, Date.now());
      const full = toKafkaNodeMessage({ key: Buffer.from([1]), value: null, timestamp: 1234 });
      expect(full.key).to.deep.equal(Buffer.from([1]));
      expect(full.value).to.equal(null);
      expect(full.timestamp).to.equal(1234);
    });

    it("compresses with kafka-node's codec attributes", () => {
      const getCodec = load('kafka-node/lib/codec') as (attributes: number) => { encode: unknown } | null;
      expect(COMPRESSION_ATTRIBUTES).to.deep.equal({ none: 0, gzip: 1, snappy: 2 });
      expect(getCodec(COMPRESSION_ATTRIBUTES.none!)).to.equal(null);
      expect(getCodec(COMPRESSION_ATTRIBUTES.gzip!)!.encode).to.equal((load('zlib') as { gzip: unknown }).gzip);
      expect(getCodec(COMPRESSION_ATTRIBUTES.snappy!)!.encode).to.equal(
        (load('snappy') as { compress: unknown }).compress,
      );
      expect(DEFAULT_ACK_TIMEOUT_MS).to.equal(30000);
    });
  });

  describe('consumer group', () => {
    it("translates the common config to kafka-node's ConsumerGroup options", () => {
      const resolved = resolveConsumerGroupConfig({
        groupId: 'g',
        topics: ['a', 'b'],
        fromOffset: 'none',
        outOfRangeOffset: 'latest',
        protocols: ['range', 'roundrobin'],
        sessionTimeoutMs: 12000,
        heartbeatIntervalMs: 1000,
        maxBytesPerPartition: 4096,
        maxWaitTimeMs: 250,
      });
      const onRebalance = (): void => undefined;
      const options = kafkaNodeGroupOptions(config, resolved, onRebalance);
      expect(options).to.deep.include({
        kafkaHost: '127.0.0.1:1,127.0.0.1:2',
        id: 'unit',
        groupId: 'g',
        sessionTimeout: 12000,
        heartbeatInterval: 1000,
        fromOffset: 'none',
        outOfRangeOffset: 'latest',
        fetchMaxBytes: 4096,
        fetchMaxWaitMs: 250,
        // keys and values always as Buffers; the facade decides about strings
        encoding: 'buffer',
        keyEncoding: 'buffer',
        // kafka-node's own commits would commit fetched-but-unhandled messages
        autoCommit: false,
        commitOffsetsOnFirstJoin: false,
        connectOnReady: false,
        autoConnect: false,
        retryMinTimeout: 50,
        onRebalance,
      });
      expect(options.protocol).to.deep.equal(['range', 'roundrobin']);
      expect(options.retries).to.be.at.least(10);
      expect(COMMIT_METADATA).to.have.length.greaterThan(0);
    });

    it('refuses read_committed, which kafka-node cannot honour, and bad configs, before any I/O', () => {
      const backend = createLegacyBackend(config);
      expect(() => backend.consumerGroup({ groupId: 'g', topics: ['t'], isolationLevel: 'read_committed' })).to.throw(
        UnsupportedFeatureError,
        /read_committed/,
      );
      expect(() => backend.consumerGroup({ groupId: '', topics: ['t'] })).to.throw(ConfigurationError);
      expect(() =>
        backend.consumerGroup({ groupId: 'g', topics: ['t'], fromOffset: 'first' as unknown as 'earliest' }),
      ).to.throw(ConfigurationError);
    });

    it('delivers keys and values as Buffers or null, offsets as numbers, -1 for a missing timestamp, headers {}', () => {
      const key = Buffer.from('k');
      const withTimestamp = consumedFromKafkaNode({
        topic: 't',
        partition: 1,
        offset: 7,
        highWaterOffset: 9,
        key,
        value: null,
        timestamp: new Date(1500),
      });
      expect(withTimestamp).to.deep.equal({
        topic: 't',
        partition: 1,
        offset: 7,
        key,
        value: null,
        timestamp: 1500,
        headers: {},
      });
      const magic0 = consumedFromKafkaNode({
        topic: 't',
        partition: 0,
        offset: 0,
        highWaterOffset: 1,
        key: null,
        value: Buffer.alloc(0),
      });
      expect(magic0.timestamp).to.equal(-1);
      expect(magic0.key).to.equal(null);
      expect(magic0.value).to.deep.equal(Buffer.alloc(0));
    });
  });

  describe('custom assignment protocols', () => {
    const everythingToFirst: CustomAssignmentProtocol = {
      name: 'first-takes-all',
      version: 3,
      assign(members, partitions) {
        const [first] = [...members.keys()];
        return new Map([[first!, new Map([...partitions].map(([topic, ids]) => [topic, [...ids]]))]]);
      },
    };

    it("run in kafka-node's callback shape: numeric partitions in, one entry per member out", async () => {
      const seen: { members: unknown; partitions: unknown } = { members: null, partitions: null };
      const spy: CustomAssignmentProtocol = {
        ...everythingToFirst,
        assign(members, partitions) {
          seen.members = [...members];
          seen.partitions = [...partitions];
          return everythingToFirst.assign(members, partitions);
        },
      };
      const [translated] = kafkaNodeProtocols([spy]) as KafkaNodeAssignmentProtocol[];
      expect(translated).to.include({ name: 'first-takes-all', version: 3 });
      const result = await assignWith(translated!, { b: ['1', '0'], a: ['0'] }, [
        { id: 'm2', subscription: ['a', 'b'] },
        { id: 'm1', subscription: ['b'] },
      ]);
      expect(seen.members).to.deep.equal([
        ['m2', ['a', 'b']],
        ['m1', ['b']],
      ]);
      // kafka-node's topic order (its metadata answer) is kept; ids become sorted numbers.
      expect(seen.partitions).to.deep.equal([
        ['b', [0, 1]],
        ['a', [0]],
      ]);
      expect(result).to.deep.equal([
        { memberId: 'm2', version: 3, topicPartitions: { b: [0, 1], a: [0] } },
        { memberId: 'm1', version: 3, topicPartitions: {} },
      ]);
    });

    it('report a broken assignment to kafka-node as an error', async () => {
      const broken: CustomAssignmentProtocol = {
        name: 'broken',
        version: 0,
        assign: () => new Map([['ghost', new Map([['a', [0]]])]]),
      };
      const error = await assignWith(toKafkaNodeProtocol(broken), { a: ['0'] }, [
        { id: 'm1', subscription: ['a'] },
      ]).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConfigurationError);
      const members = new Map([
        ['m1', ['a']],
        ['m2', ['a']],
      ]);
      const partitions = new Map([['a', [0, 1]]]);
      const twice = new Map([
        ['m1', new Map([['a', [0]]])],
        ['m2', new Map([['a', [0]]])],
      ]);
      expect(() => checkAssignment(broken, twice, members, partitions)).to.throw(
        ConfigurationError,
        /more than one member/,
      );
      expect(() => checkAssignment(broken, new Map([['m1', new Map([['a', [7]]])]]), members, partitions)).to.throw(
        ConfigurationError,
        /not a known/,
      );
      expect(() => checkAssignment(broken, {}, members, partitions)).to.throw(ConfigurationError, /must return a Map/);
    });
  });
});
