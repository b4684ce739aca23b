/**
 * kafka-node's partitioner classes (lib/partitioner), same names and choices: the hash is the shared
 * kafkaNodeKeyHash, so a keyed message lands where kafka-node would put it, whichever backend sends it.
 */
import { kafkaNodeKeyHash } from '../common/partitioners';
import type { CustomPartitioner as CustomPartitionerFunction } from './types';

export abstract class Partitioner {
  abstract getPartition(partitions: number[], key?: string | Buffer | null): number | undefined;
}

export class DefaultPartitioner extends Partitioner {
  getPartition(partitions: number[]): number {
    return Array.isArray(partitions) && partitions.length > 0 ? partitions[0]! : 0;
  }
}

export class CyclicPartitioner extends Partitioner {
  c = 0;
  getPartition(partitions: number[]): number {
    if (!partitions || partitions.length === 0) return 0;
    return partitions[this.c++ % partitions.length]!;
  }
}

export class RandomPartitioner extends Partitioner {
  getPartition(partitions: number[]): number | undefined {
    return partitions[Math.floor(Math.random() * partitions.length)];
  }
}

export class KeyedPartitioner extends Partitioner {
  hashCode(stringOrBuffer: string | Buffer | null | undefined): number {
    return kafkaNodeKeyHash(stringOrBuffer ?? null);
  }

  getPartition(partitions: number[], key?: string | Buffer | null): number | undefined {
    return partitions[this.hashCode(key || '') % partitions.length];
  }
}

export class CustomPartitioner extends Partitioner {
  constructor(private readonly partitioner: CustomPartitionerFunction) {
    super();
  }

  getPartition(partitions: number[], key?: string | Buffer | null): number {
    return this.partitioner(partitions, key as string | Buffer);
  }
}
