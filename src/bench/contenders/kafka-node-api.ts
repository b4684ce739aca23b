import type { ConsumeOptions, Consumption, Contender, ContenderOptions } from '../types';

type Callback = (error: unknown) => void;

interface ClientLike {
  once(event: 'ready' | 'error', listener: (error?: unknown) => void): unknown;
  on(event: 'error', listener: () => void): unknown;
  close(callback: () => void): void;
}

interface ProducerLike {
  on(event: 'ready' | 'error', listener: () => void): unknown;
  send(
    payloads: Array<{ topic: string; partition: number; messages: Buffer[]; attributes: number }>,
    callback: Callback,
  ): void;
}

interface ConsumerGroupLike {
  on(event: 'message', listener: (message: { value: unknown }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'rebalanced', listener: () => void): unknown;
  close(force: boolean, callback: () => void): void;
}

/**
 * The classes a kafka-node program uses: the real kafka-node's, or the facade's. The bench drives both with the same
 * code, so facade/raw compares the layer underneath and not two ways of using the API.
 */
export interface KafkaNodeApi<Client extends ClientLike> {
  KafkaClient: new (options: { kafkaHost: string; clientId?: string }) => Client;
  Producer: new (client: Client, options: { requireAcks: number; partitionerType: number }) => ProducerLike;
  ConsumerGroup: new (
    options: Record<string, unknown> & { kafkaHost: string; groupId: string },
    topics: string[],
  ) => ConsumerGroupLike;
}

function callback(resolve: () => void, reject: (error: Error) => void): Callback {
  return (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve());
}

/** A contender written against kafka-node's API; `extraOptions` go to every client and group (the facade's `backend`). */
export function kafkaNodeApiContender<Client extends ClientLike>(
  api: KafkaNodeApi<Client>,
  options: ContenderOptions,
  extraOptions: Record<string, unknown> = {},
): Contender {
  const kafkaHost = options.brokers.join(',');
  let client: Client | null = null;
  const producers = new Map<number, ProducerLike>();
  const groups = new Set<ConsumerGroupLike>();
  const closeGroup = (group: ConsumerGroupLike) => new Promise<void>((resolve) => group.close(true, () => resolve()));

  // kafka-node fixes requireAcks per Producer, so there is one Producer per acks setting, all on one client.
  const producerFor = async (acks: number): Promise<ProducerLike> => {
    const existing = producers.get(acks);
    if (existing) return existing;
    const producer = new api.Producer(client!, { requireAcks: acks, partitionerType: 0 });
    producers.set(acks, producer);
    producer.on('error', () => undefined);
    // On a ready client kafka-node's Producer says 'ready' inside its constructor, before a listener can be attached.
    if (!(producer as { ready?: boolean }).ready)
      await new Promise<void>((resolve) => producer.on('ready', () => resolve()));
    return producer;
  };

  return {
    async connect() {
      const created = new api.KafkaClient({ kafkaHost, clientId: options.clientId, ...extraOptions });
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
    async produceEach(topic, values, acks) {
      const producer = await producerFor(acks);
      await Promise.all(
        values.map(
          (value) =>
            new Promise<void>((resolve, reject) =>
              producer.send([{ topic, partition: 0, messages: [value], attributes: 0 }], callback(resolve, reject)),
            ),
        ),
      );
    },
    async consume({ topic, groupId, onValues }: ConsumeOptions): Promise<Consumption> {
      const group = new api.ConsumerGroup(
        {
          kafkaHost,
          ...extraOptions,
          groupId,
          fromOffset: 'earliest',
          autoCommit: false,
          encoding: 'buffer',
          keyEncoding: 'buffer',
          fetchMaxWaitMs: 100,
        },
        [topic],
      );
      groups.add(group);
      group.on('message', (message) => {
        if (message.value !== null) onValues([message.value as Buffer]);
      });
      await new Promise<void>((resolve, reject) => {
        group.on('rebalanced', () => resolve());
        group.on('error', reject);
      });
      return {
        stop: async () => {
          groups.delete(group);
          await closeGroup(group);
        },
      };
    },
    async close() {
      for (const group of groups) await closeGroup(group);
      if (client) await new Promise<void>((resolve) => client!.close(() => resolve()));
    },
  };
}
