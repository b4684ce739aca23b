import { expect } from 'chai';
import * as net from 'net';
import * as sinon from 'sinon';
import { resolveKafkaConfig } from '../../src/common/config';
import { createModernBackend, type LogRecord } from '../../src/modern';
import { redactSecrets } from '../../src/modern/logging';

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function failToConnect(records?: LogRecord[]): Promise<void> {
  const port = await closedPort();
  const backend = createModernBackend(
    resolveKafkaConfig({
      backend: 'kafkajs',
      brokers: [`127.0.0.1:${port}`],
      retry: { retries: 1, initialRetryTimeMs: 10 },
      sasl: { mechanism: 'plain', username: 'alice', password: 'hunter2-secret' },
    }),
    records ? { logging: { sink: (record) => records.push(record), level: 'debug' } } : {},
  );
  const admin = backend.admin();
  await admin.connect().catch(() => undefined);
  await admin.disconnect();
}

describe('modern/logging (kafkajs logs quiet by default, never with credentials)', () => {
  afterEach(() => sinon.restore());

  it('writes nothing to the console by default, even when kafkajs fails and retries', async () => {
    const writes = [
      sinon.spy(console, 'log'),
      sinon.spy(console, 'info'),
      sinon.spy(console, 'warn'),
      sinon.spy(console, 'error'),
    ];
    const stderr = sinon.spy(process.stderr, 'write');
    const stdout = sinon.spy(process.stdout, 'write');
    await failToConnect();
    sinon.restore();
    for (const spy of [...writes, stderr, stdout]) expect(spy.callCount).to.equal(0);
  });

  it('passes kafkajs entries to a given sink without the password', async () => {
    const records: LogRecord[] = [];
    await failToConnect(records);
    expect(records.length).to.be.greaterThan(0);
    expect(records.some((r) => r.level === 'error')).to.equal(true);
    expect(JSON.stringify(records)).to.not.contain('hunter2-secret');
  });

  it('redacts secret-looking fields at any depth', () => {
    const redacted = redactSecrets({
      broker: 'h:1',
      sasl: { password: 'p' },
      nested: [{ password: 'p', token: 't', ok: 1 }],
      key: Buffer.from('k'),
    });
    expect(redacted).to.deep.equal({
      broker: 'h:1',
      sasl: '[redacted]',
      nested: [{ password: '[redacted]', token: '[redacted]', ok: 1 }],
      key: '[redacted]',
    });
  });
});
