import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReport, formatTable, reportIsClean, type ParityReport } from '../../src/compat/report';
import { renderHtmlReport } from '../../src/compat/html-report';
import type { BackendOutcome, ScenarioOutcome } from '../../src/compat/runner';
import { runCli, type CliRun } from '../helpers/run-cli';
import Ajv from 'ajv';
import { BACKEND_NAMES } from '../../src/common/types';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { ConcurrentCases, limiter } from '../helpers/concurrency';

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'src', 'compat', 'report.schema.json');

// By default compat runs every backend whose library is installed: in this repository, all of them.
const ALL = [...BACKEND_NAMES];

// `--scenario partitioner` selects every partitioner-* scenario (prefix match), plus keyed-produce.
const FAST_SCENARIOS = [
  'partitioner-default',
  'partitioner-cyclic',
  'partitioner-keyed',
  'partitioner-murmur2',
  'partitioner-random',
  'keyed-produce',
];

/** The lines of one `== title ==` section of compat's output. */
function section(stdout: string, title: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`== ${title}`));
  expect(start, `section "${title}" in:\n${stdout}`).to.be.at.least(0);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('== '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function tableRows(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length >= 2 && /^[a-z0-9][a-z0-9-]*$/.test(cells[0]!) && cells[0] !== 'scenario')
      rows.set(cells[0]!, cells.slice(1));
  }
  return rows;
}

/** A CLI run that has not ended by then hangs (three run at once, each slower than alone on a loaded machine). */
const CONCURRENT_RUN_LIMIT_MS = 150000;

