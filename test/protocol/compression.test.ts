import { expect } from 'chai';
import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { createRequire } from 'module';
import {
  CompressionCodec,
  CorruptCompressedDataError,
  UnsupportedCompressionError,
  codecName,
  compress,
  decompress,
  isXerialFramed,
  snappyRawCompress,
} from '../../src/protocol/compression';
import { JAVA_LZ4_FRAME, JAVA_SNAPPY_XERIAL, javaVectorPayload } from './java-vectors';

const load = createRequire(__filename);

interface NodeStyleCodec {
  encode(input: Buffer, callback: (error: Error | null, output: Buffer) => void): void;
  decode(input: Buffer, callback: (error: Error | null, output: Buffer) => void): void;
}
/** kafka-node's own snappy codec (native `snappy` package): raw blocks out, raw or xerial in. */
const kafkaNodeSnappy = load('kafka-node/lib/codec/snappy') as NodeStyleCodec;
/** kafkajs's built-in gzip codec. */
const kafkajsGzip = load('kafkajs/src/protocol/message/compression/gzip') as {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
};
const lz4js = load('lz4js') as { compress(input: Uint8Array): Uint8Array };
const xxh32 = (load('lz4js/xxh32') as { hash(seed: number, src: Uint8Array, start: number, length: number): number })
  .hash;

function viaCallback(run: (callback: (error: Error | null, output: Buffer) => void) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => run((error, output) => (error ? reject(error) : resolve(output))));
}

const SUPPORTED = [CompressionCodec.None, CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4];

function samples(): Record<string, Buffer> {
  return {
    empty: Buffer.alloc(0),
    tiny: Buffer.from('k'),
    text: Buffer.from('hello kafka '.repeat(50)),
    random: crypto.randomBytes(5000),
    // Above one LZ4 block (64 KiB) and several xerial blocks (32 KiB), half compressible.
    large: Buffer.concat([crypto.randomBytes(70000), Buffer.alloc(90000, 'a')]),
  };
}

