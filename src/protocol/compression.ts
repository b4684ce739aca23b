/**
 * Kafka's compression codecs by the id carried in the low three attribute bits of messages and record batches:
 * 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. All synchronous: the broker only (de)compresses when it converts between
 * record formats, never on the modern produce/fetch path.
 *
 * Snappy: Kafka's Java client and broker write the xerial-framed stream (`SnappyOutputStream`): a 16-byte header
 * (0x82 "SNAPPY" 0x00, INT32 version, INT32 compatible version) then [INT32 length][raw snappy block] chunks. Every
 * consumer that works with a real Kafka broker therefore reads that framing (the Java client, librdkafka, kafka-node,
 * the kafkajs snappy plugins), while some only read it and not a bare block, so `compress` writes xerial framing too.
 * `decompress` accepts both, since kafka-node and librdkafka produce bare snappy blocks.
 *
 * LZ4: Kafka uses the LZ4 frame format with independent 64 KiB blocks. For magic 0 messages Kafka computes the frame
 * header checksum over the magic number as well (KAFKA-3160), so magic-0 writers ask for `legacyLz4HeaderChecksum`.
 * The header checksum is not verified when reading, as Kafka's own reader has to accept both.
 *
 * Zstd: Node 20 has no zstd and no well-kept pure JS encoder exists, so zstd raises UnsupportedCompressionError. The
 * broker never needs it on the modern path: zstd record batches are stored and served without being opened.
 */
import * as zlib from 'zlib';
import type * as Lz4 from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32';

interface SnappyJs {
  compress(input: Buffer): Buffer;
  uncompress(input: Buffer, maxLength?: number): Buffer;
}
// snappyjs ships no type declarations; its two functions keep the Buffer type of their input.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const snappyjs = require('snappyjs') as SnappyJs;

let lz4Module: typeof Lz4 | undefined;
/** lz4js allocates a 5 MiB block buffer as it loads: loaded on the first lz4 message, so only lz4 users hold it. */
function lz4(): typeof Lz4 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lz4Module ??= require('lz4js') as typeof Lz4;
  return lz4Module;
}

export enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Mask of the codec bits in message (magic 0/1) and record batch (magic 2) attributes. */
export const COMPRESSION_CODEC_MASK = 0x07;

const CODEC_NAMES: Record<number, string> = { 0: 'none', 1: 'gzip', 2: 'snappy', 3: 'lz4', 4: 'zstd' };

export function codecName(codec: number): string {
  return CODEC_NAMES[codec] ?? `unknown codec ${codec}`;
}

/** A codec id this build cannot (de)compress: zstd, or an id Kafka does not define. */
export class UnsupportedCompressionError extends Error {
  override readonly name = 'UnsupportedCompressionError';
  constructor(readonly codec: number) {
    super(`compression codec ${codec} (${codecName(codec)}) is not supported`);
  }
}

/** Compressed bytes that do not decode with their codec. */
export class CorruptCompressedDataError extends Error {
  override readonly name = 'CorruptCompressedDataError';
  constructor(
    readonly codec: number,
    detail: string,
  ) {
    super(`corrupt ${codecName(codec)} data: ${detail}`);
  }
}

/** True for codec ids Kafka defines (0-4), whether or not this build can decode them. */
export function isKnownCodec(codec: number): boolean {
  return codec >= CompressionCodec.None && codec <= CompressionCodec.Zstd;
}

export function isCodecSupported(codec: number): boolean {
  return codec >= CompressionCodec.None && codec <= CompressionCodec.Lz4;
}

export interface CompressOptions {
  /** Magic-0 messages: LZ4 frame header checksum computed over the magic number too, as Kafka does for them. */
  legacyLz4HeaderChecksum?: boolean;
}

export function compress(codec: number, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return zlib.gzipSync(data);
    case CompressionCodec.Snappy:
      return snappyXerialCompress(data);
    case CompressionCodec.Lz4:
      return lz4FrameCompress(data, options.legacyLz4HeaderChecksum === true);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      try {
        return zlib.gunzipSync(data);
      } catch (error) {
        throw new CorruptCompressedDataError(codec, (error as Error).message);
      }
    case CompressionCodec.Snappy:
      return snappyDecompress(data);
    case CompressionCodec.Lz4:
      return lz4FrameDecompress(data);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

// ---- snappy ----

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = XERIAL_MAGIC.length + 8;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** SnappyOutputStream's default block size, which Kafka's Java producer and broker use. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

/** A bare snappy block (what kafka-node and librdkafka write). */
export function snappyRawCompress(data: Buffer): Buffer {
  return snappyjs.compress(data);
}

export function snappyXerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, XERIAL_MAGIC.length);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, XERIAL_MAGIC.length + 4);
  parts.push(header);
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappyjs.compress(data.subarray(start, Math.min(start + XERIAL_BLOCK_SIZE, data.length)));
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(block.length, 0);
    parts.push(size, block);
  }
  return Buffer.concat(parts);
}

