import { expect } from 'chai';
import { createRequire } from 'module';
import { CompressionCodec, decompress } from '../../src/protocol/compression';
import {
  decodeLegacyEntry,
  decodeMessageSet,
  encodeMessageSet,
  type LegacyMagic,
} from '../../src/protocol/message-set';
import { CorruptRecordError, NO_TIMESTAMP, TimestampType, type KafkaRecord } from '../../src/protocol/records';
import { decodeRecordSet, recordsOf } from '../../src/protocol/record-set';
import { encodeRecordBatch } from '../../src/protocol/record-batch';
import { Writer } from '../../src/protocol/primitives';
import { crc32 } from '../../src/protocol/crc';
import * as zlib from 'zlib';

const load = createRequire(__filename);

/** kafka-node 5.0.0's protocol module: its message set encoder and its Fetch v0 response decoder. */
interface KafkaNodeMessage {
  magic: number;
  attributes: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  timestamp?: number;
}
const kafkaNodeProtocol = load('kafka-node/lib/protocol') as {
  Message: new (
    magic: number,
    attributes: number,
    key: unknown,
    value: unknown,
    timestamp?: number,
  ) => KafkaNodeMessage;
  encodeMessageSet(messages: KafkaNodeMessage[], magic: number): Buffer;
  decodeFetchResponse(
    callback: (
      error: Error | null,
      type?: string,
      data?: { offset: number; key: Buffer | null; value: Buffer | null; timestamp?: Date },
    ) => void,
    maxTickMessages?: number,
  ): (response: Buffer) => void;
};
const kafkaNodeCodec = load('kafka-node/lib/codec') as (attributes: number) => {
  encode(input: Buffer, callback: (error: Error | null, output: Buffer) => void): void;
} | null;
/** kafkajs 2.2.4's message set encoder and decoder (produce v0-2, fetch v0-3). */
interface KafkajsEncoder {
  buffer: Buffer;
}
const kafkajsMessageSet = load('kafkajs/src/protocol/messageSet') as (
  options: Record<string, unknown>,
) => KafkajsEncoder;
const KafkajsDecoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const kafkajsDecodeMessageSet = load('kafkajs/src/protocol/messageSet/decoder') as (
  decoder: unknown,
  size: number,
) => Promise<{ offset: string; timestamp?: string; key: Buffer | null; value: Buffer | null }[]>;

function records(firstOffset: number): KafkaRecord[] {
  return [
    {
      offset: firstOffset,
      timestamp: 1_600_000_000_000,
      key: Buffer.from('k0'),
      value: Buffer.from('v0'),
      headers: [],
    },
    { offset: firstOffset + 1, timestamp: 1_600_000_000_010, key: null, value: Buffer.from('v1'), headers: [] },
    { offset: firstOffset + 2, timestamp: 1_600_000_000_005, key: Buffer.from('k2'), value: null, headers: [] },
  ];
}

/** One message written field by field, with a correct CRC: for inputs our encoder would never produce. */
function sealedMessage(
  offset: number,
  magic: LegacyMagic,
  attributes: number,
  timestamp: number,
  value: Buffer,
): Buffer {
  const writer = new Writer();
  writer.int64(offset);
  const sizeAt = writer.reserveInt32();
  const crcAt = writer.reserveInt32();
  writer.int8(magic).int8(attributes);
  if (magic === 1) writer.int64(timestamp);
  writer.bytes(null).bytes(value);
  writer.patchInt32(sizeAt, writer.length - crcAt);
  writer.patchUInt32(crcAt, crc32(writer.slice(crcAt + 4)));
  return writer.toBuffer();
}

const CODECS = [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4];

/** Feeds a message set to kafka-node's Fetch v0 response decoder and collects what it emits. */
function kafkaNodeDecode(
  messageSet: Buffer,
): Promise<{ offset: number; key: string | null; value: string | null; timestamp: number | null }[]> {
  const writer = new Writer();
  const sizeAt = writer.reserveInt32();
  writer.int32(1); // correlation id
  writer.int32(1).string('t').int32(1).int32(0).int16(0).int64(1000).bytes(messageSet);
  writer.patchInt32(sizeAt, writer.length - 4);
  const response = Buffer.from(writer.toBuffer());
  return new Promise((resolve, reject) => {
    const seen: { offset: number; key: string | null; value: string | null; timestamp: number | null }[] = [];
    kafkaNodeProtocol.decodeFetchResponse((error, type, data) => {
      if (error) return reject(error);
      if (type === 'message' && data) {
        seen.push({
          offset: data.offset,
          key: data.key === null ? null : data.key.toString(),
          value: data.value === null ? null : data.value.toString(),
          timestamp: data.timestamp ? data.timestamp.getTime() : null,
        });
      }
      if (type === 'done') resolve(seen);
    })(response);
  });
}

