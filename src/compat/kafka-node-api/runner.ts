/** Runs the kafka-node API scenarios on each engine and compares every facade's trace with the real kafka-node's. */
import { resetWarnings, setWarningHandler } from '../../adapter/warnings';
import type { ScenarioStatus } from '../runner';
import { describeDifferences, documentedNotes } from './compare';
import { kafkaModule, type KafkaNodeApiEngine } from './engines';
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

export async function runOnEngine(
  scenario: Pick<KafkaNodeApiScenario, 'run'>,
  engine: KafkaNodeApiEngine,
  target: EngineTarget,
): Promise<Trace> {
  const trace: Trace = [];
  const prefix = target.namePrefix ?? '';
  const suffix = target.nameSuffix ?? '';
  const strip = (json: string): string =>
    [prefix, suffix].filter(Boolean).reduce((text, part) => text.split(part).join(''), json);
  const context: KafkaNodeApiContext = {
    kafka: kafkaModule(engine),
    kafkaHost: target.kafkaHost,
    autoCreatingKafkaHost: target.autoCreatingKafkaHost,
    createTopic: (name, partitions) => target.createTopic(name, partitions),
    name: (base) => `${prefix}${base}${suffix}`,
    record: (entry) => trace.push(JSON.parse(strip(JSON.stringify(entry ?? null))) as unknown),
  };
  await scenario.run(context);
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
  /** The facade's warnings during this run (name: message), as an application would see them. */
  warnings: string[];
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

async function runOne(
  scenario: KafkaNodeApiScenario,
  engine: KafkaNodeApiEngine,
  run: KafkaNodeApiRun,
): Promise<EngineResult & { trace: Trace | null }> {
  const base = { engine, durationMs: 0, differences: [], notes: [], warnings: [], trace: null };
  const missing = (scenario.uses ?? []).find((need) => !run.offers.includes(need));
  if (missing) return { ...base, status: 'unsupported', detail: `needs a ${missing}, which this run does not have` };
  const unsupported = run.engineUnsupported(engine);
  if (unsupported) return { ...base, status: 'unsupported', detail: unsupported };
  const started = Date.now();
  // Every warning of this run, even one an earlier run already reported (the facade reports each once per process).
  const warnings: string[] = [];
  const capture = engine !== 'kafka-node';
  if (capture) {
    resetWarnings();
    setWarningHandler((warning) => warnings.push(`${warning.name}: ${warning.message}`));
  }
  try {
    const trace = await runOnEngine(scenario, engine, run.targetFor(engine));
    return { ...base, status: 'pass', durationMs: Date.now() - started, detail: null, warnings, trace };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      durationMs: Date.now() - started,
      detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      warnings,
    };
  } finally {
    if (capture) {
      setWarningHandler(null);
      resetWarnings();
    }
  }
}

/** One scenario on every engine, the real kafka-node first; each facade is marked diff where its trace differs. */
export async function runKafkaNodeApiScenario(
  scenario: KafkaNodeApiScenario,
  run: KafkaNodeApiRun,
): Promise<KafkaNodeApiOutcome> {
  const runEngine = async (engine: KafkaNodeApiEngine) => {
    run.onProgress?.({ scenario, engine });
    return runOne(scenario, engine, run);
  };
  // The real kafka-node runs beside the facade engines (it reports no facade warnings); the facade engines run one
  // after the other, so each one's warnings are its own.
  const facadeEngines = run.engines.filter((engine) => engine !== 'kafka-node');
  const [reference, facadeResults] = await Promise.all([
    run.engines.includes('kafka-node') ? runEngine('kafka-node') : Promise.resolve(null),
    (async () => {
      const done = [];
      for (const engine of facadeEngines) done.push(await runEngine(engine));
      return done;
    })(),
  ]);
  if (reference?.trace && run.checkReference) {
    try {
      scenario.check(reference.trace);
    } catch (error) {
      reference.status = 'error';
      reference.detail = `the real kafka-node did not record what it is known to: ${(error as Error).message}`;
    }
  }
  const results = [...(reference ? [reference] : []), ...facadeResults];
  const referenceTrace = reference?.status === 'pass' ? reference.trace : null;
  for (const result of facadeResults) {
    if (result.status !== 'pass' || !result.trace) continue;
    if (!referenceTrace) {
      result.notes.push('no kafka-node reference on this cluster: ran without error, nothing to compare with');
      continue;
    }
    result.differences = describeDifferences(referenceTrace, result.trace, scenario.documented);
    result.notes = documentedNotes(referenceTrace, scenario.documented);
    if (result.differences.length > 0) {
      result.status = 'diff';
      result.detail = result.differences[0]!;
      if (scenario.knownFacadeGap) result.notes.push(`known facade gap: ${scenario.knownFacadeGap}`);
    }
  }
  for (const result of results) run.onProgress?.({ scenario, engine: result.engine, result });
  return { id: scenario.id, name: scenario.name, results: results.map(({ trace: _trace, ...result }) => result) };
}
