import { randomBytes } from 'crypto';
import { createKafka } from '../kafka';
import type { BackendName, KafkaConfig } from '../common/types';
import { ScenarioContext, type ParityScenario, type TopicProvisioner } from './context';
import { describeDifference, firstDifference, type TraceSection } from './trace';

export type ScenarioStatus = 'pass' | 'diff' | 'unsupported' | 'error';

export interface BackendOutcome {
  backend: BackendName;
  status: ScenarioStatus;
  durationMs: number;
  /** Why: the unsupported capability, the error, or the first difference from the reference backend. */
  detail: string | null;
  trace: TraceSection[];
  /** Topics the backend could not delete afterwards. */
  leftoverTopics: string[];
}

export interface ScenarioOutcome {
  id: string;
  title: string;
  outcomes: BackendOutcome[];
}

export interface ParityRunOptions {
  /** Cluster to run against; every backend gets the same one. */
  brokers: string[];
  backends: BackendName[];
  scenarios: readonly ParityScenario[];
  /** Prefix of every topic and group the run creates (default: kna-compat-<random>). */
  namespace?: string;
  /** Extra client settings (ssl, sasl, timeouts) shared by every backend. */
  clientConfig?: Omit<KafkaConfig, 'brokers' | 'backend'>;
  /** Creates topics out of band instead of through the backend's admin API (see TopicProvisioner). */
  provisionTopic?: TopicProvisioner;
  /** Why a backend cannot run on this cluster at all (from the probe), or null: its scenarios are unsupported here. */
  clusterUnsupported?: (backend: BackendName) => string | null;
  onProgress?: (event: { scenario: ParityScenario; backend: BackendName; outcome?: BackendOutcome }) => void;
}

function unsupportedReason(scenario: ParityScenario, backend: ReturnType<typeof createKafka>): string | null {
  for (const flag of scenario.requires ?? []) {
    if (!backend.capabilities[flag]) return `${flag} not supported by ${backend.name}`;
  }
  for (const codec of scenario.compression ?? []) {
    if (!backend.capabilities.compression.includes(codec))
      return `${codec} compression not supported by ${backend.name}`;
  }
  return null;
}

/** Short tags that keep each backend's topics and groups apart. */
const NAMESPACE_SUFFIX: Readonly<Record<BackendName, string>> = { 'kafka-node': 'kn', kafkajs: 'js', confluent: 'cf' };

async function runOnBackend(
  scenario: ParityScenario,
  backendName: BackendName,
  options: ParityRunOptions,
  namespace: string,
): Promise<BackendOutcome> {
  const config: KafkaConfig = { ...options.clientConfig, brokers: options.brokers, backend: backendName };
  const backend = createKafka(config);
  const started = Date.now();
  const reason = unsupportedReason(scenario, backend) ?? options.clusterUnsupported?.(backendName) ?? null;
  if (reason)
    return {
      backend: backendName,
      status: 'unsupported',
      durationMs: 0,
      detail: reason,
      trace: [],
      leftoverTopics: [],
    };
  // Each backend gets its own topics and groups so runs never see each other's messages.
  const context = new ScenarioContext(
    backend,
    config,
    `${namespace}-${scenario.id}-${NAMESPACE_SUFFIX[backendName]}`,
    options.provisionTopic ?? null,
  );
  let status: ScenarioStatus = 'pass';
  let detail: string | null = null;
  try {
    await scenario.run(context);
  } catch (error) {
    status = 'error';
    detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const leftoverTopics = await context.cleanup();
  return {
    backend: backendName,
    status,
    durationMs: Date.now() - started,
    detail,
    trace: context.trace.normalized(),
    leftoverTopics,
  };
}

/** Runs one scenario on every backend and marks each backend that differs from the first one that passed. */
export async function runScenario(
  scenario: ParityScenario,
  options: ParityRunOptions,
  namespace: string,
): Promise<ScenarioOutcome> {
  const outcomes: BackendOutcome[] = [];
  for (const backend of options.backends) {
    options.onProgress?.({ scenario, backend });
    const outcome = await runOnBackend(scenario, backend, options, namespace);
    outcomes.push(outcome);
    options.onProgress?.({ scenario, backend, outcome });
  }
  const reference = outcomes.find((o) => o.status === 'pass');
  if (reference) {
    for (const outcome of outcomes) {
      if (outcome === reference || outcome.status !== 'pass') continue;
      const difference = firstDifference(reference.trace, outcome.trace);
      if (difference) {
        outcome.status = 'diff';
        outcome.detail = describeDifference(difference, reference.backend, outcome.backend);
      }
    }
  }
  return { id: scenario.id, title: scenario.title, outcomes };
}

export async function runParity(options: ParityRunOptions): Promise<ScenarioOutcome[]> {
  const namespace = options.namespace ?? `kna-compat-${randomBytes(3).toString('hex')}`;
  const results: ScenarioOutcome[] = [];
  for (const scenario of options.scenarios) results.push(await runScenario(scenario, options, namespace));
  return results;
}
