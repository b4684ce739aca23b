/**
 * A consumer-group member in its own process, for the consumer-crash scenario (the parent kills it with SIGKILL).
 * Usage: node -r ts-node/register crash-member.ts '<json: driver ("common" or "facade"), backend, brokers, groupId,
 * topic, sessionTimeoutMs, autoCommitIntervalMs>'; "facade" runs a kafka-node ConsumerGroup of the facade. It prints one JSON line per event on stdout: {"assigned":["topic/0",...]} after each
 * assignment, {"p":partition,"o":offset,"v":value} per message handled. Auto-commit runs on the given interval, so
 * whatever it handled since the last commit is what the group re-delivers after the kill.
 */
import { createKafka } from '../../src/kafka';
import type { BackendName } from '../../src/common/types';
import { ConsumerGroup, type Message } from '../../src/adapter';
import { facadeAssignment, resilientFacadeOptions, type DriverKind } from './drivers';

interface CrashMemberOptions {
  driver: DriverKind;
  backend: BackendName;
  brokers: string[];
  groupId: string;
  topic: string;
  sessionTimeoutMs: number;
  autoCommitIntervalMs: number;
}

const print = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);

function runFacadeMember(options: CrashMemberOptions): void {
  const group = new ConsumerGroup(
    {
      ...resilientFacadeOptions(options.backend, options.brokers),
      groupId: options.groupId,
      fromOffset: 'earliest',
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: 500,
      autoCommit: true,
      autoCommitIntervalMs: options.autoCommitIntervalMs,
    },
    [options.topic],
  );
  group.on('rebalanced', () => print({ assigned: facadeAssignment(group) }));
  group.on('message', (message: Message) =>
    print({ p: message.partition, o: message.offset, v: String(message.value) }),
  );
  group.on('error', (error: Error) => process.stderr.write(`crash-member: ${error.message}\n`));
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '') as CrashMemberOptions;
  if (options.driver === 'facade') return runFacadeMember(options);
  const kafka = createKafka({
    backend: options.backend,
    brokers: options.brokers,
    clientId: 'crash-member',
    retry: { retries: 8, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 },
  });
  const group = kafka.consumerGroup({
    groupId: options.groupId,
    topics: [options.topic],
    fromOffset: 'earliest',
    sessionTimeoutMs: options.sessionTimeoutMs,
    heartbeatIntervalMs: 500,
    autoCommit: true,
    autoCommitIntervalMs: options.autoCommitIntervalMs,
  });
  group.on('assigned', (event) =>
    process.stdout.write(`${JSON.stringify({ assigned: event.partitions.map((p) => `${p.topic}/${p.partition}`) })}\n`),
  );
  group.on('error', (error) => process.stderr.write(`crash-member: ${error.message}\n`));
  await group.connect();
  await group.run({
    eachMessage: (message) => {
      process.stdout.write(
        `${JSON.stringify({ p: message.partition, o: message.offset, v: message.value?.toString() ?? null })}\n`,
      );
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-member failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
