/**
 * Child process of checksum.test.ts: a process of its own, because whether kafkajs takes the codec layer's checksum
 * depends on what the process loaded first, and the test runner's process has long loaded kafkajs's own.
 *
 *   node -r ts-node/register/transpile-only checksum-child.ts <codec-first|kafkajs-first> <host:port>
 *
 * Produces batches through the kafkajs backend (plain and gzip, 1 to 200 messages, up to 4 KB each), reads them back
 * and prints one JSON line: whether kafkajs's checksum module is the codec layer's, and what was produced and read.
 */
import { createRequire } from 'module';
import { codecChecksum, kafkajsChecksumFile, useCodecChecksumInKafkajs } from '../../src/modern/checksum';
import { createKafka } from '../../src/kafka';
import type { CompressionName } from '../../src/common/types';

async function main(): Promise<void> {
  const [order, broker] = process.argv.slice(2);
  if (order === 'kafkajs-first') createRequire(__filename)('kafkajs/src/protocol/recordBatch/v0');
  const kafka = createKafka({ backend: 'kafkajs', brokers: [broker!], clientId: 'checksum-child' });
  const topic = `checksum-${order}-${process.pid}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
  await admin.disconnect();
  const producer = kafka.producer({ partitioner: 'default' });
  await producer.connect();
  const sent: string[] = [];
  const batches: Array<[number, number, CompressionName]> = [
    [1, 10, 'none'],
    [100, 1024, 'none'],
    [200, 4096, 'none'],
    [50, 700, 'gzip'],
  ];
  for (const [count, size, compression] of batches) {
    const messages = Array.from({ length: count }, (_, i) => {
      const value = `${sent.length + i}:`.padEnd(size, String.fromCharCode(97 + (i % 26)));
      return { value, partition: 0 };
    });
    await producer.send({ topic, acks: -1, compression, messages });
    sent.push(...messages.map((m) => m.value));
  }
  await producer.disconnect();
  const received: string[] = [];
  const group = kafka.consumerGroup({ groupId: `${topic}-reader`, topics: [topic], fromOffset: 'earliest' });
  await group.connect();
  await new Promise<void>((resolve, reject) => {
    group.on('error', reject);
    void group
      .run({
        eachMessage: (message) => {
          received.push(String(message.value));
          if (received.length === sent.length) resolve();
        },
      })
      .catch(reject);
  });
  await group.close({ commit: false });
  const current = createRequire(__filename)(kafkajsChecksumFile()) as unknown;
  process.stdout.write(
    `${JSON.stringify({
      codecInKafkajs: current === codecChecksum,
      useAgain: useCodecChecksumInKafkajs(),
      sent: sent.length,
      sameInOrder: received.length === sent.length && received.every((value, i) => value === sent[i]),
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
