/**
 * Compression on kafkajs. kafkajs ships gzip only; snappy and lz4 are registered in its global codec table, built on
 * src/protocol/compression.ts (the project's one codec layer): snappy is written xerial-framed as the Java client
 * writes it and read in both framings, lz4 as Kafka's LZ4 frame. Registration is process-wide and idempotent.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { KafkaError } from '../common/errors';
import type { CompressionName } from '../common/types';
import { CompressionCodec, compress, decompress } from '../protocol/compression';
import { ErrorCode } from '../protocol/error-codes';

/** What this backend can produce and consume; zstd has no codec in the project. */
export const MODERN_COMPRESSION: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4'];

export const KAFKAJS_COMPRESSION: Readonly<Record<CompressionName, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codecFor(codec: CompressionCodec): KafkajsCodec {
  return {
    async compress(encoder) {
      return compress(codec, encoder.buffer);
    },
    async decompress(buffer) {
      try {
        return decompress(codec, buffer);
      } catch (error) {
        throw new KafkaError(`cannot decompress a record batch: ${(error as Error).message}`, {
          code: ErrorCode.CORRUPT_MESSAGE,
          retriable: false,
          cause: error,
        });
      }
    },
  };
}

const snappyCodec = codecFor(CompressionCodec.Snappy);
const lz4Codec = codecFor(CompressionCodec.Lz4);

/** Puts our snappy and lz4 codecs into kafkajs's table (again, if something replaced them since). */
export function registerCompressionCodecs(): void {
  const table = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  table[CompressionTypes.Snappy] = () => snappyCodec;
  table[CompressionTypes.LZ4] = () => lz4Codec;
}
