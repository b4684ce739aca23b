import { expect } from 'chai';
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, MemoryLogger, type EmbeddedBroker } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader, Writer } from '../../src/protocol/primitives';
import { exchangeRaw, requestFrame } from '../helpers/frames';
import { until } from '../helpers/poll';

describe('broker/bad input: the connection is answered or closed with a logged reason, everyone else keeps working', () => {
  let broker: EmbeddedBroker;
  let logger: MemoryLogger;
  before(async () => {
    logger = new MemoryLogger();
    broker = await startBroker({ logger, maxRequestBytes: 64 * 1024 });
  });
  after(async () => {
    await broker.stop();
  });

  async function expectClosedWithReason(bytes: Buffer, reason: RegExp): Promise<void> {
    const before = logger.lines.length;
    const outcome = await exchangeRaw(broker.brokers[0]!, bytes, 2000);
    expect(outcome.closed, 'connection closed').to.equal(true);
    expect(outcome.response.length, 'no response bytes').to.equal(0);
    expect(logger.lines.slice(before).join('\n')).to.match(reason);
  }

  afterEach(async () => {
    // A normal client still works after every bad frame.
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    expect(await admin.listTopics()).to.be.an('array');
    await admin.disconnect();
  });

  it('a size prefix above socket.request.max.bytes', async () => {
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(64 * 1024 + 1, 0);
    await expectClosedWithReason(frame, /frame size 65537 outside 0\.\.65536/);
  });

  it('a negative size prefix', async () => {
    const frame = Buffer.alloc(4);
    frame.writeInt32BE(-5, 0);
    await expectClosedWithReason(frame, /frame size -5/);
  });

  it('a frame too short for a request header', async () => {
    await expectClosedWithReason(Buffer.from([0, 0, 0, 3, 0, 18, 0]), /unreadable request header/);
  });

  it('an unknown API key', async () => {
    await expectClosedWithReason(
      requestFrame(999, 0, () => undefined),
      /unknown API key 999/,
    );
  });

  it('an unsupported version of a known API', async () => {
    await expectClosedWithReason(
      requestFrame(ApiKey.Metadata, 42, (w) => w.int32(-1)),
      /Metadata v42 is not supported \(v0-v6\)/,
    );
  });

  it('an ApiVersions version from the future gets UNSUPPORTED_VERSION in a v0 response', async () => {
    const outcome = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.ApiVersions, 9, () => undefined, 77),
    );
    const reader = new Reader(outcome.response);
    expect(reader.int32()).to.equal(outcome.response.length - 4);
    expect(reader.int32()).to.equal(77);
    expect(reader.int16()).to.equal(ErrorCode.UNSUPPORTED_VERSION);
    const apis = reader.array((r) => ({ key: r.int16(), min: r.int16(), max: r.int16() }));
    expect(apis.find((api) => api.key === ApiKey.ApiVersions)).to.deep.equal({ key: 18, min: 0, max: 2 });
  });

  it('a truncated body, negative lengths and impossible array counts', async () => {
    await expectClosedWithReason(
      requestFrame(ApiKey.Metadata, 1, (w) => w.int32(1).int16(20).raw(Buffer.from('abc'))),
      /malformed Metadata v1 request: truncated/,
    );
    await expectClosedWithReason(
      requestFrame(ApiKey.Metadata, 1, (w) => w.int32(1).int16(-7)),
      /invalid string length -7/,
    );
    await expectClosedWithReason(
      requestFrame(ApiKey.Produce, 3, (w) => w.string(null).int16(1).int32(1000).int32(0x7fffffff)),
      /cannot fit/,
    );
  });

  it('a request body followed by garbage still parses the fields it needs', async () => {
    const outcome = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.ApiVersions, 0, (w) => w.raw(Buffer.from('trailing garbage'))),
    );
    expect(outcome.response.length).to.be.greaterThan(8);
  });

  it('a topic with millions of partitions is refused with INVALID_PARTITIONS instead of exhausting memory (found by the fuzz test)', async () => {
    const created = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.CreateTopics, 3, (w: Writer) => {
        w.array(['huge'], (tw, name) => tw.string(name).int32(16777217).int16(-1).int32(0).int32(0));
        w.int32(1000).boolean(false);
      }),
    );
    const reader = new Reader(created.response, 12);
    const [result] = reader.array((r) => ({ name: r.string(), error: r.int16(), message: r.nullableString() }));
    expect(result).to.deep.include({ name: 'huge', error: ErrorCode.INVALID_PARTITIONS });
    expect(result!.message).to.match(/limit of 10000 per topic/);
    expect(broker.cluster.getTopic('huge')).to.equal(undefined);
  });

  it('invalid topic names get INVALID_TOPIC_EXCEPTION from Metadata and CreateTopics', async () => {
    const metadata = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.Metadata, 1, (w) =>
        w.array(['bad topic', '..', 'x'.repeat(250)], (tw, name) => tw.string(name)),
      ),
    );
    const reader = new Reader(metadata.response, 8);
    reader.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()]);
    reader.int32();
    const topics = reader.array((r) => ({
      error: r.int16(),
      name: r.string(),
      internal: r.boolean(),
      partitions: r.int32(),
    }));
    expect(topics.map((t) => t.error)).to.deep.equal([17, 17, 17]);

    const created = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.CreateTopics, 0, (w: Writer) => {
        w.array(['has space'], (tw, name) => tw.string(name).int32(1).int16(1).int32(0).int32(0));
        w.int32(1000);
      }),
    );
    const createdReader = new Reader(created.response, 8);
    expect(createdReader.array((r) => ({ name: r.string(), error: r.int16() }))).to.deep.equal([
      { name: 'has space', error: 17 },
    ]);
  });

  it('a valid header followed by garbage where the body should be', async () => {
    const garbage = Buffer.from('\xff\xfe\x00\x01 definitely not a CreateTopics body', 'latin1');
    await expectClosedWithReason(
      requestFrame(ApiKey.CreateTopics, 2, (w) => w.raw(garbage)),
      /malformed CreateTopics v2 request/,
    );
  });

  it('a request delivered one byte at a time, and a large frame in many chunks, are reassembled', async () => {
    const port = Number(broker.brokers[0]!.split(':')[1]);
    const socket = net.connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    for (const byte of requestFrame(ApiKey.ApiVersions, 0, () => undefined, 11)) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // A frame just under socket.request.max.bytes (64 KiB here), written in 1 KiB pieces.
    const large = requestFrame(ApiKey.ApiVersions, 0, (w) => w.raw(Buffer.alloc(60 * 1024, 7)), 12);
    for (let at = 0; at < large.length; at += 1024) socket.write(large.subarray(at, at + 1024));
    await until(() => countFrames(Buffer.concat(received)) >= 2, 'two responses', 2000, 10).catch(() => undefined);
    socket.destroy();
    const all = Buffer.concat(received);
    expect(countFrames(all)).to.equal(2);
    expect(all.readInt32BE(4), 'first correlation id').to.equal(11);
  });

  it('a client that stops halfway through a frame and disconnects leaves the broker serving', async () => {
    const frame = requestFrame(ApiKey.Metadata, 1, (w) => w.int32(-1));
    const outcome = await exchangeRaw(broker.brokers[0]!, frame.subarray(0, frame.length - 3), 100);
    expect(outcome.response.length).to.equal(0);
  });

  it('a client pipelining thousands of requests without reading them is no longer read from, then served in order', async () => {
    // Metadata for 300 topics: ~3 KiB requests, ~12 KiB responses; 2,500 of them are more than loopback buffers hold.
    const flooded = await startBroker({ logger: new MemoryLogger() });
    try {
      const names = Array.from({ length: 300 }, (_, i) => `flood-${i}`);
      for (const name of names) flooded.cluster.createTopic({ name, numPartitions: 1, replicationFactor: 1 });
      const COUNT = 2500;
      const frames = Array.from({ length: COUNT }, (_, i) =>
        requestFrame(ApiKey.Metadata, 0, (w) => w.array(names, (tw, name) => tw.string(name)), i),
      );
      const port = Number(flooded.brokers[0]!.split(':')[1]);
      const socket = net.connect({ host: '127.0.0.1', port });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.pause();
      for (const frame of frames) socket.write(frame);
      // Wait until the broker stops taking requests (the client's unsent bytes stay the same for half a second).
      let unsent = socket.writableLength;
      let steady = 0;
      const settled = (): boolean => {
        steady = socket.writableLength === unsent ? steady + 1 : 0;
        unsent = socket.writableLength;
        return steady > 5;
      };
      await until(settled, 'the unsent bytes to stay the same for half a second', 10000, 100).catch(() => undefined);
      expect(unsent, 'the broker stopped reading: requests wait on the client side').to.be.greaterThan(1024 * 1024);

      // Meanwhile other connections are served.
      const other = await exchangeRaw(
        flooded.brokers[0]!,
        requestFrame(ApiKey.ApiVersions, 0, () => undefined, 5),
        300,
      );
      expect(other.response.length).to.be.greaterThan(8);

      const correlationIds: number[] = [];
      const chunks: Buffer[] = [];
      let buffered = 0;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${correlationIds.length} of ${COUNT} responses`)), 20000);
        socket.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          buffered += chunk.length;
          let data = Buffer.concat(chunks, buffered);
          while (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
            correlationIds.push(data.readInt32BE(4));
            data = data.subarray(4 + data.readInt32BE(0));
          }
          chunks.splice(0, chunks.length, data);
          buffered = data.length;
          if (correlationIds.length === COUNT) {
            clearTimeout(timer);
            resolve();
          }
        });
        socket.resume();
      });
      socket.destroy();
      expect(
        correlationIds.every((id, i) => id === i),
        'responses in request order',
      ).to.equal(true);
    } finally {
      await flooded.stop();
    }
  });
});

function countFrames(bytes: Buffer): number {
  let count = 0;
  let at = 0;
  while (bytes.length - at >= 4 && bytes.length - at - 4 >= bytes.readInt32BE(at)) {
    at += 4 + bytes.readInt32BE(at);
    count++;
  }
  return count;
}
