/**
 * The HTML compat report, opened in a real browser: headless Chromium from Debian's `chromium` package, driven by
 * playwright-core (which never downloads a browser here: the executable path is given). The report comes from the
 * CLI (`compat ... --scan`), so all four sections hold real results; the screenshot is kept under .tmp/. A missing
 * /usr/bin/chromium goes through the fixtures' startOrSkip rule: skipped with the reason outside CI, a failure under
 * CI=true (.ci/run installs it).
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BACKEND_NAMES } from '../../src/common/types';
import { buildReport, type ParityReport } from '../../src/compat/report';
import { renderHtmlReport } from '../../src/compat/html-report';
import { runCli } from '../helpers/run-cli';
import { FixtureUnavailableError, startOrSkip } from '../fixtures/processes';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCENARIO_IDS = ['partitioner-keyed', 'partitioner-murmur2'];
const API_SCENARIO_IDS = ['offset-api'];
const SECTIONS: Array<[string, RegExp]> = [
  ['cluster', /^Cluster: will today's kafka-node code work here\?$/],
  ['engines', /^Does the code behave the same on the new engine\?$/],
  ['code', /^What in the code needs attention\?$/],
  ['environment', /^Run$/],
];
const SCREENSHOT = path.join(__dirname, '..', '..', '.tmp', 'compat-report.png');

/** The PNG's width and height, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('compat/html report in headless Chromium', function () {
  this.timeout(180000);
  let dir: string;
  let browser: Browser | null = null;
  let report: ParityReport;
  let htmlFile: string;

  before(async function () {
    await startOrSkip(this, () => {
      if (!fs.existsSync(CHROMIUM))
        throw new FixtureUnavailableError(
          `${CHROMIUM} not found (Debian package "chromium": apt-get install -y chromium)`,
        );
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-html-report-'));
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'consumer.js'),
      "const kafka = require('kafka-node');\nconst client = new kafka.KafkaClient({ kafkaHost: 'localhost:9092' });\nnew kafka.Offset(client).commit('g', [{ topic: 't', partition: 0, offset: 1 }], () => undefined);\n",
    );
    htmlFile = path.join(dir, 'parity-report.html');
    const jsonFile = path.join(dir, 'parity-report.json');
    const scenarios = [...SCENARIO_IDS, ...API_SCENARIO_IDS].flatMap((id) => ['--scenario', id]);
    const run = await runCli(
      ['compat', ...scenarios, '--scan', app, '--report', htmlFile, '--report', jsonFile],
      150000,
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as ParityReport;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ page: Page; requests: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(htmlFile).href);
    return { page, requests };
  }

  it('shows the four sections (cluster, engines, code, run) and a screenshot of them all', async () => {
    const { page, requests } = await open();
    expect(await page.title()).to.equal('kafka-node-adapter parity report');
    const tops: number[] = [];
    for (const [id, heading] of SECTIONS) {
      const section = page.locator(`section#${id}`);
      expect(await section.isVisible(), `section#${id} visible`).to.equal(true);
      expect((await section.locator('h2').textContent())?.trim()).to.match(heading);
      const box = await section.boundingBox();
      expect(box, `section#${id} laid out`).to.not.equal(null);
      expect(box!.height, `section#${id} height`).to.be.greaterThan(20);
      tops.push(box!.y);
    }
    // In reading order, one under the other.
    expect([...tops].sort((a, b) => a - b)).to.deep.equal(tops);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('ascii')).to.equal('PNG');
    const size = pngSize(png);
    expect(size.width).to.equal(1280);
    // The full page: at least as tall as the last section's top.
    expect(size.height).to.be.greaterThan(tops[tops.length - 1]!);
    expect(png.length).to.be.greaterThan(30 * 1024);

    // Self-contained: the page itself is the only thing loaded.
    expect(requests).to.deep.equal([pathToFileURL(htmlFile).href]);
    await page.close();
  });

  it('cluster section: the verdict, each broker with its versions, and a verdict per engine', async () => {
    const { page } = await open();
    expect(await page.locator('#verdict').textContent()).to.match(/^kafka-node 5\.0\.0 works on this cluster/);
    expect(await page.locator('#verdict').getAttribute('class')).to.equal('verdict works');
    const brokers = page.locator('table#brokers tbody tr');
    expect(await brokers.count()).to.equal(report.brokers.length);
    expect(await brokers.first().locator('td.ranges').textContent()).to.match(/Produce \d+-\d+/);
    const engines = page.locator('table#engine-verdicts tbody tr');
    expect(await engines.count()).to.equal(1 + BACKEND_NAMES.length);
    expect(await page.locator('table#engine-verdicts tr[data-engine="today"] td.works').count()).to.equal(1);
    // The backends the probe has request tables for (a backend without one is shown as not assessed).
    for (const backend of ['kafka-node', 'kafkajs'])
      expect(
        await page.locator(`table#engine-verdicts tr[data-engine="backend:${backend}"] td.works`).count(),
        backend,
      ).to.equal(1);
    // kafka-node's requests are folded away until asked for.
    const requests = page.locator('details#requests table');
    expect(await requests.isVisible()).to.equal(false);
    await page.locator('details#requests summary').click();
    expect(await requests.isVisible()).to.equal(true);
    expect(await requests.locator('tbody tr').count()).to.equal(report.cluster!.kafkaNode.checks.length);
    await page.close();
  });

  it('engines section: a matrix per scenario set with a column per engine, and its per-engine totals', async () => {
    const { page } = await open();
    const parity = page.locator('table#parity');
    expect((await parity.locator('thead th').allTextContents()).map((t) => t.trim())).to.deep.equal([
      'scenario',
      ...BACKEND_NAMES,
    ]);
    const rows = parity.locator('tbody tr');
    expect(await rows.count()).to.equal(SCENARIO_IDS.length);
    for (const [index, id] of SCENARIO_IDS.entries()) {
      const row = rows.nth(index);
      expect(await row.getAttribute('data-scenario')).to.equal(id);
      const cells = row.locator('td[data-backend]');
      expect(await cells.count()).to.equal(BACKEND_NAMES.length);
      for (const [column, backend] of BACKEND_NAMES.entries()) {
        const cell = cells.nth(column);
        expect(await cell.getAttribute('data-backend')).to.equal(backend);
        expect(await cell.getAttribute('class'), `${id} on ${backend}`).to.equal('pass');
        expect(await cell.textContent()).to.match(/^pass \d+\.\d s$/);
      }
    }
    // The page's own stylesheet applied (a string expression: the test's TypeScript has no DOM types).
    expect(await page.evaluate("getComputedStyle(document.querySelector('td.pass')).backgroundColor")).to.equal(
      'rgb(230, 244, 234)',
    );
    expect((await parity.locator('tfoot td').allTextContents()).map((t) => t.trim())).to.deep.equal(
      BACKEND_NAMES.map(() => `${SCENARIO_IDS.length} pass, 0 diff, 0 unsupported, 0 error`),
    );

    const api = page.locator('table#kafka-node-api');
    expect((await api.locator('thead th').allTextContents()).map((t) => t.trim())).to.deep.equal([
      'scenario',
      'kafka-node',
      ...BACKEND_NAMES.map((b) => `facade:${b}`),
    ]);
    expect(await api.locator('tbody tr[data-scenario="offset-api"] td.pass').count()).to.equal(
      1 + BACKEND_NAMES.length,
    );
    // The documented difference is a note that expands.
    const note = api.locator('tbody tr[data-scenario="offset-api"] td[data-backend="facade:kafkajs"] details.notes');
    expect(await note.locator('pre').isVisible()).to.equal(false);
    await note.locator('summary').click();
    expect(await note.locator('pre').textContent()).to.include('documented difference at entry 6');
    await page.close();
  });

  it('code section: each emulated use with file:line, the warnings it is documented to raise and those this run raised', async () => {
    const { page } = await open();
    const rows = page.locator('table#findings tbody tr');
    expect(await rows.count()).to.equal(report.code!.findings.length);
    const commit = rows.filter({ hasText: 'Offset.commit' });
    expect(await commit.locator('td').first().textContent()).to.equal('consumer.js:3');
    expect(await commit.locator('td.emulated').count()).to.equal(1);
    expect(await commit.textContent()).to.include('offset.commit.kafka-storage (offset-api on facade:kafka-node)');
    expect(await page.locator('section#environment dl').textContent()).to.match(/kafka-node 5\.0\.0, kafkajs 2\.2\.4/);
    await page.close();
  });

  it('a difference shows its first line and expands to all of them', async () => {
    const page = await browser!.newPage();
    const differing = buildReport(
      [
        {
          id: 'commit-resume',
          title: 'commit then resume',
          outcomes: [
            { backend: 'kafka-node', status: 'pass', durationMs: 10, detail: null, trace: [], leftoverTopics: [] },
            {
              backend: 'kafkajs',
              status: 'diff',
              durationMs: 10,
              detail: 'consume[3]: kafka-node has offset 7, kafkajs has offset 8',
              trace: [],
              leftoverTopics: [],
            },
          ],
        },
      ],
      { brokers: ['127.0.0.1:9092'], embeddedBroker: false, backends: ['kafka-node', 'kafkajs'] },
      { cluster: null, code: null },
    );
    await page.setContent(renderHtmlReport(differing));
    const details = page.locator('td.diff details');
    expect(await details.locator('summary').textContent()).to.equal(
      'consume[3]: kafka-node has offset 7, kafkajs has offset 8',
    );
    expect(await details.locator('pre').isVisible()).to.equal(false);
    await details.locator('summary').click();
    expect(await details.locator('pre').isVisible()).to.equal(true);
    expect(await page.locator('section#code p').textContent()).to.include('compat --scan');
    await page.close();
  });
});
