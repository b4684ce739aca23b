import * as os from 'os';
import { createRequire } from 'module';
import { silentLogger, startBroker, type EmbeddedBroker } from '../broker';
import type { Acks } from '../common/types';
import { CONTENDERS } from './contenders';
import { forkBroker, forkEntry, nextMessage } from './child';
import type { ContenderPlan, ContenderRun, Measurement } from './measure';
import { buildWorkloads, type Workload } from './plan';
import { pairedRatioInterval, round, spread, type BootstrapOptions, type RatioInterval, type Spread } from './stats';
import type { BrokerProcessReply } from './broker-process';
import { checkTargets, type TargetCheck } from './targets';
import { measureTestBroker, type TestBrokerReport } from './test-broker';
import type { WorkerReply, WorkerRequest } from './worker';

export type BrokerMode = 'embedded-process' | 'embedded-inline' | 'external';

export interface BenchOptions {
  messages: number;
  sizes: number[];
  batches: number[];
  inFlight: number[];
  acks: Acks[];
  repetitions: number;
  /**
   * Whole runs, each with fresh contender processes (same broker); their repetitions are pooled, numbered on from the
   * previous round's, so that process-to-process differences fall inside the intervals.
   */
  rounds: number;
  /** Untimed runs of each workload by every contender before its timed repetitions (JIT and caches warm). */
  workloadWarmups: number;
  warmupMessages: number;
  latencyRate: number;
  latencyMessages: number;
  contenders: string[];
  /** Pairs whose ratios (with bootstrap intervals) the report carries. */
  compare: ComparisonPair[];
  /** Seed of the bootstrap resampling: the same data and seed give the same intervals. */
  seed: number;
  /** External cluster; empty: an embedded broker started by the bench. */
  brokers: string[];
  brokerMode: BrokerMode;
  short: boolean;
  /** Fresh-process runs of each embedded-broker startup variant (0: none). */
  testBrokerRuns: number;
  /** Write a V8 CPU profile of every measurement here (for profiles only: the profiler inflates the figures). */
  cpuProfileDir?: string;
}

export interface WorkloadResult {
  contender: string;
  workload: string;
  type: Workload['type'];
  size: number;
  batch: number;
  inFlight?: number;
  acks: Acks;
  messages: number;
  msgsPerSec: Spread;
  mbPerSec: Spread;
  /** CPU time of the client's process per message, in microseconds (the broker's CPU is not counted). */
  cpuUsPerMessage: Spread;
  /**
   * The part of it on the main thread, which runs the client's JavaScript (Linux): the rest is V8's garbage
   * collection and compiler threads and libuv's pool.
   */
  mainThreadCpuUsPerMessage?: Spread;
  latencyMs?: { p50: Spread; p99: Spread };
}

/** A pair of contenders compared workload by workload: numerator over denominator. */
export interface ComparisonPair {
  numerator: string;
  denominator: string;
}

export interface Comparison extends ComparisonPair {
  workload: string;
  /** Interleaved repetitions measured by both (each pair ran back to back). */
  pairs: number;
  /** Client CPU time per message, numerator over denominator: the primary figure (above 1: the numerator costs more). */
  cpuPerMessage: RatioInterval;
  /** The same on the main thread only (Linux), where the client's JavaScript runs: garbage collection threads left out. */
  mainThreadCpuPerMessage?: RatioInterval;
  /** Messages per second, numerator over denominator (above 1: the numerator is faster). */
  throughput: RatioInterval;
  /** Latency workloads: p50 and p99, numerator over denominator (above 1: the numerator is slower). */
  latencyP50?: RatioInterval;
  latencyP99?: RatioInterval;
}

export interface ContenderSummary {
  name: string;
  backend: string;
  kind: string;
  rssMiB: { afterWarmup: number; end: number; peak: number } | null;
  error: string | null;
}

