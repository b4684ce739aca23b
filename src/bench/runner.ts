import * as os from 'os';
import { createRequire } from 'module';
import { silentLogger, startBroker, type EmbeddedBroker } from '../broker';
import type { Acks } from '../common/types';
import { CONTENDERS } from './contenders';
import { forkEntry, nextMessage } from './child';
import type { ContenderPlan, ContenderRun, Measurement } from './measure';
import { buildWorkloads, type Workload } from './plan';
import { round, spread, type Spread } from './stats';
import type { BrokerProcessReply } from './broker-process';
import type { WorkerReply, WorkerRequest } from './worker';

export type BrokerMode = 'embedded-process' | 'embedded-inline' | 'external';

export interface BenchOptions {
  messages: number;
  sizes: number[];
  batches: number[];
  acks: Acks[];
  repetitions: number;
  warmupMessages: number;
  latencyRate: number;
  latencyMessages: number;
  contenders: string[];
  /** External cluster; empty: an embedded broker started by the bench. */
  brokers: string[];
  brokerMode: BrokerMode;
  short: boolean;
}

export interface WorkloadResult {
  contender: string;
  workload: string;
  type: Workload['type'];
  size: number;
  batch: number;
  acks: Acks;
  messages: number;
  msgsPerSec: Spread;
  mbPerSec: Spread;
  /** CPU time of the client's process per message, in microseconds (the broker's CPU is not counted). */
  cpuUsPerMessage: Spread;
  latencyMs?: { p50: Spread; p99: Spread };
}