describe('cli/compat command', function () {
  // The CLI runs of the tests start together in `before`, three processes at a time; each test awaits its own.
  this.timeout(180000);
  let dir: string;
  const runs = new ConcurrentCases<CliRun>(limiter(3));
  /** The embedded broker with the kafka-4 profile that one run is pointed at. */
  let kafka4Profile: EmbeddedBroker | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-compat-cli-'));
    // In the order the tests read them (mocha runs a describe's own tests before its nested describes').
    runs.start('kafkajs only', () =>
      runCli(['compat', '--backends', 'kafkajs', '--scenario', 'partitioner-keyed'], CONCURRENT_RUN_LIMIT_MS),
    );
    runs.start('json', () => runCli(['compat', '--json', '--scenario', 'partitioner-cyclic'], CONCURRENT_RUN_LIMIT_MS));
    runs.start('unreachable', async () => {
      const broker = await startEmbedded();
      const address = broker.bootstrap;
      await broker.stop();
      return runCli(
        ['compat', '--brokers', address, '--scenario', 'partitioner-keyed', '--json'],
        CONCURRENT_RUN_LIMIT_MS,
      );
    });
    runs.start('end to end', () =>
      runCli(
        [
          'compat',
          '--scenario',
          'partitioner',
          '--scenario',
          'keyed-produce',
          '--report',
          path.join(dir, 'report.json'),
          '--report',
          path.join(dir, 'report.html'),
        ],
        CONCURRENT_RUN_LIMIT_MS,
      ),
    );
    runs.start('all four questions', () => {
      const appDir = path.join(dir, 'app');
      fs.mkdirSync(appDir);
      // A kafka-node program with one emulated use (Offset.commit) that the offset-api scenario exercises too.
      fs.writeFileSync(
        path.join(appDir, 'offsets.js'),
        [
          "const kafka = require('kafka-node');",
          "const client = new kafka.KafkaClient({ kafkaHost: 'localhost:9092' });",
          'const offset = new kafka.Offset(client);',
          "offset.commit('billing', [{ topic: 'orders', partition: 0, offset: 42 }], (error) => console.log(error || 'committed'));",
          '',
        ].join('\n'),
      );
      return runCli(
        [
          'compat',
          '--scenario',
          'partitioner-keyed',
          '--scenario',
          'offset-api',
          '--scenario',
          'plain-consumer',
          '--scan',
          appDir,
          '--report',
          path.join(dir, 'full.json'),
        ],
        CONCURRENT_RUN_LIMIT_MS,
      );
    });
    runs.start('kafka-4 profile', async () => {
      kafka4Profile = await startEmbedded({ profile: 'kafka-4' });
      return runCli(
        [
          'compat',
          '--brokers',
          kafka4Profile.bootstrap,
          '--scenario',
          'partitioner-keyed',
          '--scenario',
          'offset-api',
          '--report',
          path.join(dir, 'kafka4.json'),
        ],
        CONCURRENT_RUN_LIMIT_MS,
      );
    });
    runs.start('unknown backend', () => runCli(['compat', '--backends', 'nope'], CONCURRENT_RUN_LIMIT_MS));
    runs.start('bad report file', () =>
      runCli(
        ['compat', '--scenario', 'partitioner-keyed', '--report', path.join(dir, 'x.txt')],
        CONCURRENT_RUN_LIMIT_MS,
      ),
    );
    runs.start('unknown scenario', () => runCli(['compat', '--scenario', 'no-such-scenario'], CONCURRENT_RUN_LIMIT_MS));
  });

  after(async () => {
    await runs.settled();
    await kafka4Profile?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('end to end on a freshly started embedded broker', () => {
    let run: CliRun;
    let jsonFile: string;
    let htmlFile: string;

    before(async () => {
      jsonFile = path.join(dir, 'report.json');
      htmlFile = path.join(dir, 'report.html');
      run = await runs.result('end to end');
    });

    it('exits 0 and reports the embedded broker and progress on stderr', () => {
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.match(/embedded broker started on 127\.0\.0\.1:\d+/);
      expect(run.stderr).to.include(`[${FAST_SCENARIOS.length * ALL.length}/${FAST_SCENARIOS.length * ALL.length}]`);
    });

    it('prints the scenario x backend table with one passing row per scenario and the summary', () => {
      const lines = section(run.stdout, 'Common interface scenarios');
      expect(lines[0]!.trim().split(/\s{2,}/)).to.deep.equal(['scenario', ...ALL]);
      expect(lines[1]).to.match(new RegExp(`^-+( {2}-+){${ALL.length}}$`));
      const rows = tableRows(lines.join('\n'));
      expect([...rows.keys()].sort()).to.deep.equal([...FAST_SCENARIOS].sort());
      for (const [id, cells] of rows) {
        expect(cells, id).to.have.length(ALL.length);
        for (const cell of cells) expect(cell, id).to.match(/^pass \d+\.\ds$/);
      }
      expect(run.stdout).to.include(`${FAST_SCENARIOS.length * ALL.length} pass, 0 diff, 0 unsupported, 0 error`);
    });

    it('writes a JSON report with every scenario x backend result', () => {
      const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ParityReport;
      expect(Number.isNaN(Date.parse(report.generatedAt))).to.equal(false);
      expect(report.generatedAt).to.equal(new Date(report.generatedAt).toISOString());
      expect(report.embeddedBroker).to.equal(true);
      expect(report.brokers).to.be.an('array').with.length.above(0);
      for (const broker of report.brokers) expect(broker).to.match(/^127\.0\.0\.1:\d+$/);
      expect(report.backends).to.deep.equal(ALL);
      expect(report.scenarios.map((s) => s.id).sort()).to.deep.equal([...FAST_SCENARIOS].sort());

      const counted = { pass: 0, diff: 0, unsupported: 0, error: 0 };
      for (const scenario of report.scenarios) {
        expect(scenario.title, scenario.id).to.be.a('string').with.length.above(0);
        expect(
          scenario.results.map((r) => r.backend),
          scenario.id,
        ).to.deep.equal(ALL);
        for (const result of scenario.results) {
          expect(result.status, `${scenario.id} on ${result.backend}: ${result.detail}`).to.equal('pass');
          expect(result.durationMs).to.be.a('number').at.least(0);
          expect(result.detail).to.equal(null);
          expect(result.leftoverTopics).to.deep.equal([]);
          counted[result.status]++;
        }
      }
      expect(report.summary).to.deep.equal(counted);
      expect(counted.pass).to.equal(FAST_SCENARIOS.length * ALL.length);
    });

    it('writes the HTML report', () => {
      const html = fs.readFileSync(htmlFile, 'utf8');
      expect(html).to.match(/^<!doctype html>/);
      expect(html).to.include('<table id="parity">');
      for (const id of FAST_SCENARIOS) expect(html).to.include(`data-scenario="${id}"`);
    });
  });

  describe('all four questions in one run: probe, both scenario sets, --scan, JSON against the published schema', () => {
    let run: CliRun;
    let jsonFile: string;
    let appDir: string;

    before(async () => {
      appDir = path.join(dir, 'app');
      jsonFile = path.join(dir, 'full.json');
      run = await runs.result('all four questions');
    });

    it('exits 0 and prints the cluster verdict first, then both scenario tables, the code findings and the run', () => {
      expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
      const titles = run.stdout.split('\n').filter((line) => line.startsWith('== '));
      expect(titles).to.deep.equal([
        "== Cluster: will today's kafka-node code work here? ==",
        '== Common interface scenarios, side by side ==',
        '== kafka-node API scenarios: the real kafka-node and the facade on each backend ==',
        '== Code: what needs attention ==',
        '== Run ==',
      ]);
      expect(section(run.stdout, 'Cluster').join('\n')).to.match(/Verdict: kafka-node 5\.0\.0 works on this cluster/);
      const api = section(run.stdout, 'kafka-node API');
      expect(api[0]!.trim().split(/\s{2,}/)).to.deep.equal([
        'scenario',
        'kafka-node',
        ...ALL.map((backend) => `facade:${backend}`),
      ]);
      const rows = tableRows(api.join('\n'));
      expect([...rows.keys()]).to.deep.equal(['plain-consumer', 'offset-api']);
      for (const [id, cells] of rows) for (const cell of cells) expect(cell, id).to.match(/^pass \d+\.\ds$/);
      expect(section(run.stdout, 'Code').join('\n')).to.match(/offsets\.js:4 +emulated +method Offset\.commit/);
    });

    it('writes a JSON report that validates against src/compat/report.schema.json', () => {
      const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ParityReport;
      const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string };
      const ajv = new Ajv({ allErrors: true, strict: true });
      const valid = ajv.validate(schema, report);
      expect(ajv.errors ?? [], 'schema errors').to.deep.equal([]);
      expect(valid).to.equal(true);
      expect(report.$schema).to.equal(schema.$id);
      // The schema is strict enough to catch a wrong report.
      expect(ajv.validate(schema, { ...report, summary: { ...report.summary, pass: -1 } })).to.equal(false);
      expect(ajv.validate(schema, { ...report, cluster: { ...report.cluster, verdict: undefined } })).to.equal(false);
    });

    it('reports each engine of the kafka-node API scenarios, with the documented difference noted and the warnings the facade raised', () => {
      const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ParityReport;
      expect(report.kafkaNodeApi!.engines).to.deep.equal(['kafka-node', ...BACKEND_NAMES.map((b) => `facade:${b}`)]);
      expect(report.kafkaNodeApi!.summary).to.deep.equal({
        pass: 2 * (BACKEND_NAMES.length + 1),
        diff: 0,
        unsupported: 0,
        error: 0,
      });
      const offsetApi = report.kafkaNodeApi!.scenarios.find((s) => s.id === 'offset-api')!;
      const onKafkajs = offsetApi.results.find((r) => r.engine === 'facade:kafkajs')!;
      expect(onKafkajs.notes.join('\n')).to.include('documented difference at entry 6');
      expect(onKafkajs.warnings.map((w) => w.split(':')[0])).to.include.members([
        'offset.commit.kafka-storage',
        'offset.commit.joins-group',
      ]);
      expect(offsetApi.results.find((r) => r.engine === 'kafka-node')!.warnings).to.deep.equal([]);
    });

    it('puts the scanned uses next to the warnings they produced in this run', () => {
      const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ParityReport;
      expect(report.code!.root).to.equal(appDir);
      const commit = report.code!.findings.find((f) => f.target === 'Offset' && f.name === 'commit')!;
      expect(commit).to.include({ file: 'offsets.js', line: 4, status: 'emulated' });
      expect(commit.warnings).to.deep.equal(['offset.commit.kafka-storage', 'offset.commit.joins-group']);
      expect(commit.seenAtRunTime).to.include('offset.commit.kafka-storage (offset-api on facade:kafka-node)');
      expect(commit.seenAtRunTime).to.include('offset.commit.joins-group (offset-api on facade:kafkajs)');
      expect(commit.seenAtRunTime.some((seen) => seen.includes('on kafka-node)'))).to.equal(false);
    });
  });

  describe("--brokers on a cluster kafka-node cannot use (the embedded broker's kafka-4 profile)", () => {
    let report: ParityReport;
    let run: CliRun;

    before(async () => {
      run = await runs.result('kafka-4 profile');
      report = JSON.parse(fs.readFileSync(path.join(dir, 'kafka4.json'), 'utf8')) as ParityReport;
    });

    it("reports the engines that cannot run there as unsupported here, with the probe's reason, and exits 0", () => {
      expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
      expect(report.cluster!.kafkaNode.status).to.equal('fails');
      const keyed = report.scenarios.find((s) => s.id === 'partitioner-keyed')!;
      expect(keyed.results.map((r) => [r.backend, r.status])).to.deep.equal([
        ['kafka-node', 'unsupported'],
        ['kafkajs', 'pass'],
        ['confluent', 'pass'],
      ]);
      expect(keyed.results[0]!.detail).to.match(/^unsupported here: Produce v2 refused: Apache Kafka 4\.x removed it/);
      const offsetApi = report.kafkaNodeApi!.scenarios.find((s) => s.id === 'offset-api')!;
      expect(offsetApi.results.map((r) => [r.engine, r.status])).to.deep.equal([
        ['kafka-node', 'unsupported'],
        ['facade:kafka-node', 'unsupported'],
        ['facade:kafkajs', 'pass'],
        ['facade:confluent', 'pass'],
      ]);
      expect(offsetApi.results[2]!.notes).to.include(
        'no kafka-node reference on this cluster: ran without error, nothing to compare with',
      );
      expect(section(run.stdout, 'kafka-node API').join('\n')).to.match(
        /offset-api on kafka-node \(unsupported\):\n {2}unsupported here: Produce v2 refused/,
      );
    });

    it('leaves no topic of its own behind on the cluster', () => {
      expect([...kafka4Profile!.cluster.topics.keys()].filter((name) => name.startsWith('kna-compat-'))).to.deep.equal(
        [],
      );
    });
  });

  it('runs one backend with --backends kafkajs', async () => {
    const run = await runs.result('kafkajs only');
    expect(run.code, run.stderr).to.equal(0);
    const lines = section(run.stdout, 'Common interface scenarios');
    expect(lines[0]!.trim().split(/\s{2,}/)).to.deep.equal(['scenario', 'kafkajs']);
    const rows = tableRows(lines.join('\n'));
    expect([...rows.keys()]).to.deep.equal(['partitioner-keyed']);
    expect(rows.get('partitioner-keyed')).to.have.length(1);
    expect(rows.get('partitioner-keyed')![0]).to.match(/^pass /);
    expect(run.stdout).to.include('1 pass, 0 diff, 0 unsupported, 0 error');
  });

  it('prints the JSON report on stdout with --json', async () => {
    const run = await runs.result('json');
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as ParityReport;
    expect(report.embeddedBroker).to.equal(true);
    expect(report.scenarios.map((s) => s.id)).to.deep.equal(['partitioner-cyclic']);
    expect(report.scenarios[0]!.results.map((r) => [r.backend, r.status])).to.deep.equal(
      ALL.map((backend) => [backend, 'pass']),
    );
    expect(report.summary).to.deep.equal({ pass: ALL.length, diff: 0, unsupported: 0, error: 0 });
  });

  it('exits 1 when the cluster cannot be reached, every scenario unsupported there', async () => {
    const run = await runs.result('unreachable');
    expect(run.code, run.stderr).to.equal(1);
    const report = JSON.parse(run.stdout) as ParityReport;
    expect(report.cluster!.brokers[0]!.status).to.equal('unreachable');
    expect(report.scenarios[0]!.results.map((r) => r.status)).to.deep.equal(BACKEND_NAMES.map(() => 'unsupported'));
  });

  describe('usage errors exit 2 with a message, before starting a broker', () => {
    it('rejects an unknown backend', async () => {
      const run = await runs.result('unknown backend');
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('unknown backend "nope"');
      expect(run.stderr).not.to.include('embedded broker started');
      expect(run.stdout).to.equal('');
    });

    it('rejects a report file that is neither .html nor .json', async () => {
      const target = path.join(dir, 'x.txt');
      const run = await runs.result('bad report file');
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include(`--report ${target}: the file name must end in .html or .json`);
      expect(fs.existsSync(target)).to.equal(false);
    });

    it('rejects an unknown scenario and lists the known ones', async () => {
      const run = await runs.result('unknown scenario');
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('no scenario matches no-such-scenario');
      expect(run.stderr).to.include('keyed-produce');
      expect(run.stderr).not.to.include('embedded broker started');
    });
  });
});

