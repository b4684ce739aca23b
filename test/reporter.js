'use strict';
// Mocha's spec output, closed by the plain line CI reads: "N passed, N failed[, N skipped]".
// Pending (skipped) tests are never counted as passed; each one prints why it was skipped.
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.on(EVENT_TEST_PENDING, (test) => {
      const reason = test.skipReason || (test.ctx && test.ctx.skipReason) || 'no reason given';
      process.stdout.write(`      skipped: ${test.fullTitle()} (${reason})\n`);
    });
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      process.stdout.write(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`);
    });
  }
}
module.exports = CountingSpecReporter;
