/**
 * Client-level scenarios for the embedded broker's kafka-4 profile vs Apache Kafka 4.4: what kafkajs 2.2.4 reports for
 * bad input, transactions as kafkajs writes them and Fetch v4 reads them back, and the real kafka-node 5.0.0 failing
 * on both brokers the same way (the refused Produce v2 / Fetch v0-2 / ListOffsets v0 close its connections).
 */
import * as kafkaNode from 'kafka-node';
import type { Kafka } from 'kafkajs';
import { errorName } from '../../../src/protocol/error-codes';
import type { DecodedBatch } from '../../../src/protocol/records';
import { RawConnection } from '../../helpers/raw-client';
import { fetch, latestOffset, READ_COMMITTED, READ_UNCOMMITTED } from '../../helpers/txn-wire';
import {
  callback,
  describeError,
  eventually,
  kafkaNodeProduce,
  kafkajs,
  startKafkajsMember,
  withKafkaNodeClient,
  withTimeout,
} from './clients';
import { scenario, type Scenario } from './scenario';

/** An error as a user sees it: name, kafkajs's error type when there is one, message, and what it wraps. */
function userError(error: unknown): string {
  const { type, cause, originalError, errors } = (error ?? {}) as {
    type?: string;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown[];
  };
  const inner = cause ?? originalError;
  const each = Array.isArray(errors) ? ` {${errors.map(userError).join('; ')}}` : '';
  return `${describeError(error)}${type ? ` [${type}]` : ''}${each}${inner ? ` <- ${userError(inner)}` : ''}`;
}

function outcome(action: Promise<unknown>): Promise<string> {
  return action.then(
    () => 'ok',
    (error: unknown) => userError(error),
  );
}

