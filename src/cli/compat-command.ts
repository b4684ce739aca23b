import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { startBroker, silentLogger, type EmbeddedBroker } from '../broker';
import { BACKEND_NAMES, type BackendName, type KafkaConfig } from '../common/types';
import { PARITY_SCENARIOS } from '../compat/scenarios';
import { runScenario, type ScenarioOutcome } from '../compat/runner';
import {
  buildReport,
  formatKafkaNodeApiTable,
  formatTable,
  reportIsClean,
  type CodeSection,
  type ParityReport,
} from '../compat/report';
import { renderHtmlReport } from '../compat/html-report';
import { formatProbe, runProbe, type ProbeReport } from '../compat/probe';
import type { KafkaNodeApiOutcome } from '../compat/kafka-node-api/runner';
import { attachRunTimeWarnings, formatCodeSection, scanCode } from '../compat/code-findings';
import { UsageError } from './usage-error';
import { brokerList, clientSettings, type ClientCommandOptions } from './client-options';
import { runEnvironment } from './run-environment';

export interface CompatOptions extends ClientCommandOptions {
  brokers?: string[];
  backends?: string[];
  report?: string[];
  json?: boolean;
  scenarios?: string[];
  scan?: string;
}

/** The confluent backend's library is an optional peer dependency: by default compat runs it only when installed. */
function installedBackends(): BackendName[] {
  return BACKEND_NAMES.filter((name) => {
    if (name !== 'confluent') return true;
    try {
      require.resolve('@confluentinc/kafka-javascript');
      return true;
    } catch {
      return false;
    }
  });
}

function parseBackends(values: string[] | undefined): BackendName[] {
  if (!values || values.length === 0) return installedBackends();
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(BACKEND_NAMES as readonly string[]).includes(name))
      throw new UsageError(`unknown backend "${name}": use ${BACKEND_NAMES.join(', ')} (comma-separated)`);
  }
  return [...new Set(names)] as BackendName[];
}

function parseReportTargets(values: string[] | undefined): { html: string[]; json: string[] } {
  const targets = { html: [] as string[], json: [] as string[] };
  for (const file of (values ?? []).flatMap((v) => v.split(','))) {
    const extension = path.extname(file).toLowerCase();
    if (extension === '.html' || extension === '.htm') targets.html.push(file);
    else if (extension === '.json') targets.json.push(file);
    else throw new UsageError(`--report ${file}: the file name must end in .html or .json`);
  }
  return targets;
}

function selects(wanted: string[] | undefined, id: string): boolean {
  return !wanted?.length || wanted.some((w) => id === w || id.startsWith(`${w}-`));
}

/** Why `backend` cannot run on this cluster at all, from the probe; null when it can (fully or with gaps). */
function clusterRefusal(probe: ProbeReport, backend: BackendName | 'kafka-node (unchanged)'): string | null {
  if (probe.brokers.every((broker) => broker.status === 'unreachable'))
    return `unsupported here: no broker could be reached (${probe.brokers[0]?.detail ?? 'no address'})`;
  const verdict =
    backend === 'kafka-node (unchanged)' ? probe.kafkaNode : probe.backends.find((b) => b.name === backend);
  return verdict?.status === 'fails' ? `unsupported here: ${verdict.firstFailure}` : null;
}

async function runCommonSection(
  scenarios: typeof PARITY_SCENARIOS,
  context: {
    brokers: string[];
    backends: BackendName[];
    clientConfig: Omit<KafkaConfig, 'brokers' | 'backend'>;
    probe: ProbeReport;
    namespace: string;
    progress: NodeJS.WritableStream;
  },
): Promise<ScenarioOutcome[]> {
  const { brokers, backends, clientConfig, probe, namespace, progress } = context;
  const outcomes: ScenarioOutcome[] = [];
  let done = 0;
  const total = scenarios.length * backends.length;
  for (const scenario of scenarios) {
    outcomes.push(
      await runScenario(
        scenario,
        {
          brokers,
          backends,
          scenarios: [scenario],
          clientConfig,
          clusterUnsupported: (backend) => clusterRefusal(probe, backend),
          onProgress: ({ backend, outcome }) => {
            if (!outcome) progress.write(`[${done + 1}/${total}] ${scenario.id} on ${backend} ...\n`);
            else {
              done++;
              progress.write(
                `[${done}/${total}] ${scenario.id} on ${backend}: ${outcome.status} (${(outcome.durationMs / 1000).toFixed(1)}s)\n`,
              );
            }
          },
        },
        namespace,
      ),
    );
  }
  return outcomes;
}

/**
 * `kafka-node-adapter compat`: against the given cluster, or a freshly started embedded broker, answers in order:
 * will today's kafka-node code work here (the probe), does it behave the same on each backend (the common-interface
 * scenarios and the kafka-node API scenarios side by side), and with --scan what in the code needs attention.
 * Returns the exit code: 0 when nothing differs and nothing failed.
 */
