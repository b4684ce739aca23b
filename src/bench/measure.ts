import { createKafka } from '../kafka';
import type { Admin } from '../common/types';
import type { Workload } from './plan';
import { MeasurementProfiler } from './profiler';
import { percentile } from './stats';
import { threadCpu, threadCpuSince, type ThreadCpu } from './thread-cpu';
import type { ConsumeOptions, Consumption, Contender, ContenderDefinition } from './types';

/** One timed run of one workload. */
export interface Measurement {
  workload: string;
  repetition: number;
  messages: number;
  bytes: number;
  seconds: number;
  /** CPU time (user + system) of the contender's process over the same interval: unlike seconds, it hardly moves
   * when other processes compete for the cores, so it is the steadier measure of a layer's overhead. */
  cpuSeconds: number;
  /**
   * The same CPU time split by thread (Linux): the main thread runs the client's JavaScript, the others are V8's
   * garbage collector and compiler threads and libuv's pool. Absent where /proc is not available.
   */
  threadCpuSeconds?: { main: number; other: number };
  /** Latency workloads: end-to-end milliseconds from just before the send to the consumer's handler. */
  latencyMs?: { p50: number; p90: number; p99: number; max: number };
}

export interface ContenderRun {
  contender: string;
  measurements: Measurement[];
  /** Resident set sizes of the contender's own process (the broker runs elsewhere). */
  rssMiB: { afterWarmup: number; end: number; peak: number };
}

export interface ContenderPlan {
  contender: string;
  brokers: string[];
  runId: string;
  warmupMessages: number;
  /** Profile each measurement (V8's CPU profiler) into this directory; the profiler's cost inflates the figures. */
  cpuProfileDir?: string;
}

const MIB = 1024 * 1024;

function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface CpuMark {
  usage: NodeJS.CpuUsage;
  threads: ThreadCpu | null;
}

// The per-thread window sits inside the process window (process mark first at the start, last at the end), so the
// main thread's time never exceeds the process's: reading /proc costs the main thread a few milliseconds, which a
// short run would otherwise count for the thread and not for the process.
function cpuMark(): CpuMark {
  const usage = process.cpuUsage();
  return { usage, threads: threadCpu() };
}

/** The process's CPU time since `start` and, where /proc has it, its split by thread. */
function cpuSince(start: CpuMark): Pick<Measurement, 'cpuSeconds' | 'threadCpuSeconds'> {
  const threads = threadCpuSince(start.threads);
  const used = process.cpuUsage(start.usage);
  return { cpuSeconds: (used.user + used.system) / 1e6, ...(threads ? { threadCpuSeconds: threads } : {}) };
}

/**
 * Waits for a closing step, at most CLOSE_STEP_MS, ignoring its failure. The timer also keeps the process alive: a
 * client whose close never calls back and holds no handle any more would otherwise let the worker exit (code 0)
 * before it reports its RSS.
 */
function bounded(step: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_STEP_MS);
    step
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

const CLOSE_STEP_MS = 15000;

/** How long a group member may take to get its assignment before the measurement fails. */
const JOIN_DEADLINE_MS = 90000;

