/**
 * The HTML parity report, opened in a real browser: headless Chromium from Debian's `chromium` package, driven by
 * playwright-core (which never downloads a browser here: the executable path is given). Outside CI a missing
 * /usr/bin/chromium skips with the reason printed; under CI=true (.ci/run installs it) that is a failure.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { chromium, type Browser } from 'playwright-core';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../src/broker';
import { BACKEND_NAMES } from '../../src/common/types';
import { buildReport, type ParityReport } from '../../src/compat/report';
import { renderHtmlReport } from '../../src/compat/html-report';
import { runParity } from '../../src/compat/runner';
import { PARITY_SCENARIOS } from '../../src/compat/scenarios';

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
const IN_CI = process.env.CI === 'true';

describe('compat/html report in headless Chromium', function () {
  this.timeout(60000);
  let dir: string;
  let broker: EmbeddedBroker | null = null;
  let browser: Browser | null = null;
  let report: ParityReport;
  let htmlFile: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      const reason = `${CHROMIUM} not found (Debian package "chromium": apt-get install -y chromium)`;
      if (IN_CI) throw new Error(`${reason} [CI=true: the browser test is required, not skipped; .ci/run installs it]`);
      (this as Mocha.Context & { skipReason?: string }).skipReason = reason;
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-html-report-'));
    broker = await startBroker({ logger: silentLogger });
    const scenarios = PARITY_SCENARIOS.filter((s) => SCENARIO_IDS.includes(s.id));
    expect(scenarios.map((s) => s.id)).to.deep.equal(SCENARIO_IDS);
    const outcomes = await runParity({ brokers: broker.brokers, backends: [...BACKEND_NAMES], scenarios });
    report = buildReport(outcomes, { brokers: broker.brokers, embeddedBroker: true, backends: [...BACKEND_NAMES] });
    htmlFile = path.join(dir, 'parity-report.html');
    fs.writeFileSync(htmlFile, renderHtmlReport(report));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders the scenario x backend table, the summary, and a non-trivial screenshot', async () => {
    const page = await browser!.newPage({ viewport: { width: 1000, height: 600 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(htmlFile).href);

    expect(await page.title()).to.equal('kafka-node-adapter parity report');
    const table = page.locator('table#parity');
    expect(await table.count()).to.equal(1);
    expect(await table.isVisible()).to.equal(true);
    expect((await table.locator('thead th').allTextContents()).map((t) => t.trim())).to.deep.equal(['scenario', ...BACKEND_NAMES]);

    const rows = table.locator('tbody tr');
    expect(await rows.count()).to.equal(SCENARIO_IDS.length);
    for (const [index, id] of SCENARIO_IDS.entries()) {
      const row = rows.nth(index);
      expect(await row.getAttribute('data-scenario')).to.equal(id);
      expect(await row.locator('td code').textContent()).to.equal(id);
      const cells = row.locator('td[data-backend]');
      expect(await cells.count()).to.equal(BACKEND_NAMES.length);
      for (const [column, backend] of BACKEND_NAMES.entries()) {
        const cell = cells.nth(column);
        expect(await cell.getAttribute('data-backend')).to.equal(backend);
        expect(await cell.getAttribute('class'), `${id} on ${backend}`).to.equal('pass');
        expect(await cell.locator('strong').textContent()).to.equal('pass');
        expect(await cell.textContent()).to.match(/^pass \d+\.\d s$/);
      }
    }

    // The page's own stylesheet applied (a string expression: the test's TypeScript has no DOM types).
    expect(await page.evaluate("getComputedStyle(document.querySelector('td.pass')).backgroundColor")).to.equal('rgb(230, 244, 234)');

    expect(await page.locator('p.summary span').allTextContents()).to.deep.equal([`${SCENARIO_IDS.length * BACKEND_NAMES.length} pass`, '0 diff', '0 unsupported', '0 error']);
    expect(await page.locator('body').textContent()).to.include('(embedded broker)');

    const screenshot = path.join(dir, 'parity-report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    const png = fs.readFileSync(screenshot);
    expect(png.subarray(1, 4).toString('ascii')).to.equal('PNG');
    expect(png.length).to.be.greaterThan(5 * 1024);

    // Self-contained: the page itself is the only thing loaded.
    expect(requests).to.deep.equal([pathToFileURL(htmlFile).href]);
    await page.close();
  });
});
