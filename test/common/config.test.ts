import { expect } from 'chai';
import { resolveBackendName, resolveKafkaConfig } from '../../src/common/config';
import { ConfigurationError } from '../../src/common/errors';
import { createKafka } from '../../src/kafka';

describe('common/config and createKafka', () => {
  it('chooses the backend: option first, then KAFKA_NODE_BACKEND, then kafka-node', () => {
    expect(resolveBackendName(undefined, {})).to.equal('kafka-node');
    expect(resolveBackendName(undefined, { KAFKA_NODE_BACKEND: 'kafkajs' })).to.equal('kafkajs');
    expect(resolveBackendName('kafka-node', { KAFKA_NODE_BACKEND: 'kafkajs' })).to.equal('kafka-node');
    expect(() => resolveBackendName(undefined, { KAFKA_NODE_BACKEND: 'rdkafka' })).to.throw(
      ConfigurationError,
      /environment variable KAFKA_NODE_BACKEND is "rdkafka"/,
    );
    expect(() => resolveBackendName('kafka', {})).to.throw(
      ConfigurationError,
      /option "backend" is "kafka": use "kafka-node", "kafkajs" or "confluent"/,
    );
  });

  it('creates each backend by name, loading only that backend', () => {
    expect(createKafka({ brokers: ['127.0.0.1:9092'], backend: 'kafkajs' }).name).to.equal('kafkajs');
    expect(createKafka({ brokers: ['127.0.0.1:9092'], backend: 'kafka-node' }).name).to.equal('kafka-node');
    expect(createKafka({ brokers: ['127.0.0.1:9092'], backend: 'kafka-node' }).capabilities.headers).to.equal(false);
    expect(createKafka({ brokers: ['127.0.0.1:9092'], backend: 'kafkajs' }).capabilities.headers).to.equal(true);
  });

  it('rejects bad configuration before any connection, saying what would be valid', () => {
    const bad: [unknown, RegExp][] = [
      [{ brokers: [] }, /non-empty array of "host:port"/],
      [{ brokers: 'localhost:9092' }, /non-empty array/],
      [{ brokers: ['localhost'] }, /"localhost" is not "host:port"/],
      [{ brokers: ['localhost:0'] }, /port from 1 to 65535/],
      [{ brokers: ['localhost:9092'], clientId: '' }, /clientId must be a non-empty string/],
      [{ brokers: ['localhost:9092'], requestTimeoutMs: -1 }, /requestTimeoutMs must be a non-negative integer/],
      [
        { brokers: ['localhost:9092'], sasl: { mechanism: 'gssapi', username: 'a', password: 'b' } },
        /sasl.mechanism must be/,
      ],
      [{ brokers: ['localhost:9092'], sasl: null }, /sasl must be \{ mechanism, username, password \}/],
      [
        { brokers: ['localhost:9092'], sasl: { mechanism: 'plain', username: 'a' } },
        /sasl.username and sasl.password must be strings/,
      ],
      [{ brokers: ['localhost:9092'], ssl: 'yes' }, /ssl must be true, false or TLS options/],
      [{ brokers: ['localhost:9092'], ssl: null }, /ssl must be true, false or TLS options/],
    ];
    for (const [config, message] of bad) {
      expect(() => resolveKafkaConfig(config as never, {}), JSON.stringify(config)).to.throw(
        ConfigurationError,
        message,
      );
    }
    const resolved = resolveKafkaConfig({ brokers: ['[::1]:9092', 'kafka-1:9093'] }, {});
    expect(resolved).to.deep.include({
      backend: 'kafka-node',
      clientId: 'kafka-node-adapter',
      requestTimeoutMs: 30000,
    });
  });
});
