/**
 * Broker throughput, one run: a kafkajs producer then a kafkajs consumer group, 1 KB messages, against the embedded
 * broker, librdkafka's mock cluster (compiled on demand, see test/fixtures/rdkafka-mock.ts) and Apache Kafka 4.x in
 * KRaft mode (test/fixtures/real-kafka.ts). Prints one JSON
 * document on stdout (progress goes to stderr). No assertions: numbers depend on the machine.
 *
 *   npm run bench:broker -- [--messages 20000] [--size 1024] [--batch 500] [--partitions N]
 *     [--targets embedded,embedded-process,rdkafka-mock,kafka4]
 *
 * The mock keeps only about the last 5 MiB of each partition (older message sets are deleted), so the default
 * partition count spreads the data to at most 4 MiB per partition (at least 3 partitions); both brokers get the same.
 * produce: sequential producer.send() calls of --batch messages (acks=1, no compression), timed from the first send
 * to the last acknowledgement. consume: a new group reading from the beginning, timed from the end of its group join
 * to the last message delivered (offset lookup and fetches included; the join itself is reported as joinMs, as the
 * mock waits 3 s before its first generation).
 *
 * Each target also reports startupMs: from the call that starts the broker (embedded: startBroker(); the mock: its
 * launcher, compiled beforehand; Kafka 4.x: the JVM fixture, when bash scripts/fetch-kafka.sh has fetched its jars) to
 * the first acknowledged produce, the figure that matters for a test broker.
 *
 * The embedded broker runs inside the benchmark's own Node process (embedded), sharing one event loop with the kafkajs
 * client, or in a child process of its own (embedded-process, as npm run bench runs it);
 * the mock runs in its own process with its own threads. Each result says where its broker ran (runsIn).
 */
import { createRequire } from 'module';
import * as os from 'os';
import { Kafka, logLevel } from 'kafkajs';
import { silentLogger, startBroker } from '../src/broker';
import { startRdkafkaMock } from '../test/fixtures/rdkafka-mock';
import { startKafka4 } from '../test/fixtures/real-kafka';
import { forkBroker } from '../src/bench/child';

interface Options {
  messages: number;
  size: number;
  batch: number;
  partitions: number;
  targets: string[];
}

interface Rate {
  messages: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
}

interface TargetResult {
  /** The embedded broker shares the client's Node process and event loop; the mock runs in its own (C) process. */
  runsIn: string;
  /** As a test broker: milliseconds from the start call to the first acknowledged produce (kafkajs, acks 1). */
  startupMs?: number;
  produce?: Rate;
  consume?: Rate & { joinMs: number };
  error?: string;
}

const TARGETS = ['embedded', 'embedded-process', 'rdkafka-mock', 'kafka4'];
const MOCK_SAFE_PARTITION_BYTES = 4 * 1024 * 1024;
const RUNS_IN: Record<string, string> = {
  embedded: 'the benchmark process (shares the client event loop)',
  'embedded-process': 'a child process of its own (as in npm run bench; startup includes the fork and module loading)',
  'rdkafka-mock': 'a separate process (librdkafka mock threads)',
  kafka4: 'a separate JVM (Apache Kafka 4.x, KRaft, test/fixtures/real-kafka.ts)',
};

function parseOptions(argv: string[]): Options {
  const options: Options = { messages: 20000, size: 1024, batch: 500, partitions: 0, targets: TARGETS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const number = (): number => {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1)
        throw new Error(`${flag} needs a positive integer, got ${String(value)}`);
      i++;
      return parsed;
    };
    if (flag === '--messages') options.messages = number();
    else if (flag === '--size') options.size = number();
    else if (flag === '--batch') options.batch = number();
    else if (flag === '--partitions') options.partitions = number();
    else if (flag === '--targets') {
      options.targets = String(value).split(',');
      i++;
      for (const target of options.targets)
        if (!TARGETS.includes(target)) throw new Error(`unknown target ${target} (known: ${TARGETS.join(', ')})`);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!options.partitions)
    options.partitions = Math.max(3, Math.ceil((options.messages * options.size) / MOCK_SAFE_PARTITION_BYTES));
  return options;
}

function rate(messages: number, bytes: number, ms: number): Rate {
  const seconds = ms / 1000;
  return {
    messages,
    seconds: Number(seconds.toFixed(3)),
    msgsPerSec: Math.round(messages / seconds),
    mbPerSec: Number((bytes / (1024 * 1024) / seconds).toFixed(2)),
  };
}