export interface Ratio {
  /** e.g. "common/raw kafkajs", "kafkajs/kafka-node". */
  name: string;
  workload: string;
  /**
   * Median msgs/s of the numerator over that of the denominator (for latency: p50 over p50); names ending in " cpu"
   * compare client CPU per message instead.
   */
  value: number;
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
  schemaVersion: 1;
  date: string;
  short: boolean;
  broker: { mode: BrokerMode; runsIn: string; brokers: string[]; peakRssMiB: number | null };
  options: { messages: number; sizes: number[]; batches: number[]; acks: number[]; repetitions: number; warmupMessages: number; latencyRate: number; latencyMessages: number };
  contenders: ContenderSummary[];
  results: WorkloadResult[];
  ratios: Ratio[];
  environment: { node: string; runtime: string; platform: string; arch: string; cpus: number; cpuModel: string; memoryGiB: number; kafkajs: string; kafkaNode: string };
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
  const child = forkEntry('broker-process');
  const listening = await nextMessage(
    child,
    (message) => ((message as BrokerProcessReply).type === 'listening' ? (message as Extract<BrokerProcessReply, { type: 'listening' }>) : undefined),
    'embedded broker',
  ).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return {
    brokers: listening.brokers,
    stop: async () => {
      const stopped = nextMessage(
        child,
        (message) => ((message as BrokerProcessReply).type === 'stopped' ? (message as Extract<BrokerProcessReply, { type: 'stopped' }>) : undefined),
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

async function runInChild(plan: ContenderPlan, progress: (line: string) => void): Promise<ContenderRun> {
  const child = forkEntry('worker');
  try {
    const reply = nextMessage(
      child,
      (message) => {
        const typed = message as WorkerReply;
        return typed.type === 'done' || typed.type === 'failed' ? typed : undefined;
      },
      `contender ${plan.contender}`,
      (message) => {
        const typed = message as WorkerReply;
        if (typed.type === 'progress') progress(typed.line);
      },
    );
    child.send({ type: 'run', plan } satisfies WorkerRequest);
    const answer = await reply;
    if (answer.type === 'failed') throw new Error(answer.error);
    return answer.run;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function summarise(run: ContenderRun, workloads: Workload[]): WorkloadResult[] {
  return workloads.flatMap((workload) => {
    const runs: Measurement[] = run.measurements.filter((m) => m.workload === workload.id);
    if (runs.length === 0) return [];
    const result: WorkloadResult = {
      contender: run.contender,
      workload: workload.id,
      type: workload.type,
      size: workload.size,
      batch: workload.batch,
      acks: workload.acks,
      messages: workload.messages,
      msgsPerSec: spread(runs.map((m) => m.messages / m.seconds), 0),
      mbPerSec: spread(runs.map((m) => m.bytes / MIB / m.seconds)),
      cpuUsPerMessage: spread(runs.map((m) => (m.cpuSeconds * 1e6) / m.messages)),
    };
    if (workload.type === 'latency') {
      result.latencyMs = { p50: spread(runs.map((m) => m.latencyMs!.p50), 3), p99: spread(runs.map((m) => m.latencyMs!.p99), 3) };
    }
    return [result];
  });
}

/**
 * facade/raw and common/raw per backend, kafkajs/kafka-node for each kind, and the facade on kafkajs over raw
 * kafka-node, per workload.
 */
export function computeRatios(results: WorkloadResult[]): Ratio[] {
  const find = (contender: string, workload: string) => results.find((r) => r.contender === contender && r.workload === workload);
  const figure = (result: WorkloadResult): number => (result.type === 'latency' ? result.latencyMs!.p50.median : result.msgsPerSec.median);
  const pairs: { name: string; numerator: (backend: string) => string; denominator: (backend: string) => string; backends: string[] }[] = [
    { name: 'common/raw', numerator: (b) => `common/${b}`, denominator: (b) => b, backends: ['kafka-node', 'kafkajs'] },
    { name: 'facade/raw', numerator: (b) => `facade/${b}`, denominator: (b) => b, backends: ['kafka-node', 'kafkajs'] },
  ];
  const ratios: Ratio[] = [];
  const workloads = [...new Set(results.map((r) => r.workload))];
  for (const workload of workloads) {
    for (const pair of pairs) {
      for (const backend of pair.backends) {
        const top = find(pair.numerator(backend), workload);
        const bottom = find(pair.denominator(backend), workload);
        if (top && bottom && figure(bottom) > 0) ratios.push({ name: `${pair.name} ${backend}`, workload, value: round(figure(top) / figure(bottom), 3) });
        // The layer's overhead in CPU per message (above 1: the layer costs more), steadier than throughput on a busy machine.
        if (top && bottom && bottom.cpuUsPerMessage.median > 0) {
          ratios.push({ name: `${pair.name} ${backend} cpu`, workload, value: round(top.cpuUsPerMessage.median / bottom.cpuUsPerMessage.median, 3) });
        }
      }
    }
    for (const prefix of ['', 'common/', 'facade/']) {
      const top = find(`${prefix}kafkajs`, workload);
      const bottom = find(`${prefix}kafka-node`, workload);
      if (top && bottom && figure(bottom) > 0) ratios.push({ name: `${prefix}kafkajs/${prefix}kafka-node`, workload, value: round(figure(top) / figure(bottom), 3) });
    }
    // The project's promise: kafka-node code, unchanged, on the kafkajs backend against kafka-node itself.
    const facadeOnKafkajs = find('facade/kafkajs', workload);
    const rawKafkaNode = find('kafka-node', workload);
    if (facadeOnKafkajs && rawKafkaNode && figure(rawKafkaNode) > 0) {
      ratios.push({ name: 'facade/kafkajs/kafka-node', workload, value: round(figure(facadeOnKafkajs) / figure(rawKafkaNode), 3) });
    }
  }
  return ratios;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(__filename)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Runs every selected contender (each in its own child process) against one broker, and builds the report. */
export async function runBench(options: BenchOptions, progress: (line: string) => void): Promise<BenchReport> {
  const workloads = buildWorkloads({
    messages: options.messages,
    sizes: options.sizes,
    batches: options.batches,
    acks: options.acks,
    latencyRate: options.latencyRate,
    latencyMessages: options.latencyMessages,
    latencySize: options.sizes.includes(1024) ? 1024 : options.sizes[0]!,
  });
  const broker = await startBenchBroker(options);
  progress(`broker: ${broker.brokers.join(',')} (${RUNS_IN[options.brokerMode]})`);
  const runId = Date.now().toString(36);
  const contenders: ContenderSummary[] = [];
  const results: WorkloadResult[] = [];
  let brokerPeakRssMiB: number | null = null;
  try {
    for (const name of options.contenders) {
      const definition = CONTENDERS.find((c) => c.name === name)!;
      const plan: ContenderPlan = { contender: name, brokers: broker.brokers, runId, repetitions: options.repetitions, warmupMessages: options.warmupMessages, workloads };
      try {
        const run = await runInChild(plan, progress);
        results.push(...summarise(run, workloads));
        const rss = { afterWarmup: round(run.rssMiB.afterWarmup, 1), end: round(run.rssMiB.end, 1), peak: round(run.rssMiB.peak, 1) };
        contenders.push({ name, backend: definition.backend, kind: definition.kind, rssMiB: rss, error: null });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        progress(`${name}: failed: ${message}`);
        contenders.push({ name, backend: definition.backend, kind: definition.kind, rssMiB: null, error: message });
      }
    }
  } finally {
    brokerPeakRssMiB = await broker.stop();
  }
  const cpus = os.cpus();
  return {
    benchmark: 'kafka-node-adapter',
    schemaVersion: 1,
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
      acks: options.acks,
      repetitions: options.repetitions,
      warmupMessages: options.warmupMessages,
      latencyRate: options.latencyRate,
      latencyMessages: options.latencyMessages,
    },
    contenders,
    results,
    ratios: computeRatios(results),
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
    },
  };
}
