import { BACKEND_ENV_VARIABLE } from '../common/config';
import { FACADE_NOTICE, type ScanReport } from './scan';
import type { Finding } from './scanner';

function label(finding: Pick<Finding, 'name' | 'target'>): string {
  return finding.target ? `${finding.target}.${finding.name}` : finding.name;
}

/** The human-readable listing: findings grouped by file, summary counts, suggested configuration, fixes. */
export function formatScanReport(report: ScanReport): string {
  const lines: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const finding of report.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  for (const [file, findings] of byFile) {
    lines.push(file);
    for (const finding of findings) {
      const where = `${finding.line}:${finding.column}`.padEnd(8);
      lines.push(
        `  ${where}${finding.kind.padEnd(10)}${`${label(finding)} `.padEnd(34)}${finding.status.padEnd(12)}${finding.note}`,
      );
    }
    lines.push('');
  }
  const { summary } = report;
  lines.push(
    `Summary: ${summary.filesScanned} files scanned, ${summary.filesUsingKafkaNode} use kafka-node; ${summary.findings} findings: ` +
      `${summary.byStatus.supported} supported, ${summary.byStatus.emulated} emulated, ${summary.byStatus.unsupported} unsupported`,
  );
  lines.push(
    `  by kind: ${Object.entries(summary.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
  );
  if (summary.findings > 0) {
    lines.push('', 'Suggested configuration (kafkajs backend):');
    const { env, configFile, loadFacade, strictEnv } = report.suggestedConfiguration;
    for (const [name, value] of Object.entries(env))
      lines.push(`  ${name}=${value}  (or ${JSON.stringify(configFile.contents)} in ${configFile.name})`);
    if (summary.byStatus.unsupported > 0)
      lines.push(`  (keep ${BACKEND_ENV_VARIABLE}=kafka-node until the unsupported uses below are replaced)`);
    lines.push(
      `  load the facade: scan --fix (requires '${loadFacade.module}') or node -r ${loadFacade.register} <app>`,
    );
    for (const [name, value] of Object.entries(strictEnv))
      lines.push(`  ${name}=${value} in tests turns the emulated uses' warnings into errors`);
    const { attention } = report.suggestedConfiguration;
    if (attention.length > 0) lines.push('  needs attention:');
    for (const item of attention) {
      lines.push(
        `  - ${item.status} ${item.kind} ${label(item)} (${item.occurrences}x, first at ${item.firstAt}): ${item.note}`,
      );
    }
  }
  if (report.fixes) {
    lines.push('');
    if (report.fixes.length === 0) lines.push('--fix: nothing to rewrite.');
    else {
      const total = report.fixes.reduce((sum, fix) => sum + fix.replacements, 0);
      lines.push(`--fix: rewrote ${total} specifier(s) in ${report.fixes.length} file(s):`, '');
      for (const fix of report.fixes) lines.push(fix.diff);
    }
    lines.push(FACADE_NOTICE);
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON form: the report as is, plus the facade notice when --fix ran. */
export function scanReportJson(report: ScanReport): string {
  return `${JSON.stringify(report.fixes ? { ...report, notice: FACADE_NOTICE } : report, null, 2)}\n`;
}
