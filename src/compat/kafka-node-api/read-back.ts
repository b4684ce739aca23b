import * as kafkaNode from 'kafka-node';

export interface StoredMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function closeClient(client: kafkaNode.KafkaClient): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()));
}

/**
 * What the broker holds, read with the real kafka-node's plain Consumer (no group) from the given offsets until
 * `count` messages arrived, sorted by partition and offset: whatever engine wrote them, they are read the same way.
 */
export async function readBack(
  kafkaHost: string,
  topic: string,
  fromOffsets: Record<number, number>,
  count: number,
  timeoutMs = 15000,
  clientId = 'kafka-node-adapter-read-back',
): Promise<StoredMessage[]> {
  const client = new kafkaNode.KafkaClient({
    kafkaHost,
    clientId,
    connectTimeout: 5000,
    requestTimeout: 10000,
    connectRetryOptions: { retries: 2, minTimeout: 100, maxTimeout: 500 },
  });
  client.on('error', () => undefined);
  const requests = Object.entries(fromOffsets).map(([partition, offset]) => ({
    topic,
    partition: Number(partition),
    offset,
  }));
  const consumer = new kafkaNode.Consumer(client, requests, {
    fromOffset: true,
    autoCommit: false,
    fetchMaxWaitMs: 100,
    encoding: 'utf8',
    keyEncoding: 'utf8',
  });
  const received: StoredMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`read back ${received.length}/${count} messages from ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      if (count === 0) resolve();
      consumer.on('message', (message) => {
        received.push({
          partition: message.partition ?? -1,
          offset: message.offset ?? -1,
          key: text(message.key),
          value: text(message.value),
        });
        if (received.length >= count) resolve();
      });
      consumer.on('error', reject);
      consumer.on('offsetOutOfRange', reject);
    });
  } finally {
    clearTimeout(timer);
    consumer.pause();
    await closeClient(client);
  }
  return received.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
