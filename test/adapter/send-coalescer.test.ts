import { expect } from 'chai';
import { SendCoalescer } from '../../src/adapter/send-coalescer';
import { KafkaClient, Producer, type ProduceResult } from '../../src/adapter';
import type { BackendName, PartitionBaseOffset, SendRequest } from '../../src/common/types';
import { call, useFacadeSuite } from './helpers/facade-suite';

/** A producer that records each request and answers base offsets from a per-partition counter (or fails a partition). */
function recordingTarget(failing: number[] = []) {
  const requests: SendRequest[] = [];
  const next = new Map<number, number>();
  return {
    requests,
    async send(request: SendRequest): Promise<PartitionBaseOffset[]> {
      requests.push({ ...request, messages: [...request.messages] });
      const partitions = [...new Set(request.messages.map((m) => m.partition!))];
      if (partitions.some((p) => failing.includes(p))) throw new Error('NOT_LEADER_FOR_PARTITION');
      return partitions.map((partition) => {
        const count = request.messages.filter((m) => m.partition === partition).length;
        const baseOffset = next.get(partition) ?? 0;
        next.set(partition, baseOffset + count);
        return { topic: request.topic, partition, baseOffset };
      });
    },
  };
}

const message = (value: string, partition: number) => ({ value, partition });

describe('adapter producer: sends to one partition in the same tick go as one request', () => {
  it('merges them in call order and gives each send the base offset of its own first message', async () => {
    const target = recordingTarget();
    const coalescer = new SendCoalescer();
    const sends = [
      coalescer.send(target, { topic: 't', acks: 1, messages: [message('a', 0), message('b', 0)] }),
      coalescer.send(target, { topic: 't', acks: 1, messages: [message('c', 1)] }),
      coalescer.send(target, { topic: 't', acks: 1, messages: [message('d', 0)] }),
      // Another acks setting is another request.
      coalescer.send(target, { topic: 't', acks: -1, messages: [message('e', 0)] }),
      // Spanning partitions: sent as it is.
      coalescer.send(target, { topic: 't', acks: 1, messages: [message('f', 0), message('g', 1)] }),
    ];
    const results = await Promise.all(sends);
    expect(target.requests.map((r) => r.messages.map((m) => m.value).join(''))).to.deep.equal(['fg', 'abd', 'c', 'e']);
    expect(results).to.deep.equal([
      [{ topic: 't', partition: 0, baseOffset: 1 }],
      [{ topic: 't', partition: 1, baseOffset: 1 }],
      [{ topic: 't', partition: 0, baseOffset: 3 }],
      [{ topic: 't', partition: 0, baseOffset: 4 }],
      [
        { topic: 't', partition: 0, baseOffset: 0 },
        { topic: 't', partition: 1, baseOffset: 0 },
      ],
    ]);
    // A later tick starts a new request.
    expect(await coalescer.send(target, { topic: 't', acks: 1, messages: [message('h', 0)] })).to.deep.equal([
      { topic: 't', partition: 0, baseOffset: 5 },
    ]);
    expect(target.requests).to.have.length(5);
  });

  it("fails exactly the sends of the failing partition's request", async () => {
    const target = recordingTarget([1]);
    const coalescer = new SendCoalescer();
    const outcomes = await Promise.allSettled([
      coalescer.send(target, { topic: 't', messages: [message('a', 1)] }),
      coalescer.send(target, { topic: 't', messages: [message('b', 0)] }),
      coalescer.send(target, { topic: 't', messages: [message('c', 1)] }),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'fulfilled', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason)
      .to.be.instanceOf(Error)
      .with.property('message', 'NOT_LEADER_FOR_PARTITION');
  });

  it('keeps a merged request under 256 KiB and sends a message the common checks would refuse on its own', async () => {
    const target = recordingTarget();
    const coalescer = new SendCoalescer();
    const big = Buffer.alloc(100 * 1024);
    await Promise.all([
      ...[0, 1, 2, 3].map(() => coalescer.send(target, { topic: 't', messages: [{ value: big, partition: 0 }] })),
      coalescer.send(target, { topic: 't', messages: [{ value: 'x', partition: 0, timestamp: -5 }] }),
    ]);
    // Two 100 KiB messages fill a request (sent as the third arrives), the bad timestamp goes alone, then the rest.
    expect(target.requests.map((r) => r.messages.length)).to.deep.equal([2, 1, 2]);
    expect(target.requests[1]!.messages[0]!.timestamp).to.equal(-5);
  });

  it("never appends to a caller's messages array: a send merged into another's leaves both arrays as they were", async () => {
    const target = recordingTarget();
    const coalescer = new SendCoalescer();
    const first = [message('a', 0)];
    const second = [message('b', 0), message('c', 0)];
    const third = [message('d', 0)];
    await Promise.all([
      coalescer.send(target, { topic: 't', messages: first }),
      coalescer.send(target, { topic: 't', messages: second }),
      coalescer.send(target, { topic: 't', messages: third }),
    ]);
    expect(target.requests.map((r) => r.messages.map((m) => m.value).join(''))).to.deep.equal(['abcd']);
    expect(first.map((m) => m.value)).to.deep.equal(['a']);
    expect(second.map((m) => m.value)).to.deep.equal(['b', 'c']);
    expect(third.map((m) => m.value)).to.deep.equal(['d']);
    // A send alone in its tick goes as it is.
    await coalescer.send(target, { topic: 't', messages: first });
    expect(target.requests[1]!.messages.map((m) => m.value)).to.deep.equal(['a']);
  });

  for (const backend of ['kafka-node', 'kafkajs'] as BackendName[]) {
    describe(`through the facade on the ${backend} backend (embedded broker)`, function () {
      this.timeout(60000);
      const suite = useFacadeSuite();

      it('answers every unawaited send with its own offsets, in call order', async () => {
        const kafka = new KafkaClient({ kafkaHost: suite.broker.bootstrap, backend });
        suite.closers.push(() => new Promise((resolve) => kafka.close(() => resolve())));
        await new Promise<void>((resolve) => kafka.once('ready', () => resolve()));
        const topic = `coalesce-${backend}`;
        suite.broker.cluster.createTopic({ name: topic, numPartitions: 2, replicationFactor: 1 });
        const producer = new Producer(kafka, { requireAcks: 1 });
        await new Promise<void>((resolve) => producer.on('ready', () => resolve()));
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            call<ProduceResult>((cb) =>
              producer.send([{ topic, partition: i % 2, messages: [`m${i}-a`, `m${i}-b`] }], cb),
            ),
          ),
        );
        // Sends alternate between the partitions: the i-th send to a partition starts at offset 2 * i.
        expect(results).to.deep.equal(
          Array.from({ length: 30 }, (_, i) => ({ [topic]: { [i % 2]: 2 * Math.floor(i / 2) } })),
        );
      });
    });
  }
});
