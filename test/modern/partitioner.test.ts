import { expect } from 'chai';
import { Partitioners, type Message, type PartitionMetadata } from 'kafkajs';
import { createKafkajsPartitioner, type PartitionChoices } from '../../src/modern/partitioner';
import { createPartitionChooser } from '../../src/common/partitioners';
import { ConfigurationError } from '../../src/common/errors';

function metadata(count: number): PartitionMetadata[] {
  // Deliberately out of order: the partitioner must sort partition ids as the common choosers expect.
  return Array.from({ length: count }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: count - 1 - i,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

function keys(): Array<string | Buffer> {
  const list: Array<string | Buffer> = ['', 'a', 'user-42', '订单-2019', Buffer.from([0, 255, 7])];
  for (let i = 0; i < 300; i++) list.push(`key-${i * 7919}`);
  return list;
}

describe('modern/partitioner (common partitioners inside kafkajs)', () => {
  for (const name of ['keyed', 'default', 'cyclic'] as const) {
    it(`"${name}" chooses as the common chooser does`, () => {
      const partitioner = createKafkajsPartitioner(name, new WeakMap())();
      const reference = createPartitionChooser(name);
      for (const count of [1, 3, 7]) {
        for (const key of keys()) {
          const message: Message = { key, value: 'v' };
          const expected = reference(
            Array.from({ length: count }, (_, i) => i),
            Buffer.isBuffer(key) ? key : Buffer.from(key),
          );
          expect(
            partitioner({ topic: 't', partitionMetadata: metadata(count), message }),
            `${name} ${String(key)}`,
          ).to.equal(expected);
        }
      }
    });
  }

  it('"murmur2" puts keyed messages where kafkajs\'s own default partitioner does', () => {
    const ours = createKafkajsPartitioner('murmur2', new WeakMap())();
    const kafkajsDefault = Partitioners.DefaultPartitioner();
    for (const count of [1, 4, 12]) {
      for (const key of keys()) {
        const args = { topic: 't', partitionMetadata: metadata(count) };
        expect(ours({ ...args, message: { key, value: 'v' } })).to.equal(
          kafkajsDefault({ ...args, message: { key, value: 'v' } }),
        );
      }
    }
  });

  it('honours an explicit partition without consulting the chooser, and rejects one that does not exist', () => {
    const partitioner = createKafkajsPartitioner('cyclic', new WeakMap())();
    const args = { topic: 't', partitionMetadata: metadata(3) };
    expect(partitioner({ ...args, message: { value: 'a', partition: 2 } })).to.equal(2);
    expect(partitioner({ ...args, message: { value: 'b' } })).to.equal(0); // the cyclic counter did not move
    expect(() => partitioner({ ...args, message: { value: 'c', partition: 3 } })).to.throw(
      ConfigurationError,
      /partition 3 does not exist/,
    );
  });

  it('keeps a message on its first partition when kafkajs asks again on retry, and records the choice', () => {
    const choices: PartitionChoices = new WeakMap();
    const partitioner = createKafkajsPartitioner('cyclic', choices)();
    const args = { topic: 't', partitionMetadata: metadata(4) };
    const messages: Message[] = [{ value: '1' }, { value: '2' }, { value: '3' }];
    const first = messages.map((message) => partitioner({ ...args, message }));
    const retried = messages.map((message) => partitioner({ ...args, message }));
    expect(first).to.deep.equal([0, 1, 2]);
    expect(retried).to.deep.equal(first);
    expect(messages.map((m) => choices.get(m))).to.deep.equal(first);
  });

  it('passes custom partitioner functions through the common checks', () => {
    const partitioner = createKafkajsPartitioner(
      (partitions, key) => (key?.toString() === 'last' ? partitions[partitions.length - 1]! : 42),
      new WeakMap(),
    )();
    const args = { topic: 't', partitionMetadata: metadata(3) };
    expect(partitioner({ ...args, message: { key: 'last', value: 'v' } })).to.equal(2);
    expect(() => partitioner({ ...args, message: { key: 'other', value: 'v' } })).to.throw(ConfigurationError);
  });
});