describe('protocol/message-set', () => {
  it('round-trips magic 0 and magic 1, plain and compressed with every codec', () => {
    for (const magic of [0, 1] as LegacyMagic[]) {
      for (const codec of CODECS) {
        const encoded = encodeMessageSet(records(40), { magic, codec });
        const { batches, partialTail } = decodeMessageSet(encoded);
        expect(partialTail).to.equal(false);
        expect(batches.length, `magic ${magic} codec ${codec}`).to.equal(codec === CompressionCodec.None ? 3 : 1);
        const decoded = recordsOf(batches);
        expect(decoded.map((r) => r.offset)).to.deep.equal([40, 41, 42]);
        expect(decoded.map((r) => r.key && r.key.toString())).to.deep.equal(['k0', null, 'k2']);
        expect(decoded.map((r) => r.value && r.value.toString())).to.deep.equal(['v0', 'v1', null]);
        const timestamps =
          magic === 0
            ? [NO_TIMESTAMP, NO_TIMESTAMP, NO_TIMESTAMP]
            : [1_600_000_000_000, 1_600_000_000_010, 1_600_000_000_005];
        expect(decoded.map((r) => r.timestamp)).to.deep.equal(timestamps);
        expect(batches.every((b) => b.magic === magic && b.codec === codec)).to.equal(true);
      }
    }
  });

  it('writes compressed wrappers as Kafka does: magic 1 inner offsets relative and wrapper at the last offset, magic 0 absolute', () => {
    for (const magic of [0, 1] as LegacyMagic[]) {
      const encoded = encodeMessageSet(records(1000), { magic, codec: CompressionCodec.Gzip });
      expect(Number(encoded.readBigInt64BE(0)), 'wrapper offset').to.equal(1002);
      const keyAt = 12 + 4 + 2 + (magic === 1 ? 8 : 0);
      expect(encoded.readInt32BE(keyAt), 'wrapper key').to.equal(-1);
      const valueLength = encoded.readInt32BE(keyAt + 4);
      const inner = decompress(CompressionCodec.Gzip, encoded.subarray(keyAt + 8, keyAt + 8 + valueLength));
      const innerOffsets = decodeMessageSet(inner).batches.map((b) => b.baseOffset);
      expect(innerOffsets).to.deep.equal(magic === 1 ? [0, 1, 2] : [1000, 1001, 1002]);
      const wrapper = decodeLegacyEntry(encoded, 0)!;
      expect(wrapper.sizeInBytes).to.equal(encoded.length);
      expect(wrapper.records.map((r) => r.offset)).to.deep.equal([1000, 1001, 1002]);
      expect(wrapper.maxTimestamp).to.equal(magic === 1 ? 1_600_000_000_010 : NO_TIMESTAMP);
    }
  });

  it('carries the LogAppendTime attribute and time (magic 1)', () => {
    for (const codec of [CompressionCodec.None, CompressionCodec.Snappy]) {
      const encoded = encodeMessageSet(records(0), {
        magic: 1,
        codec,
        timestampType: TimestampType.LogAppendTime,
        logAppendTime: 1234,
      });
      const { batches } = decodeMessageSet(encoded);
      expect(batches.every((b) => b.timestampType === TimestampType.LogAppendTime)).to.equal(true);
      expect(recordsOf(batches).map((r) => r.timestamp)).to.deep.equal([1234, 1234, 1234]);
    }
  });

  it('detects CRC mismatches in plain messages, wrappers and inner messages', () => {
    const plain = Buffer.from(encodeMessageSet(records(0), { magic: 1 }));
    plain[plain.indexOf('v1') + 1] ^= 0x02;
    expect(() => decodeMessageSet(plain)).to.throw(CorruptRecordError, /CRC/);
    expect(recordsOf(decodeMessageSet(plain, { verifyCrc: false }).batches)[1]!.value!.toString()).to.equal('v3');

    const wrapper = Buffer.from(encodeMessageSet(records(0), { magic: 1, codec: CompressionCodec.Gzip }));
    wrapper[21] ^= 0x01; // wrapper timestamp
    expect(() => decodeMessageSet(wrapper)).to.throw(CorruptRecordError, /CRC/);

    // An inner message with a wrong CRC inside a correctly sealed wrapper.
    const inner = Buffer.from(encodeMessageSet(records(0), { magic: 0 }));
    inner[12] ^= 0xff; // first inner CRC byte
    expect(() => decodeMessageSet(sealedMessage(2, 0, CompressionCodec.Gzip, 0, zlib.gzipSync(inner)))).to.throw(
      CorruptRecordError,
      /CRC/,
    );
  });

  it('stops at a partial trailing message, as Fetch v0-2 responses may end', () => {
    const encoded = encodeMessageSet(records(0), { magic: 1 });
    const firstSize = 12 + encoded.readInt32BE(8);
    for (const cut of [encoded.length - 1, firstSize * 2 + 5, firstSize * 2 + 13]) {
      const { batches, partialTail } = decodeMessageSet(encoded.subarray(0, cut));
      expect(partialTail).to.equal(true);
      expect(batches.map((b) => b.baseOffset)).to.deep.equal([0, 1]);
    }
  });

  it('rejects malformed messages: unknown magic, impossible size, overrunning key, nested compression', () => {
    const badMagic = Buffer.from(encodeMessageSet(records(0), { magic: 0 }));
    badMagic[16] = 5;
    expect(() => decodeMessageSet(badMagic, { verifyCrc: false })).to.throw(CorruptRecordError, /magic 5/);
    const badSize = Buffer.from(encodeMessageSet(records(0), { magic: 0 }));
    badSize.writeInt32BE(3, 8);
    expect(() => decodeMessageSet(badSize)).to.throw(CorruptRecordError, /size 3/);
    const badKey = Buffer.from(encodeMessageSet(records(0).slice(0, 1), { magic: 0 }));
    badKey.writeInt32BE(1000, 18);
    expect(() => decodeMessageSet(badKey, { verifyCrc: false })).to.throw(CorruptRecordError, /key/);
    const compressedWrapper = encodeMessageSet(records(0), { magic: 1, codec: CompressionCodec.Gzip });
    const doublyCompressed = sealedMessage(0, 1, CompressionCodec.Gzip, 0, zlib.gzipSync(compressedWrapper));
    expect(() => decodeMessageSet(doublyCompressed)).to.throw(CorruptRecordError, /nests/);
  });

  it('reads a mix of formats by their magic byte', () => {
    const mixed = Buffer.concat([
      encodeMessageSet(records(0), { magic: 0 }),
      encodeMessageSet(records(3), { magic: 1, codec: CompressionCodec.Snappy }),
      encodeRecordBatch({ records: records(6), codec: CompressionCodec.Lz4 }),
    ]);
    const { batches } = decodeRecordSet(mixed);
    expect(batches.map((b) => b.magic)).to.deep.equal([0, 0, 0, 1, 2]);
    expect(recordsOf(batches).map((r) => r.offset)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  describe('against kafka-node 5.0.0', () => {
    it('decodes the message sets kafka-node produces (magic 0 and 1)', () => {
      for (const magic of [0, 1]) {
        const messages = [
          new kafkaNodeProtocol.Message(0, 0, 'key-a', 'value-a', 1_500_000_000_000),
          new kafkaNodeProtocol.Message(0, 0, null, Buffer.from('value-b'), 1_500_000_000_001),
        ];
        const encoded = kafkaNodeProtocol.encodeMessageSet(messages, magic);
        const decoded = recordsOf(decodeMessageSet(encoded).batches);
        expect(decoded.map((r) => [r.key && r.key.toString(), r.value!.toString(), r.timestamp])).to.deep.equal([
          ['key-a', 'value-a', magic === 1 ? 1_500_000_000_000 : -1],
          [null, 'value-b', magic === 1 ? 1_500_000_000_001 : -1],
        ]);
      }
    });

    it("decodes kafka-node's compressed produce (gzip, snappy): inner magic-1 set, wrapper keyed, all inner offsets 0", async () => {
      for (const attributes of [1, 2]) {
        const inner = kafkaNodeProtocol.encodeMessageSet(
          [
            new kafkaNodeProtocol.Message(0, 0, 'k1', 'one', 1_500_000_000_100),
            new kafkaNodeProtocol.Message(0, 0, 'k2', 'two', 1_500_000_000_200),
          ],
          1,
        );
        const compressed = await new Promise<Buffer>((resolve, reject) =>
          kafkaNodeCodec(attributes)!.encode(inner, (error, output) => (error ? reject(error) : resolve(output))),
        );
        const wrapper = kafkaNodeProtocol.encodeMessageSet(
          [new kafkaNodeProtocol.Message(0, attributes, 'k1', compressed)],
          1,
        );
        const [entry] = decodeMessageSet(wrapper).batches;
        expect(entry!.codec).to.equal(attributes);
        expect(entry!.records.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp])).to.deep.equal([
          ['k1', 'one', 1_500_000_000_100],
          ['k2', 'two', 1_500_000_000_200],
        ]);
      }
    });

    it("reads what we encode through kafka-node's Fetch decoder: offsets, keys, values, magic-1 timestamps", async () => {
      for (const magic of [0, 1] as LegacyMagic[]) {
        for (const codec of [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy]) {
          const seen = await kafkaNodeDecode(encodeMessageSet(records(500), { magic, codec }));
          expect(seen, `magic ${magic} codec ${codec}`).to.deep.equal([
            { offset: 500, key: 'k0', value: 'v0', timestamp: magic === 1 ? 1_600_000_000_000 : null },
            { offset: 501, key: null, value: 'v1', timestamp: magic === 1 ? 1_600_000_000_010 : null },
            { offset: 502, key: 'k2', value: null, timestamp: magic === 1 ? 1_600_000_000_005 : null },
          ]);
        }
      }
    });

    it('kafka-node assumes consecutive inner offsets in a magic-1 wrapper: right for every batch this broker serves', async () => {
      // Kafka's relative offsets (KIP-31) allow gaps, which only log compaction creates; kafka-node numbers inner
      // messages back from the wrapper offset one by one. We write what Kafka writes, so a wrapper with a gap would
      // reach kafka-node with shifted offsets, as it would from Kafka itself; kafkajs resolves it exactly. This broker
      // never compacts, so its batches have no gaps and kafka-node's offsets are exact (see the consecutive case above).
      const gapped = encodeMessageSet(
        [10, 12, 13].map((offset) => ({
          offset,
          timestamp: 1,
          key: null,
          value: Buffer.from(`at-${offset}`),
          headers: [],
        })),
        { magic: 1, codec: CompressionCodec.Gzip },
      );
      expect(recordsOf(decodeMessageSet(gapped).batches).map((r) => r.offset)).to.deep.equal([10, 12, 13]);
      const viaKafkajs = await kafkajsDecodeMessageSet(new KafkajsDecoder(gapped), gapped.length);
      expect(viaKafkajs.map((m) => m.offset)).to.deep.equal(['10', '12', '13']);
      const viaKafkaNode = await kafkaNodeDecode(gapped);
      expect(viaKafkaNode.map((m) => [m.offset, m.value])).to.deep.equal([
        [11, 'at-10'],
        [12, 'at-12'],
        [13, 'at-13'],
      ]);
    });

    it('kafka-node skips a partial trailing message, as we do', async () => {
      const encoded = encodeMessageSet(records(0), { magic: 1 });
      const seen = await kafkaNodeDecode(encoded.subarray(0, encoded.length - 4));
      expect(seen.map((m) => m.offset)).to.deep.equal([0, 1]);
    });
  });

  describe('against kafkajs 2.2.4', () => {
    it('decodes the message sets kafkajs produces (v1 messages, plain and gzip)', async () => {
      const entries = [
        { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: 1_400_000_000_000 },
        { key: null, value: Buffer.from('2'), timestamp: 1_400_000_000_001 },
      ];
      const plain = kafkajsMessageSet({ messageVersion: 1, compression: 0, entries }).buffer;
      expect(recordsOf(decodeMessageSet(plain).batches).map((r) => [r.value!.toString(), r.timestamp])).to.deep.equal([
        ['1', 1_400_000_000_000],
        ['2', 1_400_000_000_001],
      ]);
      const innerSet = kafkajsMessageSet({ messageVersion: 1, compression: 1, entries }).buffer;
      const wrapper = kafkajsMessageSet({
        messageVersion: 1,
        compression: 1,
        entries: [{ compression: 1, timestamp: 1_400_000_000_001, value: zlib.gzipSync(innerSet) }],
      }).buffer;
      const decoded = recordsOf(decodeMessageSet(wrapper).batches);
      expect(decoded.map((r) => r.value!.toString())).to.deep.equal(['1', '2']);
    });

    it('encodes message sets the kafkajs decoder resolves to the same absolute offsets', async () => {
      for (const magic of [0, 1] as LegacyMagic[]) {
        for (const codec of [CompressionCodec.None, CompressionCodec.Gzip]) {
          const encoded = encodeMessageSet(records(77), { magic, codec });
          const decoded = await kafkajsDecodeMessageSet(new KafkajsDecoder(encoded), encoded.length);
          expect(
            decoded.map((m) => m.offset),
            `magic ${magic} codec ${codec}`,
          ).to.deep.equal(['77', '78', '79']);
          expect(decoded.map((m) => m.value && m.value.toString())).to.deep.equal(['v0', 'v1', null]);
        }
      }
    });
  });
});
