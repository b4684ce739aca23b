import { expect } from 'chai';
import sinon from 'sinon';
import { backOff, backoffDelay } from '../../src/common/retry';

describe('common/retry: the one backoff rule', () => {
  const schedule = { initialRetryTimeMs: 100, maxRetryTimeMs: 1000 };

  it('doubles from the initial retry time per failure and stops at the max retry time', () => {
    expect([1, 2, 3, 4, 5, 6].map((failures) => backoffDelay(schedule, failures))).to.deep.equal([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('waits the initial time before the first retry (and for a count of 0), and stays finite for huge counts', () => {
    expect(backoffDelay(schedule, 0)).to.equal(100);
    expect(backoffDelay(schedule, 5000)).to.equal(1000);
    expect(backoffDelay({ initialRetryTimeMs: 1, maxRetryTimeMs: Number.MAX_SAFE_INTEGER }, 5000)).to.equal(2 ** 20);
  });

  it('backOff resolves after the delay and not before', async () => {
    const clock = sinon.useFakeTimers();
    try {
      let done = false;
      const waiting = backOff(schedule, 3).then(() => (done = true));
      await clock.tickAsync(399);
      expect(done).to.equal(false);
      await clock.tickAsync(1);
      await waiting;
      expect(done).to.equal(true);
    } finally {
      clock.restore();
    }
  });
});
