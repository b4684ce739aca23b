/**
 * `scan` on the project's own examples/ (blog-era kafka-node programs): every kafka-node use is found at the right
 * file:line:column and rated as the compatibility table says, and `--fix` output still parses and runs on the
 * facade (embedded broker, kafkajs backend).
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import {
  FACADE_MODULE,
  isKafkaNodeClass,
  lookupClass,
  lookupEvent,
  lookupImport,
  lookupMethod,
  lookupOption,
  lookupSendPayloadKey,
  type CompatibilityEntry,
} from '../../src/migration/compatibility';
import { scanDirectory } from '../../src/migration/scan';
import type { Finding } from '../../src/migration/scanner';
import { startEmbedded } from '../fixtures/embedded';
import { FACADE_ENTRY } from '../adapter/helpers/kafka-modules';
import { EXAMPLES_DIR, REPO_ROOT, runNode } from '../adapter/helpers/run-example';

const CLI = path.join(REPO_ROOT, 'bin', 'kafka-node-adapter.js');

/** The uses each example is written to show ("kind target.name"); the scan must find at least these. */
const EXPECTED_USES: Record<string, string[]> = {
  '01-keyed-producer.js': [
    'import kafka-node',
    'construct KafkaClient',
    'option KafkaClient.kafkaHost',
    'construct Producer',
    'option Producer.partitionerType',
    'construct KeyedMessage',
    'option send.key',
    'option send.attributes',
    'method Producer.send',
    'method Producer.close',
    'event Producer.ready',
    'event Producer.error',
  ],
  '02-high-level-producer.js': [
    'import kafka-node',
    'construct HighLevelProducer',
    'method HighLevelProducer.send',
    'option send.attributes',
    'event HighLevelProducer.ready',
  ],
  '03-consumer-group.js': [
    'import kafka-node',
    'construct ConsumerGroup',
    'option ConsumerGroup.fromOffset',
    'option ConsumerGroup.protocol',
    'option ConsumerGroup.groupId',
    'method ConsumerGroup.close',
    'event ConsumerGroup.message',
    'event ConsumerGroup.rebalanced',
  ],
  '04-offsets.js': [
    'import kafka-node',
    'construct Offset',
    'method Offset.fetchLatestOffsets',
    'method Offset.fetchEarliestOffsets',
    'method Offset.fetch',
    'option send.partition',
  ],
  '05-zookeeper-client.js': ['import kafka-node', 'construct Client', 'construct Producer', 'method Producer.send'],
  '06-consumer.js': [
    'import kafka-node',
    'construct Consumer',
    'option Consumer.fromOffset',
    'option Consumer.autoCommit',
    'event Consumer.message',
    'method Consumer.close',
  ],
};

function describeUse(finding: Finding): string {
  return `${finding.kind} ${finding.target ? `${finding.target}.` : ''}${finding.name}`;
}

/** What the compatibility table says about a finding: the scan's rating must be exactly this. */
function tableEntry(finding: Finding): CompatibilityEntry {
  const target = finding.target ?? '';
  switch (finding.kind) {
    case 'import':
      return lookupImport(finding.name);
    case 'construct':
      return lookupClass(finding.name);
    case 'option':
      if (target === 'send') return lookupSendPayloadKey(finding.name);
      if (!isKafkaNodeClass(target)) throw new Error(`option of unknown class ${target}`);
      return lookupOption(target, finding.name);
    case 'method':
      if (!isKafkaNodeClass(target)) throw new Error(`method of unknown class ${target}`);
      return lookupMethod(target, finding.name);
    case 'event':
      if (!isKafkaNodeClass(target)) throw new Error(`event of unknown class ${target}`);
      return lookupEvent(target, finding.name);
  }
}

/** The source text a finding points at must be the thing it names. */
function expectedTextAt(finding: Finding): RegExp {
  switch (finding.kind) {
    case 'import':
      return /^'kafka-node'/;
    case 'construct':
      return new RegExp(`^new kafka\\.${finding.name}\\(`);
    case 'option':
    case 'method':
      return new RegExp(`^${finding.name}\\b`);
    case 'event':
      return new RegExp(`^'${finding.name}'`);
  }
}

