import type { BackendName } from '../common/types';
import type { Finding } from '../migration/scanner';
import type { ScanSummary } from '../migration/scan';
import type { KafkaNodeApiOutcome } from './kafka-node-api/runner';
import type { ProbeReport } from './probe';
import type { ScenarioOutcome, ScenarioStatus } from './runner';

/** Where the JSON report's schema is published (the file is src/compat/report.schema.json in the package). */
export const REPORT_SCHEMA_ID =
  'https://github.com/kafka-node-adapter/kafka-node-adapter/blob/main/src/compat/report.schema.json';

/** The run itself: what ran, where, with which library versions. */
export interface RunEnvironment {
  command: string;
  adapterVersion: string;
  kafkaNodeVersion: string;
  kafkajsVersion: string;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  startedAt: string;
  durationMs: number;
}

export interface KafkaNodeApiSection {
  /** 'kafka-node' (the reference) then 'facade:<backend>' for each backend. */
  engines: string[];
  summary: Record<ScenarioStatus, number>;
  scenarios: KafkaNodeApiOutcome[];
}

/** A use `scan` found, with the facade warnings it is documented to produce and those this run actually saw. */
export interface CodeFinding extends Finding {
  warnings: string[];
  seenAtRunTime: string[];
}

export interface CodeSection {
  root: string;
  summary: ScanSummary;
  /** Emulated and unsupported uses only (supported ones are counted in the summary). */
  findings: CodeFinding[];
}

export interface ParityReport {
  $schema?: string;
  generatedAt: string;
  brokers: string[];
  embeddedBroker: boolean;
  backends: BackendName[];
  /** The common-interface scenarios' statuses. */
  summary: Record<ScenarioStatus, number>;
  /** The common-interface scenarios, one result per backend. */
  scenarios: Array<{
    id: string;
    title: string;
    results: Array<{
      backend: BackendName;
      status: ScenarioStatus;
      durationMs: number;
      detail: string | null;
      leftoverTopics: string[];
    }>;
  }>;
  /** What the cluster accepts of each engine's requests (compat always fills it; null when not probed). */
  cluster?: ProbeReport | null;
  kafkaNodeApi?: KafkaNodeApiSection | null;
  /** With --scan. */
  code?: CodeSection | null;
  environment?: RunEnvironment;
}

export interface ReportSections {
  cluster?: ProbeReport | null;
  kafkaNodeApi?: KafkaNodeApiOutcome[] | null;
  kafkaNodeApiEngines?: string[];
  code?: CodeSection | null;
  environment?: RunEnvironment;
}

function countStatuses(statuses: ScenarioStatus[]): Record<ScenarioStatus, number> {
  const summary: Record<ScenarioStatus, number> = { pass: 0, diff: 0, unsupported: 0, error: 0 };
  for (const status of statuses) summary[status]++;
  return summary;
}

export function buildReport(
  outcomes: ScenarioOutcome[],
  meta: { brokers: string[]; embeddedBroker: boolean; backends: BackendName[] },
  sections: ReportSections = {},
): ParityReport {
  const report: ParityReport = {
    generatedAt: new Date().toISOString(),
    ...meta,
    summary: countStatuses(outcomes.flatMap((scenario) => scenario.outcomes.map((o) => o.status))),
    scenarios: outcomes.map((scenario) => ({
      id: scenario.id,
      title: scenario.title,
      results: scenario.outcomes.map(({ backend, status, durationMs, detail, leftoverTopics }) => ({
        backend,
        status,
        durationMs,
        detail,
        leftoverTopics,
      })),
    })),
  };
  if (Object.keys(sections).length === 0) return report;
  const api = sections.kafkaNodeApi ?? null;
  return {
    $schema: REPORT_SCHEMA_ID,
    ...report,
    cluster: sections.cluster ?? null,
    kafkaNodeApi: api && {
      engines: sections.kafkaNodeApiEngines ?? [],
      summary: countStatuses(api.flatMap((scenario) => scenario.results.map((r) => r.status))),
      scenarios: api,
    },
    code: sections.code ?? null,
    ...(sections.environment ? { environment: sections.environment } : {}),
  };
}

/** True when every broker answered and every backend and engine passed or reported the scenario unsupported. */
export function reportIsClean(report: ParityReport): boolean {
  const api = report.kafkaNodeApi?.summary;
  const unreachable = report.cluster?.brokers.some((broker) => broker.status === 'unreachable') ?? false;
  return (
    !unreachable &&
    report.summary.diff === 0 &&
    report.summary.error === 0 &&
    (!api || (api.diff === 0 && api.error === 0))
  );
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

interface MatrixRow {
  id: string;
  cells: Array<{ column: string; status: ScenarioStatus; durationMs: number; detail: string | null } | undefined>;
}

/** scenario x column with status and time, the summary line, then the detail of every result that did not pass. */
function formatMatrix(columns: string[], rows: MatrixRow[], summary: Record<ScenarioStatus, number>): string {
  const idWidth = Math.max(8, ...rows.map((row) => row.id.length));
  const cellWidth = Math.max(18, ...columns.map((c) => c.length));
  const lines: string[] = [];
  lines.push(`${pad('scenario', idWidth)}  ${columns.map((c) => pad(c, cellWidth)).join('  ')}`);
  lines.push(`${'-'.repeat(idWidth)}  ${columns.map(() => '-'.repeat(cellWidth)).join('  ')}`);
  const details: string[] = [];
  for (const row of rows) {
    const cells = row.cells.map((cell, index) => {
      if (!cell) return pad('-', cellWidth);
      if (cell.detail && cell.status !== 'pass')
        details.push(`${row.id} on ${columns[index]} (${cell.status}):\n  ${cell.detail.replace(/\n/g, '\n  ')}`);
      return pad(`${cell.status} ${(cell.durationMs / 1000).toFixed(1)}s`, cellWidth);
    });
    lines.push(`${pad(row.id, idWidth)}  ${cells.join('  ')}`);
  }
  const { pass, diff, unsupported, error } = summary;
  lines.push('');
  lines.push(`${pass} pass, ${diff} diff, ${unsupported} unsupported, ${error} error`);
  if (details.length > 0) lines.push('', ...details);
  return lines.join('\n');
}

/** The terminal table of the common-interface scenarios: scenario x backend. */
export function formatTable(report: ParityReport): string {
  const rows = report.scenarios.map((scenario) => ({
    id: scenario.id,
    cells: report.backends.map((backend) => {
      const result = scenario.results.find((r) => r.backend === backend);
      return result && { column: backend, ...result };
    }),
  }));
  return formatMatrix(report.backends, rows, report.summary);
}

/** The terminal table of the kafka-node API scenarios: scenario x engine. */
export function formatKafkaNodeApiTable(section: KafkaNodeApiSection): string {
  const rows = section.scenarios.map((scenario) => ({
    id: scenario.id,
    cells: section.engines.map((engine) => {
      const result = scenario.results.find((r) => r.engine === engine);
      return result && { column: engine, ...result };
    }),
  }));
  return formatMatrix(section.engines, rows, section.summary);
}
