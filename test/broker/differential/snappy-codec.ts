/**
 * A Snappy codec for kafkajs (which ships none), registered only while the differential kafkajs suite runs. It is the
 * project's own codec layer (src/protocol/compression.ts): xerial-framed output, as the Java client writes, and
 * input in either framing.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { snappyDecompress, snappyXerialCompress } from '../../../src/protocol/compression';

const codec = {
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    return snappyXerialCompress(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return snappyDecompress(buffer);
  },
};

/** Registers the codec; the returned function puts back whatever was registered before. */
export function registerSnappyForKafkajs(): () => void {
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  const previous = codecs[CompressionTypes.Snappy];
  codecs[CompressionTypes.Snappy] = () => codec;
  return () => {
    if (previous) codecs[CompressionTypes.Snappy] = previous;
    else delete codecs[CompressionTypes.Snappy];
  };
}
