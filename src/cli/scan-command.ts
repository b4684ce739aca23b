import * as fs from 'fs';
import { formatScanReport, scanReportJson } from '../migration/report';
import { scanDirectory } from '../migration/scan';
import { UsageError } from './usage-error';

export interface ScanCommandOptions {
  json?: boolean;
  fix?: boolean;
}

export interface ScanOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROGRESS_EVERY = 200;

/** `scan <dir>`: exit 0 when nothing unsupported is used, 1 otherwise; UsageError (2) for a bad directory. */
export function runScanCommand(
  directory: string,
  options: ScanCommandOptions,
  output: ScanOutput = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
): number {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(directory);
  } catch {
    throw new UsageError(`scan: ${directory} does not exist`);
  }
  if (!stats.isDirectory()) throw new UsageError(`scan: ${directory} is not a directory`);
  const report = scanDirectory(directory, {
    fix: options.fix,
    onProgress: (done, total) => {
      // Only large trees report progress, on stderr so stdout stays the listing (or valid JSON).
      if (total >= PROGRESS_EVERY && (done % PROGRESS_EVERY === 0 || done === total))
        output.stderr(`scan: ${done}/${total} files\n`);
    },
  });
  output.stdout(options.json ? scanReportJson(report) : formatScanReport(report));
  return report.summary.byStatus.unsupported > 0 ? 1 : 0;
}