async function withProducer<T>(
  kafka: Kafka,
  use: (producer: ReturnType<Kafka['producer']>) => Promise<T>,
  transactionalId?: string,
): Promise<T> {
  const producer = transactionalId
    ? kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
    : kafka.producer({ allowAutoTopicCreation: false, idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}

const kafkajsBadInput = scenario({
  name: 'bad input as kafkajs reports it: invalid topic name, unknown partition, message too large',
  async run({ target, topic }) {
    const name = topic('kafkajs-bad');
    await target.createTopic(name, 1);
    const kafka = kafkajs(target.brokers);
    const sent = await withProducer(kafka, async (producer) => ({
      invalidTopic: await outcome(producer.send({ topic: 'not a valid name!', messages: [{ value: 'v' }] })),
      // kafkajs resolves a send to a partition the metadata does not list, and writes nothing (see offsets).
      unknownPartition: await outcome(producer.send({ topic: name, messages: [{ partition: 5, value: 'v' }] })),
      messageTooLarge: await outcome(producer.send({ topic: name, messages: [{ value: 'x'.repeat(1_100_000) }] })),
      accepted: await outcome(producer.send({ topic: name, messages: [{ value: 'fits' }] })),
    }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const createInvalid = await outcome(admin.createTopics({ topics: [{ topic: 'not a valid name!' }] }));
      const [offsets] = await admin.fetchTopicOffsets(name).then((answer) => answer.map((p) => `${p.low}-${p.high}`));
      return { ...sent, createInvalid, offsets };
    } finally {
      await admin.disconnect();
    }
  },
});

/** A batch as Fetch returned it: offsets, values (or the control marker's type), flags; producer ids left out. */
function describeBatch(batch: DecodedBatch): Record<string, unknown> {
  const values = batch.control
    ? batch.records.map((record) => (record.key?.readInt16BE(2) === 1 ? 'COMMIT marker' : 'ABORT marker'))
    : batch.records.map((record) => record.value?.toString() ?? null);
  return { offset: batch.baseOffset, values, transactional: batch.transactional };
}

async function readLog(address: string, topic: string): Promise<Record<string, unknown>> {
  const connection = await RawConnection.open(address);
  try {
    const uncommitted = await fetch(connection, topic, 0, 0, READ_UNCOMMITTED);
    const committed = await fetch(connection, topic, 0, 0, READ_COMMITTED);
    const listed = await latestOffset(connection, topic, 0, READ_COMMITTED);
    return {
      highWatermark: uncommitted.highWatermark,
      lastStableOffset: committed.lastStableOffset,
      listOffsetsReadCommitted: `${errorName(listed.errorCode)} ${listed.offset}`,
      abortedTransactions: committed.abortedTransactions?.map((aborted) => aborted.firstOffset) ?? null,
      uncommitted: uncommitted.batches.map(describeBatch),
      committed: committed.batches.map(describeBatch),
    };
  } finally {
    connection.close();
  }
}

const transactions = scenario({
  name: 'transactions from kafkajs: commit and abort markers, the last stable offset of an open one, aborted lists',
  async run({ target, topic, group }) {
    const name = topic('txn');
    await target.createTopic(name, 1);
    const kafka = kafkajs(target.brokers);
    const address = target.brokers[0]!;
    const { whileOpen, afterCommit } = await withProducer(
      kafka,
      async (producer) => {
        const committed = await producer.transaction();
        await committed.send({ topic: name, messages: [{ value: 'c1' }, { value: 'c2' }] });
        await committed.commit();
        const aborted = await producer.transaction();
        await aborted.send({ topic: name, messages: [{ value: 'a1' }] });
        await aborted.abort();
        const open = await producer.transaction();
        await open.send({ topic: name, messages: [{ value: 'o1' }] });
        const seenOpen = await readLog(address, name);
        await open.commit();
        // Kafka writes the markers after EndTxn answered: wait until the last stable offset caught up.
        const seenAfter = await eventually(
          'the last commit marker',
          async () => {
            const log = await readLog(address, name);
            return log.lastStableOffset === log.highWatermark ? log : undefined;
          },
          20000,
          100,
        );
        return { whileOpen: seenOpen, afterCommit: seenAfter };
      },
      topic('txn-id'),
    );
    const member = await startKafkajsMember(kafka, { groupId: group('read-committed'), readUncommitted: false }, name, {
      fromBeginning: true,
    });
    try {
      const readCommitted = (await member.waitForMessages(3)).map((m) => `${m.offset}:${m.value}`);
      return { whileOpen, afterCommit, readCommitted };
    } finally {
      await member.close();
    }
  },
});

/** The first error a kafka-node ConsumerGroup emits, with the error it wraps. */
async function firstGroupError(bootstrap: string, groupId: string, topic: string): Promise<string> {
  const group = new kafkaNode.ConsumerGroup(
    { kafkaHost: bootstrap, groupId, sessionTimeout: 6000, fromOffset: 'earliest' },
    [topic],
  );
  try {
    return await withTimeout(
      new Promise<string>((resolve) => {
        group.on('error', (error: unknown) =>
          resolve(`${describeError(error)} <- ${describeError((error as { nested?: unknown }).nested)}`),
        );
        group.on('message', () => resolve('consumed'));
      }),
      30000,
      `kafka-node ConsumerGroup ${groupId}: first error`,
    );
  } finally {
    await new Promise<void>((resolve) => group.close(() => resolve()));
  }
}

const kafkaNodeRefused = scenario({
  name: 'the real kafka-node 5.0.0 fails alike: its Produce v2, ListOffsets v0 and group requests close the connection',
  async run({ target, topic, group }) {
    const name = topic('kafka-node');
    await target.createTopic(name, 1);
    const send = await outcome(kafkaNodeProduce(target.bootstrap, [{ topic: name, messages: ['hello'] }]));
    const latestOffsets = await withKafkaNodeClient(target.bootstrap, (client) =>
      outcome(callback((done) => new kafkaNode.Offset(client).fetchLatestOffsets([name], done))),
    );
    const consumerGroup = await firstGroupError(target.bootstrap, group('kafka-node'), name);
    return { send, latestOffsets, consumerGroup };
  },
});

export const kafka4ClientScenarios: Scenario<object>[] = [kafkajsBadInput, transactions, kafkaNodeRefused];
