/** The confluent backend's PartitionFetcher (kafka-node's plain Consumer) on the embedded broker. */
import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { OffsetOutOfRangeError } from '../../src/common/errors';
import type { Backend, FetchedPartition, PartitionFetcher } from '../../src/common/types';
import { createKafka } from '../../src/kafka';

describe('confluent backend: partitionFetcher (groupless reads, standalone commits)', function () {
  this.timeout(120000);
  let broker: EmbeddedBroker;
  let backend: Backend;
  const fetchers: PartitionFetcher[] = [];

  before(async () => {
    broker = await startEmbedded();
    broker.cluster.createTopic({ name: 'pf', numPartitions: 2, replicationFactor: 1 });
    backend = createKafka({ brokers: [broker.bootstrap], backend: 'confluent' });
    const producer = backend.producer();
    await producer.connect();
    await producer.send({
      topic: 'pf',
      messages: ['a', 'b', 'c', 'd'].map((value) => ({ partition: 0, value: Buffer.from(value) })),
    });
    await producer.disconnect();
  });

  after(async () => {
    for (const fetcher of fetchers) await fetcher.close();
    await broker?.stop();
  });

  function fetcher(): PartitionFetcher {
    const created = backend.partitionFetcher!();
    fetchers.push(created);
    return created;
  }

  async function fetchUntil(
    source: PartitionFetcher,
    offset: number,
    done: (answer: FetchedPartition) => boolean,
  ): Promise<FetchedPartition> {
    const deadline = Date.now() + 60000;
    for (;;) {
      const [answer] = await source.fetch([{ topic: 'pf', partition: 0, offset, maxBytes: 1 << 20 }], {
        maxWaitTimeMs: 200,
        minBytes: 1,
      });
      if (done(answer!) || Date.now() > deadline) return answer!;
    }
  }

  it('reads a partition from the requested offset, with its high watermark, and rereads after a rewind', async () => {
    const source = fetcher();
    const answer = await fetchUntil(source, 1, (a) => a.messages.length > 0 || a.error !== null);
    expect(answer.error).to.equal(null);
    expect(answer.messages.map((m) => [m.offset, m.value?.toString()])).to.deep.equal([
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    expect(answer.highWatermark).to.equal(4);
    const rewound = await fetchUntil(source, 0, (a) => a.messages.length > 0 || a.error !== null);
    expect(rewound.messages.map((m) => m.offset)).to.deep.equal([0, 1, 2, 3]);
  });

  it('answers an offset past the end as OffsetOutOfRangeError; the log end itself waits for messages', async () => {
    const source = fetcher();
    const [past] = await source.fetch([{ topic: 'pf', partition: 0, offset: 9, maxBytes: 1 << 20 }], {
      maxWaitTimeMs: 100,
      minBytes: 1,
    });
    expect(past!.error).to.be.instanceOf(OffsetOutOfRangeError);
    const [end] = await source.fetch([{ topic: 'pf', partition: 0, offset: 4, maxBytes: 1 << 20 }], {
      maxWaitTimeMs: 100,
      minBytes: 1,
    });
    expect(end!.error).to.equal(null);
    expect(end!.messages).to.deep.equal([]);
  });

  it('a commit is stored when it resolves (the library resolves at commitAsync; this waits for the answer)', async () => {
    const source = fetcher();
    const admin = backend.admin();
    await admin.connect();
    try {
      // Before the wait for the answer, about a third of these read -1 right after the commit resolved.
      for (let i = 0; i < 8; i++) {
        await source.commit(`pf-group-${i}`, [{ topic: 'pf', partition: 0, offset: i + 1 }]);
        const committed = await admin.fetchCommittedOffsets(`pf-group-${i}`, 'pf');
        expect(committed.find((c) => c.partition === 0)?.offset, `group ${i}`).to.equal(i + 1);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
