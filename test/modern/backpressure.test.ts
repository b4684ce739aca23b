import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import type { ModernConsumerGroup } from '../../src/modern';
import { modernBackend, until } from './helpers';
import { produceInBulk } from '../helpers/backend-tests';

const TOTAL = 100000;
const PER_SEND = 2000;
const VALUE = 'v'.repeat(180);
const MAX_BYTES_PER_PARTITION = 256 * 1024;

// A slow handler with 100k messages (~20 MB) waiting: the consumer must hold at most one fetch response
// (maxBytesPerPartition for a single partition), not read ahead into memory.
describe('modern consumer back-pressure (embedded broker, 100k messages)', function () {
  this.timeout(120000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
  });
  after(async () => {
    await broker?.stop();
  });

  it('buffers at most one fetch response while a slow handler works, then delivers all 100k exactly once', async () => {
    const backend = modernBackend(broker.brokers);
    const topic = `backpressure-${Date.now()}`;
    expect(broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 }).errorCode).to.equal(0);
    await produceInBulk(backend, topic, { total: TOTAL, perSend: PER_SEND, value: VALUE });

    const group = backend.consumerGroup({
      groupId: `slow-${Date.now()}`,
      topics: [topic],
      fromOffset: 'earliest',
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    }) as ModernConsumerGroup;
    let slow = true;
    let handled = 0;
    let expectedOffset = 0;
    let outOfOrder = 0;
    let heapPeak = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    await group.run({
      eachMessage: async (message) => {
        if (message.offset !== expectedOffset) outOfOrder++;
        expectedOffset = message.offset + 1;
        handled++;
        if (slow) await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const handledWhileSlow = handled;
      const slowStats = group.bufferStats;
      const slowHeapGrowth = heapPeak - heapBefore;
      slow = false;
      await until(() => handled === TOTAL, 'all 100k messages', 90000);

      expect(handledWhileSlow)
        .to.be.greaterThan(100)
        .and.lessThan(TOTAL / 4);
      // One fetch of at most 256 KiB holds ~1.3k of these ~200-byte records, or one whole producer batch (a fetch
      // returns the first batch whole); everything would be 100k records, ~20 MB.
      const perFetch = Math.ceil((256 * 1024) / VALUE.length) + PER_SEND;
      expect(slowStats.maxBuffered, 'messages buffered while the handler was slow').to.be.at.most(perFetch);
      expect(slowHeapGrowth, `heap grew ${Math.round(slowHeapGrowth / 1e6)} MB while slow`).to.be.lessThan(20e6);
      expect(group.bufferStats.maxBuffered, 'messages buffered at full speed').to.be.at.most(perFetch);
      expect(outOfOrder).to.equal(0);
      expect(expectedOffset).to.equal(TOTAL);
    } finally {
      clearInterval(sampler);
      await group.close();
    }
  });
});
