import * as fs from 'fs';
import * as path from 'path';
import { STRICT_ENV_VARIABLE } from '../adapter/warnings';
import { BACKEND_ENV_VARIABLE } from '../common/config';
import { CONFIG_FILE_NAME } from '../common/kafka-node-facts';
import {
  FACADE_MODULE,
  KAFKA_NODE_MODULE,
  REGISTER_MODULE,
  type CompatibilityStatus,
  type FindingKind,
} from './compatibility';
import { rewriteKafkaNodeSpecifiers, unifiedDiff } from './fix';
import { SCANNED_EXTENSIONS, scanSource, type Finding } from './scanner';

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git']);

export interface FileFix {
  file: string;
  replacements: number;
  diff: string;
}

export interface ScanSummary {
  filesScanned: number;
  filesUsingKafkaNode: number;
  findings: number;
  byStatus: Record<CompatibilityStatus, number>;
  byKind: Record<FindingKind, number>;
}

export interface AttentionItem {
  kind: FindingKind;
  name: string;
  target?: string;
  status: Exclude<CompatibilityStatus, 'supported'>;
  note: string;
  occurrences: number;
  firstAt: string;
}

export interface SuggestedConfiguration {
  /** Environment for the facade once every unsupported use is gone. */
  env: Record<string, string>;
  /** The same choice as a file in the application's working directory (the env variable wins over it). */
  configFile: { name: string; contents: Record<string, string> };
  /** How kafka-node's requires reach the facade: the rewritten specifier (scan --fix), or the require hook. */
  loadFacade: { module: string; register: string };
  /** Strict mode: every emulated behaviour the facade reports becomes an UnsupportedFeatureError (for test runs). */
  strictEnv: Record<string, string>;
  /** Distinct emulated and unsupported uses, unsupported first. */
  attention: AttentionItem[];
}

export interface ScanReport {
  root: string;
  findings: Finding[];
  summary: ScanSummary;
  suggestedConfiguration: SuggestedConfiguration;
  /** Present with --fix: the files rewritten, with their diffs. */
  fixes?: FileFix[];
}

export interface ScanOptions {
  fix?: boolean;
  /** Called after each file of the second pass with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

function isScannable(name: string): boolean {
  return SCANNED_EXTENSIONS.includes(path.extname(name).toLowerCase()) && !/\.d\.[cm]?ts$/i.test(name);
}

/** Source files under root, sorted, without node_modules, dist, .git and symbolic links (no cycles). */
export function listSourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    const entries = fs
      .readdirSync(directory, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) walk(full);
      else if (entry.isFile() && isScannable(entry.name)) files.push(full);
    }
  };
  walk(root);
  return files;
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

function stripExtension(file: string): string {
  const extension = path.extname(file);
  return extension ? file.slice(0, -extension.length) : file;
}

/** Resolves `./kafka` from `fromFile` against the set of re-exporting files (extensionless, or their index). */
function aliasResolver(fromFile: string, reexporters: ReadonlySet<string>): (specifier: string) => boolean {
  return (specifier) => {
    if (!specifier.startsWith('.')) return false;
    const target = path.resolve(path.dirname(fromFile), specifier);
    return (
      reexporters.has(stripExtension(target)) || reexporters.has(target) || reexporters.has(path.join(target, 'index'))
    );
  };
}

function emptyCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

function suggestConfiguration(findings: readonly Finding[]): SuggestedConfiguration {
  const items = new Map<string, AttentionItem>();
  for (const finding of findings) {
    if (finding.status === 'supported') continue;
    const key = [finding.status, finding.kind, finding.target ?? '', finding.name].join('\0');
    const existing = items.get(key);
    if (existing) existing.occurrences += 1;
    else {
      items.set(key, {
        kind: finding.kind,
        name: finding.name,
        ...(finding.target ? { target: finding.target } : {}),
        status: finding.status,
        note: finding.note,
        occurrences: 1,
        firstAt: `${finding.file}:${finding.line}:${finding.column}`,
      });
    }
  }
  const attention = [...items.values()].sort((a, b) =>
    a.status === b.status ? 0 : a.status === 'unsupported' ? -1 : 1,
  );
  return {
    env: { [BACKEND_ENV_VARIABLE]: 'kafkajs' },
    configFile: { name: CONFIG_FILE_NAME, contents: { backend: 'kafkajs' } },
    loadFacade: { module: FACADE_MODULE, register: REGISTER_MODULE },
    strictEnv: { [STRICT_ENV_VARIABLE]: '1' },
    attention,
  };
}

/**
 * Scans a directory tree for uses of kafka-node. Two passes: the first finds local modules that re-export kafka-node
 * (so `require('./kafka')` counts as kafka-node elsewhere), the second collects the findings (and, with fix, rewrites
 * the specifiers).
 */
export function scanDirectory(root: string, options: ScanOptions = {}): ScanReport {
  const absoluteRoot = path.resolve(root);
  const files = listSourceFiles(absoluteRoot);
  const texts = new Map<string, string>();
  const reexporters = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    texts.set(file, text);
    // Only files that name the module can re-export it; the rest need no parse in this pass.
    if (text.includes(KAFKA_NODE_MODULE) && scanSource(file, text).reexportsKafkaNode)
      reexporters.add(stripExtension(file));
  }

  const findings: Finding[] = [];
  const fixes: FileFix[] = [];
  let filesUsingKafkaNode = 0;
  files.forEach((file, index) => {
    const text = texts.get(file)!;
    const relative = toPosix(path.relative(absoluteRoot, file));
    if (text.includes(KAFKA_NODE_MODULE) || reexporters.size > 0) {
      const scan = scanSource(relative, text, { isKafkaNodeAlias: aliasResolver(file, reexporters) });
      if (scan.findings.length > 0) filesUsingKafkaNode += 1;
      findings.push(...scan.findings);
      if (options.fix) {
        const fixed = rewriteKafkaNodeSpecifiers(file, text);
        if (fixed.replacements > 0) {
          fs.writeFileSync(file, fixed.text);
          fixes.push({
            file: relative,
            replacements: fixed.replacements,
            diff: unifiedDiff(relative, text, fixed.text),
          });
        }
      }
    }
    options.onProgress?.(index + 1, files.length);
  });

  const byStatus = emptyCounts<CompatibilityStatus>(['supported', 'emulated', 'unsupported']);
  const byKind = emptyCounts<FindingKind>(['import', 'construct', 'option', 'method', 'event']);
  for (const finding of findings) {
    byStatus[finding.status] += 1;
    byKind[finding.kind] += 1;
  }
  return {
    root: absoluteRoot,
    findings,
    summary: { filesScanned: files.length, filesUsingKafkaNode, findings: findings.length, byStatus, byKind },
    suggestedConfiguration: suggestConfiguration(findings),
    ...(options.fix ? { fixes } : {}),
  };
}

/**
 * The facade's config file name, as src/adapter/options.ts reads it (a test checks they agree; options.ts itself is
 * not imported so that the migration layer depends on the facade's warnings table only).
 */
export { CONFIG_FILE_NAME };

export const FACADE_NOTICE =
  `The rewritten requires load '${FACADE_MODULE}', the kafka-node facade: add kafka-node-adapter to the project's dependencies. ` +
  `The backend is ${BACKEND_ENV_VARIABLE} (or "backend" in ${CONFIG_FILE_NAME}); without either it stays kafka-node.`;
