import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import type { LegacyConsumerGroup } from '../../src/legacy';
import { legacyBackend, sleep, until } from './helpers';
import { produceInBulk } from '../helpers/backend-tests';

const TOTAL = 100000;
const PER_SEND = 2000;
const VALUE = 'v'.repeat(180);
const MAX_BUFFERED = 1000;

// kafka-node emits every message of a fetch response at once, without waiting for anyone. With a slow handler and
// 100k messages (~20 MB) waiting, the legacy consumer must keep at most maxBufferedMessages in memory (a hard cap:
// what does not fit is dropped and fetched again), not read the topic ahead into memory.
describe('legacy consumer back-pressure (embedded broker, 100k messages)', function () {
  this.timeout(120000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
  });
  after(async () => {
    await broker?.stop();
  });

  for (const partitions of [1, 3]) {
    it(`buffers at most maxBufferedMessages while a slow handler works, then delivers all 100k exactly once in order (${partitions} partition(s))`, async () => {
      const backend = legacyBackend(broker.brokers);
      const topic = `legacy-backpressure-${partitions}-${Date.now()}`;
      expect(
        broker.cluster.createTopic({ name: topic, numPartitions: partitions, replicationFactor: 1 }).errorCode,
      ).to.equal(0);
      await produceInBulk(backend, topic, { total: TOTAL, perSend: PER_SEND, value: VALUE, partitioner: 'cyclic' });

      const group = backend.consumerGroup({
        groupId: `legacy-slow-${partitions}-${Date.now()}`,
        topics: [topic],
        fromOffset: 'earliest',
        maxBufferedMessages: MAX_BUFFERED,
      }) as LegacyConsumerGroup;
      let slow = true;
      let handled = 0;
      let outOfOrder = 0;
      const nextOffset = new Map<number, number>();
      let heapPeak = 0;
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      await group.run({
        eachMessage: async (message) => {
          if (message.offset !== (nextOffset.get(message.partition) ?? 0)) outOfOrder++;
          nextOffset.set(message.partition, message.offset + 1);
          handled++;
          if (slow) await sleep(1);
        },
      });
      const sampler = setInterval(() => {
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }, 20);
      try {
        await sleep(2500);
        const handledWhileSlow = handled;
        const slowStats = group.bufferStats;
        const slowHeapGrowth = heapPeak - heapBefore;
        slow = false;
        await until(() => handled === TOTAL, 'all 100k messages', 90000);

        expect(handledWhileSlow)
          .to.be.greaterThan(100)
          .and.lessThan(TOTAL / 4);
        expect(slowStats.maxBuffered, 'messages buffered while the handler was slow').to.be.at.most(MAX_BUFFERED);
        // heapUsed counts garbage too: kafka-node decoding fetch responses and the in-process broker serving them
        // (measured peaks: 20-25 MB; retained after a GC: ~1 MB). Reading all 100k ahead would hold ~20 MB of values
        // alone, plus kafka-node's objects per message (several times that).
        expect(slowHeapGrowth, `heap grew ${Math.round(slowHeapGrowth / 1e6)} MB while slow`).to.be.lessThan(40e6);
        expect(group.bufferStats.maxBuffered, 'messages buffered at full speed').to.be.at.most(MAX_BUFFERED);
        expect(outOfOrder).to.equal(0);
        expect([...nextOffset.values()].reduce((sum, next) => sum + next, 0)).to.equal(TOTAL);
      } finally {
        clearInterval(sampler);
        await group.close();
      }
    });
  }
});
