import { forkEntry, nextMessage } from './child';
import type { StartupClient, StartupPhases } from './startup-probe';
import { spread, type Spread } from './stats';

export interface StartupVariant {
  client: StartupClient;
  createTopic: boolean;
}

export interface StartupResult extends StartupVariant {
  /** Each phase over the runs (milliseconds), every run a fresh process. */
  phases: Record<keyof StartupPhases, Spread>;
  error: string | null;
}

export interface TestBrokerReport {
  /** Fresh processes per variant, the variants interleaved. */
  runs: number;
  /** The target of issue 14: startBroker() to the first acknowledged produce. */
  targetMs: number;
  results: StartupResult[];
}

/** The first produce by a bare wire client and by kafkajs to a created topic, and by kafkajs to an auto-created one. */
export const STARTUP_VARIANTS: readonly StartupVariant[] = [
  { client: 'wire', createTopic: true },
  { client: 'kafkajs', createTopic: true },
  { client: 'kafkajs', createTopic: false },
];

const TARGET_MS = 50;

async function probeOnce(variant: StartupVariant): Promise<StartupPhases> {
  const child = forkEntry('startup-probe');
  try {
    const answer = nextMessage(
      child,
      (message) => {
        const typed = message as { type: string; phases?: StartupPhases; error?: string };
        return typed.type === 'phases' || typed.type === 'failed' ? typed : undefined;
      },
      'startup probe',
    );
    child.send(variant);
    const reply = await answer;
    if (!reply.phases) throw new Error(reply.error ?? 'startup probe failed');
    return reply.phases;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

/**
 * The embedded broker as a test broker: each variant `runs` times, each run a fresh process (module loading is real,
 * not cached), the variants interleaved so that a change of load hits them alike.
 */
export async function measureTestBroker(runs: number, progress: (line: string) => void): Promise<TestBrokerReport> {
  const phases = STARTUP_VARIANTS.map(() => [] as StartupPhases[]);
  const errors: (string | null)[] = STARTUP_VARIANTS.map(() => null);
  for (let run = 1; run <= runs; run++) {
    for (const [i, variant] of STARTUP_VARIANTS.entries()) {
      if (errors[i]) continue;
      try {
        const result = await probeOnce(variant);
        phases[i]!.push(result);
        progress(
          `test broker #${run} ${variant.client}, ${variant.createTopic ? 'created' : 'auto-created'} topic: ${result.startToFirstProduceMs} ms from startBroker() to the first produce (modules ${result.loadBrokerMs} ms before)`,
        );
      } catch (error) {
        errors[i] = error instanceof Error ? error.message : String(error);
        progress(`test broker ${variant.client}: failed: ${errors[i]}`);
      }
    }
  }
  return {
    runs,
    targetMs: TARGET_MS,
    results: STARTUP_VARIANTS.map((variant, i) => {
      const runsOf = phases[i]!;
      const keys: (keyof StartupPhases)[] = [
        'loadBrokerMs',
        'startBrokerMs',
        'createTopicMs',
        'loadClientMs',
        'connectMs',
        'firstSendMs',
        'startToFirstProduceMs',
      ];
      return {
        ...variant,
        phases: Object.fromEntries(
          keys.map((key) => [key, runsOf.length > 0 ? spread(runsOf.map((p) => p[key])) : spread([0])]),
        ) as Record<keyof StartupPhases, Spread>,
        error: errors[i] ?? (runsOf.length === 0 ? 'no run' : null),
      };
    }),
  };
}
