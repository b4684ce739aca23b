/** `compat --scan`: scan's emulated and unsupported uses, next to the facade warnings this run produced. */
import { scanDirectory } from '../migration/scan';
import type { KafkaNodeApiOutcome } from './kafka-node-api/runner';
import type { CodeFinding, CodeSection } from './report';

/** The warning names a finding's note announces ("... (warning 'offset.commit.kafka-storage', 'x')"). */
function announcedWarnings(note: string): string[] {
  const list = /\(warning ((?:'[^']+'(?:, )?)+)\)/.exec(note)?.[1];
  return list ? [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]!) : [];
}

export function scanCode(root: string): CodeSection {
  const report = scanDirectory(root);
  const findings: CodeFinding[] = report.findings
    .filter((finding) => finding.status !== 'supported')
    .map((finding) => ({ ...finding, warnings: announcedWarnings(finding.note), seenAtRunTime: [] }));
  return { root: report.root, summary: report.summary, findings };
}

/** Fills each finding's `seenAtRunTime` with where the kafka-node API scenarios raised one of its warnings. */
export function attachRunTimeWarnings(section: CodeSection, outcomes: readonly KafkaNodeApiOutcome[]): CodeSection {
  const seen = new Map<string, string[]>();
  for (const scenario of outcomes) {
    for (const result of scenario.results) {
      for (const warning of result.warnings) {
        const name = warning.slice(0, warning.indexOf(':'));
        const where = `${scenario.id} on ${result.engine}`;
        const places = seen.get(name) ?? [];
        if (!places.includes(where)) seen.set(name, [...places, where]);
      }
    }
  }
  return {
    ...section,
    findings: section.findings.map((finding) => ({
      ...finding,
      seenAtRunTime: finding.warnings.flatMap((name) => (seen.get(name) ?? []).map((where) => `${name} (${where})`)),
    })),
  };
}

/** The terminal listing: file:line, what, status, the documented warnings and those seen in this run. */
export function formatCodeSection(section: CodeSection): string {
  const { summary } = section;
  const lines = [
    `${section.root}: ${summary.filesScanned} files scanned, ${summary.filesUsingKafkaNode} use kafka-node; ${summary.byStatus.emulated} emulated and ${summary.byStatus.unsupported} unsupported uses (${summary.byStatus.supported} supported)`,
  ];
  for (const finding of section.findings) {
    const what = finding.target ? `${finding.target}.${finding.name}` : finding.name;
    lines.push(
      `  ${finding.file}:${finding.line}  ${finding.status.padEnd(11)} ${finding.kind} ${what}: ${finding.note}`,
    );
    if (finding.seenAtRunTime.length > 0) lines.push(`      seen in this run: ${finding.seenAtRunTime.join('; ')}`);
  }
  return lines.join('\n');
}
