import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Acks } from '../../common/types';
import type { ConsumeOptions, Consumption, CreateContender, ContenderOptions, Contender } from '../types';
import { disconnecting, valuesOf } from './consumption';

/** librdkafka's rebalance event that hands out partitions (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS). */
const ASSIGN_PARTITIONS = -175;

/**
 * Raw @confluentinc/kafka-javascript through its KafkaJS-style API, as its migration guide has a kafkajs user write it:
 * librdkafka's own defaults (linger.ms 5 among them), one awaited send per produce call as the other raw contenders
 * do. acks is a setting of a librdkafka producer, not of a send, so there is one producer per acks setting.
 */
function rawConfluent(options: ContenderOptions): Contender {
  const kafka = new KafkaJS.Kafka({
    kafkaJS: { brokers: options.brokers, clientId: options.clientId, logLevel: KafkaJS.logLevel.NOTHING },
  });
  const producers = new Map<Acks, Promise<KafkaJS.Producer>>();
  const consumers = new Set<KafkaJS.Consumer>();
  const producerFor = (acks: Acks): Promise<KafkaJS.Producer> => {
    let producer = producers.get(acks);
    if (!producer) {
      const created = kafka.producer({ kafkaJS: { acks, allowAutoTopicCreation: false } });
      producer = created.connect().then(() => created);
      producers.set(acks, producer);
    }
    return producer;
  };
  return {
    async connect() {
      await producerFor(1);
    },
    async produce(topic, values, acks) {
      const producer = await producerFor(acks);
      await producer.send({ topic, messages: values.map((value) => ({ value, partition: 0 })) });
    },
    async produceEach(topic, values, acks) {
      const producer = await producerFor(acks);
      await Promise.all(values.map((value) => producer.send({ topic, messages: [{ value, partition: 0 }] })));
    },
    async consume({ topic, groupId, onValues }: ConsumeOptions): Promise<Consumption> {
      let assigned!: () => void;
      const joined = new Promise<void>((resolve) => (assigned = resolve));
      const consumer = kafka.consumer({
        kafkaJS: { groupId, fromBeginning: true, autoCommit: false, maxWaitTimeInMs: 100 },
        rebalance_cb: (error: { code: number }) => {
          if (error.code === ASSIGN_PARTITIONS) assigned();
        },
      } as KafkaJS.ConsumerConstructorConfig);
      consumers.add(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({
        eachBatch: async ({ batch }) => onValues(valuesOf(batch.messages)),
      });
      await joined;
      return disconnecting(consumers, consumer);
    },
    async close() {
      for (const consumer of consumers) await consumer.disconnect();
      for (const producer of producers.values()) await (await producer).disconnect();
    },
  };
}

export const createContender: CreateContender = rawConfluent;
