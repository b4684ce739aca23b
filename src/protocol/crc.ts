/**
 * Checksums of the two record formats: CRC-32 (IEEE) for magic 0/1 messages, CRC-32C (Castagnoli) for magic 2
 * record batches. Both come from the `crc-32` package; results are unsigned 32-bit integers.
 */
import * as crc32Module from 'crc-32';
// crc-32 ships CRC-32C as a separate entry with the same API and typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crc32cModule = require('crc-32/crc32c') as typeof crc32Module;

export function crc32(data: Buffer): number {
  return crc32Module.buf(data) >>> 0;
}

export function crc32c(data: Buffer): number {
  return crc32cModule.buf(data) >>> 0;
}