export interface BenchReport {
  benchmark: 'kafka-node-adapter';
  schemaVersion: 2;
  date: string;
  short: boolean;
  broker: { mode: BrokerMode; runsIn: string; brokers: string[]; peakRssMiB: number | null };
  options: {
    messages: number;
    sizes: number[];
    batches: number[];
    inFlight: number[];
    acks: number[];
    repetitions: number;
    rounds: number;
    workloadWarmups: number;
    warmupMessages: number;
    latencyRate: number;
    latencyMessages: number;
  };
  /** How runs were ordered and how intervals were computed. */
  method: {
    order: 'interleaved';
    statistic: string;
    interval: string;
    confidence: number;
    resamples: number;
    seed: number;
  };
  contenders: ContenderSummary[];
  results: WorkloadResult[];
  comparisons: Comparison[];
  /** Issue 14's targets checked on the comparisons above (each judged on its interval's far end). */
  targets: TargetCheck[];
  /** The embedded broker as a test broker: startBroker() to the first produce, by phase (null unless asked for). */
  testBroker: TestBrokerReport | null;
  environment: {
    node: string;
    runtime: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    kafkajs: string;
    kafkaNode: string;
    /** @confluentinc/kafka-javascript and its librdkafka, or 'not installed'. */
    confluent: string;
  };
}

const RUNS_IN: Record<BrokerMode, string> = {
  'embedded-process': 'a child process of its own (no CPU or event loop shared with the client)',
  'embedded-inline': "the bench's main process (clients run in their own child processes)",
  external: 'an external cluster (--brokers)',
};

const MIB = 1024 * 1024;

interface BrokerHandle {
  brokers: string[];
  stop(): Promise<number | null>;
}

async function startBenchBroker(options: BenchOptions): Promise<BrokerHandle> {
  if (options.brokerMode === 'external') return { brokers: options.brokers, stop: async () => null };
  if (options.brokerMode === 'embedded-inline') {
    const broker: EmbeddedBroker = await startBroker({ port: 0, logger: silentLogger });
    return {
      brokers: broker.brokers,
      stop: async () => {
        await broker.stop();
        return null;
      },
    };
  }
  const { child, brokers } = await forkBroker();
  return {
    brokers,
    stop: async () => {
      const stopped = nextMessage(
        child,
        (message) =>
          (message as BrokerProcessReply).type === 'stopped'
            ? (message as Extract<BrokerProcessReply, { type: 'stopped' }>)
            : undefined,
        'embedded broker',
      );
      child.send({ type: 'stop' });
      const forced = setTimeout(() => child.kill('SIGKILL'), 10000);
      try {
        return (await stopped).peakRssMiB;
      } catch {
        return null;
      } finally {
        clearTimeout(forced);
      }
    },
  };
}

interface WorkerHandle {
  readonly pid: number | undefined;
  measure(workload: Workload, repetition: number): Promise<Measurement>;
  close(): Promise<ContenderRun['rssMiB']>;
  kill(): void;
}

/** One contender in a child process of its own, connected and warmed up, waiting for measurements. */
async function startWorker(plan: ContenderPlan, progress: (line: string) => void): Promise<WorkerHandle> {
  const child = forkEntry('worker');
  const request = async <T extends WorkerReply['type']>(
    message: WorkerRequest,
    expected: T,
  ): Promise<Extract<WorkerReply, { type: T }>> => {
    const reply = nextMessage(
      child,
      (answer) => {
        const typed = answer as WorkerReply;
        return typed.type === expected || typed.type === 'failed' ? typed : undefined;
      },
      `contender ${plan.contender}`,
      (answer) => {
        const typed = answer as WorkerReply;
        if (typed.type === 'progress') progress(typed.line);
      },
    );
    child.send(message);
    const answer = await reply;
    if (answer.type === 'failed') throw new Error(answer.error);
    return answer as Extract<WorkerReply, { type: T }>;
  };
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  };
  try {
    await request({ type: 'open', plan }, 'opened');
  } catch (error) {
    kill();
    throw error;
  }
  return {
    pid: child.pid,
    measure: async (workload, repetition) =>
      (await request({ type: 'measure', workload, repetition }, 'measured')).measurement,
    close: async () => {
      try {
        return (await request({ type: 'close' }, 'closed')).rssMiB;
      } finally {
        kill();
      }
    },
    kill,
  };
}

