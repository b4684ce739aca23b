import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, MemoryLogger, type EmbeddedBroker } from '../../src/broker';
import { ApiKey } from '../../src/protocol/api-keys';
import { ErrorCode } from '../../src/protocol/error-codes';
import { Reader, Writer } from '../../src/protocol/primitives';
import { exchangeRaw, requestFrame } from '../helpers/frames';

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
    await expectClosedWithReason(requestFrame(999, 0, () => undefined), /unknown API key 999/);
  });

  it('an unsupported version of a known API', async () => {
    await expectClosedWithReason(requestFrame(ApiKey.Metadata, 42, (w) => w.int32(-1)), /Metadata v42 is not supported \(v0-v6\)/);
  });

  it('an ApiVersions version from the future gets UNSUPPORTED_VERSION in a v0 response', async () => {
    const outcome = await exchangeRaw(broker.brokers[0]!, requestFrame(ApiKey.ApiVersions, 9, () => undefined, 77));
    const reader = new Reader(outcome.response);
    expect(reader.int32()).to.equal(outcome.response.length - 4);
    expect(reader.int32()).to.equal(77);
    expect(reader.int16()).to.equal(ErrorCode.UNSUPPORTED_VERSION);
    const apis = reader.array((r) => ({ key: r.int16(), min: r.int16(), max: r.int16() }));
    expect(apis.find((api) => api.key === ApiKey.ApiVersions)).to.deep.equal({ key: 18, min: 0, max: 2 });
  });

  it('a truncated body, negative lengths and impossible array counts', async () => {
    await expectClosedWithReason(requestFrame(ApiKey.Metadata, 1, (w) => w.int32(1).int16(20).raw(Buffer.from('abc'))), /malformed Metadata v1 request: truncated/);
    await expectClosedWithReason(requestFrame(ApiKey.Metadata, 1, (w) => w.int32(1).int16(-7)), /invalid string length -7/);
    await expectClosedWithReason(requestFrame(ApiKey.Produce, 3, (w) => w.string(null).int16(1).int32(1000).int32(0x7fffffff)), /cannot fit/);
  });

  it('a request body followed by garbage still parses the fields it needs', async () => {
    const outcome = await exchangeRaw(broker.brokers[0]!, requestFrame(ApiKey.ApiVersions, 0, (w) => w.raw(Buffer.from('trailing garbage'))));
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
      requestFrame(ApiKey.Metadata, 1, (w) => w.array(['bad topic', '..', 'x'.repeat(250)], (tw, name) => tw.string(name))),
    );
    const reader = new Reader(metadata.response, 8);
    reader.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()]);
    reader.int32();
    const topics = reader.array((r) => ({ error: r.int16(), name: r.string(), internal: r.boolean(), partitions: r.int32() }));
    expect(topics.map((t) => t.error)).to.deep.equal([17, 17, 17]);

    const created = await exchangeRaw(
      broker.brokers[0]!,
      requestFrame(ApiKey.CreateTopics, 0, (w: Writer) => {
        w.array(['has space'], (tw, name) => tw.string(name).int32(1).int16(1).int32(0).int32(0));
        w.int32(1000);
      }),
    );
    const createdReader = new Reader(created.response, 8);
    expect(createdReader.array((r) => ({ name: r.string(), error: r.int16() }))).to.deep.equal([{ name: 'has space', error: 17 }]);
  });
});