export async function runCompat(
  options: CompatOptions,
  out: NodeJS.WritableStream = process.stdout,
  progress: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const started = new Date();
  const backends = parseBackends(options.backends);
  const targets = parseReportTargets(options.report);
  const settings = clientSettings(options);
  const { KAFKA_NODE_API_SCENARIOS } = await import('../compat/kafka-node-api/scenarios');
  const selected = PARITY_SCENARIOS.filter((s) => selects(options.scenarios, s.id));
  const selectedApi = KAFKA_NODE_API_SCENARIOS.filter((s) => selects(options.scenarios, s.id));
  if (selected.length === 0 && selectedApi.length === 0) {
    const known = [...PARITY_SCENARIOS, ...KAFKA_NODE_API_SCENARIOS].map((s) => s.id).join(', ');
    throw new UsageError(`no scenario matches ${options.scenarios!.join(', ')}; known: ${known}`);
  }
  if (options.scan !== undefined && !fs.existsSync(options.scan))
    throw new UsageError(`--scan ${options.scan}: no such directory`);
  const code: CodeSection | null = options.scan === undefined ? null : scanCode(options.scan);

  let broker: EmbeddedBroker | null = null;
  let brokers = brokerList(options.brokers);
  if (brokers.length === 0) {
    broker = await startBroker({ logger: silentLogger });
    brokers = broker.brokers;
    progress.write(`embedded broker started on ${broker.bootstrap}\n`);
  }
  const namespace = `kna-compat-${randomBytes(3).toString('hex')}`;
  const clientConfig: Omit<KafkaConfig, 'brokers' | 'backend'> = settings;
  const outcomes: ScenarioOutcome[] = [];
  let probe: ProbeReport;
  let apiOutcomes: { engines: string[]; outcomes: KafkaNodeApiOutcome[] } | null = null;
  try {
    progress.write(`probing ${brokers.join(',')} ...\n`);
    probe = await runProbe({ brokers, ...settings, backends });
    // The two sections share nothing (the kafka-node API scenarios have brokers or names of their own, and the
    // common interface never reads KAFKA_NODE_BACKEND or the facade's warnings): they run side by side.
    const apiSection =
      selectedApi.length === 0
        ? null
        : import('./compat-kafka-node-api').then(({ runKafkaNodeApiSection }) =>
            runKafkaNodeApiSection({
              scenarios: selectedApi,
              backends,
              brokers: broker ? null : brokers,
              clientConfig,
              probe,
              namespace,
              progress,
              refusal: (engine) => clusterRefusal(probe, engine),
            }),
          );
    // Settled before anything throws, so the broker is never stopped under a section still running.
    const [common, api] = await Promise.allSettled([
      runCommonSection(selected, { brokers, backends, clientConfig, probe, namespace, progress }),
      apiSection,
    ]);
    if (common.status === 'rejected') throw common.reason;
    if (api.status === 'rejected') throw api.reason;
    outcomes.push(...common.value);
    apiOutcomes = api.value;
  } finally {
    await broker?.stop();
  }
  const report = buildReport(
    outcomes,
    { brokers, embeddedBroker: broker !== null, backends },
    {
      cluster: probe,
      kafkaNodeApi: apiOutcomes?.outcomes ?? null,
      kafkaNodeApiEngines: apiOutcomes?.engines,
      code: code && attachRunTimeWarnings(code, apiOutcomes?.outcomes ?? []),
      environment: runEnvironment(['kafka-node-adapter', 'compat', ...compatArguments(options)].join(' '), started),
    },
  );
  for (const file of targets.json) fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  for (const file of targets.html) fs.writeFileSync(file, renderHtmlReport(report));
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCompat(report)}\n`);
  return reportIsClean(report) ? 0 : 1;
}

/** The options as given, for the report (SASL passwords left out). */
function compatArguments(options: CompatOptions): string[] {
  const args: string[] = [];
  for (const broker of options.brokers ?? []) args.push('--brokers', broker);
  for (const backend of options.backends ?? []) args.push('--backends', backend);
  for (const scenario of options.scenarios ?? []) args.push('--scenario', scenario);
  if (options.scan !== undefined) args.push('--scan', options.scan);
  if (options.saslUser) args.push('--sasl-user', `${options.saslUser.split(':')[0]}:***`);
  return args;
}

/** The terminal report: one section per question, then the run. */
export function formatCompat(report: ParityReport): string {
  const sections: string[] = [];
  if (report.cluster)
    sections.push(`== Cluster: will today's kafka-node code work here? ==\n${formatProbe(report.cluster)}`);
  if (report.scenarios.length > 0)
    sections.push(`== Common interface scenarios, side by side ==\n${formatTable(report)}`);
  if (report.kafkaNodeApi)
    sections.push(
      `== kafka-node API scenarios: the real kafka-node and the facade on each backend ==\n${formatKafkaNodeApiTable(report.kafkaNodeApi)}`,
    );
  if (report.code) sections.push(`== Code: what needs attention ==\n${formatCodeSection(report.code)}`);
  const env = report.environment;
  if (env)
    sections.push(
      `== Run ==\n${env.command}: ${(env.durationMs / 1000).toFixed(1)} s; kafka-node-adapter ${env.adapterVersion}, kafka-node ${env.kafkaNodeVersion}, kafkajs ${env.kafkajsVersion}; Node ${env.node} on ${env.platform} ${env.arch}, ${env.cpus} CPUs`,
    );
  return sections.join('\n\n');
}
