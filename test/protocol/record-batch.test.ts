import { expect } from 'chai';
import { createRequire } from 'module';
import { CompressionCodec, UnsupportedCompressionError } from '../../src/protocol/compression';
import {
  CONTROL_ATTRIBUTE,
  RECORD_BATCH_HEADER_SIZE,
  TRANSACTIONAL_ATTRIBUTE,
  decodeRecordBatchAt,
  encodeRecordBatch,
  readRecordBatchHeader,
  recordBatchCrcMatches,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  type RecordInput,
} from '../../src/protocol/record-batch';
import { CorruptRecordError, TimestampType } from '../../src/protocol/records';
import { decodeRecordSet, recordsOf } from '../../src/protocol/record-set';
import { crc32c } from '../../src/protocol/crc';

const load = createRequire(__filename);

/** kafkajs 2.2.4's own record batch encoder and decoder, used as the reference implementation. */
interface KafkajsEncoder {
  buffer: Buffer;
}
const { RecordBatch: kafkajsRecordBatch } = load('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(options: Record<string, unknown>): Promise<KafkajsEncoder>;
};
const kafkajsRecord = load('kafkajs/src/protocol/recordBatch/record/v0') as (
  options: Record<string, unknown>,
) => KafkajsEncoder;
const KafkajsDecoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const kafkajsDecodeRecordBatch = load('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<{
  firstOffset: string;
  lastOffsetDelta: number;
  maxTimestamp: string;
  producerId: string;
  records: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | Buffer[]>;
  }[];
}>;
/** kafkajs ships no snappy codec; register one on our compression module for the duration of a test. */
const kafkajsCodecs = (load('kafkajs/src/protocol/message/compression') as { Codecs: Record<number, () => unknown> })
  .Codecs;

function sampleRecords(baseOffset: number, baseTimestamp: number): RecordInput[] {
  return [
    {
      offset: baseOffset,
      timestamp: baseTimestamp,
      key: Buffer.from('key-0'),
      value: Buffer.from('value-0'),
      headers: [{ key: 'h', value: Buffer.from('1') }],
    },
    { offset: baseOffset + 1, timestamp: baseTimestamp + 5, key: null, value: Buffer.from('value-1') },
    {
      offset: baseOffset + 2,
      timestamp: baseTimestamp - 3,
      key: Buffer.alloc(0),
      value: null,
      headers: [
        { key: 'n', value: null },
        { key: 'ü', value: Buffer.alloc(0) },
      ],
    },
  ];
}