/** Reads a bare snappy block or a xerial-framed stream. */
export function snappyDecompress(data: Buffer): Buffer {
  const uncompress = (block: Buffer): Buffer => {
    try {
      return snappyjs.uncompress(block);
    } catch (error) {
      throw new CorruptCompressedDataError(CompressionCodec.Snappy, (error as Error).message);
    }
  };
  if (!isXerialFramed(data)) return uncompress(data);
  const blocks: Buffer[] = [];
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length)
      throw new CorruptCompressedDataError(CompressionCodec.Snappy, 'truncated xerial block size');
    const size = data.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > data.length) {
      throw new CorruptCompressedDataError(CompressionCodec.Snappy, `xerial block of ${size} bytes overruns the input`);
    }
    blocks.push(uncompress(data.subarray(at, at + size)));
    at += size;
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

// ---- lz4 frame ----

const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_VERSION_BITS = 0x40;
const LZ4_FLAG_BLOCK_INDEPENDENCE = 0x20;
const LZ4_FLAG_BLOCK_CHECKSUM = 0x10;
const LZ4_FLAG_CONTENT_SIZE = 0x08;
const LZ4_FLAG_CONTENT_CHECKSUM = 0x04;
const LZ4_FLAG_DICTIONARY_ID = 0x01;
const LZ4_UNCOMPRESSED_BLOCK = 0x80000000;
/** Block size code 4 (64 KiB): what Kafka's KafkaLZ4BlockOutputStream writes. */
const LZ4_BLOCK_SIZE_CODE = 4;
const LZ4_BLOCK_SIZES: Record<number, number> = { 4: 0x10000, 5: 0x40000, 6: 0x100000, 7: 0x400000 };
const LZ4_HASH_TABLE_SIZE = 1 << 16;

const lz4HashTable = new Uint32Array(LZ4_HASH_TABLE_SIZE);

export function lz4FrameCompress(data: Buffer, legacyHeaderChecksum = false): Buffer {
  const blockSize = LZ4_BLOCK_SIZES[LZ4_BLOCK_SIZE_CODE]!;
  const blockCount = Math.ceil(data.length / blockSize);
  // Header (7) + per block (size + worst case) + end mark (4).
  const output = Buffer.allocUnsafe(7 + blockCount * (4 + lz4().compressBound(blockSize)) + 4);
  output.writeUInt32LE(LZ4_FRAME_MAGIC, 0);
  output[4] = LZ4_VERSION_BITS | LZ4_FLAG_BLOCK_INDEPENDENCE;
  output[5] = LZ4_BLOCK_SIZE_CODE << 4;
  const checksummed = legacyHeaderChecksum ? xxh32(0, output, 0, 6) : xxh32(0, output, 4, 2);
  output[6] = (checksummed >>> 8) & 0xff;
  let at = 7;
  for (let start = 0; start < data.length; start += blockSize) {
    const block = data.subarray(start, Math.min(start + blockSize, data.length));
    lz4HashTable.fill(0);
    const compressedSize = lz4().compressBlock(block, output.subarray(at + 4), 0, block.length, lz4HashTable);
    if (compressedSize === 0 || compressedSize >= block.length) {
      output.writeUInt32LE((LZ4_UNCOMPRESSED_BLOCK | block.length) >>> 0, at);
      block.copy(output, at + 4);
      at += 4 + block.length;
    } else {
      output.writeUInt32LE(compressedSize, at);
      at += 4 + compressedSize;
    }
  }
  output.writeUInt32LE(0, at);
  return output.subarray(0, at + 4);
}

export function lz4FrameDecompress(data: Buffer): Buffer {
  const fail = (detail: string): never => {
    throw new CorruptCompressedDataError(CompressionCodec.Lz4, detail);
  };
  if (data.length < 7 || data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) fail('missing LZ4 frame magic number');
  const flags = data[4]!;
  if ((flags & 0xc0) !== LZ4_VERSION_BITS) fail(`unsupported LZ4 frame version ${(flags >> 6) & 3}`);
  const maxBlockSize =
    LZ4_BLOCK_SIZES[(data[5]! >> 4) & 7] ?? fail(`invalid LZ4 block size code ${(data[5]! >> 4) & 7}`);
  let at = 6;
  if (flags & LZ4_FLAG_CONTENT_SIZE) at += 8;
  if (flags & LZ4_FLAG_DICTIONARY_ID) at += 4;
  at += 1; // header checksum
  const blocks: Buffer[] = [];
  let scratch: Buffer | null = null;
  for (;;) {
    if (at + 4 > data.length) fail('truncated LZ4 frame');
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = (word & ~LZ4_UNCOMPRESSED_BLOCK) >>> 0;
    if (size > maxBlockSize || at + size > data.length) fail(`LZ4 block of ${size} bytes overruns the frame`);
    if (word & LZ4_UNCOMPRESSED_BLOCK) {
      blocks.push(data.subarray(at, at + size));
    } else {
      scratch ??= Buffer.allocUnsafe(maxBlockSize);
      let end: number;
      try {
        end = lz4().decompressBlock(data, scratch, at, size, 0);
      } catch (error) {
        return fail((error as Error).message);
      }
      if (end > maxBlockSize) fail('LZ4 block decompresses past its maximum size');
      blocks.push(Buffer.from(scratch.subarray(0, end)));
    }
    at += size;
    if (flags & LZ4_FLAG_BLOCK_CHECKSUM) at += 4;
  }
  if (flags & LZ4_FLAG_CONTENT_CHECKSUM) at += 4;
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}
