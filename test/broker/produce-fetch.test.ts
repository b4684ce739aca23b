import { expect } from 'chai';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type EachMessagePayload, type IHeaders } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import {
  startBroker,
  silentLogger,
  MemoryLogger,
  type EmbeddedBroker,
  type StartBrokerOptions,
} from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader, Writer } from '../../src/protocol/primitives';
import { CompressionCodec, compress, decompress } from '../../src/protocol/compression';
import { encodeRecordBatch, readRecordBatchHeader, type RecordInput } from '../../src/protocol/record-batch';
import { encodeMessageSet } from '../../src/protocol/message-set';
import { crc32c } from '../../src/protocol/crc';
import { TimestampType, type KafkaRecord } from '../../src/protocol/records';
import { decodeRecordSet, recordsOf } from '../../src/protocol/record-set';
import { RawConnection } from '../helpers/raw-client';
import { until } from '../helpers/poll';
import { encodeRequestFrame } from '../../src/protocol/request-frame';

/**
 * The data path of the embedded broker (Produce v0-7, Fetch v0-11, ListOffsets v0-4) as kafka-node 5.0.0 and kafkajs
 * 2.2.4 use it, across record formats: kafka-node writes magic 0/1 message sets and reads them (Fetch v0 for a plain
 * Consumer, v2 for a ConsumerGroup), kafkajs writes and reads magic-2 record batches. Wire-level rules are checked with
 * raw requests.
 */

interface KafkaNodeReceived {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number | null;
}

interface RawProduceResult {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
}

interface RawFetchPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: number | null;
  preferredReadReplica: number;
  records: Buffer;
}

interface RawFetchResult {
  errorCode: number;
  sessionId: number;
  partitions: RawFetchPartition[];
}

interface FetchTarget {
  topic: string;
  partition: number;
  offset: number;
  maxBytes?: number;
  currentLeaderEpoch?: number;
}

interface FetchOptions {
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
  isolationLevel?: number;
  sessionId?: number;
  sessionEpoch?: number;
}

function text(value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value.toString() : value;
}

function records(count: number, prefix: string, timestamp = 1_700_000_000_000): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: timestamp + i,
    key: Buffer.from(`${prefix}-key-${i}`),
    value: Buffer.from(`${prefix}-value-${i}`),
    headers: [{ key: 'origin', value: Buffer.from(prefix) }],
  }));
}

function writeProduce(version: number, acks: number, topic: string, partition: number, recordBytes: Buffer | null) {
  return (writer: Writer): void => {
    if (version >= 3) writer.string(null);
    writer.int16(acks).int32(5000).int32(1).string(topic).int32(1).int32(partition).bytes(recordBytes);
  };
}

function readProduce(reader: Reader, version: number): RawProduceResult[] {
  const results: RawProduceResult[] = [];
  const topics = reader.int32();
  for (let t = 0; t < topics; t++) {
    reader.string();
    const partitions = reader.int32();
    for (let p = 0; p < partitions; p++) {
      results.push({
        partition: reader.int32(),
        errorCode: reader.int16(),
        baseOffset: reader.int64Number(),
        logAppendTime: version >= 2 ? reader.int64Number() : -1,
        logStartOffset: version >= 5 ? reader.int64Number() : -1,
      });
    }
  }
  if (version >= 1) reader.int32();
  expect(reader.remaining).to.equal(0);
  return results;
}

function writeFetch(version: number, targets: FetchTarget[], options: FetchOptions = {}) {
  return (writer: Writer): void => {
    writer
      .int32(-1)
      .int32(options.maxWaitMs ?? 0)
      .int32(options.minBytes ?? 0);
    if (version >= 3) writer.int32(options.maxBytes ?? 50 * 1024 * 1024);
    if (version >= 4) writer.int8(options.isolationLevel ?? 0);
    if (version >= 7) writer.int32(options.sessionId ?? 0).int32(options.sessionEpoch ?? -1);
    const topics = [...new Set(targets.map((t) => t.topic))];
    writer.array(topics, (w, topic) => {
      w.string(topic);
      w.array(
        targets.filter((t) => t.topic === topic),
        (pw, t) => {
          pw.int32(t.partition);
          if (version >= 9) pw.int32(t.currentLeaderEpoch ?? -1);
          pw.int64(t.offset);
          if (version >= 5) pw.int64(-1);
          pw.int32(t.maxBytes ?? 1024 * 1024);
        },
      );
    });
    if (version >= 7) writer.int32(0);
    if (version >= 11) writer.string('');
  };
}

function readFetch(reader: Reader, version: number): RawFetchResult {
  if (version >= 1) reader.int32();
  const errorCode = version >= 7 ? reader.int16() : 0;
  const sessionId = version >= 7 ? reader.int32() : 0;
  const partitions: RawFetchPartition[] = [];
  const topics = reader.int32();
  for (let t = 0; t < topics; t++) {
    const topic = reader.string();
    const count = reader.int32();
    for (let p = 0; p < count; p++) {
      const partition = reader.int32();
      const partitionError = reader.int16();
      const highWatermark = reader.int64Number();
      const lastStableOffset = version >= 4 ? reader.int64Number() : -1;
      const logStartOffset = version >= 5 ? reader.int64Number() : -1;
      let abortedTransactions: number | null = null;
      if (version >= 4) {
        const aborted = reader.int32();
        for (let a = 0; a < aborted; a++) reader.skip(16);
        abortedTransactions = aborted;
      }
      const preferredReadReplica = version >= 11 ? reader.int32() : -1;
      const recordBytes = reader.bytes() ?? Buffer.alloc(0);
      partitions.push({
        topic,
        partition,
        errorCode: partitionError,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        abortedTransactions,
        preferredReadReplica,
        records: Buffer.from(recordBytes),
      });
    }
  }
  expect(reader.remaining).to.equal(0);
  return { errorCode, sessionId, partitions };
}

function valuesOf(recordBytes: Buffer): string[] {
  return recordsOf(decodeRecordSet(recordBytes).batches).map((r) => text(r.value)!);
}

/** A kafkajs codec over src/protocol/compression (kafkajs ships none for snappy). */
const ourSnappyForKafkajs = {
  compress: async (encoder: { buffer: Buffer }) => compress(CompressionCodec.Snappy, encoder.buffer),
  decompress: async (buffer: Buffer) => decompress(CompressionCodec.Snappy, buffer),
};

