import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { CONFIG_FILE_NAME as FACADE_CONFIG_FILE_NAME } from '../../src/adapter/options';
import { ADAPTER_WARNINGS, STRICT_ENV_VARIABLE } from '../../src/adapter/warnings';
import { BACKEND_ENV_VARIABLE } from '../../src/common/config';
import {
  FACADE_MODULE,
  REGISTER_MODULE,
  adapterWarningKey,
  compatibilityMarkdown,
  compatibilityRows,
  lookupClass,
  lookupEvent,
  lookupImport,
  lookupMethod,
  lookupOption,
  referencedWarnings,
} from '../../src/migration/compatibility';
import { rewriteKafkaNodeSpecifiers, unifiedDiff } from '../../src/migration/fix';
import { CONFIG_FILE_NAME, FACADE_NOTICE, scanDirectory } from '../../src/migration/scan';
import { scanSource, type Finding } from '../../src/migration/scanner';

export const BLOG_APP = path.join(__dirname, '..', 'fixtures', 'scan', 'blog-app');

/** "line:column kind [target.]name status": one finding in the form the expectations below are written in. */
function describeFinding(finding: Finding): string {
  return `${finding.line}:${finding.column} ${finding.kind} ${finding.target ? `${finding.target}.` : ''}${finding.name} ${finding.status}`;
}

function findingsOf(file: string, text: string, isKafkaNodeAlias?: (specifier: string) => boolean): string[] {
  return scanSource(file, text, { isKafkaNodeAlias }).findings.map(describeFinding);
}

export function copyFixture(): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-fixture-'));
  fs.cpSync(BLOG_APP, target, { recursive: true });
  return target;
}

const EXPECTED_FINDINGS: Record<string, string[]> = {
  'consumer-group.js': [
    '3:21 import kafka-node supported',
    '6:3 option ConsumerGroup.kafkaHost supported',
    '7:3 option ConsumerGroup.groupId supported',
    '8:3 option ConsumerGroup.fromOffset supported',
    '9:3 option ConsumerGroup.protocol supported',
    '10:3 option ConsumerGroup.autoCommit supported',
    '11:3 option ConsumerGroup.sessionTimeout supported',
    '12:3 option ConsumerGroup.encoding supported',
    '14:21 construct ConsumerGroup supported',
    '16:18 event ConsumerGroup.message supported',
    '18:17 method ConsumerGroup.commit supported',
    '22:18 event ConsumerGroup.rebalancing supported',
    '23:17 method ConsumerGroup.pause supported',
    '25:18 event ConsumerGroup.rebalanced supported',
    '26:17 method ConsumerGroup.resume supported',
    '28:18 event ConsumerGroup.offsetOutOfRange supported',
    '30:17 method ConsumerGroup.setOffset supported',
    '32:18 event ConsumerGroup.error supported',
    '37:17 method ConsumerGroup.close supported',
  ],
  'kafka.js': ['3:26 import kafka-node supported'],
  'legacy-zookeeper.js': [
    '3:21 import kafka-node supported',
    '6:14 construct Client emulated',
    '7:16 construct Producer supported',
    '7:45 option Producer.requireAcks supported',
    '9:13 event Producer.ready supported',
    '10:12 method Producer.send supported',
    '10:20 option send.topic supported',
    '10:36 option send.messages supported',
    '16:39 import kafka-node/lib/errors/BrokerNotAvailableError supported',
    '17:13 event Producer.error supported',
    '22:24 import kafka-node/lib/protocol unsupported',
  ],
  'lib/audit-stream.js': [
    '5:16 construct ConsumerGroupStream emulated',
    '5:48 option ConsumerGroupStream.kafkaHost supported',
    '5:77 option ConsumerGroupStream.groupId supported',
    '5:99 option ConsumerGroupStream.fromOffset supported',
    '7:11 event ConsumerGroupStream.data supported',
  ],
  'offsets.js': [
    '3:23 import kafka-node supported',
    '5:16 construct KafkaClient supported',
    '5:40 option KafkaClient.kafkaHost supported',
    '6:16 construct Offset supported',
    '8:8 method Offset.fetchLatestOffsets supported',
    '13:8 method Offset.fetch emulated',
  ],
  'order-service.ts': [
    '2:24 import kafka-node supported',
    '9:19 construct KafkaClient supported',
    '9:43 option KafkaClient.kafkaHost supported',
    '9:54 option KafkaClient.connectTimeout supported',
    '10:21 construct Producer supported',
    '10:55 option Producer.requireAcks supported',
    '10:72 option Producer.ackTimeoutMs supported',
    '14:21 construct KeyedMessage supported',
    '16:21 method Producer.send supported',
    '16:29 option send.topic supported',
    '16:46 option send.messages supported',
    '16:67 option send.key supported',
    '21:19 method Producer.close supported',
  ],
  'producer.js': [
    '4:66 import kafka-node supported',
    '6:16 construct KafkaClient supported',
    '6:34 option KafkaClient.kafkaHost supported',
    '6:63 option KafkaClient.requestTimeout supported',
    '7:18 construct HighLevelProducer supported',
    '7:50 option HighLevelProducer.requireAcks supported',
    '7:66 option HighLevelProducer.partitionerType supported',
    '9:13 event HighLevelProducer.ready supported',
    '11:18 construct KeyedMessage supported',
    '12:14 method HighLevelProducer.send supported',
    '12:22 option send.topic supported',
    '12:38 option send.messages supported',
    '12:56 option send.attributes supported',
    '19:13 event HighLevelProducer.error supported',
  ],
  'reexports.ts': ['2:15 import kafka-node supported', '3:40 import kafka-node supported'],
  'send-async.js': [
    '4:23 import kafka-node supported',
    '6:16 construct KafkaClient supported',
    '6:40 option KafkaClient.kafkaHost supported',
    '7:18 construct Producer supported',
    '8:38 method Producer.send supported',
  ],
};

