import { expect } from 'chai';
import sinon from 'sinon';
import { OffsetTracker } from '../../../src/common/consumer-group';
import { KafkaError } from '../../../src/common/errors';
import type { TopicPartitionOffset } from '../../../src/common/types';

describe('common/consumer-group OffsetTracker', () => {
  const retry = { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 };
  const mapError = (error: unknown): KafkaError =>
    error instanceof KafkaError ? error : new KafkaError(String(error));

  it('commits handled and sought positions, not start positions of -1; a failed commit leaves them dirty', async () => {
    const tracker = new OffsetTracker(true, 1000);
    tracker.started('t', 0, -1);
    tracker.started('t', 1, 4);
    expect(tracker.dirty).to.equal(false);
    tracker.moved('t', 2, 8);
    expect(tracker.dirty).to.equal(true);
    const sent: TopicPartitionOffset[][] = [];
    await tracker.commit(async (offsets) => void sent.push(offsets));
    expect(sent).to.deep.equal([
      [
        { topic: 't', partition: 1, offset: 4 },
        { topic: 't', partition: 2, offset: 8 },
      ],
    ]);
    expect(tracker.dirty).to.equal(false);
    tracker.moved('t', 2, 9);
    const failing = tracker.commit(async () => {
      throw new KafkaError('coordinator gone', { retriable: true });
    });
    await failing.then(
      () => expect.fail('commit resolved'),
      (error: Error) => expect(error.message).to.equal('coordinator gone'),
    );
    expect(tracker.dirty, 'still to commit').to.equal(true);
    expect(tracker.committable((_topic, partition) => partition === 2)).to.deep.equal([
      { topic: 't', partition: 2, offset: 9 },
    ]);
  });

  it('commitPersistently retries retriable failures on the backoff schedule, up to `retries`, and not a fatal one', async () => {
    const clock = sinon.useFakeTimers();
    try {
      const tracker = new OffsetTracker(false, 0);
      tracker.moved('t', 0, 3);
      const attempts: number[] = [];
      const flaky = tracker.commitPersistently(
        async () => {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new KafkaError('NOT_COORDINATOR', { retriable: true });
        },
        retry,
        mapError,
        () => true,
      );
      await clock.tickAsync(1000);
      await flaky;
      expect(attempts, 'attempts at 0, +100 ms, +200 ms').to.deep.equal([0, 100, 300]);

      let calls = 0;
      const fatal = tracker.commitPersistently(
        async () => {
          calls++;
          throw new KafkaError('fenced', { retriable: false });
        },
        retry,
        mapError,
        () => true,
      );
      const outcome = fatal.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      await clock.tickAsync(1000);
      expect(await outcome).to.equal('fenced');
      expect(calls).to.equal(1);

      calls = 0;
      const exhausted = tracker
        .commitPersistently(
          async () => {
            calls++;
            throw new KafkaError('still moving', { retriable: true });
          },
          retry,
          mapError,
          () => true,
        )
        .then(
          () => 'resolved',
          (error: Error) => error.message,
        );
      await clock.tickAsync(5000);
      expect(await exhausted).to.equal('still moving');
      expect(calls, 'the first try and `retries` retries').to.equal(3);
    } finally {
      clock.restore();
    }
  });

  it('auto-commit is due only when enabled, something changed and the interval passed', async () => {
    const clock = sinon.useFakeTimers();
    try {
      const tracker = new OffsetTracker(true, 500);
      const sent: number[] = [];
      const send = async (offsets: TopicPartitionOffset[]): Promise<void> => void sent.push(offsets[0]!.offset);
      await tracker.autoCommitIfDue(send, () => undefined);
      expect(sent, 'nothing changed').to.deep.equal([]);
      tracker.moved('t', 0, 1);
      await tracker.autoCommitIfDue(send, () => undefined);
      tracker.moved('t', 0, 2);
      await tracker.autoCommitIfDue(send, () => undefined);
      expect(sent, 'the second waits for the interval').to.deep.equal([1]);
      expect(tracker.autoCommitDueAt(Date.now())).to.equal(500);
      await clock.tickAsync(500);
      await tracker.autoCommitIfDue(send, () => undefined);
      expect(sent).to.deep.equal([1, 2]);
      expect(new OffsetTracker(false, 0).autoCommitDueAt(0)).to.equal(Infinity);
    } finally {
      clock.restore();
    }
  });
});
