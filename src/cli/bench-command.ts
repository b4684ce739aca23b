import * as fs from 'fs';
import * as path from 'path';
import type { Acks } from '../common/types';
import { CONTENDERS, contenderInstalled } from '../bench/contenders';
import { defaultComparisons, runBench, type BenchOptions, type BrokerMode, type ComparisonPair } from '../bench/runner';
import { formatBenchTable } from '../bench/table';
import { UsageError } from './usage-error';

export interface BenchCommandOptions {
  messages?: string;
  size?: string;
  batch?: string;
  inFlight?: string;
  acks?: string;
  repetitions?: string;
  rounds?: string;
  workloadWarmups?: string;
  warmup?: string;
  rate?: string;
  latencyMessages?: string;
  contenders?: string;
  compare?: string[];
  seed?: string;
  brokers?: string[];
  brokerInProcess?: boolean;
  json?: boolean;
  out?: string;
  short?: boolean;
  cpuProf?: string;
  testBroker?: string;
}

const DEFAULT_SIZES = [100, 1024, 10240];
/** Short mode: small enough for a test (a few seconds per contender), large enough to exercise every workload. */
const SHORT = { messages: 500, repetitions: 1, workloadWarmups: 0, warmup: 100, latencyMessages: 100 };
const FULL = { messages: 20000, repetitions: 5, workloadWarmups: 1, warmup: 2000, latencyMessages: 2000 };
/** The latency payload starts with an 8-byte send timestamp. */
const MIN_SIZE = 8;

function wholeNumber(value: string, name: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

function list<T>(value: string, name: string, parse: (item: string) => T): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${name} needs at least one value`);
  return [...new Set(items.map(parse))];
}

function parseAcks(item: string): Acks {
  if (item === '1') return 1;
  if (item === '-1' || item === 'all') return -1;
  throw new UsageError(`--acks takes 1, -1 (or all), comma-separated; got "${item}"`);
}

function parseContenders(value: string | undefined): string[] {
  const known = CONTENDERS.map((c) => c.name);
  if (value === undefined) return CONTENDERS.filter(contenderInstalled).map((c) => c.name);
  return list(value, '--contenders', (name) => {
    if (!known.includes(name)) throw new UsageError(`unknown contender "${name}"; known: ${known.join(', ')}`);
    return name;
  });
}

/** `--compare A,B` (repeatable): A over B. */
function parseCompare(values: string[] | undefined): ComparisonPair[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const known = CONTENDERS.map((c) => c.name);
  return values.map((value) => {
    const names = value.split(',').map((name) => name.trim());
    if (names.length !== 2 || names[0] === names[1])
      throw new UsageError(`--compare takes two different contenders, numerator first: A,B; got "${value}"`);
    for (const name of names)
      if (!known.includes(name))
        throw new UsageError(`unknown contender "${name}" in --compare; known: ${known.join(', ')}`);
    return { numerator: names[0]!, denominator: names[1]! };
  });
}

function parseBrokers(values: string[] | undefined): string[] {
  const brokers = (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(broker)) throw new UsageError(`--brokers takes host:port,...; got "${broker}"`);
  }
  return brokers;
}

/** Turns the command line into bench options; every mistake is a UsageError before anything starts. */
export function benchOptionsFrom(options: BenchCommandOptions): BenchOptions {
  const defaults = options.short ? SHORT : FULL;
  const brokers = parseBrokers(options.brokers);
  if (brokers.length > 0 && options.brokerInProcess)
    throw new UsageError('--broker-in-process applies to the embedded broker only; drop it or --brokers');
  const compare = parseCompare(options.compare);
  let contenders = parseContenders(options.contenders);
  if (compare && options.contenders === undefined) {
    // Only the compared contenders run, in registry order.
    const named = new Set(compare.flatMap((pair) => [pair.numerator, pair.denominator]));
    contenders = CONTENDERS.map((c) => c.name).filter((name) => named.has(name));
  }
  for (const pair of compare ?? []) {
    for (const name of [pair.numerator, pair.denominator])
      if (!contenders.includes(name)) throw new UsageError(`--compare names "${name}", which --contenders leaves out`);
  }
  const brokerMode: BrokerMode =
    brokers.length > 0 ? 'external' : options.brokerInProcess ? 'embedded-inline' : 'embedded-process';
  return {
    messages:
      options.messages === undefined ? defaults.messages : wholeNumber(options.messages, '--messages', 1, 100_000_000),
    sizes:
      options.size === undefined
        ? DEFAULT_SIZES
        : list(options.size, '--size', (item) => wholeNumber(item, '--size', MIN_SIZE, 10 * 1024 * 1024)),
    batches:
      options.batch === undefined
        ? [1, 100]
        : list(options.batch, '--batch', (item) => wholeNumber(item, '--batch', 1, 100_000)),
    inFlight:
      options.inFlight === undefined
        ? [100]
        : options.inFlight === '0'
          ? []
          : list(options.inFlight, '--in-flight', (item) => wholeNumber(item, '--in-flight', 1, 100_000)),
    acks: options.acks === undefined ? [1, -1] : list(options.acks, '--acks', parseAcks),
    repetitions:
      options.repetitions === undefined
        ? defaults.repetitions
        : wholeNumber(options.repetitions, '--repetitions', 1, 100),
    rounds: options.rounds === undefined ? 1 : wholeNumber(options.rounds, '--rounds', 1, 20),
    workloadWarmups:
      options.workloadWarmups === undefined
        ? defaults.workloadWarmups
        : wholeNumber(options.workloadWarmups, '--workload-warmups', 0, 100),
    warmupMessages:
      options.warmup === undefined ? defaults.warmup : wholeNumber(options.warmup, '--warmup', 0, 10_000_000),
    latencyRate: options.rate === undefined ? 1000 : wholeNumber(options.rate, '--rate', 1, 1_000_000),
    latencyMessages:
      options.latencyMessages === undefined
        ? defaults.latencyMessages
        : wholeNumber(options.latencyMessages, '--latency-messages', 1, 10_000_000),
    contenders,
    compare: compare ?? defaultComparisons(contenders),
    seed: options.seed === undefined ? 1 : wholeNumber(options.seed, '--seed', 0, 2 ** 32 - 1),
    brokers,
    brokerMode,
    short: options.short === true,
    testBrokerRuns: options.testBroker === undefined ? 0 : wholeNumber(options.testBroker, '--test-broker', 1, 100),
    ...(options.cpuProf ? { cpuProfileDir: path.resolve(options.cpuProf) } : {}),
  };
}

/**
 * `kafka-node-adapter bench`: measures every contender against one broker and prints a table (or JSON). Exit code 0
 * when every contender ran, 1 when one failed.
 */
export async function runBenchCommand(
  options: BenchCommandOptions,
  out: NodeJS.WritableStream = process.stdout,
  progress: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const benchOptions = benchOptionsFrom(options);
  const report = await runBench(benchOptions, (line) => progress.write(`${line}\n`));
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out) fs.writeFileSync(options.out, json);
  out.write(options.json ? json : formatBenchTable(report));
  return report.contenders.some((c) => c.error !== null) ? 1 : 0;
}
