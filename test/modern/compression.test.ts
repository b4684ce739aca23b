import { expect } from 'chai';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerCompressionCodecs, MODERN_COMPRESSION } from '../../src/modern/compression';
import {
  isXerialFramed,
  lz4FrameDecompress,
  snappyDecompress,
  snappyRawCompress,
} from '../../src/protocol/compression';
import { KafkaError } from '../../src/common/errors';
import { ErrorCode } from '../../src/protocol/error-codes';

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function kafkajsCodec(type: CompressionTypes): Codec {
  return (CompressionCodecs as unknown as Record<number, () => Codec>)[type]!();
}

const payload = Buffer.from(Array.from({ length: 200000 }, (_, i) => `record-${i % 977};`).join(''));

describe('modern/compression (kafkajs codecs on src/protocol/compression)', () => {
  before(() => registerCompressionCodecs());

  it('declares what it can do: none, gzip, snappy, lz4 (no zstd codec in the project)', () => {
    expect([...MODERN_COMPRESSION]).to.deep.equal(['none', 'gzip', 'snappy', 'lz4']);
  });

  it('snappy: writes the xerial framing Java and kafka-node read, reads framed and bare blocks', async () => {
    const codec = kafkajsCodec(CompressionTypes.Snappy);
    const compressed = await codec.compress({ buffer: payload });
    expect(isXerialFramed(compressed)).to.equal(true);
    expect(compressed.length).to.be.lessThan(payload.length / 2);
    expect(snappyDecompress(compressed).equals(payload)).to.equal(true);
    expect((await codec.decompress(compressed)).equals(payload)).to.equal(true);
    expect((await codec.decompress(snappyRawCompress(payload))).equals(payload)).to.equal(true);
  });

  it("lz4: round-trips through Kafka's LZ4 frame format", async () => {
    const codec = kafkajsCodec(CompressionTypes.LZ4);
    const compressed = await codec.compress({ buffer: payload });
    expect(compressed.readUInt32LE(0)).to.equal(0x184d2204);
    expect(lz4FrameDecompress(compressed).equals(payload)).to.equal(true);
    expect((await codec.decompress(compressed)).equals(payload)).to.equal(true);
  });

  it('corrupt data fails as a KafkaError with CORRUPT_MESSAGE', async () => {
    let failure: unknown;
    await kafkajsCodec(CompressionTypes.Snappy)
      .decompress(Buffer.from('definitely not snappy data at all, no'))
      .catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(KafkaError);
    expect((failure as KafkaError).code).to.equal(ErrorCode.CORRUPT_MESSAGE);
  });

  it('registering again restores our codecs after something replaced them', async () => {
    const table = CompressionCodecs as unknown as Record<number, () => Codec>;
    table[CompressionTypes.Snappy] = () => {
      throw new Error('replaced');
    };
    registerCompressionCodecs();
    expect(isXerialFramed(await kafkajsCodec(CompressionTypes.Snappy).compress({ buffer: payload }))).to.equal(true);
  });
});
