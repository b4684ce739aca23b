import { expect } from 'chai';
import { createPartitionChooser, kafkaNodeKeyHash, murmur2 } from '../../src/common/partitioners';
import { ConfigurationError } from '../../src/common/errors';

// kafka-node's and kafkajs's own partitioner code compute the expected choices: the vectors are not hand-written.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaNodePartitioners = require('kafka-node/lib/partitioner') as {
  KeyedPartitioner: new () => { getPartition(partitions: number[], key: unknown): number };
  CyclicPartitioner: new () => { getPartition(partitions: number[]): number };
  DefaultPartitioner: new () => { getPartition(partitions: number[]): number };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer | string) => number;

function sampleKeys(): Buffer[] {
  const keys: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from('a'),
    Buffer.from('user-42'),
    Buffer.from('订单-2019-02-25'),
    Buffer.from('🚀 emoji key'),
  ];
  let seed = 7;
  for (let i = 0; i < 500; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    const length = seed % 40;
    const key = Buffer.alloc(length);
    for (let j = 0; j < length; j++) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      key[j] = i % 2 === 0 ? 0x61 + (seed % 26) : seed & 0xff;
    }
    keys.push(key);
  }
  return keys;
}

describe('common/partitioners', () => {
  const partitionLists = [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3, 4, 5, 6], [3, 5, 8]];

  it('keyed matches kafka-node 5 KeyedPartitioner for 500+ keys and several partition lists', () => {
    const reference = new kafkaNodePartitioners.KeyedPartitioner();
    const ours = createPartitionChooser('keyed');
    let compared = 0;
    for (const partitions of partitionLists) {
      for (const key of sampleKeys()) {
        expect(ours(partitions, key), `key ${key.toString('hex')}`).to.equal(reference.getPartition(partitions, key));
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(2500);
    expect(ours([0, 1, 2], null)).to.equal(reference.getPartition([0, 1, 2], null));
  });

  it('keyed hashes strings and buffers alike, as kafka-node does', () => {
    expect(kafkaNodeKeyHash('user-42')).to.equal(kafkaNodeKeyHash(Buffer.from('user-42')));
    expect(kafkaNodeKeyHash(null)).to.equal(1);
  });

  it('murmur2 matches kafkajs (the Java client hash) and the Java client reference values', () => {
    for (const key of sampleKeys()) expect(murmur2(key), key.toString('hex')).to.equal(kafkajsMurmur2(key));
    // Values from the Java client's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).to.equal(-973932308);
    expect(murmur2(Buffer.from('foobar'))).to.equal(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).to.equal(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).to.equal(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).to.equal(-58897971);
    expect(murmur2(Buffer.from([97, 98, 99]))).to.equal(479470107);
  });

  it('cyclic and default follow kafka-node', () => {
    const reference = new kafkaNodePartitioners.CyclicPartitioner();
    const ours = createPartitionChooser('cyclic');
    for (let i = 0; i < 10; i++) expect(ours([0, 1, 2], null)).to.equal(reference.getPartition([0, 1, 2]));
    expect(createPartitionChooser('default')([4, 5], null)).to.equal(
      new kafkaNodePartitioners.DefaultPartitioner().getPartition([4, 5]),
    );
  });

  it('random stays within the partitions', () => {
    const ours = createPartitionChooser('random');
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(ours([0, 1, 2], null));
    expect([...seen].sort()).to.deep.equal([0, 1, 2]);
  });

  it('rejects unknown partitioners and custom choices outside the partitions', () => {
    expect(() => createPartitionChooser('sticky' as never)).to.throw(
      ConfigurationError,
      /unknown partitioner "sticky"/,
    );
    const custom = createPartitionChooser(() => 9);
    expect(() => custom([0, 1], null)).to.throw(ConfigurationError, /returned 9/);
    expect(createPartitionChooser((partitions) => partitions[1]!)([0, 1], null)).to.equal(1);
  });
});
