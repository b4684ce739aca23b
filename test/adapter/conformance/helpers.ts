/**
 * The conformance suite's frame: black-box kafka-node programs run on the real kafka-node and on the facade on every
 * engine, their traces compared with the real kafka-node's, and each kafka-node class's results counted per engine
 * (printed after each file as "conformance <Class>: kafka-node 5/5, facade:kafka-node 5/5, ...").
 *
 * CONFORMANCE_MODES is the one list of engines: a new engine is a new RunMode there (the real kafka-node first, the
 * reference). KAFKA_09_MODES are those the real kafka-node generation of brokers can serve.
 */
import { expect } from 'chai';
import { RUN_MODES, type RunMode } from '../helpers/run-example';
import { runModesSideBySide, runScenario, type Scenario, type Trace } from '../helpers/differential-scenarios';
import { describeDifferences } from '../../../src/compat/kafka-node-api/compare';
import { startEmbedded, type EmbeddedBroker } from '../../fixtures/embedded';
import { useKafka09Target } from '../helpers/kafka09-target';

/** A kafka-node program of the suite: the differential suites' Scenario plus the facade's by-design differences. */
export interface ConformanceScenario extends Omit<Scenario, 'id'> {
  byDesign?: ByDesign[];
  /** Needs what Apache Kafka 0.9 lacks (auto-creation off, a newer API). */
  notOnKafka09?: string;
}

export const CONFORMANCE_MODES: readonly RunMode[] = RUN_MODES;
/** Apache Kafka 0.9 speaks only what kafka-node speaks: the facade's kafkajs backend cannot talk to it. */
export const KAFKA_09_MODES: readonly RunMode[] = CONFORMANCE_MODES.filter(
  (mode) => mode === 'kafka-node' || mode === 'facade:kafka-node',
);

/** A difference the facade has by design: the trace entry, the facade's value there, and its ADAPTER_WARNINGS name. */
export interface ByDesign {
  entry: number;
  facadeValue: unknown;
  warning: string;
  /** The facade modes it concerns (a backend's limit); every facade mode when left out. */
  modes?: readonly RunMode[];
}

/** Passed/total per mode for one class, summed over the cases of its file (and of its Kafka 0.9 run). */
export class ConformanceCounts {
  private readonly results = new Map<string, { passed: number; total: number }>();

  constructor(readonly className: string) {}

  add(target: string, mode: RunMode, passed: boolean): void {
    const key = `${mode}${target ? ` (${target})` : ''}`;
    const result = this.results.get(key) ?? { passed: 0, total: 0 };
    result.total += 1;
    if (passed) result.passed += 1;
    this.results.set(key, result);
  }

  summary(): string {
    return `conformance ${this.className}: ${[...this.results].map(([key, { passed, total }]) => `${key} ${passed}/${total}`).join(', ')}`;
  }

  /** Prints the counts after the calling describe(). */
  printAfter(): void {
    after(() => {
      if (this.results.size > 0) console.log(`      ${this.summary()}`);
    });
  }
}

/**
 * Checks the reference (the real kafka-node's trace, with `check`), then every facade mode against it, counting each
 * mode's outcome, and fails with every difference. Entries of `byDesign` must hold the facade's documented value.
 */