function summarise(contender: string, measurements: Measurement[], workloads: Workload[]): WorkloadResult[] {
  return workloads.flatMap((workload) => {
    const runs = measurements.filter((m) => m.workload === workload.id);
    if (runs.length === 0) return [];
    const result: WorkloadResult = {
      contender,
      workload: workload.id,
      type: workload.type,
      size: workload.size,
      batch: workload.batch,
      acks: workload.acks,
      ...(workload.inFlight ? { inFlight: workload.inFlight } : {}),
      messages: workload.messages,
      msgsPerSec: spread(
        runs.map((m) => m.messages / m.seconds),
        0,
      ),
      mbPerSec: spread(runs.map((m) => m.bytes / MIB / m.seconds)),
      cpuUsPerMessage: spread(runs.map(cpuUsPerMessage)),
    };
    if (runs.every((m) => m.threadCpuSeconds !== undefined))
      result.mainThreadCpuUsPerMessage = spread(runs.map(mainThreadCpuUsPerMessage));
    if (workload.type === 'latency') {
      result.latencyMs = {
        p50: spread(
          runs.map((m) => m.latencyMs!.p50),
          3,
        ),
        p99: spread(
          runs.map((m) => m.latencyMs!.p99),
          3,
        ),
      };
    }
    return [result];
  });
}

function cpuUsPerMessage(measurement: Measurement): number {
  return (measurement.cpuSeconds * 1e6) / measurement.messages;
}

function mainThreadCpuUsPerMessage(measurement: Measurement): number {
  return (measurement.threadCpuSeconds!.main * 1e6) / measurement.messages;
}

/**
 * The pairs compared when --compare is not given: each layer over its raw engine, each other engine over kafka-node,
 * and the project's promise, kafka-node code unchanged on another engine over kafka-node itself.
 */
export function defaultComparisons(contenders: readonly string[]): ComparisonPair[] {
  const pairs: ComparisonPair[] = [];
  for (const backend of ['kafka-node', 'kafkajs', 'confluent']) {
    pairs.push(
      { numerator: `facade/${backend}`, denominator: backend },
      { numerator: `common/${backend}`, denominator: backend },
    );
  }
  for (const engine of ['kafkajs', 'confluent']) {
    pairs.push(
      { numerator: engine, denominator: 'kafka-node' },
      { numerator: `facade/${engine}`, denominator: 'kafka-node' },
    );
  }
  return pairs.filter((pair) => contenders.includes(pair.numerator) && contenders.includes(pair.denominator));
}

export const BOOTSTRAP = { resamples: 10000, confidence: 0.95 } as const;

