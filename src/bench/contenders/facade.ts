import { ConsumerGroup, KafkaClient, Producer, type Message } from '../../adapter';
import type { BackendName } from '../../common/types';
import type { ConsumeOptions, Consumption, Contender, ContenderOptions } from '../types';

function callback(resolve: () => void, reject: (error: Error) => void) {
  return (error: unknown): void => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve());
}

/**
 * The kafka-node facade on one backend, written exactly as the raw kafka-node contender (same classes, options and
 * payloads, plus `backend`), so facade/raw compares the layer and not two ways of using it.
 */
export function facadeContender(backend: BackendName, options: ContenderOptions): Contender {
  const kafkaHost = options.brokers.join(',');
  let client: KafkaClient | null = null;
  const producers = new Map<number, Producer>();
  const groups = new Set<ConsumerGroup>();

  const producerFor = async (acks: number): Promise<Producer> => {
    const existing = producers.get(acks);
    if (existing) return existing;
    const producer = new Producer(client!, { requireAcks: acks, partitionerType: 0 });
    producers.set(acks, producer);
    producer.on('error', () => undefined);
    if (!producer.ready) await new Promise<void>((resolve) => producer.once('ready', () => resolve()));
    return producer;
  };

  return {
    async connect() {
      const created = new KafkaClient({ kafkaHost, clientId: options.clientId, backend });
      client = created;
      await new Promise<void>((resolve, reject) => {
        created.once('ready', () => resolve());
        created.once('error', reject);
      });
      created.on('error', () => undefined);
    },
    async produce(topic, values, acks) {
      const producer = await producerFor(acks);
      await new Promise<void>((resolve, reject) =>
        producer.send([{ topic, partition: 0, messages: values, attributes: 0 }], callback(resolve, reject)),
      );
    },
    async consume({ topic, groupId, onValues }: ConsumeOptions): Promise<Consumption> {
      const group = new ConsumerGroup(
        { kafkaHost, backend, groupId, fromOffset: 'earliest', autoCommit: false, encoding: 'buffer', keyEncoding: 'buffer', fetchMaxWaitMs: 100 },
        [topic],
      );
      groups.add(group);
      group.on('message', (message: Message) => {
        if (message.value !== null) onValues([message.value as Buffer]);
      });
      await new Promise<void>((resolve, reject) => {
        group.on('rebalanced', () => resolve());
        group.on('error', reject);
      });
      return {
        stop: async () => {
          groups.delete(group);
          await new Promise<void>((resolve) => group.close(true, () => resolve()));
        },
      };
    },
    async close() {
      for (const group of groups) await new Promise<void>((resolve) => group.close(true, () => resolve()));
      if (client) await new Promise<void>((resolve) => client!.close(() => resolve()));
    },
  };
}