async function measure(brokers: string[], options: Options, topic: string): Promise<Omit<TargetResult, 'runsIn'>> {
  const kafka = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING });
  const value = Buffer.alloc(options.size, 'x');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const produceStart = process.hrtime.bigint();
  try {
    for (let sent = 0; sent < options.messages; sent += options.batch) {
      const count = Math.min(options.batch, options.messages - sent);
      await producer.send({
        topic,
        acks: 1,
        messages: Array.from({ length: count }, (_, i) => ({ key: String(sent + i), value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  const produceMs = Number(process.hrtime.bigint() - produceStart) / 1e6;
  process.stderr.write(`  produced ${options.messages} in ${produceMs.toFixed(0)} ms\n`);

  const consumer = kafka.consumer({
    groupId: `bench-${Date.now()}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10000,
    maxBytes: 50 * 1024 * 1024,
  });
  let received = 0;
  let receivedBytes = 0;
  let joinedAt: bigint | undefined;
  let lastAt = 0n;
  const joinStart = process.hrtime.bigint();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= process.hrtime.bigint();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `consumed ${received}/${options.messages} within 60 s (more than ~5 MiB in a partition is partly deleted by the mock)`,
            ),
          ),
        60000,
      );
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            received += batch.messages.length;
            for (const message of batch.messages) receivedBytes += message.value?.length ?? 0;
            if (received >= options.messages) {
              lastAt = process.hrtime.bigint();
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  const consumeMs = Number(lastAt - (joinedAt ?? joinStart)) / 1e6 || 1;
  const joinMs = Math.round(Number((joinedAt ?? joinStart) - joinStart) / 1e6);
  process.stderr.write(`  consumed ${received} in ${consumeMs.toFixed(0)} ms (join ${joinMs} ms)\n`);
  return {
    produce: rate(options.messages, options.messages * options.size, produceMs),
    consume: { ...rate(received, receivedBytes, consumeMs), joinMs },
  };
}

/** The first acknowledged produce to `topic`, as a test does right after starting its broker. */
async function firstProduce(brokers: string[], topic: string): Promise<void> {
  const producer = new Kafka({ brokers, clientId: 'bench-startup', logLevel: logLevel.NOTHING }).producer({
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: 1, messages: [{ value: 'first' }] });
  } finally {
    await producer.disconnect();
  }
}

async function runTarget(name: string, options: Options): Promise<TargetResult> {
  const topic = 'bench';
  process.stderr.write(`${name}:\n`);
  // Startup is timed from the call that starts the broker, through creating the topic, to the first acknowledged
  // produce; the producer connects after the broker is up, as a test's client would.
  const started = process.hrtime.bigint();
  const startupMs = (): number => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
  if (name === 'embedded') {
    const broker = await startBroker({ logger: silentLogger });
    try {
      broker.cluster.createTopic({ name: topic, numPartitions: options.partitions, replicationFactor: 1 });
      await firstProduce(broker.brokers, topic);
      const result: TargetResult = { runsIn: RUNS_IN.embedded!, startupMs: startupMs() };
      return { ...result, ...(await measure(broker.brokers, options, topic)) };
    } finally {
      await broker.stop();
    }
  }
  if (name === 'embedded-process') {
    const { child, brokers } = await forkBroker();
    try {
      const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: options.partitions }], waitForLeaders: true });
      await admin.disconnect();
      await firstProduce(brokers, topic);
      const result: TargetResult = { runsIn: RUNS_IN['embedded-process']!, startupMs: startupMs() };
      return { ...result, ...(await measure(brokers, options, topic)) };
    } finally {
      child.kill();
    }
  }
  if (name === 'kafka4') {
    const kafka = await startKafka4();
    try {
      await kafka.createTopic(topic, options.partitions);
      await firstProduce(kafka.brokers, topic);
      const result: TargetResult = {
        runsIn: `${RUNS_IN.kafka4!.replace('4.x', kafka.version)}`,
        startupMs: startupMs(),
      };
      return { ...result, ...(await measure(kafka.brokers, options, topic)) };
    } finally {
      await kafka.stop();
    }
  }
  const mock = await startRdkafkaMock({ brokers: 1, topics: [{ name: topic, partitions: options.partitions }] });
  try {
    await firstProduce(mock.brokers, topic);
    const result: TargetResult = { runsIn: RUNS_IN['rdkafka-mock']!, startupMs: startupMs() };
    return { ...result, ...(await measure(mock.brokers, options, topic)) };
  } finally {
    await mock.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const results: Record<string, TargetResult> = {};
  for (const target of options.targets) {
    try {
      results[target] = await runTarget(target, options);
    } catch (error) {
      results[target] = {
        runsIn: RUNS_IN[target]!,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
      process.stderr.write(`  failed: ${results[target]!.error}\n`);
    }
  }
  const cpus = os.cpus();
  const kafkajsVersion = (createRequire(__filename)('kafkajs/package.json') as { version: string }).version;
  const report = {
    benchmark: 'broker',
    date: new Date().toISOString(),
    workload: {
      client: `kafkajs ${kafkajsVersion}`,
      messages: options.messages,
      messageBytes: options.size,
      batch: options.batch,
      partitions: options.partitions,
      acks: 1,
      compression: 'none',
    },
    results,
    node: process.version,
    machine: {
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
