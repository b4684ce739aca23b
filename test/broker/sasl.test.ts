import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import * as kafkaNode from 'kafka-node';
import { startBroker, MemoryLogger, type EmbeddedBroker } from '../../src/broker';

const PASSWORD = 'pa55-w0rd-never-logged';

function kafkaNodeConnect(bootstrap: string, password: string): Promise<Error | null> {
  const client = new kafkaNode.KafkaClient({
    kafkaHost: bootstrap,
    sasl: { mechanism: 'plain', username: 'alice', password },
    connectTimeout: 3000,
    requestTimeout: 3000,
    connectRetryOptions: { retries: 0 },
  } as kafkaNode.KafkaClientOptions);
  return new Promise((resolve) => {
    const finish = (error: Error | null) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.close(() => resolve(error));
    };
    client.once('ready', () => {
      client.loadMetadataForTopics([], (error: Error | null) => finish(error));
    });
    client.once('error', (error: Error) => finish(error));
  });
}

describe('broker/SASL PLAIN', () => {
  let broker: EmbeddedBroker;
  let logger: MemoryLogger;
  beforeEach(async () => {
    logger = new MemoryLogger();
    broker = await startBroker({ logger, saslUsers: { alice: PASSWORD } });
  });
  afterEach(async () => {
    await broker.stop();
    expect(logger.lines.join('\n')).to.not.include(PASSWORD);
  });

  it('kafkajs authenticates with the right password and fails clearly with a wrong one', async () => {
    const good = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: 'alice', password: PASSWORD } }).admin();
    await good.connect();
    expect(await good.listTopics()).to.be.an('array');
    await good.disconnect();

    const bad = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' } }).admin();
    const error = await bad.connect().then(() => null, (e: Error) => e);
    expect(error?.name).to.equal('KafkaJSSASLAuthenticationError');
    expect(error?.message).to.match(/Invalid username or password/);
    expect(error?.message).to.not.include('wrong');
  });

  it('kafka-node authenticates with the right password and fails with a wrong one', async () => {
    expect(await kafkaNodeConnect(broker.bootstrap, PASSWORD)).to.equal(null);
    const error = await kafkaNodeConnect(broker.bootstrap, 'wrong');
    expect(error).to.be.instanceOf(Error);
    expect(logger.lines.some((line) => /SASL\/PLAIN authentication failed/.test(line))).to.equal(true);
  });

  it('refuses requests before authentication on a SASL listener', async () => {
    const client = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    const error = await client.connect().then(() => client.listTopics()).then(() => null, (e: Error) => e);
    await client.disconnect();
    expect(error).to.be.instanceOf(Error);
    expect(logger.lines.some((line) => /before SASL authentication/.test(line))).to.equal(true);
  });
});
