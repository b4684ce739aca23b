import * as fs from 'fs';
import * as path from 'path';
import { startBroker, silentLogger, type EmbeddedBroker } from '../broker';
import { BACKEND_NAMES, type BackendName } from '../common/types';
import { PARITY_SCENARIOS } from '../compat/scenarios';
import { runScenario, type ScenarioOutcome } from '../compat/runner';
import { buildReport, formatTable, reportIsClean } from '../compat/report';
import { renderHtmlReport } from '../compat/html-report';
import { UsageError } from './usage-error';

export interface CompatOptions {
  brokers?: string[];
  backends?: string[];
  report?: string[];
  json?: boolean;
  scenarios?: string[];
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
  const names = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  for (const name of names) {
    if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown backend "${name}": use kafka-node, kafkajs, confluent, or several comma-separated`);
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

/**
 * `kafka-node-adapter compat`: runs the parity scenarios on each backend against the given cluster, or against a
 * freshly started embedded broker, and prints the scenario x backend table. Returns the exit code.
 */
export async function runCompat(options: CompatOptions, out: NodeJS.WritableStream = process.stdout, progress: NodeJS.WritableStream = process.stderr): Promise<number> {
  const backends = parseBackends(options.backends);
  const targets = parseReportTargets(options.report);
  const selected = options.scenarios?.length
    ? PARITY_SCENARIOS.filter((s) => options.scenarios!.some((wanted) => s.id === wanted || s.id.startsWith(`${wanted}-`)))
    : PARITY_SCENARIOS;
  if (selected.length === 0) throw new UsageError(`no scenario matches ${options.scenarios!.join(', ')}; known: ${PARITY_SCENARIOS.map((s) => s.id).join(', ')}`);

  let broker: EmbeddedBroker | null = null;
  let brokers = options.brokers?.flatMap((b) => b.split(',')).filter(Boolean) ?? [];
  if (brokers.length === 0) {
    broker = await startBroker({ logger: silentLogger });
    brokers = broker.brokers;
    progress.write(`embedded broker started on ${broker.bootstrap}\n`);
  }
  const outcomes: ScenarioOutcome[] = [];
  try {
    let done = 0;
    const total = selected.length * backends.length;
    for (const scenario of selected) {
      outcomes.push(
        await runScenario(
          scenario,
          {
            brokers,
            backends,
            scenarios: [scenario],
            onProgress: ({ backend, outcome }) => {
              if (!outcome) progress.write(`[${done + 1}/${total}] ${scenario.id} on ${backend} ...\n`);
              else {
                done++;
                progress.write(`[${done}/${total}] ${scenario.id} on ${backend}: ${outcome.status} (${(outcome.durationMs / 1000).toFixed(1)}s)\n`);
              }
            },
          },
          `kna-compat-${Date.now().toString(36)}`,
        ),
      );
    }
  } finally {
    await broker?.stop();
  }
  const report = buildReport(outcomes, { brokers, embeddedBroker: broker !== null, backends });
  for (const file of targets.json) fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  for (const file of targets.html) fs.writeFileSync(file, renderHtmlReport(report));
  out.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(report)}\n`);
  return reportIsClean(report) ? 0 : 1;
}
