import type { Acks } from '../common/types';

export type WorkloadType = 'produce' | 'consume' | 'produce-consume' | 'latency';

export interface Workload {
  /**
   * Stable id, e.g. "produce-1024B-batch100-acks1", "consume-1024B", "produce-consume-1024B-batch100",
   * "latency-1024B-1000ps".
   */
  id: string;
  type: WorkloadType;
  /** Value size in bytes. */
  size: number;
  /** Messages per produce request (consume: of the untimed prefill; produce-consume: of the timed sends; latency: 1). */
  batch: number;
  acks: Acks;
  messages: number;
  /** Latency only: messages per second the producer is paced at. */
  rate?: number;
  /** Produce only: `inFlight` single-message sends issued at once, then awaited together (batch is then 1). */
  inFlight?: number;
}

export interface WorkloadOptions {
  messages: number;
  sizes: number[];
  batches: number[];
  /** Unawaited single-message sends issued at once; one produce workload per size, acks setting and count. */
  inFlight: number[];
  acks: Acks[];
  latencyRate: number;
  latencyMessages: number;
  latencySize: number;
  /** Size of the end-to-end produce-then-consume workload (1 KB when 1 KB is among the sizes). */
  endToEndSize: number;
}

/** Fewest messages a workload gets, so that a scaled-down one still measures more than a couple of requests. */
const MIN_MESSAGES = 50;

/**
 * The workload matrix. Each single-message request is a round trip, and a 10 KB message moves ten times the bytes of a
 * 1 KB one, so batch-1 workloads send a tenth of the messages and messages above 1 KB are scaled down by their size:
 * every workload then takes a comparable time. The message count of each workload is in the output.
 */
export function buildWorkloads(options: WorkloadOptions): Workload[] {
  const scaled = (size: number, batch: number): number => {
    const bySize = size > 1024 ? Math.floor((options.messages * 1024) / size) : options.messages;
    return Math.max(Math.min(MIN_MESSAGES, options.messages), batch === 1 ? Math.floor(bySize / 10) : bySize);
  };
  const workloads: Workload[] = [];
  for (const size of options.sizes) {
    for (const batch of options.batches) {
      for (const acks of options.acks) {
        workloads.push({
          id: `produce-${size}B-batch${batch}-acks${acks}`,
          type: 'produce',
          size,
          batch,
          acks,
          messages: scaled(size, batch),
        });
      }
    }
    for (const inFlight of options.inFlight) {
      for (const acks of options.acks) {
        workloads.push({
          id: `produce-${size}B-inflight${inFlight}-acks${acks}`,
          type: 'produce',
          size,
          batch: 1,
          acks,
          inFlight,
          messages: scaled(size, inFlight),
        });
      }
    }
  }
  for (const size of options.sizes) {
    workloads.push({ id: `consume-${size}B`, type: 'consume', size, batch: 100, acks: 1, messages: scaled(size, 100) });
  }
  // End to end: a joined member reads while the producer sends awaited batches of 100, timed from the first send to
  // the last message received.
  workloads.push({
    id: `produce-consume-${options.endToEndSize}B-batch100`,
    type: 'produce-consume',
    size: options.endToEndSize,
    batch: 100,
    acks: 1,
    messages: scaled(options.endToEndSize, 100),
  });
  workloads.push({
    id: `latency-${options.latencySize}B-${options.latencyRate}ps`,
    type: 'latency',
    size: options.latencySize,
    batch: 1,
    acks: 1,
    messages: options.latencyMessages,
    rate: options.latencyRate,
  });
  return workloads;
}
