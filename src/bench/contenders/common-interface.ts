import { createKafka } from '../../kafka';
import type { Acks, BackendName, ConsumerGroup, Producer } from '../../common/types';
import type { ConsumeOptions, Consumption, Contender, ContenderOptions } from '../types';
import { valuesOf } from './consumption';

/** The common interface (createKafka) on one backend: shared by the two `common-*` contenders. */
export function commonInterfaceContender(backend: BackendName, options: ContenderOptions): Contender {
  const kafka = createKafka({ backend, brokers: options.brokers, clientId: options.clientId });
  let producer: Producer | null = null;
  const groups = new Set<ConsumerGroup>();
  return {
    async connect() {
      producer = kafka.producer({ partitioner: 'default' });
      await producer.connect();
    },
    async produce(topic: string, values: Buffer[], acks: Acks) {
      await producer!.send({ topic, acks, messages: values.map((value) => ({ value, partition: 0 })) });
    },
    async produceEach(topic: string, values: Buffer[], acks: Acks) {
      await Promise.all(values.map((value) => producer!.send({ topic, acks, messages: [{ value, partition: 0 }] })));
    },
    async consume({ topic, groupId, onValues }: ConsumeOptions): Promise<Consumption> {
      const group = kafka.consumerGroup({
        groupId,
        topics: [topic],
        fromOffset: 'earliest',
        autoCommit: false,
        maxWaitTimeMs: 100,
      });
      groups.add(group);
      await group.connect();
      await group.run({
        eachBatch: (batch) => onValues(valuesOf(batch.messages)),
      });
      return {
        stop: async () => {
          groups.delete(group);
          await group.close({ commit: false });
        },
      };
    },
    async close() {
      for (const group of groups) await group.close({ commit: false });
      await producer?.disconnect();
    },
  };
}