/** The contender's member of `groupId`, once assigned; fails after JOIN_DEADLINE_MS instead of waiting forever. */
function joinGroup(contender: Contender, options: ConsumeOptions): Promise<Consumption> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.groupId}: no assignment within ${JOIN_DEADLINE_MS / 1000} s of joining`)),
      JOIN_DEADLINE_MS,
    );
    contender.consume(options).then(
      (consumption) => {
        clearTimeout(timer);
        resolve(consumption);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Resolves once `target` values have been counted by `count`, or fails after a deadline scaled to the work. */
function counter(target: number, what: string, onValue?: (value: Buffer) => void) {
  let received = 0;
  let bytes = 0;
  let resolveDone!: () => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const timer = setTimeout(
    () => rejectDone(new Error(`${what}: received ${received} of ${target} messages within the deadline`)),
    60000 + target * 5,
  );
  const settled = done.finally(() => clearTimeout(timer));
  // Failing before anyone awaits it (a member still joining) must not crash the worker: the join has its own deadline.
  settled.catch(() => undefined);
  return {
    done: settled,
    get received() {
      return received;
    },
    get bytes() {
      return bytes;
    },
    onValues(values: Buffer[]) {
      for (const value of values) {
        received++;
        bytes += value.length;
        onValue?.(value);
      }
      if (received >= target) resolveDone();
    },
  };
}

async function produceAll(contender: Contender, topic: string, workload: Workload, value: Buffer): Promise<void> {
  const step = workload.inFlight ?? workload.batch;
  const full = Array.from({ length: step }, () => value);
  for (let sent = 0; sent < workload.messages; sent += step) {
    const count = Math.min(step, workload.messages - sent);
    const values = count === full.length ? full : full.slice(0, count);
    await (workload.inFlight
      ? contender.produceEach(topic, values, workload.acks)
      : contender.produce(topic, values, workload.acks));
  }
}

async function measureProduce(
  contender: Contender,
  topic: string,
  workload: Workload,
): Promise<Omit<Measurement, 'repetition'>> {
  const value = Buffer.alloc(workload.size, 'x');
  const cpu = cpuMark();
  const start = process.hrtime.bigint();
  await produceAll(contender, topic, workload, value);
  const seconds = elapsedSeconds(start);
  return {
    workload: workload.id,
    messages: workload.messages,
    bytes: workload.messages * workload.size,
    seconds,
    ...cpuSince(cpu),
  };
}

async function measureConsume(
  contender: Contender,
  topic: string,
  groupId: string,
  workload: Workload,
): Promise<Omit<Measurement, 'repetition'>> {
  await produceAll(contender, topic, workload, Buffer.alloc(workload.size, 'x'));
  const count = counter(workload.messages, workload.id);
  const joinCpu = cpuMark();
  const joinStart = process.hrtime.bigint();
  const consumption = await joinGroup(contender, { topic, groupId, onValues: (values) => count.onValues(values) });
  // Timed (wall clock and CPU) from the assignment, so that the group join, a fixed cost that a short run would
  // otherwise spread over its messages, stays out; should a fast client already have data by then, from the join.
  const joined = count.received === 0;
  const start = joined ? process.hrtime.bigint() : joinStart;
  const cpu = joined ? cpuMark() : joinCpu;
  return untilReceived(workload, count, consumption, start, cpu, async () => undefined);
}

/**
 * Runs `work`, then waits for the member to have received every message; timed from `start` and `cpu` to the last
 * message. The member leaves in any case.
 */
async function untilReceived(
  workload: Workload,
  count: ReturnType<typeof counter>,
  consumption: Consumption,
  start: bigint,
  cpu: CpuMark,
  work: () => Promise<void>,
): Promise<Omit<Measurement, 'repetition'>> {
  let seconds: number;
  let cpuUsed: ReturnType<typeof cpuSince>;
  try {
    await work();
    await count.done;
    seconds = elapsedSeconds(start);
    cpuUsed = cpuSince(cpu);
  } finally {
    await consumption.stop();
  }
  return { workload: workload.id, messages: count.received, bytes: count.bytes, seconds, ...cpuUsed };
}

/** Produce N and consume N at once: wall and CPU time from the first send to the last message received. */
async function measureProduceConsume(
  contender: Contender,
  topic: string,
  groupId: string,
  workload: Workload,
): Promise<Omit<Measurement, 'repetition'>> {
  const count = counter(workload.messages, workload.id);
  // The member joins (and is assigned the empty topic) before the clock starts, as in the consume workload.
  const consumption = await joinGroup(contender, { topic, groupId, onValues: (values) => count.onValues(values) });
  const value = Buffer.alloc(workload.size, 'x');
  const cpu = cpuMark();
  const start = process.hrtime.bigint();
  return untilReceived(workload, count, consumption, start, cpu, () => produceAll(contender, topic, workload, value));
}

async function measureLatency(
  contender: Contender,
  topic: string,
  groupId: string,
  workload: Workload,
): Promise<Omit<Measurement, 'repetition'>> {
  const latencies: number[] = [];
  const count = counter(workload.messages, workload.id, (value) => {
    latencies.push(Number(process.hrtime.bigint() - value.readBigInt64BE(0)) / 1e6);
  });
  const consumption = await joinGroup(contender, { topic, groupId, onValues: (values) => count.onValues(values) });
  const intervalNs = 1e9 / workload.rate!;
  const sends: Promise<void>[] = [];
  const cpu = cpuMark();
  const start = process.hrtime.bigint();
  let seconds: number;
  let cpuUsed: ReturnType<typeof cpuSince>;
  try {
    for (let i = 0; i < workload.messages; i++) {
      const dueInMs = (i * intervalNs - Number(process.hrtime.bigint() - start)) / 1e6;
      if (dueInMs >= 1) await new Promise((resolve) => setTimeout(resolve, dueInMs));
      const value = Buffer.alloc(workload.size, 'x');
      value.writeBigInt64BE(process.hrtime.bigint(), 0);
      // Paced, not awaited: a slow acknowledgement must not lower the offered rate.
      sends.push(contender.produce(topic, [value], workload.acks));
    }
    await Promise.all(sends);
    await count.done;
    seconds = elapsedSeconds(start);
    cpuUsed = cpuSince(cpu);
  } finally {
    await consumption.stop();
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    workload: workload.id,
    messages: count.received,
    bytes: count.bytes,
    seconds,
    ...cpuUsed,
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? Number.NaN,
    },
  };
}

async function awaitTopic(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 30000;
  for (;;) {
    const partitions = await admin.fetchTopicOffsets(topic).catch(() => []);
    if (partitions.length > 0) return;
    if (Date.now() > deadline) throw new Error(`topic ${topic} was not auto-created within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A connected contender that measures one workload at a time, so that the bench can interleave contenders. */
