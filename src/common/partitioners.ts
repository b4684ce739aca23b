import { ConfigurationError } from './errors';
import type { PartitionerFunction, PartitionerName } from './types';

/**
 * Key -> partition choices shared by both backends, so a partitioner name maps the same key to the same partition
 * whichever engine sends. The kafka-node algorithms reproduce kafka-node 5's partitioner behaviour (partitionerType
 * 0 default, 1 random, 2 cyclic, 3 keyed); `murmur2` is the Java client's and kafkajs's default.
 */
export type PartitionChooser = (partitions: readonly number[], key: Buffer | null) => number;

/** kafka-node's keyed hash: Java-style 31-multiplier over the key's UTF-16 units, kept positive; 0 becomes 1. */
export function kafkaNodeKeyHash(key: Buffer | string | null): number {
  let hash = 0;
  if (key !== null && key.length > 0) {
    const text = key.toString();
    for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) & 0x7fffffff;
  }
  return hash === 0 ? 1 : hash;
}

const MURMUR_SEED = 0x9747b28c;
const MURMUR_M = 0x5bd1e995;

/** MurmurHash2 (32-bit) as the Java client computes it over the key bytes. */
export function murmur2(key: Buffer): number {
  const length = key.length;
  let h = (MURMUR_SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = key.readInt32LE(i);
    k = Math.imul(k, MURMUR_M);
    k ^= k >>> 24;
    k = Math.imul(k, MURMUR_M);
    h = Math.imul(h, MURMUR_M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= key[whole + 2]! << 16;
  if (rest >= 2) h ^= key[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= key[whole]!;
    h = Math.imul(h, MURMUR_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR_M);
  h ^= h >>> 15;
  return h | 0;
}

function requirePartitions(partitions: readonly number[]): void {
  if (partitions.length === 0) throw new ConfigurationError('cannot choose a partition: the topic has no partitions');
}

/** Builds a chooser with its own state (cyclic and murmur2's round-robin keep a counter per producer). */
export function createPartitionChooser(partitioner: PartitionerName | PartitionerFunction): PartitionChooser {
  if (typeof partitioner === 'function') {
    return (partitions, key) => {
      requirePartitions(partitions);
      const chosen = partitioner(partitions, key);
      if (!partitions.includes(chosen)) {
        throw new ConfigurationError(
          `custom partitioner returned ${String(chosen)}, which is not one of the partitions [${partitions.join(', ')}]`,
        );
      }
      return chosen;
    };
  }
  switch (partitioner) {
    case 'default':
      return (partitions) => partitions[0] ?? 0;
    case 'random':
      return (partitions) => {
        requirePartitions(partitions);
        return partitions[Math.floor(Math.random() * partitions.length)]!;
      };
    case 'cyclic': {
      let counter = 0;
      return (partitions) => {
        requirePartitions(partitions);
        return partitions[counter++ % partitions.length]!;
      };
    }
    case 'keyed':
      return (partitions, key) => {
        requirePartitions(partitions);
        return partitions[kafkaNodeKeyHash(key) % partitions.length]!;
      };
    case 'murmur2': {
      let counter = Math.floor(Math.random() * 0x7fffffff);
      return (partitions, key) => {
        requirePartitions(partitions);
        if (key === null) return partitions[(++counter & 0x7fffffff) % partitions.length]!;
        return partitions[(murmur2(key) & 0x7fffffff) % partitions.length]!;
      };
    }
    default:
      throw new ConfigurationError(
        `unknown partitioner "${String(partitioner)}": use one of default, random, cyclic, keyed, murmur2, or a function`,
      );
  }
}

/** kafka-node's Producer `partitionerType` numbers; 4 (custom) needs a function. */
export const KAFKA_NODE_PARTITIONER_TYPES: Readonly<Record<number, PartitionerName>> = {
  0: 'default',
  1: 'random',
  2: 'cyclic',
  3: 'keyed',
};
