/**
 * kafkajs computes each record batch's CRC-32C one byte at a time in JavaScript (about 0.4 bytes/ns on the project's
 * 2-core machine): 9 % of the client's CPU when it produces batches of 100 messages of 1 KB (bench/PROFILE.md). Its
 * checksum module is a pure function of the batch bytes, required the first time kafkajs encodes a record batch, and
 * the codec layer already computes the same checksum about three times faster. So the kafkajs backend puts the codec
 * layer's function in that module's place before kafkajs first requires it: the same checksum, one implementation.
 */
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { crc32c } from '../protocol/crc';

/** kafkajs's checksum module: `(buffer) => unsigned CRC-32C`, required only by its record batch encoder. */
export function kafkajsChecksumFile(): string {
  return path.join(path.dirname(require.resolve('kafkajs')), 'src', 'protocol', 'recordBatch', 'crc32C', 'index.js');
}

/** What kafkajs gets in place of its own checksum: the codec layer's CRC-32C, unsigned as kafkajs returns it. */
export function codecChecksum(buffer: Buffer): number {
  return crc32c(buffer);
}

/**
 * Makes kafkajs use the codec layer's CRC-32C. True when kafkajs will use it (now or from an earlier call); false when
 * kafkajs had already loaded its own in this process (an application that produced with kafkajs directly first), has
 * no such module (another kafkajs layout) or is bundled: kafkajs then keeps its own, which gives the same checksums,
 * slower. Never throws.
 */
export function useCodecChecksumInKafkajs(): boolean {
  try {
    const file = kafkajsChecksumFile();
    const loaded = require.cache[file];
    if (loaded) return loaded.exports === codecChecksum;
    if (!fs.existsSync(file)) return false;
    const replacement = new Module(file, module);
    replacement.filename = file;
    replacement.loaded = true;
    replacement.exports = codecChecksum;
    require.cache[file] = replacement;
    return true;
  } catch {
    // A bundled service has no module files or require cache to speak of (a bundler may even make require.resolve
    // answer a number): kafkajs keeps its own checksum, and the backend works as before.
    return false;
  }
}