describe('migration: scan of examples/', function () {
  this.timeout(60000);

  it('finds every use each example shows, at its file:line:column, rated as the compatibility table says', () => {
    const report = scanDirectory(EXAMPLES_DIR);
    expect(report.summary.filesScanned).to.equal(Object.keys(EXPECTED_USES).length);
    expect(report.summary.filesUsingKafkaNode).to.equal(Object.keys(EXPECTED_USES).length);
    for (const [file, uses] of Object.entries(EXPECTED_USES)) {
      const lines = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8').split('\n');
      const findings = report.findings.filter((f) => f.file === file);
      expect(findings.map(describeUse), file).to.include.members(uses);
      for (const finding of findings) {
        const at = `${file}:${finding.line}:${finding.column}`;
        expect(lines[finding.line - 1]!.slice(finding.column - 1), `${at} ${describeUse(finding)}`).to.match(
          expectedTextAt(finding),
        );
        const entry = tableEntry(finding);
        expect({ status: finding.status, note: finding.note }, `${at} ${describeUse(finding)}`).to.deep.equal({
          status: entry.status,
          note: entry.note,
        });
      }
    }
    // On the facade nothing the examples use is missing; two uses are emulated, each with the warning it reports.
    const needingAttention = report.findings
      .filter((f) => f.status !== 'supported')
      .map((f) => `${f.file} ${describeUse(f)} ${f.status}`);
    expect(needingAttention).to.deep.equal([
      '04-offsets.js method Offset.fetch emulated',
      '05-zookeeper-client.js construct Client emulated',
    ]);
    expect(report.summary.byStatus).to.deep.equal({ supported: 79, emulated: 2, unsupported: 0 });
    const counted =
      report.summary.byStatus.supported + report.summary.byStatus.emulated + report.summary.byStatus.unsupported;
    expect(counted).to.equal(report.findings.length);
  });

  it("the CLI prints each example's findings with file:line and exits 1 only if something is unsupported", () => {
    const result = spawnSync(process.execPath, [CLI, 'scan', EXAMPLES_DIR, '--json'], {
      encoding: 'utf8',
      timeout: 60000,
    });
    const report = JSON.parse(result.stdout) as ReturnType<typeof scanDirectory>;
    expect(report.findings).to.deep.equal(scanDirectory(EXAMPLES_DIR).findings);
    expect(result.status).to.equal(report.summary.byStatus.unsupported > 0 ? 1 : 0);
    const text = spawnSync(process.execPath, [CLI, 'scan', EXAMPLES_DIR], { encoding: 'utf8', timeout: 60000 });
    const newOffset = report.findings.find((f) => f.kind === 'construct' && f.name === 'Offset')!;
    expect(text.stdout).to.match(
      new RegExp(
        `^04-offsets\\.js$[\\s\\S]*^ {2}${newOffset.line}:${newOffset.column} +construct +Offset +${newOffset.status}`,
        'm',
      ),
    );
  });

  describe('--fix on a copy of examples/', function () {
    let copy: string;
    before(() => {
      copy = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-fix-'));
      fs.cpSync(EXAMPLES_DIR, copy, { recursive: true });
    });
    after(() => fs.rmSync(copy, { recursive: true, force: true }));

    it('rewrites each require to the facade entry, nothing else, and the output parses', () => {
      const report = scanDirectory(copy, { fix: true });
      expect(report.fixes!.map((fix) => [fix.file, fix.replacements])).to.deep.equal(
        Object.keys(EXPECTED_USES).map((file) => [file, 1]),
      );
      for (const file of Object.keys(EXPECTED_USES)) {
        const original = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
        const fixed = fs.readFileSync(path.join(copy, file), 'utf8');
        expect(fixed).to.equal(original.replace("require('kafka-node')", `require('${FACADE_MODULE}')`));
        const output = ts.transpileModule(fixed, {
          fileName: file,
          reportDiagnostics: true,
          compilerOptions: { allowJs: true, checkJs: false },
        });
        expect(output.diagnostics ?? [], file).to.deep.equal([]);
      }
      expect(scanDirectory(copy, { fix: true }).fixes).to.deep.equal([]);
    });

    it('the fixed 01 runs and prints what the original prints on kafka-node', async () => {
      const entry = FACADE_ENTRY;
      // The published package resolves 'kafka-node-adapter/kafka-node'; in a checkout a stand-in package points at the
      // TypeScript entry, loaded through ts-node.
      const stand = path.join(copy, 'node_modules', 'kafka-node-adapter');
      fs.mkdirSync(stand, { recursive: true });
      fs.writeFileSync(
        path.join(stand, 'package.json'),
        JSON.stringify({ name: 'kafka-node-adapter', version: '0.0.0' }),
      );
      fs.writeFileSync(path.join(stand, 'kafka-node.js'), `module.exports = require(${JSON.stringify(entry)});\n`);
      const broker = await startEmbedded();
      try {
        const outputs: string[] = [];
        for (const [topic, file] of [
          ['orders-original', path.join(EXAMPLES_DIR, '01-keyed-producer.js')],
          ['orders-fixed', path.join(copy, '01-keyed-producer.js')],
        ]) {
          broker.cluster.createTopic({ name: topic!, numPartitions: 3, replicationFactor: 1 });
          // The original on the real kafka-node; the fixed copy on the facade's kafkajs backend (no require hook).
          const result = await runNode(['-r', 'ts-node/register/transpile-only', file!], {
            env: { KAFKA_HOST: broker.bootstrap, EXAMPLE_TOPIC: topic!, KAFKA_NODE_BACKEND: 'kafkajs' },
          });
          expect(result.code, `${file}\n${result.stdout}\n${result.stderr}`).to.equal(0);
          outputs.push(result.stdout);
        }
        expect(outputs[1]).to.equal(outputs[0]);
        expect(outputs[0]).to.match(
          /^producer ready\n(order \d key=\w+ -> partition \d offset \d\n){6}sent 6 message\(s\)\nproducer closed\n$/,
        );
      } finally {
        await broker.stop();
      }
    });
  });
});
