/**
 * The compatibility matrix: every engine path (test/compat/matrix/matrix.ts ENGINE_PATHS: the six examples/
 * programs on the real kafka-node, on the facade over each backend, and the parity scenarios on the common interface
 * over each backend) on every broker (the embedded broker, Apache Kafka 0.9.0.1, 3.9 in ZooKeeper mode, 4.x in
 * KRaft mode). Each item of a cell (a program, a scenario) ends as 'pass', 'n/a', or the one-line failure a user sees;
 * the test prints the matrix and requires every item to equal its expected outcome, by-design failures included
 * (kafka-node on Kafka 4.x, kafkajs on 0.9). A parity scenario that passes on a real broker must also leave the same
 * trace there as on the embedded broker through the same backend: the embedded broker stands in for the real ones.
 *
 * Cells share the brokers (each cell has its own topics and groups) and run concurrently, a few child processes or
 * scenarios at a time: the real clusters are the shared ones of the mocha run. The cells expected to fail at connect
 * on Kafka 0.9 (kafkajs and librdkafka, a minute of waiting out their timeouts) get a 0.9 broker of their own and
 * run as soon as it is up, beside the others: what they send makes 0.9 drop other connections' requests read with it (see
 * test/fixtures/kafka09.ts), which would cost the passing cells on the shared one a 30 s request timeout. For the
 * same reason, on the shared 0.9 broker a program that finds the broker through ZooKeeper (05, past the proxy) runs
 * alone (MatrixBroker.gate).
 */
import { expect } from 'chai';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';
import { runScenario } from '../../src/compat/runner';
import { describeDifference, firstDifference, type TraceSection } from '../../src/compat/trace';
import { startKafka09Proxy } from '../broker/differential/targets';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { startKafka09, type Kafka09 } from '../fixtures/kafka09';
import { startOrSkip } from '../fixtures/processes';
import { KAFKA_39_VERSION, KAFKA_4_VERSION, sharedKafka39, sharedKafka4 } from '../fixtures/real-kafka';
import type { RecordingProxy } from '../fixtures/recording-proxy';
import { limiter, unlimited, SharedExclusive, type Slot } from '../helpers/concurrency';
import { compiledFacadeRegister } from '../adapter/helpers/compiled-facade';
import { runExample } from '../adapter/helpers/run-example';
import {
  BROKER_IDS,
  ENGINE_PATHS,
  expectedOutcome,
  expectedToFailAtConnect,
  renderCell,
  renderTable,
  type BrokerId,
  type EnginePath,
  type ItemOutcome,
} from './matrix/matrix';
import { cellNames, cellTopics, failureOf, PROGRAMS } from './matrix/programs';

interface MatrixBroker {
  id: BrokerId;
  title: string;
  bootstrap: string;
  zookeeper?: string;
  createTopic(name: string, partitions: number): Promise<void>;
  /**
   * Kafka 0.9 only: a program that finds the broker in ZooKeeper reaches it directly, not through the proxy, and its
   * client's ApiVersions makes 0.9 drop the other requests it read in the same poll, from any connection. Such a
   * program runs alone on the broker (exclusive); everything else on it is shared.
   */
  gate?: SharedExclusive;
}