describe('protocol/record-batch', () => {
  it('round-trips records with keys, null and empty values and headers, for every supported codec', () => {
    for (const codec of [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4]) {
      const records = sampleRecords(100, 1_700_000_000_000);
      const encoded = encodeRecordBatch({ codec, records });
      const batch = decodeRecordBatchAt(encoded, 0)!;
      expect(batch.codec, `codec ${codec}`).to.equal(codec);
      expect(batch.baseOffset).to.equal(100);
      expect(batch.lastOffset).to.equal(102);
      expect(batch.sizeInBytes).to.equal(encoded.length);
      expect(batch.records.map((r) => r.offset)).to.deep.equal([100, 101, 102]);
      expect(batch.records.map((r) => r.timestamp)).to.deep.equal([
        1_700_000_000_000, 1_700_000_000_005, 1_699_999_999_997,
      ]);
      expect(batch.records.map((r) => r.key && r.key.toString())).to.deep.equal(['key-0', null, '']);
      expect(batch.records.map((r) => r.value && r.value.toString())).to.deep.equal(['value-0', 'value-1', null]);
      expect(batch.records[0]!.headers.map((h) => [h.key, h.value!.toString()])).to.deep.equal([['h', '1']]);
      expect(batch.records[2]!.headers).to.deep.equal([
        { key: 'n', value: null },
        { key: 'ü', value: Buffer.alloc(0) },
      ]);
      expect(batch.maxTimestamp).to.equal(1_700_000_000_005);
    }
  });

  it('writes the header fields Kafka defines at their positions', () => {
    const encoded = encodeRecordBatch({
      codec: CompressionCodec.Gzip,
      records: sampleRecords(7, 1000),
      partitionLeaderEpoch: 3,
      producerId: 42,
      producerEpoch: 2,
      baseSequence: 9,
      transactional: true,
    });
    const header = readRecordBatchHeader(encoded);
    expect(header).to.deep.include({
      baseOffset: 7,
      batchLength: encoded.length - 12,
      partitionLeaderEpoch: 3,
      magic: 2,
      codec: CompressionCodec.Gzip,
      timestampType: TimestampType.CreateTime,
      transactional: true,
      control: false,
      lastOffsetDelta: 2,
      baseTimestamp: 1000,
      maxTimestamp: 1005,
      producerId: 42,
      producerEpoch: 2,
      baseSequence: 9,
      recordCount: 3,
    });
    expect(header.attributes).to.equal(CompressionCodec.Gzip | TRANSACTIONAL_ATTRIBUTE);
    expect(header.crc).to.equal(crc32c(encoded.subarray(21)));
    const control = readRecordBatchHeader(encodeRecordBatch({ control: true, records: sampleRecords(0, 0) }));
    expect(control.control).to.equal(true);
    expect(control.attributes & CONTROL_ATTRIBUTE).to.equal(CONTROL_ATTRIBUTE);
    const plain = readRecordBatchHeader(encodeRecordBatch({ records: sampleRecords(0, 0) }));
    expect([plain.producerId, plain.producerEpoch, plain.baseSequence, plain.partitionLeaderEpoch]).to.deep.equal([
      -1, -1, -1, -1,
    ]);
  });

  it('detects a CRC mismatch anywhere the CRC covers, and not in baseOffset or leader epoch', () => {
    const encoded = encodeRecordBatch({ records: sampleRecords(0, 5000) });
    for (const position of [21, 30, 60, encoded.length - 1]) {
      const damaged = Buffer.from(encoded);
      damaged[position] ^= 0x01;
      expect(recordBatchCrcMatches(damaged, 0, damaged.length), `byte ${position}`).to.equal(false);
      expect(() => decodeRecordBatchAt(damaged, 0), `byte ${position}`).to.throw(CorruptRecordError, /CRC/);
    }
    // A flipped bit inside a key is only noticed through the CRC.
    const flippedKey = Buffer.from(encoded);
    flippedKey[encoded.indexOf('key-0') + 4] ^= 0x01;
    expect(decodeRecordBatchAt(flippedKey, 0, { verifyCrc: false })!.records[0]!.key!.toString()).to.equal('key-1');
    const moved = Buffer.from(encoded);
    setBaseOffset(moved, 0, 123456789);
    setPartitionLeaderEpoch(moved, 0, 17);
    const batch = decodeRecordBatchAt(moved, 0)!;
    expect(batch.records.map((r) => r.offset)).to.deep.equal([123456789, 123456790, 123456791]);
    expect(batch.partitionLeaderEpoch).to.equal(17);
  });

  it('re-seals the CRC when the broker stamps LogAppendTime, and records then carry the append time', () => {
    const encoded = Buffer.from(encodeRecordBatch({ codec: CompressionCodec.Snappy, records: sampleRecords(0, 5000) }));
    setLogAppendTime(encoded, 0, encoded.length, 9_999_999);
    const batch = decodeRecordBatchAt(encoded, 0)!;
    expect(batch.timestampType).to.equal(TimestampType.LogAppendTime);
    expect(batch.records.map((r) => r.timestamp)).to.deep.equal([9_999_999, 9_999_999, 9_999_999]);
  });

  it('encodes varint and varlong edge cases: multi-byte lengths, large and negative deltas, offset gaps', () => {
    const big = Buffer.alloc(20000, 7); // 3-byte varint length
    const records: RecordInput[] = [
      { offset: 0, timestamp: 0, key: Buffer.alloc(127, 1), value: Buffer.alloc(128, 2) },
      { offset: 1, timestamp: 2 ** 40, key: null, value: big }, // timestamp delta beyond 32 bits
      { offset: 5, timestamp: -(2 ** 33), key: Buffer.alloc(16384, 3), value: null }, // negative delta, offset gap
    ];
    const batch = decodeRecordBatchAt(encodeRecordBatch({ records }), 0)!;
    expect(batch.records.map((r) => r.offset)).to.deep.equal([0, 1, 5]);
    expect(batch.records.map((r) => r.timestamp)).to.deep.equal([0, 2 ** 40, -(2 ** 33)]);
    expect(batch.records[0]!.key!.length).to.equal(127);
    expect(batch.records[0]!.value!.length).to.equal(128);
    expect(batch.records[1]!.value!.equals(big)).to.equal(true);
    expect(batch.records[2]!.key!.length).to.equal(16384);
    expect(batch.lastOffset).to.equal(5);
  });

  it('returns null for a partial batch and stops a record set there', () => {
    const first = encodeRecordBatch({ records: sampleRecords(0, 1) });
    const second = encodeRecordBatch({ records: sampleRecords(3, 1) });
    const both = Buffer.concat([first, second]);
    expect(decodeRecordBatchAt(both.subarray(0, first.length - 1), 0)).to.equal(null);
    expect(decodeRecordBatchAt(both.subarray(0, 8), 0)).to.equal(null);
    const cut = decodeRecordSet(both.subarray(0, first.length + 30));
    expect(cut.partialTail).to.equal(true);
    expect(cut.bytesRead).to.equal(first.length);
    expect(recordsOf(cut.batches).map((r) => r.offset)).to.deep.equal([0, 1, 2]);
    expect(recordsOf(decodeRecordSet(both).batches).map((r) => r.offset)).to.deep.equal([0, 1, 2, 3, 4, 5]);
  });

  it('rejects malformed batches: tiny length, record count beyond the bytes, trailing garbage', () => {
    const tiny = Buffer.from(encodeRecordBatch({ records: sampleRecords(0, 1) }));
    tiny.writeInt32BE(10, 8);
    expect(() => decodeRecordBatchAt(tiny, 0)).to.throw(CorruptRecordError, /length/);
    const overCount = Buffer.from(encodeRecordBatch({ records: sampleRecords(0, 1) }));
    overCount.writeInt32BE(4, 57);
    expect(() => decodeRecordBatchAt(overCount, 0, { verifyCrc: false })).to.throw(CorruptRecordError);
    const underCount = Buffer.from(encodeRecordBatch({ records: sampleRecords(0, 1) }));
    underCount.writeInt32BE(2, 57);
    expect(() => decodeRecordBatchAt(underCount, 0, { verifyCrc: false })).to.throw(CorruptRecordError, /left after/);
  });

  it('throws UnsupportedCompressionError for a zstd batch yet reads its header', () => {
    const encoded = Buffer.from(encodeRecordBatch({ records: sampleRecords(0, 1) }));
    encoded.writeInt16BE(CompressionCodec.Zstd, 21);
    encoded.writeUInt32BE(crc32c(encoded.subarray(21)), 17);
    expect(readRecordBatchHeader(encoded).codec).to.equal(CompressionCodec.Zstd);
    expect(() => decodeRecordBatchAt(encoded, 0)).to.throw(UnsupportedCompressionError);
    expect(RECORD_BATCH_HEADER_SIZE).to.equal(61);
  });

  describe('against kafkajs 2.2.4', () => {
    let restoreSnappy: (() => void) | null = null;
    before(() => {
      const previous = kafkajsCodecs[2];
      // Our codec, shaped as kafkajs expects: compress(encoder) and decompress(buffer), both async.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ours = require('../../src/protocol/compression') as typeof import('../../src/protocol/compression');
      kafkajsCodecs[2] = () => ({
        compress: async (encoder: KafkajsEncoder) => ours.compress(2, encoder.buffer),
        decompress: async (buffer: Buffer) => ours.decompress(2, buffer),
      });
      restoreSnappy = () => {
        if (previous) kafkajsCodecs[2] = previous;
      };
    });
    after(() => restoreSnappy?.());

    async function kafkajsBatch(compression: number): Promise<Buffer> {
      const records = [
        kafkajsRecord({
          offsetDelta: 0,
          timestampDelta: 0,
          key: Buffer.from('a'),
          value: Buffer.from('first'),
          headers: { trace: 'abc', multi: ['x', 'y'] },
        }),
        kafkajsRecord({ offsetDelta: 1, timestampDelta: 12, key: null, value: Buffer.from('second') }),
      ];
      const batch = await kafkajsRecordBatch({
        compression,
        records,
        firstTimestamp: 1_650_000_000_000,
        maxTimestamp: 1_650_000_000_012,
        lastOffsetDelta: 1,
      });
      return batch.buffer;
    }

    it('decodes batches kafkajs encodes (none, gzip, snappy), headers included, CRC-32C verified', async () => {
      for (const compression of [0, 1, 2]) {
        const bytes = await kafkajsBatch(compression);
        const batch = decodeRecordBatchAt(bytes, 0)!;
        expect(batch.codec).to.equal(compression);
        expect(
          batch.records.map((r) => [r.offset, r.timestamp, r.key && r.key.toString(), r.value!.toString()]),
        ).to.deep.equal([
          [0, 1_650_000_000_000, 'a', 'first'],
          [1, 1_650_000_000_012, null, 'second'],
        ]);
        expect(batch.records[0]!.headers.map((h) => `${h.key}=${h.value}`)).to.deep.equal([
          'trace=abc',
          'multi=x',
          'multi=y',
        ]);
      }
    });

    it('encodes batches the kafkajs decoder reads identically', async () => {
      for (const codec of [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy]) {
        const encoded = encodeRecordBatch({
          codec,
          records: sampleRecords(50, 1_600_000_000_000),
          producerId: 7,
          producerEpoch: 1,
          baseSequence: 0,
        });
        const decoded = await kafkajsDecodeRecordBatch(new KafkajsDecoder(encoded));
        expect(decoded.firstOffset).to.equal('50');
        expect(decoded.lastOffsetDelta).to.equal(2);
        expect(decoded.producerId).to.equal('7');
        expect(decoded.records.map((r) => r.offset)).to.deep.equal(['50', '51', '52']);
        expect(decoded.records.map((r) => r.timestamp)).to.deep.equal([
          '1600000000000',
          '1600000000005',
          '1599999999997',
        ]);
        expect(decoded.records[0]!.headers).to.deep.equal({ h: Buffer.from('1') });
        expect(decoded.records[1]!.key).to.equal(null);
        expect(decoded.records[2]!.value).to.equal(null);
      }
    });

    it('produces the same bytes as kafkajs for the same uncompressed batch', async () => {
      const theirs = await kafkajsBatch(0);
      const ours = encodeRecordBatch({
        baseOffset: 0,
        partitionLeaderEpoch: 0, // kafkajs writes 0 where the Java client writes -1
        producerEpoch: 0,
        baseSequence: 0,
        records: [
          {
            timestamp: 1_650_000_000_000,
            key: Buffer.from('a'),
            value: Buffer.from('first'),
            headers: [
              { key: 'trace', value: Buffer.from('abc') },
              { key: 'multi', value: Buffer.from('x') },
              { key: 'multi', value: Buffer.from('y') },
            ],
          },
          { timestamp: 1_650_000_000_012, key: null, value: Buffer.from('second') },
        ],
      });
      expect(ours.toString('hex')).to.equal(theirs.toString('hex'));
    });
  });
});
