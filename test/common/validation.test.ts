import { expect } from 'chai';
import { ConfigurationError, UnsupportedFeatureError } from '../../src/common/errors';
import type { Capabilities, SendRequest } from '../../src/common/types';
import {
  CONSUMER_GROUP_DEFAULTS,
  resolveConsumerGroupConfig,
  resolveProducerOptions,
  validateTransactionOffsets,
  validateSendRequest,
  validateTopicPartitionOffset,
} from '../../src/common/validation';

const everything: Capabilities = {
  headers: true,
  idempotence: true,
  transactions: true,
  compression: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  partitioners: ['default', 'random', 'cyclic', 'keyed', 'murmur2'],
};
const little: Capabilities = {
  headers: false,
  idempotence: false,
  transactions: false,
  compression: ['none', 'gzip'],
  partitioners: ['default', 'keyed'],
};

function sendFails(request: unknown, capabilities = everything, options = {}): Error {
  try {
    validateSendRequest(request as SendRequest, capabilities, 'kafka-node', options);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`accepted ${JSON.stringify(request)}`);
}

describe('common/validation', () => {
  it('accepts well-formed send requests', () => {
    validateSendRequest(
      {
        topic: 't',
        acks: 0,
        timeoutMs: 100,
        compression: 'gzip',
        messages: [
          { value: null },
          { key: 'k', value: 'v', partition: 0, headers: { a: 'x', b: Buffer.from('y') }, timestamp: 1700000000000 },
          { key: Buffer.from('k'), value: Buffer.alloc(0) },
        ],
      },
      everything,
      'kafkajs',
    );
  });

  it('rejects malformed send requests with ConfigurationError naming the argument', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /request/],
      [{ topic: 7, messages: [{ value: 'x' }] }, /topic/],
      [{ topic: 't', messages: 'x' }, /messages/],
      [{ topic: 't', messages: [null] }, /messages\[0\]/],
      [{ topic: 't', messages: [{}] }, /messages\[0\]\.value/],
      [{ topic: 't', messages: [{ value: 'x', key: 5 }] }, /key/],
      [{ topic: 't', messages: [{ value: 'x', partition: -1 }] }, /partition/],
      [{ topic: 't', messages: [{ value: 'x', partition: 2 ** 31 }] }, /partition/],
      [{ topic: 't', messages: [{ value: 'x', timestamp: 1.5 }] }, /timestamp/],
      [{ topic: 't', messages: [{ value: 'x', headers: [] }] }, /headers/],
      [{ topic: 't', messages: [{ value: 'x', headers: { h: null } }] }, /headers\["h"\]/],
      [{ topic: 't', messages: [{ value: 'x' }], acks: 'all' }, /acks/],
      [{ topic: 't', messages: [{ value: 'x' }], timeoutMs: -1 }, /timeoutMs/],
      [{ topic: 't', messages: [{ value: 'x' }], compression: 'brotli' }, /compression/],
    ];
    for (const [request, pattern] of cases) {
      const error = sendFails(request);
      expect(error, JSON.stringify(request)).to.be.instanceOf(ConfigurationError);
      expect(error.message).to.match(pattern);
    }
    expect(
      sendFails({ topic: 't', messages: [{ value: 'x' }], acks: 1 }, everything, { idempotent: true }),
    ).to.be.instanceOf(ConfigurationError);
  });

  it('rejects what the backend cannot do with UnsupportedFeatureError', () => {
    expect(sendFails({ topic: 't', messages: [{ value: 'x', headers: { h: 'v' } }] }, little)).to.be.instanceOf(
      UnsupportedFeatureError,
    );
    expect(sendFails({ topic: 't', messages: [{ value: 'x' }], compression: 'snappy' }, little)).to.be.instanceOf(
      UnsupportedFeatureError,
    );
    expect(() => resolveProducerOptions({ partitioner: 'murmur2' }, little, 'kafka-node', 'default')).to.throw(
      UnsupportedFeatureError,
    );
    expect(() => resolveProducerOptions({ idempotent: true }, little, 'kafka-node', 'default')).to.throw(
      UnsupportedFeatureError,
    );
    expect(() => resolveProducerOptions({ partitioner: 'fancy' as never }, everything, 'kafkajs', 'murmur2')).to.throw(
      ConfigurationError,
    );
    expect(resolveProducerOptions(undefined, everything, 'kafkajs', 'murmur2')).to.deep.equal({
      partitioner: 'murmur2',
      idempotent: false,
      transactionalId: null,
      transactionTimeoutMs: 60000,
    });
    expect(() => resolveProducerOptions({ transactionalId: 'tx' }, little, 'kafka-node', 'default')).to.throw(
      UnsupportedFeatureError,
      /transactions/,
    );
  });

  it("transactional producers: a non-empty id, always idempotent, a timeout only with an id and within Kafka's maximum", () => {
    const resolve = (options: object) => () => resolveProducerOptions(options, everything, 'kafkajs', 'murmur2');
    expect(resolve({ transactionalId: 'tx', transactionTimeoutMs: 5000 })()).to.deep.include({
      idempotent: true,
      transactionalId: 'tx',
      transactionTimeoutMs: 5000,
    });
    expect(resolve({ transactionalId: '' })).to.throw(ConfigurationError, /non-empty string/);
    expect(resolve({ transactionalId: 5 })).to.throw(ConfigurationError, /non-empty string/);
    expect(resolve({ transactionalId: 'tx', idempotent: false })).to.throw(ConfigurationError, /always idempotent/);
    expect(resolve({ transactionTimeoutMs: 5000 })).to.throw(ConfigurationError, /set transactionalId/);
    expect(resolve({ transactionalId: 'tx', transactionTimeoutMs: 0 })).to.throw(ConfigurationError, /1 to 900000/);
    expect(resolve({ transactionalId: 'tx', transactionTimeoutMs: 900001 })).to.throw(
      ConfigurationError,
      /1 to 900000/,
    );
    expect(() => validateTransactionOffsets({ consumerGroupId: '', topics: [] })).to.throw(
      ConfigurationError,
      /consumerGroupId/,
    );
    expect(() =>
      validateTransactionOffsets({
        consumerGroupId: 'g',
        topics: [{ topic: 't', partitions: [{ partition: 0, offset: -1 }] }],
      }),
    ).to.throw(ConfigurationError, /offset of t\/0/);
    expect(() =>
      validateTransactionOffsets({
        consumerGroupId: 'g',
        topics: [{ topic: 't', partitions: [{ partition: 0, offset: 3 }] }],
      }),
    ).not.to.throw();
  });

  it("fills consumer group defaults (kafka-node's, heartbeat 3 s) and checks every option", () => {
    const resolved = resolveConsumerGroupConfig({ groupId: 'g', topics: ['a', 'b', 'a'] });
    expect(resolved).to.deep.equal({
      groupId: 'g',
      topics: ['a', 'b'],
      fromOffset: 'latest',
      outOfRangeOffset: 'earliest',
      protocols: ['roundrobin'],
      autoCommit: true,
      autoCommitIntervalMs: 5000,
      sessionTimeoutMs: 30000,
      heartbeatIntervalMs: CONSUMER_GROUP_DEFAULTS.heartbeatIntervalMs,
      maxBytesPerPartition: 1048576,
      maxWaitTimeMs: 100,
      maxBufferedMessages: null,
      isolationLevel: 'read_uncommitted',
    });
    expect(
      resolveConsumerGroupConfig({ groupId: 'g', topics: ['a'], sessionTimeoutMs: 6000 }).heartbeatIntervalMs,
    ).to.equal(2000);
    const bad: unknown[] = [
      { groupId: '', topics: ['a'] },
      { groupId: 'g', topics: [] },
      { groupId: 'g', topics: [''] },
      { groupId: 'g', topics: ['a'], fromOffset: 'oldest' },
      { groupId: 'g', topics: ['a'], outOfRangeOffset: 'smallest' },
      { groupId: 'g', topics: ['a'], protocols: ['sticky'] },
      { groupId: 'g', topics: ['a'], protocols: [{ name: 'x', version: 0 }] },
      { groupId: 'g', topics: ['a'], autoCommit: 'yes' },
      { groupId: 'g', topics: ['a'], sessionTimeoutMs: 3000, heartbeatIntervalMs: 3000 },
      { groupId: 'g', topics: ['a'], maxBytesPerPartition: 0 },
      { groupId: 'g', topics: ['a'], isolationLevel: 'serializable' },
    ];
    for (const config of bad)
      expect(() => resolveConsumerGroupConfig(config as never), JSON.stringify(config)).to.throw(ConfigurationError);
  });

  it('checks topic/partition/offset positions', () => {
    validateTopicPartitionOffset({ topic: 't', partition: 0, offset: 0 }, 'seek');
    for (const position of [
      { topic: '', partition: 0, offset: 0 },
      { topic: 't', partition: -1, offset: 0 },
      { topic: 't', partition: 0, offset: -1 },
    ]) {
      expect(() => validateTopicPartitionOffset(position, 'seek')).to.throw(ConfigurationError, /^seek/);
    }
  });
});
