/**
 * The common partitioners (src/common/partitioners.ts) as a kafkajs `createPartitioner`, so a partitioner name maps a
 * key to the same partition on both backends.
 *
 * kafkajs asks the partitioner again for every message when it retries a send; the first choice per message object
 * without an explicit partition is remembered (and reused while that partition still exists) so a retry never moves a
 * message, and so the producer can tell which partitions an acks=0 send went to (kafkajs returns nothing for those).
 */
import type { ICustomPartitioner, Message } from 'kafkajs';
import { ConfigurationError } from '../common/errors';
import { createPartitionChooser } from '../common/partitioners';
import type { PartitionerFunction, PartitionerName } from '../common/types';

export type PartitionChoices = WeakMap<Message, number>;

function keyBytes(key: Message['key']): Buffer | null {
  if (key === null || key === undefined) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(key, 'utf8');
}

type PartitionMetadataList = Parameters<ReturnType<ICustomPartitioner>>[0]['partitionMetadata'];

export function createKafkajsPartitioner(
  partitioner: PartitionerName | PartitionerFunction,
  choices: PartitionChoices,
): ICustomPartitioner {
  return () => {
    const choose = createPartitionChooser(partitioner);
    // kafkajs passes the same metadata array for every message until the next metadata refresh: sort its ids once.
    const sortedIds = new WeakMap<PartitionMetadataList, number[]>();
    // The messages of one send come one after another with the same array: the last lookup answers most of them.
    let lastMetadata: PartitionMetadataList | null = null;
    let lastIds: number[] = [];
    return ({ topic, partitionMetadata, message }) => {
      let partitions = partitionMetadata === lastMetadata ? lastIds : sortedIds.get(partitionMetadata);
      if (!partitions) {
        partitions = partitionMetadata.map((metadata) => metadata.partitionId).sort((a, b) => a - b);
        sortedIds.set(partitionMetadata, partitions);
      }
      lastMetadata = partitionMetadata;
      lastIds = partitions;
      if (message.partition !== undefined && message.partition !== null) {
        if (!partitions.includes(message.partition)) {
          throw new ConfigurationError(
            `partition ${message.partition} does not exist in topic "${topic}" (partitions: ${partitions.join(', ') || 'none'})`,
          );
        }
        // Not remembered: an explicit partition never moves, and the producer reads it from the message itself.
        return message.partition;
      }
      const previous = choices.get(message);
      if (previous !== undefined && partitions.includes(previous)) return previous;
      // A user's partitioner function gets a copy it may keep or change.
      const chosen = choose(typeof partitioner === 'function' ? [...partitions] : partitions, keyBytes(message.key));
      choices.set(message, chosen);
      return chosen;
    };
  };
}