describe('migration/scan', () => {
  describe('on the blog-era fixture project', () => {
    it('finds exactly the expected uses, file by file, with their kafkajs status', () => {
      const report = scanDirectory(BLOG_APP);
      const byFile: Record<string, string[]> = {};
      for (const finding of report.findings) (byFile[finding.file] ??= []).push(describeFinding(finding));
      expect(byFile).to.deep.equal(EXPECTED_FINDINGS);
    });

    it('counts files, statuses and kinds, and lists what needs attention, unsupported first', () => {
      const { summary, suggestedConfiguration } = scanDirectory(BLOG_APP);
      expect(summary).to.deep.equal({
        filesScanned: 10,
        filesUsingKafkaNode: 9,
        findings: 76,
        byStatus: { supported: 72, emulated: 3, unsupported: 1 },
        byKind: { import: 11, construct: 14, option: 29, method: 12, event: 10 },
      });
      expect(suggestedConfiguration.env).to.deep.equal({ KAFKA_NODE_BACKEND: 'kafkajs' });
      expect(suggestedConfiguration.configFile).to.deep.equal({
        name: 'kafka-node-adapter.json',
        contents: { backend: 'kafkajs' },
      });
      expect(suggestedConfiguration.loadFacade).to.deep.equal({
        module: 'kafka-node-adapter/kafka-node',
        register: 'kafka-node-adapter/register',
      });
      expect(suggestedConfiguration.strictEnv).to.deep.equal({ KAFKA_NODE_ADAPTER_STRICT: '1' });
      const [first, second] = suggestedConfiguration.attention;
      expect(first).to.include({
        status: 'unsupported',
        kind: 'import',
        name: 'kafka-node/lib/protocol',
        occurrences: 1,
        firstAt: 'legacy-zookeeper.js:22:24',
      });
      expect(first!.note)
        .to.include("does not serve 'kafka-node/lib/protocol'")
        .and.include("the package root 'kafka-node'");
      expect(second).to.include({
        status: 'emulated',
        kind: 'construct',
        name: 'Client',
        occurrences: 1,
        firstAt: 'legacy-zookeeper.js:6:14',
      });
      expect(second!.note).to.include("(warning 'zookeeper.kafka-host-fallback')");
      expect(suggestedConfiguration.attention.every((item) => item.status !== ('supported' as string))).to.equal(true);
    });

    it('skips node_modules, dist and .git, and .d.ts files', () => {
      const root = copyFixture();
      try {
        for (const skipped of ['node_modules/kafka-node', 'dist', '.git/hooks']) {
          fs.mkdirSync(path.join(root, skipped), { recursive: true });
          fs.writeFileSync(
            path.join(root, skipped, 'index.js'),
            "const kafka = require('kafka-node');\nnew kafka.Client();\n",
          );
        }
        fs.writeFileSync(
          path.join(root, 'types.d.ts'),
          "import * as kafka from 'kafka-node';\nexport declare const c: kafka.KafkaClient;\n",
        );
        const report = scanDirectory(root);
        expect(report.summary.filesScanned).to.equal(10);
        expect(report.findings.map((f) => f.file)).to.not.include.members([
          'node_modules/kafka-node/index.js',
          'dist/index.js',
          '.git/hooks/index.js',
          'types.d.ts',
        ]);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('one file at a time', () => {
    it('follows default, named (renamed), namespace and import-equals imports', () => {
      const text = [
        "import kafkaNode from 'kafka-node';",
        "import { ConsumerGroup as Group, KeyedMessage } from 'kafka-node';",
        "import kn = require('kafka-node');",
        'const a = new kafkaNode.Admin(client);',
        "const g = new Group({ groupId: 'g', outOfRangeOffset: 'none' }, 'topic');",
        "new KeyedMessage('k', 'v');",
        'new kn.ConsumerStream(client, []);',
        'a.listGroups(cb);',
        'g.addTopics(["more"]);',
      ].join('\n');
      expect(findingsOf('a.ts', text)).to.deep.equal([
        '1:23 import kafka-node supported',
        '2:54 import kafka-node supported',
        '3:21 import kafka-node supported',
        '4:11 construct Admin supported',
        '5:11 construct ConsumerGroup supported',
        '5:23 option ConsumerGroup.groupId supported',
        '5:37 option ConsumerGroup.outOfRangeOffset supported',
        '6:1 construct KeyedMessage supported',
        '7:1 construct ConsumerStream supported',
        '8:3 method Admin.listGroups supported',
        '9:3 method ConsumerGroup.addTopics emulated',
      ]);
    });

    it('follows member access, chained subscriptions, later declarations and this-properties', () => {
      const text = [
        "const kafka = require('kafka-node');",
        'const Consumer = kafka.Consumer;',
        'function start() {',
        "  consumer.on('message', handle).on('done', next);",
        '}',
        "const consumer = new Consumer(client, [{ topic: 't' }], { fromOffset: true, fetchMaxBytes: 1024 });",
        'class Worker {',
        '  constructor() {',
        '    this.client = new kafka.KafkaClient({ kafkaHost: "h:9092", zk: {} });',
        '  }',
        "  stop() { this.client.close(); this.client.once('ready', go); this.client.removeAllListeners(); }",
        '}',
      ].join('\n');
      expect(findingsOf('a.js', text)).to.deep.equal([
        '1:23 import kafka-node supported',
        '4:15 event Consumer.message supported',
        '4:37 event Consumer.done supported',
        '6:18 construct Consumer supported',
        '6:59 option Consumer.fromOffset supported',
        '6:77 option Consumer.fetchMaxBytes supported',
        '9:19 construct KafkaClient supported',
        '9:43 option KafkaClient.kafkaHost supported',
        '9:64 option KafkaClient.zk emulated',
        '11:24 method KafkaClient.close supported',
        '11:50 event KafkaClient.ready supported',
      ]);
    });

    it('sees promisified methods and typed constructor parameter properties', () => {
      const text = [
        "import * as kafka from 'kafka-node';",
        "import { promisify } from 'util';",
        'export class Lag {',
        '  constructor(private readonly offset: kafka.Offset, producer: kafka.HighLevelProducer) {',
        '    promisify(producer.send).bind(producer);',
        '  }',
        "  latest() { return promisify(this.offset.fetchLatestOffsets.bind(this.offset))(['t']); }",
        '  internals() { return this.offset.client; }',
        '}',
      ].join('\n');
      expect(findingsOf('lag.ts', text)).to.deep.equal([
        '1:24 import kafka-node supported',
        '5:24 method HighLevelProducer.send supported',
        '7:43 method Offset.fetchLatestOffsets supported',
        '8:36 method Offset.client supported',
      ]);
    });

    it('ignores code that only looks like kafka-node', () => {
      const text = [
        "const kafka = require('kafkajs');",
        'const producer = new kafka.Producer();',
        "producer.send({ topic: 'x' });",
        "const s = 'kafka-node';",
        "// require('kafka-node')",
      ].join('\n');
      expect(findingsOf('other.js', text)).to.deep.equal([]);
    });

    it('reports re-exports, and treats a local module that re-exports kafka-node as kafka-node', () => {
      expect(scanSource('k.js', "module.exports = require('kafka-node');").reexportsKafkaNode).to.equal(true);
      expect(scanSource('k.ts', "export * from 'kafka-node';").reexportsKafkaNode).to.equal(true);
      expect(
        scanSource('k.js', "const k = require('kafka-node'); module.exports = { k };").reexportsKafkaNode,
      ).to.equal(false);
      const text = "const { Producer } = require('./kafka');\nnew Producer(client, { partitionerType: 4 });";
      expect(findingsOf('x.js', text, (specifier) => specifier === './kafka')).to.deep.equal([
        '2:1 construct Producer supported',
        '2:24 option Producer.partitionerType supported',
      ]);
      expect(findingsOf('x.js', text)).to.deep.equal([]);
    });
  });

  describe('the compatibility table', () => {
    it('rates what the facade does: ZooKeeper Client emulated, group options mapped, deep requires unsupported', () => {
      expect(lookupClass('Client')).to.include({ status: 'emulated' });
      expect(lookupMethod('Client', 'topicExists').status).to.equal('supported');
      expect(lookupEvent('Client', 'zkReconnect').status).to.equal('emulated');
      for (const option of [
        'kafkaHost',
        'groupId',
        'fromOffset',
        'outOfRangeOffset',
        'protocol',
        'autoCommit',
        'sessionTimeout',
        'heartbeatInterval',
        'encoding',
      ]) {
        expect(lookupOption('ConsumerGroup', option).status, option).to.equal('supported');
      }
      expect(lookupOption('ConsumerGroup', 'migrateHLC').status).to.equal('unsupported');
      expect(lookupOption('ConsumerGroup', 'retries'))
        .to.include({ status: 'emulated' })
        .and.to.have.property('warnings')
        .that.deep.equals(['option.ConsumerGroup.retries.ignored']);
      expect(lookupMethod('Offset', 'commit').warnings).to.deep.equal([
        'offset.commit.kafka-storage',
        'offset.commit.joins-group',
      ]);
      expect(lookupMethod('Producer', 'nonsense').status).to.equal('unsupported');
      expect(lookupImport('kafka-node').status).to.equal('supported');
      expect(lookupImport(FACADE_MODULE).status).to.equal('supported');
      expect(lookupImport('kafka-node/lib/kafkaClient')).to.include({ status: 'unsupported' });
      expect(findingsOf('d.js', "require('kafka-node/lib/protocol');\nrequire('kafka-nodes');")).to.deep.equal([
        '1:9 import kafka-node/lib/protocol unsupported',
      ]);
    });

    it('names only warnings the facade has (ADAPTER_WARNINGS), and every one of them, in the notes', () => {
      const referenced = referencedWarnings();
      for (const name of referenced) expect(adapterWarningKey(name), name).to.be.a('string');
      expect([...new Set(referenced.map((name) => adapterWarningKey(name)))].sort()).to.deep.equal(
        Object.keys(ADAPTER_WARNINGS).sort(),
      );
      for (const row of compatibilityRows()) {
        for (const name of row.warnings ?? [])
          expect(row.note, `${row.target ?? ''}.${row.name}`).to.include(`'${name}'`);
      }
      expect(adapterWarningKey('option.KafkaClient.versions.ignored')).to.equal('option.<Class>.<option>.ignored');
      expect(adapterWarningKey('option.KafkaClient.zk')).to.equal('option.<Class>.<option>');
      expect(adapterWarningKey('consumer.no-such-warning')).to.equal(undefined);
    });

    it('is the single source of the findings: every non-import finding on the fixture is a row of the table', () => {
      const rows = new Map(
        compatibilityRows().map((row) => [
          `${row.kind === 'construct' ? '' : `${row.target}.`}${row.name}/${row.kind}`,
          row,
        ]),
      );
      expect(rows.size).to.equal(compatibilityRows().length);
      for (const finding of scanDirectory(BLOG_APP).findings.filter((f) => f.kind !== 'import')) {
        const key = `${finding.kind === 'construct' ? '' : `${finding.target}.`}${finding.name}/${finding.kind}`;
        expect(rows.get(key), key).to.include({ status: finding.status, note: finding.note });
      }
      const markdown = compatibilityMarkdown().split('\n');
      expect(markdown[0]).to.equal('| kafka-node API | kind | on the kafkajs backend | note |');
      expect(markdown).to.include(
        '| `ConsumerGroup.fromOffset` | option | supported | ' +
          lookupOption('ConsumerGroup', 'fromOffset').note +
          ' |',
      );
    });

    it('says nothing of a facade still to come', () => {
      for (const text of [
        compatibilityMarkdown(),
        FACADE_NOTICE,
        lookupImport('kafka-node').note,
        lookupImport(FACADE_MODULE).note,
      ]) {
        expect(text).to.not.match(/issue 4|not built|arrives with/);
      }
    });

    it('suggests only configuration the facade reads, and a --fix specifier the package exports', () => {
      expect(CONFIG_FILE_NAME).to.equal(FACADE_CONFIG_FILE_NAME);
      expect(STRICT_ENV_VARIABLE).to.equal('KAFKA_NODE_ADAPTER_STRICT');
      expect(BACKEND_ENV_VARIABLE).to.equal('KAFKA_NODE_BACKEND');
      const root = path.join(__dirname, '..', '..');
      const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        name: string;
        exports: Record<string, { default: string }>;
      };
      const tsconfig = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile).config as {
        compilerOptions: { outDir: string; rootDir: string };
      };
      // Each exported subpath is the compiled form of a source file that exists: the facade entry and the require hook.
      for (const [specifier, source] of [
        [FACADE_MODULE, 'src/adapter/index.ts'],
        [REGISTER_MODULE, 'src/register.ts'],
      ] as const) {
        const [name, subpath] = [specifier.split('/')[0], `./${specifier.split('/').slice(1).join('/')}`];
        expect(name).to.equal(manifest.name);
        const compiled = path.posix
          .join(tsconfig.compilerOptions.outDir, path.posix.relative(tsconfig.compilerOptions.rootDir, source))
          .replace(/\.ts$/, '.js');
        expect(manifest.exports[subpath]?.default, subpath).to.equal(`./${compiled}`);
        expect(fs.existsSync(path.join(root, source)), source).to.equal(true);
      }
    });
  });

  describe('--fix', () => {
    it('rewrites only the specifier text, keeping the quotes, and is idempotent', () => {
      const text =
        "var k = require(\"kafka-node\"), u = require('util');\nimport(`kafka-node`);\nexport * from 'kafka-node';\n";
      const fixed = rewriteKafkaNodeSpecifiers('a.ts', text);
      expect(fixed.replacements).to.equal(3);
      expect(fixed.text).to.equal(
        `var k = require("${FACADE_MODULE}"), u = require('util');\nimport(\`${FACADE_MODULE}\`);\nexport * from '${FACADE_MODULE}';\n`,
      );
      expect(rewriteKafkaNodeSpecifiers('a.ts', fixed.text)).to.deep.equal({ text: fixed.text, replacements: 0 });
      expect(
        rewriteKafkaNodeSpecifiers('a.js', "const s = 'kafka-node'; // require('kafka-node')\n").replacements,
      ).to.equal(0);
    });

    it('writes the fixture project, prints unified diffs, leaves parseable files, and changes nothing the second time', () => {
      const root = copyFixture();
      try {
        const originals = new Map(
          fs
            .readdirSync(root, { recursive: true, encoding: 'utf8' })
            .filter((f) => /\.(js|ts)$/.test(f))
            .map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]),
        );
        const first = scanDirectory(root, { fix: true });
        expect(first.fixes!.map((fix) => `${fix.file}:${fix.replacements}`)).to.deep.equal([
          'consumer-group.js:1',
          'kafka.js:1',
          'legacy-zookeeper.js:2',
          'offsets.js:1',
          'order-service.ts:1',
          'producer.js:1',
          'reexports.ts:2',
          'send-async.js:1',
        ]);
        expect(first.fixes!.find((fix) => fix.file === 'legacy-zookeeper.js')!.diff).to.equal(
          [
            '--- a/legacy-zookeeper.js',
            '+++ b/legacy-zookeeper.js',
            '@@ -1,6 +1,6 @@',
            ' "use strict";',
            ' // The oldest service: still finds its brokers through ZooKeeper.',
            '-var kafka = require("kafka-node"),',
            '+var kafka = require("kafka-node-adapter/kafka-node"),',
            '   Client = kafka.Client;',
            ' ',
            ' var client = new Client("localhost:2181", "legacy-audit");',
            '@@ -13,7 +13,7 @@',
            ' });',
            ' ',
            " // Its audit errors are matched against kafka-node's own error classes, loaded from inside the package.",
            '-var BrokerNotAvailableError = require("kafka-node/lib/errors/BrokerNotAvailableError");',
            '+var BrokerNotAvailableError = require("kafka-node-adapter/lib/errors/BrokerNotAvailableError");',
            ' producer.on("error", function (err) {',
            '   if (err instanceof BrokerNotAvailableError) console.error("no broker yet");',
            ' });',
            '',
          ].join('\n'),
        );
        // The findings are the same after the rewrite, apart from which module the imports name.
        const unfixed = (text: string): string =>
          text.split(FACADE_MODULE).join('kafka-node').split('kafka-node-adapter/').join('kafka-node/');
        const after = scanDirectory(root);
        expect(
          after.findings.map((f) => ({ ...f, name: f.kind === 'import' ? unfixed(f.name) : f.name, note: '' })),
        ).to.deep.equal(first.findings.map((f) => ({ ...f, note: '' })));
        for (const [file, original] of originals) {
          const now = fs.readFileSync(path.join(root, file), 'utf8');
          expect(unfixed(now), file).to.equal(original);
          const output = ts.transpileModule(now, {
            fileName: file,
            reportDiagnostics: true,
            compilerOptions: { module: ts.ModuleKind.CommonJS, allowJs: true },
          });
          expect(output.diagnostics ?? [], file).to.deep.equal([]);
        }
        const second = scanDirectory(root, { fix: true });
        expect(second.fixes).to.deep.equal([]);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it('diffs with three lines of context and merges nearby hunks', () => {
      const before = ['1', '2', '3', '4', 'x', '6', '7', 'y', '9', '10', '11', '12', '13', '14', '15', 'z'].join('\n');
      const after = before.replace('x', 'X').replace('y', 'Y').replace('z', 'Z');
      expect(unifiedDiff('f.js', before, after)).to.equal(
        [
          '--- a/f.js',
          '+++ b/f.js',
          '@@ -2,10 +2,10 @@',
          ' 2',
          ' 3',
          ' 4',
          '-x',
          '+X',
          ' 6',
          ' 7',
          '-y',
          '+Y',
          ' 9',
          ' 10',
          ' 11',
          '@@ -13,4 +13,4 @@',
          ' 13',
          ' 14',
          ' 15',
          '-z',
          '+Z',
          '',
        ].join('\n'),
      );
      expect(unifiedDiff('f.js', before, before)).to.equal('');
    });
  });
});
