import type { BackendName } from '../common/types';
import type { ScenarioOutcome, ScenarioStatus } from './runner';

export interface ParityReport {
  generatedAt: string;
  brokers: string[];
  embeddedBroker: boolean;
  backends: BackendName[];
  summary: Record<ScenarioStatus, number>;
  scenarios: Array<{
    id: string;
    title: string;
    results: Array<{ backend: BackendName; status: ScenarioStatus; durationMs: number; detail: string | null; leftoverTopics: string[] }>;
  }>;
}

export function buildReport(outcomes: ScenarioOutcome[], meta: { brokers: string[]; embeddedBroker: boolean; backends: BackendName[] }): ParityReport {
  const summary: Record<ScenarioStatus, number> = { pass: 0, diff: 0, unsupported: 0, error: 0 };
  for (const scenario of outcomes) for (const outcome of scenario.outcomes) summary[outcome.status]++;
  return {
    generatedAt: new Date().toISOString(),
    ...meta,
    summary,
    scenarios: outcomes.map((scenario) => ({
      id: scenario.id,
      title: scenario.title,
      results: scenario.outcomes.map(({ backend, status, durationMs, detail, leftoverTopics }) => ({ backend, status, durationMs, detail, leftoverTopics })),
    })),
  };
}

/** True when every backend passed or reported the scenario unsupported. */
export function reportIsClean(report: ParityReport): boolean {
  return report.summary.diff === 0 && report.summary.error === 0;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The terminal table: scenario x backend with status and time, then the first difference or error of each. */
export function formatTable(report: ParityReport): string {
  const idWidth = Math.max(8, ...report.scenarios.map((s) => s.id.length));
  const cellWidth = 18;
  const lines: string[] = [];
  lines.push(`${pad('scenario', idWidth)}  ${report.backends.map((b) => pad(b, cellWidth)).join('  ')}`);
  lines.push(`${'-'.repeat(idWidth)}  ${report.backends.map(() => '-'.repeat(cellWidth)).join('  ')}`);
  const details: string[] = [];
  for (const scenario of report.scenarios) {
    const cells = report.backends.map((backend) => {
      const result = scenario.results.find((r) => r.backend === backend);
      if (!result) return pad('-', cellWidth);
      if (result.detail && result.status !== 'pass') details.push(`${scenario.id} on ${backend} (${result.status}):\n  ${result.detail.replace(/\n/g, '\n  ')}`);
      return pad(`${result.status} ${(result.durationMs / 1000).toFixed(1)}s`, cellWidth);
    });
    lines.push(`${pad(scenario.id, idWidth)}  ${cells.join('  ')}`);
  }
  const { pass, diff, unsupported, error } = report.summary;
  lines.push('');
  lines.push(`${pass} pass, ${diff} diff, ${unsupported} unsupported, ${error} error`);
  if (details.length > 0) lines.push('', ...details);
  return lines.join('\n');
}