export function compareConformance(
  counts: ConformanceCounts,
  target: string,
  traces: Map<RunMode, Trace>,
  check: (trace: Trace) => void,
  byDesign: ByDesign[] = [],
): void {
  const reference = traces.get('kafka-node');
  if (!reference) throw new Error('the conformance suite needs the real kafka-node as its reference');
  let referenceOk = true;
  try {
    check(reference);
  } catch (error) {
    referenceOk = false;
    counts.add(target, 'kafka-node', false);
    throw error;
  } finally {
    if (referenceOk) counts.add(target, 'kafka-node', true);
  }
  const differences: string[] = [];
  const documented = new Set(byDesign.map((d) => d.entry));
  for (const [mode, trace] of traces) {
    if (mode === 'kafka-node') continue;
    const modeByDesign = byDesign.filter((d) => !d.modes || d.modes.includes(mode));
    const lines = describeDifferences(
      reference,
      trace,
      modeByDesign.map((d) => ({ entry: d.entry, reason: d.warning, facadeValue: d.facadeValue })),
    );
    for (const d of modeByDesign) {
      if (JSON.stringify(trace[d.entry]) !== JSON.stringify(d.facadeValue))
        lines.push(
          `[${d.entry}] by design (${d.warning}): expected ${JSON.stringify(d.facadeValue)}, here ${JSON.stringify(trace[d.entry])}`,
        );
    }
    counts.add(target, mode, lines.length === 0);
    differences.push(...lines.map((line) => `${mode}: ${line}`));
  }
  if (documented.size > 0 && differences.length === 0) {
    for (const d of byDesign)
      console.log(
        `      by design (${d.warning}): kafka-node ${JSON.stringify(reference[d.entry])}, ${d.modes?.join(' and ') ?? 'facade'} ${JSON.stringify(d.facadeValue)}`,
      );
  }
  if (process.env.CONFORMANCE_DUMP) console.log(JSON.stringify([...traces]));
  expect(differences, 'differences from the real kafka-node').to.deep.equal([]);
}

/**
 * For a describe() whose programs run as child processes: the class's counts (printed after it) and one embedded
 * broker (auto-creation off) shared by its tests, answered by the getter once started.
 */
export function childProcessConformance(className: string): {
  counts: ConformanceCounts;
  broker: () => EmbeddedBroker;
} {
  const counts = new ConformanceCounts(className);
  counts.printAfter();
  let broker: EmbeddedBroker | undefined;
  before(async () => {
    broker = await startEmbedded({ autoCreateTopics: false });
  });
  after(async () => {
    await broker?.stop();
  });
  return { counts, broker: () => broker! };
}

/** Registers one test per scenario on `className`'s file: each runs on every mode with an embedded broker of its own. */
export function conformanceOnEmbedded(className: string, scenarios: readonly ConformanceScenario[]): void {
  const counts = new ConformanceCounts(className);
  counts.printAfter();
  const brokers = new Map<RunMode, EmbeddedBroker>();
  before(async () => {
    for (const mode of CONFORMANCE_MODES) brokers.set(mode, await startEmbedded({ autoCreateTopics: false }));
  });
  after(async () => {
    for (const broker of brokers.values()) await broker.stop();
  });
  for (const scenario of scenarios) {
    it(scenario.name, async function () {
      const traces = new Map<RunMode, Trace>();
      for (const mode of CONFORMANCE_MODES) {
        const broker = brokers.get(mode)!;
        traces.set(
          mode,
          await runScenario(scenario, mode, {
            kafkaHost: broker.bootstrap,
            autoCreatingKafkaHost: broker.bootstrap,
            async createTopic(name, partitions) {
              const result = broker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
              if (result.errorCode !== 0) throw new Error(`creating ${name}: error ${result.errorCode}`);
            },
            nameSuffix: '',
          }),
        );
      }
      compareConformance(counts, '', traces, scenario.check, scenario.byDesign);
    });
  }
}

/**
 * Registers every class's scenarios on one Apache Kafka 0.9.0.1 broker (a JVM start is slow), for the modes that can
 * talk to it; the modes share the broker, so names carry a per-mode suffix the traces leave out.
 */
export function conformanceOnKafka09(classes: ReadonlyArray<readonly [string, readonly ConformanceScenario[]]>): void {
  const target = useKafka09Target();
  for (const [className, scenarios] of classes) {
    describe(className, () => {
      const counts = new ConformanceCounts(className);
      counts.printAfter();
      for (const scenario of scenarios.filter((s) => !s.notOnKafka09)) {
        it(scenario.name, async function () {
          const traces = await runModesSideBySide(scenario, KAFKA_09_MODES, (_, index) => target(index));
          compareConformance(counts, 'Kafka 0.9', traces, scenario.check, scenario.byDesign);
        });
      }
    });
  }
}
