/**
 * `kafka-node-adapter bench` on each client's real broker: the kafkajs contenders on librdkafka's mock cluster and the
 * kafka-node contenders on Apache Kafka 0.9 (behind the ApiVersions-swallowing proxy the tests use, as 0.9 drops the
 * connection otherwise). Both brokers come from the test fixtures, so this lives in bench/, not src/. One report per
 * broker; other options pass through to the bench command, e.g.
 *
 *   npm run bench:real -- --short --json
 *   node -r ts-node/register/transpile-only bench/real-brokers.ts --targets rdkafka-mock --size 1024 --messages 4000
 *
 * Neither broker has CreateTopics, so topics are auto-created (the mock: 4 partitions, only partition 0 gets data).
 * The mock keeps only about the last 5 MiB of a partition: a consume workload above that never completes, so keep
 * --messages x --size below ~4 MiB there.
 */
import { main } from '../src/cli';
import { startRdkafkaMock } from '../test/fixtures/rdkafka-mock';
import { startKafka09 } from '../test/fixtures/kafka09';
import { startKafka09Proxy } from '../test/broker/differential/targets';

/** Each target: how to start its broker (brokers to give the bench, and how to stop), and the contenders it runs. */
const TARGETS: Record<string, { contenders: string; start(): Promise<{ brokers: string; stop(): Promise<void> }> }> = {
  'rdkafka-mock': {
    contenders: 'kafkajs,common/kafkajs',
    async start() {
      const mock = await startRdkafkaMock({ brokers: 1 });
      return { brokers: mock.brokers.join(','), stop: () => mock.stop() };
    },
  },
  'kafka-0.9': {
    contenders: 'kafka-node,common/kafka-node',
    async start() {
      const kafka = await startKafka09({ partitions: 1 });
      const proxy = await startKafka09Proxy(kafka);
      return {
        brokers: proxy.address,
        stop: async () => {
          await proxy.close();
          await kafka.stop();
        },
      };
    },
  },
};

async function run(): Promise<number> {
  const args = process.argv.slice(2);
  const known = Object.keys(TARGETS);
  let targets = known;
  const at = args.indexOf('--targets');
  if (at >= 0) {
    targets = (args[at + 1] ?? '').split(',').filter(Boolean);
    args.splice(at, 2);
    for (const target of targets)
      if (!known.includes(target)) throw new Error(`unknown target ${target} (known: ${known.join(', ')})`);
  }
  let worst = 0;
  for (const target of targets) {
    process.stderr.write(`== ${target}\n`);
    const { contenders, start } = TARGETS[target]!;
    const broker = await start();
    try {
      const command = [
        'node',
        'kafka-node-adapter',
        'bench',
        ...args,
        '--brokers',
        broker.brokers,
        '--contenders',
        contenders,
      ];
      worst = Math.max(worst, await main(command));
    } finally {
      await broker.stop();
    }
  }
  return worst;
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