export interface ContenderSession {
  measure(workload: Workload, repetition: number): Promise<Measurement>;
  /** Closes the contender and deletes its topics; returns the RSS figures of its process. */
  close(): Promise<ContenderRun['rssMiB']>;
}

/** Connects a contender and runs its untimed warm-up; workloads are then measured one call at a time. */
export async function openContender(
  definition: ContenderDefinition,
  plan: ContenderPlan,
  progress: (line: string) => void,
): Promise<ContenderSession> {
  const slug = definition.name.replace(/[^a-z0-9]+/gi, '-');
  const admin: Admin = createKafka({
    backend: definition.backend,
    brokers: plan.brokers,
    clientId: 'kna-bench-admin',
  }).admin();
  const contender = (await definition.load())({ brokers: plan.brokers, clientId: `kna-bench-${slug}` });
  let peak = 0;
  const sampleRss = (): number => {
    const rss = process.memoryUsage.rss();
    peak = Math.max(peak, rss);
    return rss;
  };
  // Deleted only once the contender has closed: kafkajs keeps refreshing metadata for every topic it ever produced to,
  // and fails once one of them is gone.
  const topics: string[] = [];
  let autoCreate = false;
  const withTopic = async <T>(topic: string, body: () => Promise<T>): Promise<T> => {
    if (!autoCreate) {
      try {
        await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
        topics.push(topic);
      } catch (error) {
        // Kafka 0.9 and librdkafka's mock have no CreateTopics: their auto-created topics have more partitions, of
        // which only partition 0 gets data.
        autoCreate = true;
        progress(`${definition.name}: cannot create topics (${(error as Error).message}); relying on auto-creation`);
      }
    }
    // A group member subscribed to a topic that does not exist yet waits for a metadata refresh (kafka-node: 30 s)
    // before it gets partitions, so an auto-created topic is made to exist (Metadata creates it) before any timing.
    if (autoCreate) await awaitTopic(admin, topic);
    return body();
  };
  const close = async (): Promise<void> => {
    await bounded(contender.close());
    // The embedded broker keeps logs in memory: the other contenders should not pay for this one's data.
    if (topics.length > 0) await bounded(admin.deleteTopics(topics));
    await bounded(admin.disconnect());
  };
  const profiler = plan.cpuProfileDir ? new MeasurementProfiler(plan.cpuProfileDir, definition.name) : null;
  const measureWorkload = (topic: string, workload: Workload): Promise<Omit<Measurement, 'repetition'>> => {
    if (workload.type === 'produce') return measureProduce(contender, topic, workload);
    if (workload.type === 'consume') return measureConsume(contender, topic, topic, workload);
    if (workload.type === 'produce-consume') return measureProduceConsume(contender, topic, topic, workload);
    return measureLatency(contender, topic, topic, workload);
  };
  await admin.connect();
  let afterWarmup: number;
  try {
    await contender.connect();
    if (plan.warmupMessages > 0) {
      const warmup: Workload = {
        id: 'warmup',
        type: 'consume',
        size: 1024,
        batch: 100,
        acks: 1,
        messages: plan.warmupMessages,
      };
      const topic = `kna-bench-${plan.runId}-${slug}-warmup`;
      await withTopic(topic, () => measureConsume(contender, topic, topic, warmup));
    }
    afterWarmup = sampleRss();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    async measure(workload, repetition) {
      const topic = `kna-bench-${plan.runId}-${slug}-${repetition}-${workload.id}`;
      const run = await withTopic(topic, async () => {
        if (!profiler) return measureWorkload(topic, workload);
        await profiler.start();
        try {
          return await measureWorkload(topic, workload);
        } finally {
          progress(`${definition.name}: profile ${await profiler.stop(workload.id, repetition)}`);
        }
      });
      sampleRss();
      progress(
        `${definition.name} #${repetition} ${workload.id}: ${Math.round(run.messages / run.seconds)} msg/s, ${((run.cpuSeconds * 1e6) / run.messages).toFixed(1)} µs CPU/msg${run.threadCpuSeconds ? ` (main thread ${((run.threadCpuSeconds.main * 1e6) / run.messages).toFixed(1)}, other threads ${((run.threadCpuSeconds.other * 1e6) / run.messages).toFixed(1)})` : ''}${run.latencyMs ? `, p99 ${run.latencyMs.p99.toFixed(1)} ms` : ''}`,
      );
      return { ...run, repetition };
    },
    async close() {
      const end = sampleRss();
      // maxRSS also catches peaks between samples.
      const peakBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
      await close();
      return { afterWarmup: afterWarmup / MIB, end: end / MIB, peak: peakBytes / MIB };
    },
  };
}