describe('compat report formatting', () => {
  function outcome(
    backend: BackendOutcome['backend'],
    status: BackendOutcome['status'],
    detail: string | null,
    durationMs = 1234,
  ): BackendOutcome {
    return { backend, status, durationMs, detail, trace: [], leftoverTopics: [] };
  }

  const meta = {
    brokers: ['127.0.0.1:9092'],
    embeddedBroker: false,
    backends: ['kafka-node', 'kafkajs'] as BackendOutcome['backend'][],
  };
  const clean: ScenarioOutcome[] = [
    {
      id: 'keyed-produce',
      title: 'keyed',
      outcomes: [outcome('kafka-node', 'pass', null), outcome('kafkajs', 'pass', null)],
    },
    {
      id: 'headers',
      title: 'headers',
      outcomes: [
        outcome('kafka-node', 'unsupported', 'headers not supported by kafka-node', 0),
        outcome('kafkajs', 'pass', null),
      ],
    },
  ];
  const differing: ScenarioOutcome[] = [
    ...clean,
    {
      id: 'commit-resume',
      title: 'commit <then> resume',
      outcomes: [
        outcome('kafka-node', 'pass', null),
        outcome(
          'kafkajs',
          'diff',
          'consume[3]: kafka-node has offset 7\n  kafkajs has offset 8 <script>alert(1)</script>',
        ),
      ],
    },
    {
      id: 'pause-resume',
      title: 'pause',
      outcomes: [
        outcome('kafka-node', 'error', 'KafkaTimeoutError: "no message" & gave up'),
        outcome('kafkajs', 'pass', null),
      ],
    },
  ];

  it('counts statuses and is clean when only pass and unsupported occur', () => {
    const report = buildReport(clean, meta);
    expect(report.summary).to.deep.equal({ pass: 3, diff: 0, unsupported: 1, error: 0 });
    expect(reportIsClean(report)).to.equal(true);
    expect(report.scenarios[1]!.results[0]).to.deep.equal({
      backend: 'kafka-node',
      status: 'unsupported',
      durationMs: 0,
      detail: 'headers not supported by kafka-node',
      leftoverTopics: [],
    });
    // The trace is internal to the runner and stays out of the report.
    expect(Object.keys(report.scenarios[0]!.results[0]!)).not.to.include('trace');
  });

  it('is not clean (exit code 1) with a diff or an error', () => {
    expect(reportIsClean(buildReport(differing, meta))).to.equal(false);
    const onlyError = [differing[3]!];
    expect(reportIsClean(buildReport(onlyError, meta))).to.equal(false);
    const onlyDiff = [differing[2]!];
    expect(reportIsClean(buildReport(onlyDiff, meta))).to.equal(false);
  });

  it('prints each diff and error with its detail under the table', () => {
    const table = formatTable(buildReport(differing, meta));
    const rows = tableRows(table);
    expect(rows.get('commit-resume')).to.deep.equal(['pass 1.2s', 'diff 1.2s']);
    expect(rows.get('pause-resume')).to.deep.equal(['error 1.2s', 'pass 1.2s']);
    expect(rows.get('headers')).to.deep.equal(['unsupported 0.0s', 'pass 1.2s']);
    expect(table).to.include('5 pass, 1 diff, 1 unsupported, 1 error');
    expect(table).to.include(
      'commit-resume on kafkajs (diff):\n  consume[3]: kafka-node has offset 7\n    kafkajs has offset 8',
    );
    expect(table).to.include('pause-resume on kafka-node (error):\n  KafkaTimeoutError: "no message" & gave up');
    expect(table).to.include('headers on kafka-node (unsupported):\n  headers not supported by kafka-node');
  });

  it('renders diff and error details in the HTML page, escaped', () => {
    const html = renderHtmlReport(buildReport(differing, meta));
    expect(html).not.to.include('<script>');
    expect(html).to.include('kafkajs has offset 8 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('commit &lt;then&gt; resume');
    expect(html).to.include('KafkaTimeoutError: &quot;no message&quot; &amp; gave up');
    // A difference expands: its first line is the summary, all of it the body.
    expect(html).to.match(
      /<td class="diff" data-backend="kafkajs"><strong>diff<\/strong> 1\.2 s<details><summary>consume\[3\]: kafka-node has offset 7\n {2}kafkajs has offset 8 &lt;script&gt;/,
    );
    expect(html).to.match(
      /<td class="error" data-backend="kafka-node"><strong>error<\/strong> 1\.2 s<pre>KafkaTimeoutError/,
    );
    expect(html).to.include('<span>5 pass</span><span>1 diff</span><span>1 unsupported</span><span>1 error</span>');
    expect(html).not.to.include('(embedded broker)');
  });

  it('shows a dash for a backend that has no result', () => {
    const report = buildReport([{ id: 'one-sided', title: 't', outcomes: [outcome('kafkajs', 'pass', null)] }], meta);
    expect(tableRows(formatTable(report)).get('one-sided')![0]).to.equal('-');
    expect(renderHtmlReport(report)).to.include('<td><code>one-sided</code><br>t</td><td>-</td><td class="pass"');
  });
});
