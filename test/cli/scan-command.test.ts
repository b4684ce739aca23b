import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FACADE_NOTICE, type ScanReport } from '../../src/migration/scan';

const CLI = path.join(__dirname, '..', '..', 'bin', 'kafka-node-adapter.js');
const BLOG_APP = path.join(__dirname, '..', 'fixtures', 'scan', 'blog-app');

function scan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'scan', ...args], { encoding: 'utf8', timeout: 60000 });
}

function temporaryCopy(files?: string[]): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-cli-'));
  if (files) for (const file of files) fs.copyFileSync(path.join(BLOG_APP, file), path.join(target, file));
  else fs.cpSync(BLOG_APP, target, { recursive: true });
  return target;
}

describe('cli/scan command', function () {
  this.timeout(60000);

  it('lists findings grouped by file, the summary and a suggested configuration, and exits 1 on unsupported uses', () => {
    const result = scan(BLOG_APP);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.equal('');
    const lines = result.stdout.split('\n');
    const fileHeader = lines.indexOf('legacy-zookeeper.js');
    expect(fileHeader).to.be.greaterThan(-1);
    expect(lines[fileHeader + 2]).to.match(
      /^ {2}6:14 +construct +Client +emulated +kafka-node 3's ZooKeeper Client: .*\(warning 'zookeeper\.kafka-host-fallback'\)$/,
    );
    expect(lines[fileHeader + 9]).to.match(
      /^ {2}16:39 +import +kafka-node\/lib\/errors\/BrokerNotAvailableError +supported +served by the facade's own module/,
    );
    expect(lines[fileHeader + 11]).to.match(
      /^ {2}22:24 +import +kafka-node\/lib\/protocol +unsupported +kafka-node-adapter does not serve 'kafka-node\/lib\/protocol'/,
    );
    expect(result.stdout).to.include(
      'Summary: 10 files scanned, 9 use kafka-node; 76 findings: 72 supported, 3 emulated, 1 unsupported',
    );
    expect(result.stdout).to.include('by kind: import 11, construct 14, option 29, method 12, event 10');
    expect(result.stdout).to.include(
      '  KAFKA_NODE_BACKEND=kafkajs  (or {"backend":"kafkajs"} in kafka-node-adapter.json)\n',
    );
    expect(result.stdout).to.include(
      '  (keep KAFKA_NODE_BACKEND=kafka-node until the unsupported uses below are replaced)\n',
    );
    expect(result.stdout).to.include(
      "  load the facade: scan --fix (requires 'kafka-node-adapter/kafka-node') or node -r kafka-node-adapter/register <app>\n",
    );
    expect(result.stdout).to.include('  KAFKA_NODE_ADAPTER_STRICT=1 in tests');
    expect(result.stdout).to.match(
      /- unsupported import kafka-node\/lib\/protocol \(1x, first at legacy-zookeeper\.js:22:24\)/,
    );
    expect(result.stdout).to.match(
      /- emulated construct ConsumerGroupStream \(1x, first at lib\/audit-stream\.js:5:16\): .*'consumer-group-stream\.autocommit'/,
    );
    expect(result.stdout).to.not.include('lib/format.js');
  });

  it('prints the same report as JSON with --json', () => {
    const result = scan(BLOG_APP, '--json');
    expect(result.status).to.equal(1);
    const report = JSON.parse(result.stdout) as ScanReport;
    expect(Object.keys(report)).to.deep.equal(['root', 'findings', 'summary', 'suggestedConfiguration']);
    expect(report.root).to.equal(BLOG_APP);
    expect(report.findings).to.have.length(76);
    expect(report.findings[0]).to.deep.equal({
      file: 'consumer-group.js',
      line: 3,
      column: 21,
      kind: 'import',
      name: 'kafka-node',
      status: 'supported',
      note: report.findings[0]!.note,
    });
    expect(report.findings.find((f) => f.kind === 'option' && f.name === 'attributes')).to.include({
      file: 'producer.js',
      line: 12,
      target: 'send',
      status: 'supported',
    });
    expect(report.summary.byStatus).to.deep.equal({ supported: 72, emulated: 3, unsupported: 1 });
    expect(report.suggestedConfiguration.attention[0]).to.include({
      name: 'kafka-node/lib/protocol',
      status: 'unsupported',
    });
  });

  it('exits 0 when nothing unsupported is used', () => {
    const root = temporaryCopy(['producer.js', 'consumer-group.js']);
    try {
      const result = scan(root);
      expect(result.status).to.equal(0);
      expect(result.stdout).to.include(
        'Summary: 2 files scanned, 2 use kafka-node; 33 findings: 33 supported, 0 emulated, 0 unsupported',
      );
      expect(result.stdout).to.not.include('keep KAFKA_NODE_BACKEND=kafka-node');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('rewrites the specifiers with --fix, prints the diffs and the facade notice, and changes nothing the second time', () => {
    const root = temporaryCopy();
    try {
      const first = scan(root, '--fix');
      expect(first.status).to.equal(1);
      expect(first.stdout).to.include('--fix: rewrote 10 specifier(s) in 8 file(s):');
      expect(first.stdout).to.include('--- a/producer.js\n+++ b/producer.js\n@@ -1,7 +1,7 @@\n');
      expect(first.stdout).to.include(
        "-const { KafkaClient, HighLevelProducer, KeyedMessage } = require('kafka-node');\n+const { KafkaClient, HighLevelProducer, KeyedMessage } = require('kafka-node-adapter/kafka-node');\n",
      );
      expect(first.stdout).to.include(
        "The rewritten requires load 'kafka-node-adapter/kafka-node', the kafka-node facade",
      );
      expect(first.stdout).to.not.match(/issue 4|not built/);
      expect(fs.readFileSync(path.join(root, 'order-service.ts'), 'utf8')).to.include(
        "import * as kafka from 'kafka-node-adapter/kafka-node';",
      );
      const second = scan(root, '--fix', '--json');
      const report = JSON.parse(second.stdout) as ScanReport & { notice: string };
      expect(report.fixes).to.deep.equal([]);
      expect(report.notice).to.equal(FACADE_NOTICE);
      expect(report.findings).to.have.length(76);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports progress on stderr for large trees, keeping stdout valid JSON', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-cli-large-'));
    try {
      for (let index = 0; index < 250; index += 1)
        fs.writeFileSync(path.join(root, `m${index}.js`), `module.exports = ${index};\n`);
      const result = scan(root, '--json');
      expect(result.status).to.equal(0);
      expect(result.stderr).to.equal('scan: 200/250 files\nscan: 250/250 files\n');
      expect((JSON.parse(result.stdout) as ScanReport).summary.filesScanned).to.equal(250);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('exits 2 on usage errors, 0 on --help', () => {
    const missing = scan(path.join(os.tmpdir(), 'no-such-directory-for-scan'));
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/scan: .*no-such-directory-for-scan does not exist/);
    const notADirectory = scan(path.join(BLOG_APP, 'producer.js'));
    expect(notADirectory.status).to.equal(2);
    expect(notADirectory.stderr).to.match(/producer\.js is not a directory/);
    const noArgument = scan();
    expect(noArgument.status).to.equal(2);
    expect(noArgument.stderr).to.match(/missing required argument 'dir'/);
    const help = scan('--help');
    expect(help.status).to.equal(0);
    expect(help.stdout).to.include('--fix');
  });
});
