/** Runs the kafka-node API scenarios on each engine and compares every facade's trace with the real kafka-node's. */
import type { ScenarioStatus } from '../runner';
import { describeDifferences, documentedNotes } from './compare';
import { kafkaModule, withEngine, type KafkaNodeApiEngine } from './engines';
import type { ClusterNeed, KafkaNodeApiContext, KafkaNodeApiScenario, Trace } from './scenarios';

/** Where an engine runs a scenario. */
export interface EngineTarget {
  kafkaHost: string;
  autoCreatingKafkaHost: string;
  createTopic(name: string, partitions: number): Promise<void>;
  /** Put around every topic and group name (and removed from the trace); '' when the engine has brokers of its own. */
  namePrefix?: string;
  nameSuffix?: string;
}

export async function runOnEngine(scenario: KafkaNodeApiScenario, engine: KafkaNodeApiEngine, target: EngineTarget): Promise<Trace> {
  const trace: Trace = [];
  const prefix = target.namePrefix ?? '';
  const suffix = target.nameSuffix ?? '';
  const strip = (json: string): string => [prefix, suffix].filter(Boolean).reduce((text, part) => text.split(part).join(''), json);
  const context: KafkaNodeApiContext = {
    kafka: kafkaModule(engine),
    kafkaHost: target.kafkaHost,
    autoCreatingKafkaHost: target.autoCreatingKafkaHost,
    createTopic: (name, partitions) => target.createTopic(name, partitions),
    name: (base) => `${prefix}${base}${suffix}`,
    record: (entry) => trace.push(JSON.parse(strip(JSON.stringify(entry ?? null))) as unknown),
  };
  await withEngine(engine, () => scenario.run(context));
  return trace;
}

export interface EngineResult {
  engine: KafkaNodeApiEngine;
  status: ScenarioStatus;
  durationMs: number;
  /** The first difference, the error, or why the scenario cannot run here. */
  detail: string | null;
  /** Every difference from the real kafka-node, the first one first. */
  differences: string[];
  notes: string[];
}

export interface KafkaNodeApiOutcome {
  id: string;
  name: string;
  results: EngineResult[];
}

export interface KafkaNodeApiRun {
  engines: readonly KafkaNodeApiEngine[];
  targetFor(engine: KafkaNodeApiEngine): EngineTarget;
  /** Why an engine cannot run on this cluster at all (from the probe), or null. */
  engineUnsupported(engine: KafkaNodeApiEngine): string | null;
  /** What the cluster offers of the scenarios' needs; a scenario needing something else is unsupported here. */
  offers: readonly ClusterNeed[];
  /** Check the real kafka-node's trace against what it is known to record (on the embedded broker). */
  checkReference: boolean;
  onProgress?: (event: { scenario: KafkaNodeApiScenario; engine: KafkaNodeApiEngine; result?: EngineResult }) => void;
}

async function runOne(scenario: KafkaNodeApiScenario, engine: KafkaNodeApiEngine, run: KafkaNodeApiRun): Promise<EngineResult & { trace: Trace | null }> {
  const base = { engine, durationMs: 0, differences: [], notes: [], trace: null };
  const missing = (scenario.uses ?? []).find((need) => !run.offers.includes(need));
  if (missing) return { ...base, status: 'unsupported', detail: `needs a ${missing}, which this run does not have` };
  const unsupported = run.engineUnsupported(engine);
  if (unsupported) return { ...base, status: 'unsupported', detail: unsupported };
  const started = Date.now();
  try {
    const trace = await runOnEngine(scenario, engine, run.targetFor(engine));
    return { ...base, status: 'pass', durationMs: Date.now() - started, detail: null, trace };
  } catch (error) {
    return { ...base, status: 'error', durationMs: Date.now() - started, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** One scenario on every engine, the real kafka-node first; each facade is marked diff where its trace differs. */
export async function runKafkaNodeApiScenario(scenario: KafkaNodeApiScenario, run: KafkaNodeApiRun): Promise<KafkaNodeApiOutcome> {
  const results: (EngineResult & { trace: Trace | null })[] = [];
  for (const engine of run.engines) {
    run.onProgress?.({ scenario, engine });
    const result = await runOne(scenario, engine, run);
    results.push(result);
    if (engine !== 'kafka-node' || !result.trace || !run.checkReference) continue;
    try {
      scenario.check(result.trace);
    } catch (error) {
      result.status = 'error';
      result.detail = `the real kafka-node did not record what it is known to: ${(error as Error).message}`;
    }
  }
  const reference = results.find((r) => r.engine === 'kafka-node' && r.status === 'pass')?.trace ?? null;
  for (const result of results) {
    if (result.engine === 'kafka-node' || result.status !== 'pass' || !result.trace) continue;
    if (!reference) {
      result.notes.push('no kafka-node reference on this cluster: ran without error, nothing to compare with');
      continue;
    }
    result.differences = describeDifferences(reference, result.trace, scenario.documented);
    result.notes = documentedNotes(reference, scenario.documented);
    if (result.differences.length > 0) {
      result.status = 'diff';
      result.detail = result.differences[0]!;
      if (scenario.knownFacadeGap) result.notes.push(`known facade gap: ${scenario.knownFacadeGap}`);
    }
  }
  for (const result of results) run.onProgress?.({ scenario, engine: result.engine, result });
  return { id: scenario.id, name: scenario.name, results: results.map(({ trace: _trace, ...result }) => result) };
}