/** MATRIX_PROGRESS=1 prints each item's outcome as it comes (to see where a slow run spends its time). */
function progress(line: string): void {
  if (process.env.MATRIX_PROGRESS) console.log(`      [matrix ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** A scenario that neither passes nor fails in this time is a hang: an outcome of its own, never expected. */
const SCENARIO_LIMIT_MS = 240000;

function withinLimit<T>(work: Promise<T>, limitMs: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout()), limitMs)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const generic = (text: string): string =>
  text.replace(/127\.0\.0\.1:\d+/g, '<broker>').replace(/kna-matrix-[\w-]+/g, '<name>');

async function runProgramCell(
  path: Extract<EnginePath, { kind: 'program' }>,
  broker: MatrixBroker,
  slot: Slot,
): Promise<Map<string, ItemOutcome>> {
  const names = cellNames(`kna-matrix-${broker.id}-${path.id.replace(':', '-')}`.replace(/\./g, ''));
  const outcomes = new Map<string, ItemOutcome>();
  try {
    for (const [topic, partitions] of Object.entries(cellTopics(names))) await broker.createTopic(topic, partitions);
  } catch (error) {
    const setup = `setup failed: ${generic((error as Error).message.split('\n')[0]!)}`;
    return new Map(PROGRAMS.map((program) => [program.id, setup]));
  }
  const atOnce = expectedToFailAtConnect(path, broker.id);
  const run: Slot = atOnce ? (task) => task() : slot;
  for (const phases of atOnce ? [[1, 2]] : [[1], [2]]) {
    await Promise.all(
      PROGRAMS.filter((program) => phases.includes(program.phase)).map(async (program) => {
        if (program.needsZooKeeper && !broker.zookeeper) {
          outcomes.set(program.id, 'n/a');
          return;
        }
        const env = {
          KAFKA_HOST: broker.bootstrap,
          ...(broker.zookeeper ? { ZK_CONNECT: broker.zookeeper } : {}),
          ...program.env(names),
        };
        const gated = broker.gate ? (program.needsZooKeeper ? broker.gate.exclusive : broker.gate.shared) : unlimited;
        // The gate before the slot: a program waiting for the broker to itself must not hold one of the slots that
        // the other brokers' cells run in.
        const result = await gated(() =>
          run(() =>
            runExample(path.mode, program.file, { env, timeoutMs: 150000, facadeRegister: compiledFacadeRegister() }),
          ),
        );
        outcomes.set(
          program.id,
          result.code === 0 && program.passes(result.stdout, names) ? 'pass' : failureOf(result, names),
        );
        progress(`${path.id} @ ${broker.id} ${program.id} (${result.durationMs} ms): ${outcomes.get(program.id)!}`);
      }),
    );
  }
  return new Map(PROGRAMS.map((program) => [program.id, outcomes.get(program.id)!]));
}

/** The trace of each scenario that passed, by "backend|broker|scenario". */
type PassedTraces = Map<string, TraceSection[]>;
const traceKey = (backend: string, broker: BrokerId, scenario: string): string => `${backend}|${broker}|${scenario}`;

async function runCommonCell(
  path: Extract<EnginePath, { kind: 'common' }>,
  broker: MatrixBroker,
  slot: Slot,
  traces: PassedTraces,
): Promise<Map<string, ItemOutcome>> {
  const namespace = `kna-matrix-${broker.id.replace(/\./g, '')}-${path.backend}`;
  const outcomes = new Map<string, ItemOutcome>();
  const runItem = async (scenario: (typeof PARITY_SCENARIOS)[number], run: Slot): Promise<void> => {
    const started = Date.now();
    const gated = broker.gate?.shared ?? unlimited;
    const outcome = await gated(() =>
      run(() =>
        withinLimit(
          runScenario(
            scenario,
            {
              brokers: [broker.bootstrap],
              backends: [path.backend],
              scenarios: [scenario],
              provisionTopic: (name, partitions) => broker.createTopic(name, partitions),
            },
            namespace,
          ).then((result) => {
            const [outcome] = result.outcomes;
            if (outcome!.status !== 'pass') return generic(outcome!.detail ?? outcome!.status);
            traces.set(traceKey(path.backend, broker.id, scenario.id), outcome!.trace);
            return 'pass';
          }),
          SCENARIO_LIMIT_MS,
          () => `no outcome within ${SCENARIO_LIMIT_MS / 1000} s`,
        ),
      ),
    );
    outcomes.set(scenario.id, outcome);
    progress(`${path.id} @ ${broker.id} ${scenario.id} (${Date.now() - started} ms): ${outcome}`);
  };
  if (expectedToFailAtConnect(path, broker.id)) {
    // Every scenario starts by connecting, so a cell that fails there fails each the same way: its first scenario
    // is run to show the failure, the others are not (kafkajs and librdkafka wait out their own timeouts against 0.9,
    // a minute or more per scenario, and fourteen librdkafka clients at once outlast the 240 s bound).
    const [first] = PARITY_SCENARIOS;
    await runItem(first!, (task) => task());
    return new Map([[first!.id, outcomes.get(first!.id)!]]);
  }
  for (const scenario of PARITY_SCENARIOS) await runItem(scenario, slot);
  return new Map(PARITY_SCENARIOS.map((scenario) => [scenario.id, outcomes.get(scenario.id)!]));
}

describe('compat/compatibility-matrix: every engine path on every broker, each cell as expected', function () {
  this.timeout(600000);
  const brokers = new Map<BrokerId, MatrixBroker>();
  /**
   * Where the cells expected to fail at connect run, when not on the shared broker of their column: started once the
   * shared brokers are up (six JVMs starting at once on a loaded machine outlast 0.9's start timeout), while the
   * other cells run.
   */
  const refusingBrokers = new Map<BrokerId, Promise<MatrixBroker>>();
  let embedded: EmbeddedBroker | undefined;
  const kafka09s: Kafka09[] = [];
  const proxies09: RecordingProxy[] = [];

  /** One topic creation at a time per broker (0.9 creates through ZooKeeper and, loaded, elects leaders slowly). */
  const serialized = (create: MatrixBroker['createTopic']): MatrixBroker['createTopic'] => {
    const one = limiter(1);
    return (name, partitions) => one(() => create(name, partitions));
  };

  /**
   * Kafka 0.9 behind the proxy that swallows ApiVersions (see below). `shared`: the broker of the cells that pass,
   * gated (MatrixBroker.gate); the cells that fail at connect all lose their requests anyway.
   */
  const start09 = async (start: () => Promise<Kafka09>, shared: boolean): Promise<MatrixBroker> => {
    const kafka = await start();
    kafka09s.push(kafka);
    // 0.9 never answers ApiVersions and drops other requests read with it; the proxy swallows ApiVersions so
    // clients see the same silence without that collateral loss (see test/fixtures/kafka09.ts).
    const proxy = await startKafka09Proxy(kafka);
    proxies09.push(proxy);
    return {
      id: 'kafka-0.9',
      title: 'Kafka 0.9.0.1',
      bootstrap: proxy.address,
      zookeeper: kafka.zookeeper,
      createTopic: serialized((name, partitions) => kafka.createTopic(name, partitions)),
      ...(shared ? { gate: new SharedExclusive() } : {}),
    };
  };

  before(async function () {
    const [kafka4, kafka39, kafka09] = await Promise.all([
      sharedKafka4(this),
      sharedKafka39(this),
      start09(() => startOrSkip(this, () => startKafka09()), true),
    ]);
    brokers.set('kafka-0.9', kafka09);
    const refusing09 = start09(() => startKafka09({ startTimeoutMs: 120000 }), false);
    refusing09.catch(() => undefined); // the cells that run there fail with its error
    refusingBrokers.set('kafka-0.9', refusing09);
    embedded = await startEmbedded();
    const embeddedBroker = embedded;
    brokers.set('embedded', {
      id: 'embedded',
      title: 'embedded broker',
      bootstrap: embedded.bootstrap,
      createTopic: serialized((name, partitions) => {
        const created = embeddedBroker.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
        return created.errorCode === 0 || created.errorCode === 36
          ? Promise.resolve()
          : Promise.reject(new Error(`creating ${name}: error ${created.errorCode}`));
      }),
    });
    brokers.set('kafka-3.9', {
      id: 'kafka-3.9',
      title: `Kafka ${KAFKA_39_VERSION} (ZooKeeper)`,
      bootstrap: kafka39.bootstrap,
      zookeeper: kafka39.zookeeper,
      createTopic: serialized((name, partitions) => kafka39.createTopic(name, partitions)),
    });
    brokers.set('kafka-4', {
      id: 'kafka-4',
      title: `Kafka ${KAFKA_4_VERSION} (KRaft)`,
      bootstrap: kafka4.bootstrap,
      createTopic: serialized((name, partitions) => kafka4.createTopic(name, partitions)),
    });
  });
  after(async () => {
    for (const starting of refusingBrokers.values()) await starting.catch(() => undefined);
    for (const proxy of proxies09) await proxy.close();
    for (const kafka of kafka09s) await kafka.stop();
    await embedded?.stop();
  });

  it('runs the six examples and the parity scenarios on each broker x engine path and prints the matrix', async () => {
    const slot = limiter(6);
    // MATRIX_CELLS=common:kafkajs@kafka-0.9,facade,... runs only the cells whose "path@broker" starts with one of the parts.
    const only = process.env.MATRIX_CELLS?.split(',');
    const started = Date.now();
    const results = new Map<string, Map<string, ItemOutcome>>();
    const traces: PassedTraces = new Map();
    const key = (path: EnginePath, broker: BrokerId): string => `${path.id} @ ${broker}`;
    const runCell = async (path: EnginePath, brokerId: BrokerId): Promise<void> => {
      const refusing = expectedToFailAtConnect(path, brokerId) && refusingBrokers.get(brokerId);
      const broker = refusing ? await refusing : brokers.get(brokerId)!;
      const outcomes =
        path.kind === 'program'
          ? await runProgramCell(path, broker, slot)
          : await runCommonCell(path, broker, slot, traces);
      results.set(key(path, brokerId), outcomes);
    };
    await Promise.all(
      BROKER_IDS.map(async (brokerId) => {
        const paths = ENGINE_PATHS.filter(
          (path) => !only || only.some((cell) => `${path.id}@${brokerId}`.startsWith(cell)),
        );
        // The cells that fail at connect run beside the others: on Kafka 4 they only lose their own connections, on
        // 0.9 they have a broker of their own.
        await Promise.all(paths.map((path) => runCell(path, brokerId)));
      }),
    );
    const columns = BROKER_IDS.map((id) => ({ id, title: brokers.get(id)!.title }));
    const table = renderTable(columns, (path, broker) => {
      const outcomes = results.get(key(path, broker));
      return outcomes && renderCell(outcomes);
    });
    console.log(
      `\n      Compatibility matrix (${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 1000)} s):\n\n${table}\n`,
    );

    const unexpected: string[] = [];
    for (const path of ENGINE_PATHS) {
      for (const broker of BROKER_IDS) {
        for (const [item, actual] of results.get(key(path, broker)) ?? []) {
          const expected = expectedOutcome(path, broker, item);
          if (expected === undefined)
            unexpected.push(
              `${key(path, broker)} ${item}: no expectation written for engine path ${path.id} (got: ${actual})`,
            );
          else if (actual !== expected)
            unexpected.push(
              `${key(path, broker)} ${item}:\n          expected: ${expected}\n          actual:   ${actual}`,
            );
        }
      }
    }
    expect(unexpected, 'cells that differ from their expected outcome').to.deep.equal([]);

    // Parity with the embedded broker: the same backend leaves the same trace on a real broker as on the embedded one.
    const differing: string[] = [];
    let compared = 0;
    for (const path of ENGINE_PATHS) {
      if (path.kind !== 'common') continue;
      for (const broker of BROKER_IDS.filter((id) => id !== 'embedded')) {
        for (const scenario of PARITY_SCENARIOS) {
          const real = traces.get(traceKey(path.backend, broker, scenario.id));
          const reference = traces.get(traceKey(path.backend, 'embedded', scenario.id));
          if (!real || !reference) continue;
          compared++;
          const difference = firstDifference(reference, real);
          if (difference)
            differing.push(
              `${path.id} @ ${broker} ${scenario.id}: ${describeDifference(difference, 'embedded broker', broker)}`,
            );
        }
      }
    }
    console.log(
      `      parity traces on the real brokers equal to the embedded broker's: ${compared - differing.length} of ${compared}`,
    );
    if (!only)
      expect(compared, 'scenarios that passed on a real broker and on the embedded broker').to.be.greaterThan(0);
    expect(differing, "traces on real brokers that differ from the embedded broker's").to.deep.equal([]);
  });
});
