/**
 * The differential suite runs the same scenario code against the embedded broker and a real broker, and compares
 * what the client observed. A scenario knows nothing of the broker it runs on: it gets a Target (addresses plus a way
 * to create topics that is not the client under test) and names that are unique per run, and returns plain data.
 */
import type { KnownBrokerQuirk } from '../../fixtures/rdkafka-mock';

export type TargetKind = 'embedded' | 'kafka-0.9' | 'rdkafka-mock' | 'kafka-4.4';

export interface Target {
  readonly kind: TargetKind;
  /** "host:port,..." for kafka-node. */
  readonly bootstrap: string;
  /** ["host:port", ...] for kafkajs. */
  readonly brokers: string[];
  /** Creates a topic by the broker's own means (never through the client under test) and waits until it is led. */
  createTopic(name: string, partitions: number): Promise<void>;
  /** A documented defect of this broker: a run that fails with it runs once more. */
  readonly knownQuirk?: KnownBrokerQuirk;
}

export interface ScenarioContext {
  readonly target: Target;
  /** A topic name unique to this run of this scenario on this target (the prefix is removed from results). */
  topic(name: string): string;
  /** A group id unique to this run, likewise. */
  group(name: string): string;
}

/**
 * Where a real broker differs by design, the scenario says why and what each side observes for the fields concerned
 * (literal values: they are the documentation). All other fields must still be equal on both sides.
 */
export interface DocumentedDifference<R> {
  why: string;
  real: Partial<R>;
  embedded: Partial<R>;
}

export interface Scenario<R extends object = Record<string, unknown>> {
  readonly name: string;
  run(context: ScenarioContext): Promise<R>;
  /** Keyed by the real broker this scenario is compared with. */
  readonly differences?: Partial<Record<TargetKind, DocumentedDifference<NoInfer<R>>>>;
}

/** Identity helper: the result type comes from `run`, and documented differences are checked against it. */
export function scenario<R extends object>(definition: Scenario<R>): Scenario<R> {
  return definition;
}

let runCounter = 0;

export function createContext(target: Target, scenarioName: string): { context: ScenarioContext; prefix: string } {
  runCounter += 1;
  const slug = scenarioName
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const prefix = `d${runCounter}${Math.random().toString(36).slice(2, 7)}-${slug}-`;
  return {
    prefix,
    context: {
      target,
      topic: (name) => `${prefix}${name}`,
      group: (name) => `${prefix}${name}`,
    },
  };
}

/** Removes the run prefix from every string in a result (names, and names inside error messages). */
export function denamespace<T>(value: T, prefix: string): T {
  if (typeof value === 'string') return value.split(prefix).join('') as T;
  if (Array.isArray(value)) return value.map((item: unknown) => denamespace(item, prefix)) as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[denamespace(key, prefix)] = denamespace(item, prefix);
    return out as T;
  }
  return value;
}

export async function runScenario<R extends object>(definition: Scenario<R>, target: Target): Promise<R> {
  const { context, prefix } = createContext(target, definition.name);
  return denamespace(await definition.run(context), prefix);
}