describe('broker/produce-fetch: the data path with kafka-node 5.0.0 and kafkajs 2.2.4', function () {
  this.timeout(30000);
  let broker: EmbeddedBroker;
  let kafka: Kafka;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let groupCounter = 0;
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  let previousSnappy: (() => unknown) | undefined;

  before(() => {
    previousSnappy = codecs[CompressionTypes.Snappy];
    codecs[CompressionTypes.Snappy] = () => ourSnappyForKafkajs;
  });
  after(() => {
    if (previousSnappy) codecs[CompressionTypes.Snappy] = previousSnappy;
    else delete codecs[CompressionTypes.Snappy];
  });

  async function start(options: StartBrokerOptions = {}): Promise<void> {
    broker = await startBroker({ logger: silentLogger, ...options });
    kafka = new Kafka({
      brokers: broker.brokers,
      clientId: 'produce-fetch-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
  }

  beforeEach(async () => start());

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await broker.stop();
  });

  function createTopic(name: string, numPartitions = 1, configs: Record<string, string> = {}): void {
    expect(broker.cluster.createTopic({ name, numPartitions, replicationFactor: 1, configs }).errorCode).to.equal(0);
  }

  async function raw(nodeIndex = 0): Promise<RawConnection> {
    const connection = await RawConnection.open(broker.brokers[nodeIndex]!);
    cleanups.push(() => connection.close());
    return connection;
  }

  async function rawProduce(
    version: number,
    topic: string,
    recordBytes: Buffer | null,
    acks = 1,
    partition = 0,
  ): Promise<RawProduceResult> {
    const connection = await raw();
    const reader = await connection.request(
      ApiKey.Produce,
      version,
      writeProduce(version, acks, topic, partition, recordBytes),
    );
    return readProduce(reader, version)[0]!;
  }

  async function rawFetch(
    version: number,
    targets: FetchTarget[],
    options: FetchOptions = {},
    connection?: RawConnection,
  ): Promise<RawFetchResult> {
    const target = connection ?? (await raw());
    return readFetch(await target.request(ApiKey.Fetch, version, writeFetch(version, targets, options)), version);
  }

  function kafkaNodeClient(): kafkaNode.KafkaClient {
    const client = new kafkaNode.KafkaClient({ kafkaHost: broker.bootstrap, clientId: 'kafka-node-test' });
    cleanups.push(() => new Promise<void>((resolve) => client.close(() => resolve())));
    return client;
  }

  async function kafkaNodeProducer(high = false, options: kafkaNode.ProducerOptions = {}): Promise<kafkaNode.Producer> {
    const client = kafkaNodeClient();
    const producer = high ? new kafkaNode.HighLevelProducer(client, options) : new kafkaNode.Producer(client, options);
    await new Promise<void>((resolve, reject) => {
      producer.once('ready', () => resolve());
      producer.once('error', reject);
    });
    return producer;
  }

  function kafkaNodeSend(
    producer: kafkaNode.Producer,
    payloads: kafkaNode.ProduceRequest[],
  ): Promise<Record<string, Record<string, number>>> {
    return new Promise((resolve, reject) =>
      producer.send(payloads, (error, result) => (error ? reject(error) : resolve(result))),
    );
  }

  /** A plain kafka-node Consumer (Fetch v0: magic 0) from explicit offsets; resolves once `count` messages arrived. */
  async function kafkaNodeConsume(
    payloads: { topic: string; partition: number; offset: number }[],
    count: number,
    settleMs = 0,
  ): Promise<KafkaNodeReceived[]> {
    const client = kafkaNodeClient();
    const consumer = new kafkaNode.Consumer(client, payloads, {
      fromOffset: true,
      autoCommit: false,
      encoding: 'buffer',
      keyEncoding: 'buffer',
      fetchMaxWaitMs: 50,
    });
    cleanups.push(() => new Promise<void>((resolve) => consumer.close(true, () => resolve())));
    const received: KafkaNodeReceived[] = [];
    const errors: unknown[] = [];
    consumer.on('message', (m) => received.push(kafkaNodeReceived(m)));
    consumer.on('error', (error) => errors.push(error));
    await until(() => received.length >= count || errors.length > 0, `${count} kafka-node messages`);
    if (errors.length > 0) throw errors[0];
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return received;
  }

  function kafkaNodeReceived(m: kafkaNode.Message): KafkaNodeReceived {
    const withTimestamp = m as kafkaNode.Message & { timestamp?: Date };
    return {
      topic: m.topic,
      partition: m.partition!,
      offset: m.offset!,
      key: text(m.key as Buffer | string | null),
      value: text(m.value as Buffer | string),
      timestamp: withTimestamp.timestamp ? withTimestamp.timestamp.getTime() : null,
    };
  }

  /** A kafka-node ConsumerGroup (Fetch v2: magic 1 with timestamps) from the earliest offsets. */
  async function kafkaNodeGroupConsume(topic: string, count: number): Promise<KafkaNodeReceived[]> {
    const group = new kafkaNode.ConsumerGroup(
      {
        kafkaHost: broker.bootstrap,
        groupId: `kafka-node-group-${++groupCounter}`,
        fromOffset: 'earliest',
        autoCommit: false,
        sessionTimeout: 10000,
        heartbeatInterval: 100,
        fetchMaxWaitMs: 50,
        encoding: 'buffer',
        keyEncoding: 'buffer',
      } as kafkaNode.ConsumerGroupOptions,
      [topic],
    );
    cleanups.push(() => new Promise<void>((resolve) => group.close(() => resolve())));
    const received: KafkaNodeReceived[] = [];
    const errors: unknown[] = [];
    group.on('message', (m) => received.push(kafkaNodeReceived(m)));
    group.on('error', (error) => errors.push(error));
    await until(() => received.length >= count || errors.length > 0, `${count} kafka-node group messages`);
    if (errors.length > 0) throw errors[0];
    return received;
  }

  /** A kafkajs consumer group member reading `topic` from the beginning until `count` messages arrived. */
  async function kafkajsConsume(topic: string, count: number): Promise<EachMessagePayload[]> {
    const consumer = kafka.consumer({
      groupId: `kafkajs-group-${++groupCounter}`,
      maxWaitTimeInMs: 100,
      heartbeatInterval: 100,
      sessionTimeout: 10000,
      rebalanceTimeout: 5000,
    });
    cleanups.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: EachMessagePayload[] = [];
    let crash: Error | null = null;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      crash = payload.error;
    });
    await consumer.run({ eachMessage: async (payload) => void received.push(payload) });
    await until(() => received.length >= count || crash !== null, `${count} kafkajs messages`);
    if (crash) throw crash;
    return received;
  }

  function headersAsText(headers: IHeaders | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key, String(value)]));
  }

  describe('kafka-node 5.0.0', () => {
    it('Producer with attributes 0/1/2 (none, gzip, snappy): offsets acknowledged, read back by a Consumer from offset 0', async () => {
      createTopic('kn-codecs');
      const producer = await kafkaNodeProducer();
      const acknowledged: number[] = [];
      for (const attributes of [0, 1, 2]) {
        const result = await kafkaNodeSend(producer, [
          {
            topic: 'kn-codecs',
            attributes,
            messages: [new kafkaNode.KeyedMessage(`key-${attributes}`, `keyed-${attributes}`), `plain-${attributes}`],
          },
        ]);
        acknowledged.push(result['kn-codecs']!['0']!);
      }
      expect(acknowledged).to.deep.equal([0, 2, 4]);
      // Stored as Kafka 3+ stores them: one magic-2 batch per produce, in the producer's codec.
      const log = broker.cluster.getPartition('kn-codecs', 0)!.log;
      expect(log.read(0, 1 << 20, false).batches.map((b) => b.codec)).to.deep.equal([0, 1, 2]);

      const received = await kafkaNodeConsume([{ topic: 'kn-codecs', partition: 0, offset: 0 }], 6);
      expect(received.map((m) => [m.offset, m.key, m.value])).to.deep.equal([
        [0, 'key-0', 'keyed-0'],
        [1, null, 'plain-0'],
        [2, 'key-1', 'keyed-1'],
        [3, null, 'plain-1'],
        [4, 'key-2', 'keyed-2'],
        [5, null, 'plain-2'],
      ]);
      // Fetch v0 means magic 0: no timestamps reach a plain Consumer.
      expect(received.every((m) => m.timestamp === null)).to.equal(true);
    });

    it('HighLevelProducer with the keyed partitioner keeps every key on one partition; a Consumer reads all back', async () => {
      createTopic('kn-keyed', 3);
      const producer = await kafkaNodeProducer(true, { partitionerType: 3 });
      const keys = ['alpha', 'beta', 'gamma', 'delta'];
      for (let round = 0; round < 3; round++) {
        for (const key of keys) {
          await kafkaNodeSend(producer, [
            { topic: 'kn-keyed', key, messages: [new kafkaNode.KeyedMessage(key, `${key}-${round}`)] },
          ]);
        }
      }
      const received = await kafkaNodeConsume(
        [0, 1, 2].map((partition) => ({ topic: 'kn-keyed', partition, offset: 0 })),
        12,
      );
      expect(received.length).to.equal(12);
      for (const key of keys) {
        const ofKey = received.filter((m) => m.key === key);
        expect(ofKey.map((m) => m.value).sort(), key).to.deep.equal([`${key}-0`, `${key}-1`, `${key}-2`]);
        expect(new Set(ofKey.map((m) => m.partition)).size, `${key} on one partition`).to.equal(1);
        expect(
          ofKey.map((m) => m.offset),
          `${key} in order`,
        ).to.deep.equal([...ofKey.map((m) => m.offset)].sort((a, b) => a - b));
      }
      const perPartition = [0, 1, 2].map((p) => broker.cluster.getPartition('kn-keyed', p)!.log.highWatermark);
      expect(perPartition.reduce((a, b) => a + b, 0)).to.equal(12);
    });

    it('Offset.fetchLatestOffsets / fetchEarliestOffsets and Offset.fetch (ListOffsets v0 with maxNum)', async () => {
      createTopic('kn-offsets', 2);
      const producer = await kafkaNodeProducer();
      await kafkaNodeSend(producer, [{ topic: 'kn-offsets', partition: 1, messages: ['a', 'b', 'c', 'd', 'e'] }]);
      const offset = new kafkaNode.Offset(kafkaNodeClient());
      const latest = await new Promise<Record<string, Record<string, number>>>((resolve, reject) =>
        offset.fetchLatestOffsets(['kn-offsets'], (error, result) => (error ? reject(error) : resolve(result))),
      );
      const earliest = await new Promise<Record<string, Record<string, number>>>((resolve, reject) =>
        offset.fetchEarliestOffsets(['kn-offsets'], (error, result) => (error ? reject(error) : resolve(result))),
      );
      expect(latest).to.deep.equal({ 'kn-offsets': { 0: 0, 1: 5 } });
      expect(earliest).to.deep.equal({ 'kn-offsets': { 0: 0, 1: 0 } });
      const listed = await new Promise<Record<string, Record<string, number[]>>>((resolve, reject) =>
        offset.fetch([{ topic: 'kn-offsets', partition: 1, time: -1, maxNum: 3 }], (error, result) =>
          error ? reject(error) : resolve(result),
        ),
      );
      // Kafka's legacy answer for a one-segment log: the log end offset, then the segment's base offset.
      expect(listed).to.deep.equal({ 'kn-offsets': { 1: [5, 0] } });
    });

    it('Producer with requireAcks 0 gets its callback without a response and the messages land', async () => {
      createTopic('kn-acks0');
      const producer = await kafkaNodeProducer(false, { requireAcks: 0 });
      await kafkaNodeSend(producer, [{ topic: 'kn-acks0', attributes: 1, messages: ['quiet-1', 'quiet-2'] }]);
      const log = broker.cluster.getPartition('kn-acks0', 0)!.log;
      await until(() => log.highWatermark === 2, 'the acks=0 messages');
      expect(valuesOf(Buffer.concat(log.read(0, 1 << 20, false).chunks))).to.deep.equal(['quiet-1', 'quiet-2']);
    });

    it('a Consumer starting inside a compressed message set gets the whole wrapper, as from Kafka', async () => {
      createTopic('kn-mid');
      const producer = await kafkaNodeProducer();
      await kafkaNodeSend(producer, [{ topic: 'kn-mid', attributes: 1, messages: ['m0', 'm1', 'm2'] }]);
      await kafkaNodeSend(producer, [{ topic: 'kn-mid', messages: ['m3'] }]);
      // Kafka keeps every record of a compressed batch when down-converting (the wrapper cannot be split), and
      // kafka-node's plain Consumer does not filter offsets below the one it asked for: it emits m0 too. Offsets stay
      // right because inner and wrapper offsets are consistent.
      const received = await kafkaNodeConsume([{ topic: 'kn-mid', partition: 0, offset: 1 }], 4, 200);
      expect(received.map((m) => [m.offset, m.value])).to.deep.equal([
        [0, 'm0'],
        [1, 'm1'],
        [2, 'm2'],
        [3, 'm3'],
      ]);
    });
  });

  describe('kafkajs 2.2.4', () => {
    it('producer with gzip and headers, acks -1 and 1; a consumer group reads keys, values, headers, timestamps, offsets', async () => {
      createTopic('kj-gzip');
      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      const first = await producer.send({
        topic: 'kj-gzip',
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'k1', value: 'v1', headers: { trace: 't1', multi: ['a', 'b'] }, timestamp: '1690000000001' },
          { key: null, value: 'v2', timestamp: '1690000000002' },
        ],
      });
      const second = await producer.send({
        topic: 'kj-gzip',
        acks: 1,
        messages: [{ key: 'k3', value: 'v3', timestamp: '1690000000003' }],
      });
      expect(first[0]).to.include({ errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' });
      expect(second[0]).to.include({ errorCode: 0, baseOffset: '2' });

      const received = await kafkajsConsume('kj-gzip', 3);
      expect(
        received.map(({ message }) => [message.offset, text(message.key), text(message.value), message.timestamp]),
      ).to.deep.equal([
        ['0', 'k1', 'v1', '1690000000001'],
        ['1', null, 'v2', '1690000000002'],
        ['2', 'k3', 'v3', '1690000000003'],
      ]);
      expect(headersAsText(received[0]!.message.headers)).to.deep.equal({ trace: 't1', multi: 'a,b' });
    });

    it('acks=0: send returns without a response and the records are appended', async () => {
      createTopic('kj-acks0');
      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      const result = await producer.send({
        topic: 'kj-acks0',
        acks: 0,
        messages: [{ value: 'fire' }, { value: 'forget' }],
      });
      expect(result).to.deep.equal([]);
      const log = broker.cluster.getPartition('kj-acks0', 0)!.log;
      await until(() => log.highWatermark === 2, 'the acks=0 records');
      expect(valuesOf(Buffer.concat(log.read(0, 1 << 20, false).chunks))).to.deep.equal(['fire', 'forget']);
    });

    it('NOT_ENOUGH_REPLICAS for acks=-1 while the ISR is below min.insync.replicas; acks=1 still succeeds', async () => {
      createTopic('kj-isr', 1, { 'min.insync.replicas': '2' });
      const producer = kafka.producer({ retry: { retries: 0 } });
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      let failure: (Error & { type?: string }) | null = null;
      try {
        await producer.send({ topic: 'kj-isr', acks: -1, messages: [{ value: 'x' }] });
      } catch (error) {
        failure = error as Error & { type?: string };
      }
      expect(failure, 'acks=-1 must fail').to.not.equal(null);
      expect(`${failure!.type ?? ''} ${failure!.message}`).to.match(
        /NOT_ENOUGH_REPLICAS|fewer in-sync replicas than required/,
      );
      expect(broker.cluster.getPartition('kj-isr', 0)!.log.highWatermark).to.equal(0);
      const ok = await producer.send({ topic: 'kj-isr', acks: 1, messages: [{ value: 'y' }] });
      expect(ok[0]!.errorCode).to.equal(0);
    });
  });

  describe('across client generations', () => {
    it('a kafkajs gzip batch with headers reaches kafka-node intact (headers dropped), by Fetch v0 and v2', async () => {
      createTopic('cross-kj-kn');
      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      await producer.send({
        topic: 'cross-kj-kn',
        acks: 1,
        messages: [{ key: 'pre', value: 'plain', timestamp: '1680000000000' }],
      });
      await producer.send({
        topic: 'cross-kj-kn',
        acks: 1,
        compression: CompressionTypes.GZIP,
        messages: [
          { key: 'a', value: 'one', headers: { h: '1' }, timestamp: '1680000000001' },
          { key: null, value: 'two', headers: { h: '2' }, timestamp: '1680000000002' },
          { key: 'c', value: 'three', timestamp: '1680000000003' },
        ],
      });
      const expected = [
        [0, 'pre', 'plain'],
        [1, 'a', 'one'],
        [2, null, 'two'],
        [3, 'c', 'three'],
      ];
      const plain = await kafkaNodeConsume([{ topic: 'cross-kj-kn', partition: 0, offset: 0 }], 4);
      expect(plain.map((m) => [m.offset, m.key, m.value])).to.deep.equal(expected);
      const grouped = await kafkaNodeGroupConsume('cross-kj-kn', 4);
      expect(grouped.map((m) => [m.offset, m.key, m.value])).to.deep.equal(expected);
      expect(grouped.map((m) => m.timestamp)).to.deep.equal([
        1680000000000, 1680000000001, 1680000000002, 1680000000003,
      ]);
    });

    for (const [attributes, codec] of [
      [1, 'gzip'],
      [2, 'snappy'],
    ] as const) {
      it(`a kafka-node magic-1 ${codec} message set reaches kafkajs intact`, async () => {
        createTopic(`cross-kn-kj-${codec}`);
        const topic = `cross-kn-kj-${codec}`;
        const producer = await kafkaNodeProducer();
        await kafkaNodeSend(producer, [{ topic, messages: ['lead'] }]);
        const before = Date.now();
        await kafkaNodeSend(producer, [
          {
            topic,
            attributes,
            messages: [new kafkaNode.KeyedMessage('x', 'first'), new kafkaNode.KeyedMessage('y', 'second'), 'third'],
          },
        ]);
        const stored = broker.cluster.getPartition(topic, 0)!.log.read(0, 1 << 20, false).batches;
        expect(stored.map((b) => b.codec)).to.deep.equal([0, attributes]);

        const received = await kafkajsConsume(topic, 4);
        expect(received.map(({ message }) => [message.offset, text(message.key), text(message.value)])).to.deep.equal([
          ['0', null, 'lead'],
          ['1', 'x', 'first'],
          ['2', 'y', 'second'],
          ['3', null, 'third'],
        ]);
        for (const { message } of received.slice(1)) {
          expect(Number(message.timestamp)).to.be.within(before - 5000, Date.now() + 1000);
        }
      });
    }
  });

  describe('Produce on the wire', () => {
    it('acks=0 gets no response at all: the next response on the connection answers the next request', async () => {
      createTopic('wire-acks0');
      const socket = net.connect({ host: '127.0.0.1', port: broker.cluster.nodes.get(1)!.port });
      cleanups.push(() => socket.destroy());
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const frame = (apiKey: number, version: number, correlationId: number, body: (w: Writer) => void): Buffer =>
        encodeRequestFrame(apiKey, version, correlationId, 'raw', body);
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      socket.write(
        frame(
          ApiKey.Produce,
          3,
          41,
          writeProduce(3, 0, 'wire-acks0', 0, encodeRecordBatch({ records: records(2, 'zero') })),
        ),
      );
      socket.write(frame(ApiKey.Metadata, 1, 42, (w) => w.int32(0)));
      await until(() => Buffer.concat(received).length >= 8, 'a response');
      const bytes = Buffer.concat(received);
      expect(bytes.readInt32BE(4), 'first correlation id answered').to.equal(42);
      expect(broker.cluster.getPartition('wire-acks0', 0)!.log.highWatermark).to.equal(2);
    });

    it('acks=0 that fails closes the connection, with the reason logged', async () => {
      await broker.stop();
      const logger = new MemoryLogger();
      await start({ logger, autoCreateTopics: false });
      const connection = await raw();
      // No response ever comes for acks=0: the pending request only settles because the broker closes the connection.
      const outcome = await connection
        .request(
          ApiKey.Produce,
          3,
          writeProduce(3, 0, 'no-such-topic', 0, encodeRecordBatch({ records: records(1, 'x') })),
        )
        .then(
          () => 'answered',
          (error: Error) => error.message,
        );
      expect(outcome).to.equal('connection closed by the broker');
      expect(logger.lines.join('\n')).to.match(/acks=0 produce failed: no-such-topic-0: UNKNOWN_TOPIC_OR_PARTITION/);
    });

    it('answers per partition: invalid acks, unknown topic or partition, illegal or internal topic, too large, corrupt', async () => {
      await broker.stop();
      await start({ messageMaxBytes: 2000, autoCreateTopics: true });
      createTopic('wire-errors');
      const good = encodeRecordBatch({ records: records(1, 'ok') });
      expect((await rawProduce(3, 'wire-errors', good, 2)).errorCode).to.equal(ErrorCode.INVALID_REQUIRED_ACKS);
      expect((await rawProduce(3, 'never-created', good)).errorCode, 'Produce does not auto-create').to.equal(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
      expect(broker.cluster.getTopic('never-created')).to.equal(undefined);
      expect((await rawProduce(3, 'wire-errors', good, 1, 7)).errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      expect((await rawProduce(3, 'bad/name', good)).errorCode, 'no such topic can exist').to.equal(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      );
      expect((await rawProduce(3, '__consumer_offsets', good)).errorCode).to.equal(ErrorCode.INVALID_TOPIC_EXCEPTION);
      const big = encodeRecordBatch({ records: [{ timestamp: 0, key: null, value: Buffer.alloc(2500, 1) }] });
      expect((await rawProduce(3, 'wire-errors', big)).errorCode).to.equal(ErrorCode.MESSAGE_TOO_LARGE);
      const oldBig = encodeMessageSet([{ offset: 0, timestamp: 0, key: null, value: Buffer.alloc(2500, 1) }], {
        magic: 1,
      });
      expect((await rawProduce(2, 'wire-errors', oldBig)).errorCode).to.equal(ErrorCode.MESSAGE_TOO_LARGE);
      const corrupt = Buffer.from(good);
      corrupt[corrupt.length - 3] ^= 0xff;
      expect((await rawProduce(3, 'wire-errors', corrupt)).errorCode).to.equal(ErrorCode.CORRUPT_MESSAGE);
      const corruptOld = Buffer.from(
        encodeMessageSet([{ offset: 0, timestamp: 5, key: null, value: Buffer.from('v') }], { magic: 1 }),
      );
      corruptOld[corruptOld.length - 1] ^= 0xff;
      expect((await rawProduce(1, 'wire-errors', corruptOld)).errorCode).to.equal(ErrorCode.CORRUPT_MESSAGE);
      const oldAtV3 = encodeMessageSet([{ offset: 0, timestamp: 5, key: null, value: Buffer.from('v') }], { magic: 1 });
      expect((await rawProduce(3, 'wire-errors', oldAtV3)).errorCode, 'v3+ needs magic 2').to.equal(
        ErrorCode.INVALID_RECORD,
      );
      expect((await rawProduce(3, 'wire-errors', Buffer.alloc(0))).errorCode, 'v3+ needs exactly one batch').to.equal(
        ErrorCode.INVALID_RECORD,
      );
      expect(broker.cluster.getPartition('wire-errors', 0)!.log.highWatermark, 'nothing appended').to.equal(0);
      const ok = await rawProduce(5, 'wire-errors', good);
      expect(ok).to.deep.equal({ partition: 0, errorCode: 0, baseOffset: 0, logAppendTime: -1, logStartOffset: 0 });
    });

    it('NOT_LEADER_OR_FOLLOWER on a node that does not lead the partition', async () => {
      await broker.stop();
      await start({ nodes: 2 });
      createTopic('wire-leader', 2);
      const leader = broker.cluster.getPartition('wire-leader', 0)!.leader;
      const follower = leader === 1 ? 2 : 1;
      const batchBytes = encodeRecordBatch({ records: records(1, 'l') });
      const atFollower = await (
        await raw(follower - 1)
      ).request(ApiKey.Produce, 3, writeProduce(3, 1, 'wire-leader', 0, batchBytes));
      expect(readProduce(atFollower, 3)[0]!.errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      const atLeader = await (
        await raw(leader - 1)
      ).request(ApiKey.Produce, 3, writeProduce(3, 1, 'wire-leader', 0, batchBytes));
      expect(readProduce(atLeader, 3)[0]!.errorCode).to.equal(ErrorCode.NONE);
      const fetched = await rawFetch(
        4,
        [{ topic: 'wire-leader', partition: 0, offset: 0 }],
        {},
        await raw(follower - 1),
      );
      expect(fetched.partitions[0]!.errorCode).to.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    });

    it('up-converts magic 0 (no timestamp) and magic 1 to stored magic-2 batches', async () => {
      createTopic('wire-upconvert');
      const oldRecords = [
        { offset: 0, timestamp: 1111, key: Buffer.from('a'), value: Buffer.from('A') },
        { offset: 0, timestamp: 2222, key: null, value: Buffer.from('B') },
      ];
      expect(
        (await rawProduce(0, 'wire-upconvert', encodeMessageSet(oldRecords, { magic: 0, codec: CompressionCodec.Lz4 })))
          .baseOffset,
      ).to.equal(0);
      const v2 = await rawProduce(2, 'wire-upconvert', encodeMessageSet(oldRecords, { magic: 1 }));
      expect([v2.baseOffset, v2.logAppendTime]).to.deep.equal([2, -1]);
      const fetched = await rawFetch(4, [{ topic: 'wire-upconvert', partition: 0, offset: 0 }]);
      const { batches } = decodeRecordSet(fetched.partitions[0]!.records);
      expect(batches.map((b) => [b.magic, b.codec, b.baseOffset])).to.deep.equal([
        [2, CompressionCodec.Lz4, 0],
        [2, CompressionCodec.None, 2],
      ]);
      expect(recordsOf(batches).map((r) => [r.offset, r.timestamp, text(r.key), text(r.value)])).to.deep.equal([
        [0, -1, 'a', 'A'],
        [1, -1, null, 'B'],
        [2, 1111, 'a', 'A'],
        [3, 2222, null, 'B'],
      ]);
    });

    it('LogAppendTime topics stamp the append time, returned by Produce v2+ and carried by fetched records', async () => {
      createTopic('wire-append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
      const before = Date.now();
      const produced = await rawProduce(3, 'wire-append-time', encodeRecordBatch({ records: records(2, 'lat', 5) }));
      expect(produced.logAppendTime).to.be.within(before, Date.now());
      const fetched = await rawFetch(4, [{ topic: 'wire-append-time', partition: 0, offset: 0 }]);
      const [batch] = decodeRecordSet(fetched.partitions[0]!.records).batches;
      expect(batch!.timestampType).to.equal(TimestampType.LogAppendTime);
      expect(batch!.records.map((r) => r.timestamp)).to.deep.equal([produced.logAppendTime, produced.logAppendTime]);
      const old = await rawFetch(2, [{ topic: 'wire-append-time', partition: 0, offset: 0 }]);
      const [message] = decodeRecordSet(old.partitions[0]!.records).batches;
      expect([message!.magic, message!.timestampType, message!.records[0]!.timestamp]).to.deep.equal([
        1,
        TimestampType.LogAppendTime,
        produced.logAppendTime,
      ]);
    });

    it('zstd: accepted from Produce v7 and served as stored to Fetch v10+, UNSUPPORTED_COMPRESSION_TYPE below', async () => {
      createTopic('wire-zstd');
      // The broker never opens a zstd batch, so a batch whose compressed records are opaque bytes is enough.
      const batch = Buffer.from(encodeRecordBatch({ records: records(2, 'z') }));
      batch.writeInt16BE(CompressionCodec.Zstd, 21);
      batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
      expect((await rawProduce(6, 'wire-zstd', batch)).errorCode).to.equal(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      expect((await rawProduce(7, 'wire-zstd', batch)).errorCode).to.equal(ErrorCode.NONE);
      const modern = await rawFetch(11, [{ topic: 'wire-zstd', partition: 0, offset: 0 }]);
      expect(modern.partitions[0]!.records.subarray(21).equals(batch.subarray(21))).to.equal(true);
      for (const version of [9, 3, 0]) {
        const old = await rawFetch(version, [{ topic: 'wire-zstd', partition: 0, offset: 0 }]);
        expect(old.partitions[0]!.errorCode, `Fetch v${version}`).to.equal(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
      }
    });
  });

  describe('Fetch on the wire', () => {
    it('serves the stored batch bytes untouched except baseOffset and leader epoch (no re-encoding)', async () => {
      createTopic('wire-verbatim');
      const producer = kafka.producer();
      cleanups.push(() => producer.disconnect());
      await producer.connect();
      await producer.send({ topic: 'wire-verbatim', acks: 1, messages: [{ value: 'before' }] });
      const sent = encodeRecordBatch({
        codec: CompressionCodec.Snappy,
        records: records(3, 'verbatim'),
        producerEpoch: 0,
        baseSequence: 0,
      });
      expect((await rawProduce(3, 'wire-verbatim', sent)).baseOffset).to.equal(1);
      const fetched = await rawFetch(11, [{ topic: 'wire-verbatim', partition: 0, offset: 1 }]);
      const served = fetched.partitions[0]!.records;
      expect(served.length).to.equal(sent.length);
      expect(served.subarray(21).equals(sent.subarray(21))).to.equal(true);
      expect(readRecordBatchHeader(served)).to.include({ baseOffset: 1, partitionLeaderEpoch: 0 });
      expect(fetched.partitions[0]!).to.include({
        highWatermark: 4,
        lastStableOffset: 4,
        logStartOffset: 0,
        preferredReadReplica: -1,
      });
    });

    it('reports high watermark, last stable offset, log start offset, aborted transactions and OFFSET_OUT_OF_RANGE by version', async () => {
      createTopic('wire-fields');
      await rawProduce(3, 'wire-fields', encodeRecordBatch({ records: records(3, 'f') }));
      const v0 = await rawFetch(0, [{ topic: 'wire-fields', partition: 0, offset: 1 }]);
      expect(v0.partitions[0]!).to.include({ errorCode: 0, highWatermark: 3 });
      expect(valuesOf(v0.partitions[0]!.records)).to.deep.equal(['f-value-1', 'f-value-2']);
      const v4Uncommitted = await rawFetch(4, [{ topic: 'wire-fields', partition: 0, offset: 3 }], {
        isolationLevel: 0,
      });
      expect(v4Uncommitted.partitions[0]!).to.include({
        errorCode: 0,
        highWatermark: 3,
        lastStableOffset: 3,
        abortedTransactions: -1,
      });
      expect(v4Uncommitted.partitions[0]!.records.length).to.equal(0);
      const v5Committed = await rawFetch(5, [{ topic: 'wire-fields', partition: 0, offset: 0 }], { isolationLevel: 1 });
      expect(v5Committed.partitions[0]!).to.include({ logStartOffset: 0, abortedTransactions: 0 });
      const outOfRange = await rawFetch(5, [{ topic: 'wire-fields', partition: 0, offset: 4 }]);
      expect(outOfRange.partitions[0]!).to.include({
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
        highWatermark: 3,
        logStartOffset: 0,
      });
      const unknown = await rawFetch(5, [{ topic: 'no-such-topic', partition: 0, offset: 0 }]);
      expect(unknown.partitions[0]!).to.include({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1 });
      expect(broker.cluster.getTopic('no-such-topic'), 'Fetch does not auto-create').to.equal(undefined);
    });

    it('fetch sessions: session 0 gets full responses with session id 0, any other id FETCH_SESSION_ID_NOT_FOUND', async () => {
      createTopic('wire-session');
      await rawProduce(3, 'wire-session', encodeRecordBatch({ records: records(1, 's') }));
      const sessionless = await rawFetch(7, [{ topic: 'wire-session', partition: 0, offset: 0 }], {
        sessionId: 0,
        sessionEpoch: -1,
      });
      expect([sessionless.errorCode, sessionless.sessionId]).to.deep.equal([0, 0]);
      expect(valuesOf(sessionless.partitions[0]!.records)).to.deep.equal(['s-value-0']);
      const unknownSession = await rawFetch(7, [{ topic: 'wire-session', partition: 0, offset: 0 }], {
        sessionId: 1234,
        sessionEpoch: 1,
      });
      expect(unknownSession.errorCode).to.equal(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      expect(unknownSession.partitions).to.deep.equal([]);
    });

    it('FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a stale or future current_leader_epoch (v9+)', async () => {
      createTopic('wire-epoch');
      const partition = broker.cluster.getPartition('wire-epoch', 0)!;
      partition.leaderEpoch = 3;
      const target = (currentLeaderEpoch: number): FetchTarget[] => [
        { topic: 'wire-epoch', partition: 0, offset: 0, currentLeaderEpoch },
      ];
      expect((await rawFetch(9, target(2))).partitions[0]!.errorCode).to.equal(ErrorCode.FENCED_LEADER_EPOCH);
      expect((await rawFetch(9, target(4))).partitions[0]!.errorCode).to.equal(ErrorCode.UNKNOWN_LEADER_EPOCH);
      expect((await rawFetch(9, target(3))).partitions[0]!.errorCode).to.equal(ErrorCode.NONE);
      expect((await rawFetch(9, target(-1))).partitions[0]!.errorCode).to.equal(ErrorCode.NONE);
    });

    it('v3+: the first batch comes whole even over the limits, later partitions only within the response max_bytes', async () => {
      createTopic('wire-sizes', 2);
      const big = encodeRecordBatch({ records: [{ timestamp: 0, key: null, value: Buffer.alloc(3000, 7) }] });
      await rawProduce(3, 'wire-sizes', big, 1, 0);
      await rawProduce(3, 'wire-sizes', big, 1, 0);
      await rawProduce(3, 'wire-sizes', big, 1, 1);
      const both: FetchTarget[] = [
        { topic: 'wire-sizes', partition: 0, offset: 0, maxBytes: 100 },
        { topic: 'wire-sizes', partition: 1, offset: 0, maxBytes: 100000 },
      ];
      const limited = await rawFetch(4, both, { maxBytes: big.length + 10 });
      expect(limited.partitions.map((p) => p.records.length)).to.deep.equal([big.length, 0]);
      const roomy = await rawFetch(4, both, { maxBytes: 1_000_000 });
      expect(
        roomy.partitions.map((p) => p.records.length),
        'partition max_bytes still caps later batches',
      ).to.deep.equal([big.length, big.length]);
      const oldStyle = await rawFetch(2, [{ topic: 'wire-sizes', partition: 0, offset: 0, maxBytes: 100 }]);
      // v0-2 know no such exception: the client gets the first 100 bytes, a partial message, and learns it must grow.
      expect(oldStyle.partitions[0]!.records.length).to.equal(100);
      const partial = decodeRecordSet(oldStyle.partitions[0]!.records);
      expect([partial.batches.length, partial.partialTail]).to.deep.equal([0, true]);
    });

    it('long-poll: waits max_wait_ms for min_bytes, and wakes as soon as a produce brings enough', async () => {
      createTopic('wire-poll');
      const started = Date.now();
      const idle = await rawFetch(4, [{ topic: 'wire-poll', partition: 0, offset: 0 }], {
        maxWaitMs: 300,
        minBytes: 1,
      });
      const idleElapsed = Date.now() - started;
      expect(idle.partitions[0]!.records.length).to.equal(0);
      expect(idleElapsed, 'waited for max_wait_ms').to.be.at.least(250);
      expect(idleElapsed).to.be.below(5000);

      const wokenAt = Date.now();
      const pending = rawFetch(11, [{ topic: 'wire-poll', partition: 0, offset: 0 }], {
        maxWaitMs: 20000,
        minBytes: 1,
      });
      setTimeout(() => void rawProduce(3, 'wire-poll', encodeRecordBatch({ records: records(1, 'wake') })), 100);
      const woken = await pending;
      expect(Date.now() - wokenAt, 'woken by the append, long before max_wait_ms').to.be.below(5000);
      expect(valuesOf(woken.partitions[0]!.records)).to.deep.equal(['wake-value-0']);

      const immediate = Date.now();
      await rawFetch(4, [{ topic: 'wire-poll', partition: 0, offset: 0 }], { maxWaitMs: 20000, minBytes: 1 });
      expect(Date.now() - immediate, 'data already there: no wait').to.be.below(5000);
    });
  });

  describe('ListOffsets on the wire', () => {
    async function listOffsets(
      version: number,
      topic: string,
      timestamp: number,
      extra: { maxNum?: number; epoch?: number; isolation?: number } = {},
    ) {
      const connection = await raw();
      const reader = await connection.request(ApiKey.ListOffsets, version, (w) => {
        w.int32(-1);
        if (version >= 2) w.int8(extra.isolation ?? 0);
        w.int32(1).string(topic).int32(1).int32(0);
        if (version >= 4) w.int32(extra.epoch ?? -1);
        w.int64(timestamp);
        if (version === 0) w.int32(extra.maxNum ?? 1);
      });
      if (version >= 2) reader.int32();
      reader.int32();
      reader.string();
      reader.int32();
      const partition = reader.int32();
      const errorCode = reader.int16();
      if (version === 0) {
        const offsets = reader.array((r) => r.int64Number(), 8);
        return { partition, errorCode, offsets, timestamp: -1, offset: -1, leaderEpoch: -1 };
      }
      const result = {
        partition,
        errorCode,
        offsets: [] as number[],
        timestamp: reader.int64Number(),
        offset: reader.int64Number(),
        leaderEpoch: -1,
      };
      if (version >= 4) result.leaderEpoch = reader.int32();
      expect(reader.remaining).to.equal(0);
      return result;
    }

    it('latest, earliest and by timestamp (v1-4), old-style offsets (v0), unknown partitions', async () => {
      createTopic('wire-list');
      await rawProduce(3, 'wire-list', encodeRecordBatch({ records: records(3, 'a', 1000) })); // 1000..1002
      await rawProduce(3, 'wire-list', encodeRecordBatch({ records: records(2, 'b', 5000) })); // 5000..5001
      for (const version of [1, 2, 3, 4]) {
        expect(await listOffsets(version, 'wire-list', -1), `v${version} latest`).to.include({
          errorCode: 0,
          offset: 5,
          timestamp: -1,
        });
        expect(await listOffsets(version, 'wire-list', -2), `v${version} earliest`).to.include({
          errorCode: 0,
          offset: 0,
        });
        expect(await listOffsets(version, 'wire-list', 1001), `v${version} by time`).to.include({
          offset: 1,
          timestamp: 1001,
        });
        expect(await listOffsets(version, 'wire-list', 1003), `v${version} by time`).to.include({
          offset: 3,
          timestamp: 5000,
        });
        expect(await listOffsets(version, 'wire-list', 9999), `v${version} after the last`).to.include({
          errorCode: 0,
          offset: -1,
          timestamp: -1,
        });
      }
      expect(await listOffsets(3, 'wire-list', -1, { isolation: 1 })).to.include({ offset: 5 });
      expect(await listOffsets(4, 'wire-list', -1)).to.include({ leaderEpoch: 0 });
      expect(await listOffsets(4, 'wire-list', -1, { epoch: 5 })).to.include({
        errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH,
      });
      expect((await listOffsets(0, 'wire-list', -1, { maxNum: 10 })).offsets).to.deep.equal([5, 0]);
      expect((await listOffsets(0, 'wire-list', -2, { maxNum: 10 })).offsets).to.deep.equal([0]);
      expect((await listOffsets(0, 'wire-list', -1, { maxNum: 1 })).offsets).to.deep.equal([5]);
      expect(await listOffsets(1, 'no-such-list', -1)).to.include({
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        offset: -1,
      });
    });

    it('kafkajs admin.fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
      createTopic('kj-list', 2);
      await rawProduce(3, 'kj-list', encodeRecordBatch({ records: records(4, 'x', 10_000) }));
      const admin = kafka.admin();
      cleanups.push(() => admin.disconnect());
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets('kj-list');
      expect(
        offsets.sort((a, b) => a.partition - b.partition).map((o) => [o.partition, o.low, o.high, o.offset]),
      ).to.deep.equal([
        [0, '0', '4', '4'],
        [1, '0', '0', '0'],
      ]);
      const byTime = await admin.fetchTopicOffsetsByTimestamp('kj-list', 10_002);
      expect(byTime.sort((a, b) => a.partition - b.partition).map((o) => o.offset)).to.deep.equal(['2', '0']);
    });
  });

  describe('persistence', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'produce-fetch-'));
    });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('a broker restarted on the same dataDir serves everything produced before, and continues the offsets', async () => {
      await broker.stop();
      await start({ dataDir });
      createTopic('durable', 2);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'durable',
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [
          { partition: 0, key: 'a', value: 'one', headers: { h: 'x' } },
          { partition: 0, value: 'two' },
        ],
      });
      await producer.send({ topic: 'durable', acks: 1, messages: [{ partition: 1, value: 'other-partition' }] });
      await producer.disconnect();
      const knProducer = await kafkaNodeProducer();
      await kafkaNodeSend(knProducer, [{ topic: 'durable', partition: 0, attributes: 2, messages: ['three'] }]);
      for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      const before: Record<string, KafkaRecord[]> = {};
      for (const p of [0, 1]) {
        const log = broker.cluster.getPartition('durable', p)!.log;
        before[p] = recordsOf(decodeRecordSet(Buffer.concat(log.read(0, 1 << 20, false).chunks)).batches);
      }
      await broker.stop();

      await start({ dataDir });
      expect(broker.cluster.getPartition('durable', 0)!.log.highWatermark).to.equal(3);
      const fetched = await rawFetch(11, [
        { topic: 'durable', partition: 0, offset: 0 },
        { topic: 'durable', partition: 1, offset: 0 },
      ]);
      for (const p of [0, 1]) {
        const after = recordsOf(decodeRecordSet(fetched.partitions[p]!.records).batches);
        expect(after, `partition ${p}`).to.deep.equal(before[p]);
      }
      expect(valuesOf(fetched.partitions[0]!.records)).to.deep.equal(['one', 'two', 'three']);
      expect(
        recordsOf(decodeRecordSet(fetched.partitions[0]!.records).batches)[0]!.headers.map((h) => h.key),
      ).to.deep.equal(['h']);
      const received = await kafkajsConsume('durable', 4);
      expect(
        received.map(({ partition, message }) => `${partition}:${message.offset}:${text(message.value)}`).sort(),
      ).to.deep.equal(['0:0:one', '0:1:two', '0:2:three', '1:0:other-partition']);
      expect((await rawProduce(3, 'durable', encodeRecordBatch({ records: records(1, 'more') }))).baseOffset).to.equal(
        3,
      );
    });
  });
});
