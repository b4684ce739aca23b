'use strict';
// Mocha's spec output, closed by the plain line CI reads: "N passed, N failed[, N skipped]".
// Pending (skipped) tests are never counted as passed; each one prints why it was skipped.
// Before that line, the slowest test files with their wall time, so the suite's time budget can be watched.
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

// SLOWEST_FILES=N shows more (or fewer) of them.
const SLOWEST_FILES_SHOWN = Number(process.env.SLOWEST_FILES) || 15;

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const startedAt = Date.now();
    const fileTimes = new Map();
    const openSince = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.file && suite.parent && suite.parent.root) openSince.set(suite, Date.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const since = openSince.get(suite);
      if (since === undefined) return;
      openSince.delete(suite);
      fileTimes.set(suite.file, (fileTimes.get(suite.file) || 0) + Date.now() - since);
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      const reason = test.skipReason || (test.ctx && test.ctx.skipReason) || 'no reason given';
      process.stdout.write(`      skipped: ${test.fullTitle()} (${reason})\n`);
    });
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      if (fileTimes.size > 1) {
        const cwd = process.cwd() + require('path').sep;
        const slowest = [...fileTimes].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST_FILES_SHOWN);
        process.stdout.write(
          `\nslowest test files (of ${fileTimes.size}; whole run ${seconds(Date.now() - startedAt)}):\n`,
        );
        for (const [file, ms] of slowest)
          process.stdout.write(`  ${seconds(ms).padStart(7)}  ${file.replace(cwd, '')}\n`);
      }
      process.stdout.write(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`);
    });
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

module.exports = CountingSpecReporter;
