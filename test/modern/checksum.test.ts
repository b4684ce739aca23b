import { expect } from 'chai';
import { randomBytes } from 'crypto';
import { createRequire } from 'module';
import * as path from 'path';
import { codecChecksum, kafkajsChecksumFile } from '../../src/modern/checksum';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { runNode } from '../helpers/run-cli';

const CHILD = path.join(__dirname, 'checksum-child.ts');

interface ChildReport {
  codecInKafkajs: boolean;
  useAgain: boolean;
  sent: number;
  sameInOrder: boolean;
}

async function runChild(order: 'codec-first' | 'kafkajs-first', broker: string): Promise<ChildReport> {
  const run = await runNode(['-r', 'ts-node/register/transpile-only', CHILD, order, broker], 50000);
  if (run.code !== 0) throw new Error(`checksum child (${order}) exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim()) as ChildReport;
}

describe('kafkajs backend: the record batch checksum is the codec layer’s', function () {
  this.timeout(60000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
  });
  after(async () => {
    await broker?.stop();
  });

  it('gives kafkajs’s own CRC-32C, unsigned, for every length', () => {
    // kafkajs's byte-at-a-time implementation itself (the file the replaced module wraps), never replaced.
    const kafkajsCrc32c = createRequire(__filename)(path.join(path.dirname(kafkajsChecksumFile()), 'crc32C.js')) as (
      buffer: Buffer,
    ) => number;
    for (const length of [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 64, 1000, 4097, 110_000]) {
      const bytes = randomBytes(length);
      expect(codecChecksum(bytes), `length ${length}`).to.equal(kafkajsCrc32c(bytes));
    }
    expect(codecChecksum(Buffer.from('123456789'))).to.equal(0xe3069283);
  });

  it('is what kafkajs encodes with in a process where the backend came first; the broker accepts every batch', async () => {
    const report = await runChild('codec-first', broker.brokers[0]!);
    expect(report).to.deep.equal({ codecInKafkajs: true, useAgain: true, sent: 351, sameInOrder: true });
  });

  it('leaves kafkajs its own where the application had kafkajs encode first, and still produces', async () => {
    const report = await runChild('kafkajs-first', broker.brokers[0]!);
    expect(report).to.deep.equal({ codecInKafkajs: false, useAgain: false, sent: 351, sameInOrder: true });
  });
});
