import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { ConsumeOptions, Consumption, CreateContender, ContenderOptions, Contender } from '../types';
import { disconnecting, valuesOf } from './consumption';

function rawKafkajs(options: ContenderOptions): Contender {
  const kafka = new Kafka({ brokers: options.brokers, clientId: options.clientId, logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumers = new Set<Consumer>();
  return {
    async connect() {
      await producer.connect();
    },
    async produce(topic, values, acks) {
      await producer.send({ topic, acks, messages: values.map((value) => ({ value, partition: 0 })) });
    },
    async produceEach(topic, values, acks) {
      await Promise.all(values.map((value) => producer.send({ topic, acks, messages: [{ value, partition: 0 }] })));
    },
    async consume({ topic, groupId, onValues }: ConsumeOptions): Promise<Consumption> {
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      consumers.add(consumer);
      const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => onValues(valuesOf(batch.messages)),
      });
      await joined;
      return disconnecting(consumers, consumer);
    },
    async close() {
      for (const consumer of consumers) await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

export const createContender: CreateContender = rawKafkajs;
