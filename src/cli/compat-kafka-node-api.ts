/**
 * The kafka-node API section of `compat`: the scenarios run through the real kafka-node and through the facade on
 * each backend. On the embedded broker they get two brokers of their own (auto-creation off, and auto-creation with
 * 3 partitions); on a given cluster they share it under namespaced names, create their topics through a backend's
 * admin API and delete them afterwards.
 */
import { startBroker, silentLogger, type EmbeddedBroker } from '../broker';
import type { BackendName, KafkaConfig } from '../common/types';
import { createKafka } from '../kafka';
import { KAFKA_NODE_API_ENGINES, backendOfEngine, type KafkaNodeApiEngine } from '../compat/kafka-node-api/engines';
import {
  runKafkaNodeApiScenario,
  type EngineTarget,
  type KafkaNodeApiOutcome,
  type KafkaNodeApiRun,
} from '../compat/kafka-node-api/runner';
import type { KafkaNodeApiScenario } from '../compat/kafka-node-api/scenarios';
import type { ProbeReport } from '../compat/probe';

export interface KafkaNodeApiSectionOptions {
  scenarios: readonly KafkaNodeApiScenario[];
  backends: readonly BackendName[];
  /** The cluster to use; null: brokers of their own, embedded. */
  brokers: string[] | null;
  clientConfig: Omit<KafkaConfig, 'brokers' | 'backend'>;
  probe: ProbeReport;
  namespace: string;
  progress: NodeJS.WritableStream;
  /** Why the engine under a backend (or kafka-node itself) cannot run on this cluster, or null. */
  refusal(backend: BackendName | 'kafka-node (unchanged)'): string | null;
}

/** A backend whose admin API this cluster accepts CreateTopics from (per the probe), to make the scenarios' topics. */
function topicCreator(probe: ProbeReport, backends: readonly BackendName[]): BackendName | null {
  return (
    backends.find((backend) =>
      probe.backends.find((b) => b.name === backend)?.checks.some((c) => c.api === 'CreateTopics' && c.accepted),
    ) ?? null
  );
}

async function withAdmin<T>(
  config: KafkaConfig,
  use: (admin: ReturnType<ReturnType<typeof createKafka>['admin']>) => Promise<T>,
): Promise<T> {
  const admin = createKafka(config).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function runKafkaNodeApiSection(
  options: KafkaNodeApiSectionOptions,
): Promise<{ engines: KafkaNodeApiEngine[]; outcomes: KafkaNodeApiOutcome[] }> {
  const engines = KAFKA_NODE_API_ENGINES.filter((engine) => {
    const backend = backendOfEngine(engine);
    return backend === null || options.backends.includes(backend);
  });
  const prefixOf = (engine: KafkaNodeApiEngine): string => `${options.namespace}-${engines.indexOf(engine)}-`;
  const started: EmbeddedBroker[] = [];
  const created: string[] = [];
  let run: KafkaNodeApiRun;
  const common = {
    engines,
    onProgress: makeProgress(options, engines.length * options.scenarios.length),
  };
  if (options.brokers === null) {
    const plain = await startBroker({ logger: silentLogger, port: 0, autoCreateTopics: false });
    started.push(plain);
    const autoCreating = await startBroker({
      logger: silentLogger,
      port: 0,
      autoCreateTopics: true,
      defaultPartitions: 3,
    });
    started.push(autoCreating);
    run = {
      ...common,
      targetFor: (engine): EngineTarget => ({
        kafkaHost: plain.bootstrap,
        autoCreatingKafkaHost: autoCreating.bootstrap,
        namePrefix: prefixOf(engine),
        async createTopic(name, partitions) {
          const result = plain.cluster.createTopic({ name, numPartitions: partitions, replicationFactor: 1 });
          if (result.errorCode !== 0)
            throw new Error(`embedded broker: creating ${name} failed with error ${result.errorCode}`);
        },
      }),
      engineUnsupported: () => null,
      offers: ['auto-creating broker', 'broker without auto-creation'],
      checkReference: true,
    };
  } else {
    const brokers = options.brokers;
    const creator = topicCreator(options.probe, options.backends);
    const secured = options.clientConfig.ssl !== undefined || options.clientConfig.sasl !== undefined;
    run = {
      ...common,
      targetFor: (engine): EngineTarget => ({
        kafkaHost: brokers.join(','),
        autoCreatingKafkaHost: brokers.join(','),
        namePrefix: prefixOf(engine),
        async createTopic(name, partitions) {
          await withAdmin({ ...options.clientConfig, brokers, backend: creator! }, (admin) =>
            admin.createTopics([{ topic: name, numPartitions: partitions, replicationFactor: 1 }]),
          );
          created.push(name);
        },
      }),
      engineUnsupported: (engine) => {
        if (secured)
          return 'unsupported here: the kafka-node API scenarios are plain kafka-node programs without TLS or SASL options';
        if (!creator)
          return 'unsupported here: no backend can create the scenarios’ topics on this cluster (no CreateTopics)';
        const backend = backendOfEngine(engine);
        return options.refusal(backend ?? 'kafka-node (unchanged)');
      },
      // Whether this cluster creates topics on first use is not known: the scenarios that depend on it stay out.
      offers: [],
      checkReference: false,
    };
  }
  const outcomes: KafkaNodeApiOutcome[] = [];
  try {
    for (const scenario of options.scenarios) outcomes.push(await runKafkaNodeApiScenario(scenario, run));
  } finally {
    for (const broker of started) await broker.stop();
    if (created.length > 0 && options.brokers) {
      await withAdmin(
        { ...options.clientConfig, brokers: options.brokers, backend: topicCreator(options.probe, options.backends)! },
        (admin) => admin.deleteTopics(created),
      ).catch((error: Error) =>
        options.progress.write(
          `could not delete the kafka-node API scenarios' topics ${created.join(', ')}: ${error.message}\n`,
        ),
      );
    }
  }
  return { engines, outcomes };
}

function makeProgress(options: KafkaNodeApiSectionOptions, total: number): KafkaNodeApiRun['onProgress'] {
  let done = 0;
  return ({ scenario, engine, result }) => {
    if (!result) options.progress.write(`[${done + 1}/${total}] kafka-node API ${scenario.id} on ${engine} ...\n`);
    else {
      done++;
      options.progress.write(
        `[${done}/${total}] kafka-node API ${scenario.id} on ${engine}: ${result.status} (${(result.durationMs / 1000).toFixed(1)}s)\n`,
      );
    }
  };
}