/** Ratios with paired bootstrap intervals, per workload, from the repetitions both contenders of a pair measured. */
export function compare(
  measurements: ReadonlyMap<string, Measurement[]>,
  pairs: readonly ComparisonPair[],
  workloads: readonly Workload[],
  seed: number,
): Comparison[] {
  const bootstrap: BootstrapOptions = { seed, ...BOOTSTRAP };
  const comparisons: Comparison[] = [];
  for (const pair of pairs) {
    for (const workload of workloads) {
      const runsOf = (contender: string) =>
        new Map(
          (measurements.get(contender) ?? []).filter((m) => m.workload === workload.id).map((m) => [m.repetition, m]),
        );
      const top = runsOf(pair.numerator);
      const bottom = runsOf(pair.denominator);
      const both = [...top.keys()].filter((repetition) => bottom.has(repetition)).sort((a, b) => a - b);
      if (both.length === 0) continue;
      const series = (figure: (m: Measurement) => number): RatioInterval =>
        pairedRatioInterval(
          both.map((repetition) => figure(top.get(repetition)!)),
          both.map((repetition) => figure(bottom.get(repetition)!)),
          bootstrap,
        );
      const comparison: Comparison = {
        ...pair,
        workload: workload.id,
        pairs: both.length,
        cpuPerMessage: series(cpuUsPerMessage),
        throughput: series((m) => m.messages / m.seconds),
      };
      const measuredByThread = (runs: Map<number, Measurement>) =>
        both.every((repetition) => runs.get(repetition)!.threadCpuSeconds !== undefined);
      if (measuredByThread(top) && measuredByThread(bottom))
        comparison.mainThreadCpuPerMessage = series(mainThreadCpuUsPerMessage);
      if (workload.type === 'latency') {
        comparison.latencyP50 = series((m) => m.latencyMs!.p50);
        comparison.latencyP99 = series((m) => m.latencyMs!.p99);
      }
      comparisons.push(comparison);
    }
  }
  return comparisons;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(__filename)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function confluentVersion(): string {
  const version = packageVersion('@confluentinc/kafka-javascript');
  if (version === 'unknown') return 'not installed';
  try {
    // The native binding is loaded only to name its librdkafka; a missing build is reported, not thrown.
    const library = createRequire(__filename)('@confluentinc/kafka-javascript') as { librdkafkaVersion: string };
    return `${version} (librdkafka ${library.librdkafkaVersion})`;
  } catch {
    return `${version} (native module not built)`;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the selected contenders against one broker, each in a child process of its own that stays connected, with
 * the runs interleaved: for each workload, repetition 1 of every contender (A B C ...), then repetition 2, and so on,
 * so that a change of load on the machine hits every contender alike. Then builds the report.
 */
export async function runBench(options: BenchOptions, progress: (line: string) => void): Promise<BenchReport> {
  const workloads = buildWorkloads({
    messages: options.messages,
    sizes: options.sizes,
    batches: options.batches,
    inFlight: options.inFlight,
    acks: options.acks,
    latencyRate: options.latencyRate,
    latencyMessages: options.latencyMessages,
    latencySize: options.sizes.includes(1024) ? 1024 : options.sizes[0]!,
    endToEndSize: options.sizes.includes(1024) ? 1024 : options.sizes[0]!,
  });
  const broker = await startBenchBroker(options);
  progress(`broker: ${broker.brokers.join(',')} (${RUNS_IN[options.brokerMode]})`);
  const runId = Date.now().toString(36);
  const errors = new Map<string, string>();
  const rss = new Map<string, ContenderRun['rssMiB']>();
  const measurements = new Map<string, Measurement[]>(options.contenders.map((name) => [name, []]));
  const workers = new Map<string, WorkerHandle>();
  const fail = (name: string, error: unknown): void => {
    progress(`${name}: failed: ${describe(error)}`);
    errors.set(name, describe(error));
    workers.get(name)?.kill();
    workers.delete(name);
  };
  let brokerPeakRssMiB: number | null = null;
  try {
    for (let round = 1; round <= options.rounds; round++) {
      if (options.rounds > 1) progress(`round ${round} of ${options.rounds}: fresh contender processes`);
      await runRound(round, options.rounds > 1 ? `${runId}r${round}` : runId);
    }
  } finally {
    for (const worker of workers.values()) worker.kill();
    brokerPeakRssMiB = await broker.stop();
  }

  /** One whole run: every contender in a fresh process, every workload, repetitions numbered on from the last round. */
  async function runRound(round: number, roundId: string): Promise<void> {
    const active = options.contenders.filter((name) => !errors.has(name));
    // The contenders start side by side (loading a client library is most of a start); none measures before all
    // have started, so a start never overlaps a measurement.
    await Promise.all(
      active.map(async (name) => {
        try {
          workers.set(
            name,
            await startWorker(
              {
                contender: name,
                brokers: broker.brokers,
                runId: roundId,
                warmupMessages: options.warmupMessages,
                ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}),
              },
              progress,
            ),
          );
        } catch (error) {
          fail(name, error);
        }
      }),
    );
    if (options.rounds > 1) {
      const processes = active.filter((name) => workers.has(name)).map((name) => `${name} ${workers.get(name)!.pid}`);
      progress(`round ${round} processes: ${processes.join(', ')}`);
    }
    const numberedFrom = (round - 1) * options.repetitions;
    for (const workload of workloads) {
      // Repetitions up to 0 are the workload's warm-up runs: measured as the others, then left out.
      for (let repetition = 1 - options.workloadWarmups; repetition <= options.repetitions; repetition++) {
        const numbered = repetition >= 1 ? repetition + numberedFrom : repetition;
        for (const name of active) {
          const worker = workers.get(name);
          if (!worker) continue;
          try {
            const measurement = await worker.measure(workload, numbered);
            if (repetition >= 1) measurements.get(name)!.push(measurement);
          } catch (error) {
            fail(name, error);
          }
        }
      }
    }
    for (const [name, worker] of [...workers]) {
      try {
        const figures = await worker.close();
        const earlier = rss.get(name);
        // Over several rounds, each figure is the largest any of the contender's processes reached.
        rss.set(
          name,
          earlier
            ? {
                afterWarmup: Math.max(earlier.afterWarmup, figures.afterWarmup),
                end: Math.max(earlier.end, figures.end),
                peak: Math.max(earlier.peak, figures.peak),
              }
            : figures,
        );
        workers.delete(name);
      } catch (error) {
        fail(name, error);
      }
    }
  }
  // After the contenders, so that neither competes with the other for the cores.
  const testBroker = options.testBrokerRuns > 0 ? await measureTestBroker(options.testBrokerRuns, progress) : null;
  const contenders: ContenderSummary[] = options.contenders.map((name) => {
    const definition = CONTENDERS.find((c) => c.name === name)!;
    const figures = rss.get(name);
    return {
      name,
      backend: definition.backend,
      kind: definition.kind,
      rssMiB:
        figures && !errors.has(name)
          ? { afterWarmup: round(figures.afterWarmup, 1), end: round(figures.end, 1), peak: round(figures.peak, 1) }
          : null,
      error: errors.get(name) ?? null,
    };
  });
  const cpus = os.cpus();
  const comparisons = compare(measurements, options.compare, workloads, options.seed);
  return {
    benchmark: 'kafka-node-adapter',
    schemaVersion: 2,
    date: new Date().toISOString(),
    short: options.short,
    broker: {
      mode: options.brokerMode,
      runsIn: RUNS_IN[options.brokerMode],
      brokers: broker.brokers,
      peakRssMiB: brokerPeakRssMiB === null ? null : round(brokerPeakRssMiB, 1),
    },
    options: {
      messages: options.messages,
      sizes: options.sizes,
      batches: options.batches,
      inFlight: options.inFlight,
      acks: options.acks,
      repetitions: options.repetitions,
      rounds: options.rounds,
      workloadWarmups: options.workloadWarmups,
      warmupMessages: options.warmupMessages,
      latencyRate: options.latencyRate,
      latencyMessages: options.latencyMessages,
    },
    method: {
      order: 'interleaved',
      statistic: 'ratio of means over the repetitions both contenders ran',
      interval: 'paired percentile bootstrap over the interleaved repetitions',
      confidence: BOOTSTRAP.confidence,
      resamples: BOOTSTRAP.resamples,
      seed: options.seed,
    },
    contenders,
    results: options.contenders.flatMap((name) => summarise(name, measurements.get(name)!, workloads)),
    comparisons,
    targets: checkTargets(comparisons),
    testBroker,
    environment: {
      node: process.version,
      // ts-node (running from sources) adds about 50 MiB to every process's RSS.
      runtime: __filename.endsWith('.ts') ? 'ts-node (TypeScript sources)' : 'compiled JavaScript',
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
      kafkajs: packageVersion('kafkajs'),
      kafkaNode: packageVersion('kafka-node'),
      confluent: confluentVersion(),
    },
  };
}
