#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { BACKEND_NAMES } from '../common/types';
import { addClientOptions } from './client-options';
import { UsageError } from './usage-error';

// Each command's module is loaded only when that command runs: `scan` pulls in the TypeScript compiler and `compat`
// both client libraries, which `broker` and `--help` do not need.

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Builds the CLI. Every command resolves with its exit code: 0 ok, 1 differences or failure, 2 usage. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('kafka-node-adapter')
    .description(
      'Run kafka-node code on kafkajs or kafka-node, compare them side by side, and run an embedded Kafka broker.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('broker')
    .description('start the embedded Kafka broker on 127.0.0.1 and run until Ctrl-C (SIGINT) or SIGTERM')
    .option('--port <port>', 'port of the first node (node i listens on port + i); 0 picks free ports', '9092')
    .option('--nodes <count>', 'number of broker nodes', '1')
    .option('--data-dir <dir>', 'keep logs and committed offsets in this directory across restarts')
    .option(
      '--sasl-user <name:password>',
      'enable SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with this user (repeatable)',
      collect,
    )
    .option(
      '--sasl-mechanisms <names>',
      'SASL mechanisms to offer, comma-separated (default: PLAIN,SCRAM-SHA-256,SCRAM-SHA-512)',
    )
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA that signs client certificates (with --tls-client-auth)')
    .option('--tls-client-auth', 'require client certificates signed by --tls-ca')
    .option('--no-auto-create-topics', 'refuse unknown topics instead of creating them')
    .option('--partitions <count>', 'partitions of auto-created topics', '1')
    .option(
      '--profile <name>',
      'API versions to serve: default, or kafka-4 (refuse what Apache Kafka 4.x refuses, as kafka-node meets it)',
      'default',
    )
    .option('--json', 'print the addresses as JSON')
    .option('--quiet', 'do not log connection problems')
    .allowExcessArguments(false)
    .action(async (options) => {
      const { runBrokerCommand } = await import('./broker-command');
      setExitCode(await runBrokerCommand(options));
    });

  addClientOptions(
    program
      .command('compat')
      .description(
        "probe the cluster for kafka-node's requests, run the parity scenarios (common interface, and kafka-node API programs on the real kafka-node and the facade) on each backend, and with --scan list what in your code needs attention",
      )
      .option(
        '--brokers <host:port,...>',
        'cluster to use; only namespaced topics (kna-compat-*) are created and deleted there (default: a freshly started embedded broker)',
        collect,
      )
      // No commander default: `collect` would append to it, so `--backends kafkajs` would still run both backends.
      .addOption(
        new Option(
          '--backends <names>',
          `backends to compare, comma-separated (default: ${BACKEND_NAMES.join(',')})`,
        ).argParser(collect),
      )
      .option(
        '--report <file>',
        'also write the report to FILE.html (self-contained page) or FILE.json (repeatable)',
        collect,
      )
      .option('--scenario <id>', 'run only this scenario (repeatable; a prefix selects a family)', collect)
      .option(
        '--scan <dir>',
        "also scan DIR for kafka-node uses and report the emulated and unsupported ones next to the run's warnings",
      )
      .option('--json', 'print the report as JSON instead of tables'),
  ).action(async (options) => {
    const { runCompat } = await import('./compat-command');
    setExitCode(await runCompat({ ...options, scenarios: options.scenario }));
  });

  addClientOptions(
    program
      .command('probe')
      .description(
        "check whether kafka-node's requests, and each backend, work on a cluster (ApiVersions of every broker; nothing is produced)",
      )
      .option('--brokers <host:port,...>', 'cluster to probe', collect)
      .option('--timeout <ms>', 'how long to wait for each broker to answer (default 3000)')
      .option('--json', 'print the probe as JSON'),
  )
    .allowExcessArguments(false)
    .action(async (options) => {
      const { runProbeCommand } = await import('./probe-command');
      setExitCode(await runProbeCommand(options));
    });

  program
    .command('bench')
    .description(
      'measure throughput, latency and memory of raw kafka-node, raw kafkajs, the common interface and the kafka-node facade on one broker',
    )
    .option(
      '--messages <count>',
      'messages per produce/consume workload (batch-1 and >1 KB workloads send fewer; default 20000, --short 500)',
    )
    .option('--size <bytes,...>', 'message sizes in bytes (default 100,1024,10240)')
    .option('--batch <count,...>', 'messages per produce request (default 1,100)')
    .option(
      '--in-flight <count,...>',
      'produce workloads of COUNT single-message sends issued at once, then awaited together, as kafka-node programs fire sends (default 100; 0: none)',
    )
    .option('--acks <1|-1,...>', 'produce acks settings (default 1,-1)')
    .option(
      '--repetitions <count>',
      'timed runs of each workload, interleaved across contenders (default 5, --short 1)',
    )
    .option(
      '--rounds <count>',
      'run the whole bench COUNT times, each with fresh contender processes, and pool the repetitions: what differs from one process to the next (JIT choices, heap layout) then shows in the intervals instead of tilting a whole run (default 1)',
    )
    .option(
      '--workload-warmups <count>',
      'untimed runs of each workload by every contender before its timed repetitions, so that JIT compilation is done (default 1, --short 0)',
    )
    .option(
      '--warmup <count>',
      'untimed messages produced and consumed first by each contender (default 2000, --short 100)',
    )
    .option('--rate <msgs/s>', 'producer pace of the end-to-end latency workload', '1000')
    .option('--latency-messages <count>', 'messages of the latency workload (default 2000, --short 100)')
    .option(
      '--contenders <names>',
      'comma-separated subset of: kafka-node, kafkajs, confluent, common/kafka-node, common/kafkajs, common/confluent, facade/kafka-node, facade/kafkajs, facade/confluent (default: all; the confluent ones when @confluentinc/kafka-javascript is installed)',
    )
    .option(
      '--compare <a,b>',
      'print A over B per workload (client CPU per message, msg/s) with a bootstrap interval; repeatable (default: facade/X over X, common/X over X, each engine and facade/X over kafka-node)',
      collect,
    )
    .option('--seed <n>', 'seed of the bootstrap resampling (default 1)')
    .option(
      '--brokers <host:port,...>',
      'cluster to measure against (default: an embedded broker in a child process)',
      collect,
    )
    .option('--broker-in-process', "run the embedded broker in the bench's own process instead of a child process")
    .option('--json', 'print the report as JSON (validates against src/bench/schema.json) instead of a table')
    .option('--out <file>', 'also write the JSON report to FILE')
    .option('--short', 'small run for smoke tests: fewer messages, one repetition')
    .option(
      '--test-broker <runs>',
      'also time the embedded broker as a test broker: startBroker() to the first produce, by phase, RUNS fresh processes per variant (wire client / kafkajs, created / auto-created topic)',
    )
    .option(
      '--cpu-prof <dir>',
      "write a V8 CPU profile of each measurement to DIR (summarise with bench/cpuprofile-summary.ts; the profiler's cost inflates that run's figures)",
    )
    .allowExcessArguments(false)
    .action(async (options) => {
      const { runBenchCommand } = await import('./bench-command');
      setExitCode(await runBenchCommand(options));
    });

  program
    .command('scan')
    .description('list every use of the kafka-node API under DIR and what it becomes on the kafkajs backend')
    .argument('<dir>', 'directory to scan (node_modules, dist and .git are skipped)')
    .option('--json', 'print the findings as JSON')
    .option('--fix', "rewrite 'kafka-node' specifiers to 'kafka-node-adapter/kafka-node' and print the diffs")
    .action(async (dir: string, options) => {
      const { runScanCommand } = await import('./scan-command');
      setExitCode(runScanCommand(dir, { json: options.json, fix: options.fix }));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`kafka-node-adapter: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`kafka-node-adapter: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_FAILURE;
  }
  return exitCode;
}

if (require.main === module) {
  // Exit explicitly: a client library may keep a socket or timer alive after the command has finished.
  void main(process.argv).then((code) => process.exit(code));
}
