import { ConsumerGroup, KafkaClient, Producer, type Message } from 'kafka-node';
import type { ConsumeOptions, Consumption, Contender, CreateContender, ContenderOptions } from '../types';

function callback(resolve: () => void, reject: (error: Error) => void) {
  return (error: unknown): void => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve());
}

function rawKafkaNode(options: ContenderOptions): Contender {
  const kafkaHost = options.brokers.join(',');
  let client: KafkaClient | null = null;
  const producers = new Map<number, Producer>();
  const groups = new Set<ConsumerGroup>();

  // kafka-node fixes requireAcks per Producer, so there is one Producer per acks setting, all on one client.
  const producerFor = async (acks: number): Promise<Producer> => {
    const existing = producers.get(acks);
    if (existing) return existing;
    const producer = new Producer(client!, { requireAcks: acks, partitionerType: 0 });
    producers.set(acks, producer);
    producer.on('error', () => undefined);
    // On a ready client the Producer says 'ready' inside its constructor, before a listener can be attached.
    const ready = (producer as unknown as { ready: boolean }).ready;
    if (!ready) await new Promise<void>((resolve) => producer.on('ready', () => resolve()));
    return producer;
  };

  return {
    async connect() {
      const created = new KafkaClient({ kafkaHost, clientId: options.clientId });
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
        { kafkaHost, groupId, fromOffset: 'earliest', autoCommit: false, encoding: 'buffer', keyEncoding: 'buffer', fetchMaxWaitMs: 100 },
        [topic],
      );
      groups.add(group);
      group.on('message', (message: Message) => {
        if (message.value !== null) onValues([message.value as unknown as Buffer]);
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

export const createContender: CreateContender = rawKafkaNode;