describe('protocol/compression', () => {
  it('round-trips every supported codec on empty, small, incompressible and multi-block inputs', () => {
    for (const codec of SUPPORTED) {
      for (const [name, data] of Object.entries(samples())) {
        const packed = compress(codec, data);
        expect(decompress(codec, packed).equals(data), `${codecName(codec)} ${name}`).to.equal(true);
      }
    }
  });

  it('names the codecs by their Kafka ids', () => {
    expect([0, 1, 2, 3, 4].map(codecName)).to.deep.equal(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });

  describe('gzip', () => {
    it('reads what kafkajs compresses and kafkajs reads ours', async () => {
      const data = Buffer.from('gzip across libraries '.repeat(20));
      expect(decompress(CompressionCodec.Gzip, await kafkajsGzip.compress({ buffer: data })).equals(data)).to.equal(
        true,
      );
      expect((await kafkajsGzip.decompress(compress(CompressionCodec.Gzip, data))).equals(data)).to.equal(true);
    });

    it('reports corrupt data', () => {
      const packed = zlib.gzipSync(Buffer.from('x'.repeat(100)));
      packed[packed.length - 6] ^= 0xff;
      expect(() => decompress(CompressionCodec.Gzip, packed)).to.throw(CorruptCompressedDataError);
    });
  });

  describe('snappy', () => {
    it('writes the xerial framing Kafka writes: magic, version 1, compatible version 1, sized blocks of 32 KiB', () => {
      const data = samples().large!;
      const packed = compress(CompressionCodec.Snappy, data);
      expect(isXerialFramed(packed)).to.equal(true);
      expect([...packed.subarray(0, 8)]).to.deep.equal([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
      expect(packed.readInt32BE(8)).to.equal(1);
      expect(packed.readInt32BE(12)).to.equal(1);
      let blocks = 0;
      for (let at = 16; at < packed.length; blocks++) at += 4 + packed.readInt32BE(at);
      expect(blocks).to.equal(Math.ceil(data.length / 32768));
    });

    it('reads the xerial stream written by Kafka 0.9 (snappy-java SnappyOutputStream)', () => {
      expect(isXerialFramed(JAVA_SNAPPY_XERIAL)).to.equal(true);
      expect(decompress(CompressionCodec.Snappy, JAVA_SNAPPY_XERIAL).equals(javaVectorPayload())).to.equal(true);
    });

    it('reads the raw blocks kafka-node writes, and kafka-node reads our xerial stream', async () => {
      const data = samples().large!;
      const fromKafkaNode = await viaCallback((done) => kafkaNodeSnappy.encode(data, done));
      expect(isXerialFramed(fromKafkaNode)).to.equal(false);
      expect(decompress(CompressionCodec.Snappy, fromKafkaNode).equals(data)).to.equal(true);
      const decodedByKafkaNode = await viaCallback((done) =>
        kafkaNodeSnappy.decode(compress(CompressionCodec.Snappy, data), done),
      );
      expect(decodedByKafkaNode.equals(data)).to.equal(true);
    });

    it('reads a bare block of its own', () => {
      const data = Buffer.from('bare snappy block '.repeat(30));
      expect(decompress(CompressionCodec.Snappy, snappyRawCompress(data)).equals(data)).to.equal(true);
    });

    it('reports a corrupt block and a xerial block that overruns the input', () => {
      const packed = compress(CompressionCodec.Snappy, Buffer.from('abc'.repeat(1000)));
      expect(() => decompress(CompressionCodec.Snappy, packed.subarray(0, packed.length - 3))).to.throw(
        CorruptCompressedDataError,
      );
      expect(() => decompress(CompressionCodec.Snappy, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).to.throw(
        CorruptCompressedDataError,
      );
    });
  });

  describe('lz4', () => {
    it('writes a frame as Kafka does: independent 64 KiB blocks, header checksum over the descriptor', () => {
      const packed = compress(CompressionCodec.Lz4, samples().large!);
      expect(packed.readUInt32LE(0)).to.equal(0x184d2204);
      expect(packed[4]).to.equal(0x60); // version 01, block independence
      expect(packed[5]).to.equal(0x40); // 64 KiB blocks
      expect(packed[6]).to.equal((xxh32(0, packed, 4, 2) >>> 8) & 0xff);
      expect(packed.readUInt32LE(packed.length - 4)).to.equal(0);
    });

    it('writes the magic-0 header checksum (over the magic number too) exactly as Kafka 0.9 does', () => {
      const ours = compress(CompressionCodec.Lz4, javaVectorPayload(), { legacyLz4HeaderChecksum: true });
      expect(ours.subarray(0, 7).toString('hex')).to.equal(JAVA_LZ4_FRAME.subarray(0, 7).toString('hex'));
      const modern = compress(CompressionCodec.Lz4, javaVectorPayload());
      expect(modern[6]).to.not.equal(ours[6]);
    });

    it('reads the frame written by Kafka 0.9 (KafkaLZ4BlockOutputStream, two blocks)', () => {
      expect(decompress(CompressionCodec.Lz4, JAVA_LZ4_FRAME).equals(javaVectorPayload())).to.equal(true);
    });

    it("reads lz4js's own frames (4 MiB block size, dependent blocks)", () => {
      const data = samples().large!;
      expect(decompress(CompressionCodec.Lz4, Buffer.from(lz4js.compress(data))).equals(data)).to.equal(true);
    });

    it('reports a bad magic number and a truncated frame', () => {
      const packed = compress(CompressionCodec.Lz4, Buffer.from('lz4 '.repeat(100)));
      const badMagic = Buffer.from(packed);
      badMagic[0] ^= 0xff;
      expect(() => decompress(CompressionCodec.Lz4, badMagic)).to.throw(CorruptCompressedDataError, /magic/);
      expect(() => decompress(CompressionCodec.Lz4, packed.subarray(0, packed.length - 6))).to.throw(
        CorruptCompressedDataError,
      );
    });
  });

  it('refuses zstd and unknown codec ids with UnsupportedCompressionError naming the codec', () => {
    for (const operation of [compress, decompress]) {
      try {
        operation(CompressionCodec.Zstd, Buffer.from('x'));
        expect.fail('zstd should be refused');
      } catch (error) {
        expect(error).to.be.instanceOf(UnsupportedCompressionError);
        expect((error as UnsupportedCompressionError).codec).to.equal(4);
        expect((error as Error).message).to.contain('zstd');
        expect((error as Error).name).to.equal('UnsupportedCompressionError');
      }
    }
    expect(() => decompress(7, Buffer.from('x'))).to.throw(UnsupportedCompressionError, /codec 7/);
  });
});
