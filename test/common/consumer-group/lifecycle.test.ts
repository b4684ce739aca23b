import { expect } from 'chai';
import sinon from 'sinon';
import { KafkaError } from '../../../src/common/errors';
import type { ConsumedMessage } from '../../../src/common/types';
import { fakeGroup } from './fake-driver';

/** The consumer-group core on a fake driver: no broker, fake timers (a backoff or an auto-commit interval is a tick). */
describe('common/consumer-group core (fake driver, fake timers)', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  /** Starts run() with a handler recording "topic/partition@offset"; resolves once the fake driver assigned. */
  async function running(
    setup: ReturnType<typeof fakeGroup>,
    handle: (message: ConsumedMessage) => void = () => undefined,
  ) {
    const seen: string[] = [];
    const run = setup.group.run({
      eachMessage: (message) => {
        seen.push(`${message.topic}/${message.partition}@${message.offset}`);
        handle(message);
      },
    });
    await clock.tickAsync(0);
    return { seen, run };
  }

  it('close() while the idle loop is inside an auto-commit resolves, and commits what was handled', async () => {
    const setup = fakeGroup({ topics: ['a'], autoCommit: true, autoCommitIntervalMs: 100 });
    const { driver, group } = setup;
    const { seen, run } = await running(setup);
    driver.assign([{ topic: 'a', partition: 0 }]);
    await run;
    driver.push('a', 0, 0, 1, 2);
    await clock.tickAsync(0);
    expect(seen).to.deep.equal(['a/0@0', 'a/0@1', 'a/0@2']);
    // The first message's auto-commit went out at once; the next is due 100 ms later, from the idle loop. Hold it.
    expect(driver.commits).to.deep.equal([[{ topic: 'a', partition: 0, offset: 1 }]]);
    let release!: () => void;
    driver.commitGate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    driver.onCommit = () => (entered = true);
    await clock.tickAsync(100);
    expect(entered, 'the idle auto-commit started').to.equal(true);
    let closed = false;
    const closing = group.close().then(() => (closed = true));
    await clock.tickAsync(0);
    expect(closed, 'close waits for the auto-commit in progress').to.equal(false);
    driver.commitGate = null;
    release();
    await clock.tickAsync(10_000);
    expect(closed, 'close resolved').to.equal(true);
    await closing;
    expect(driver.commits.map((c) => c[0]!.offset)).to.deep.equal([1, 3, 3]);
    expect(driver.calls.slice(-4)).to.deep.equal(['quiesce', 'commitOnClose', 'commit', 'disconnect']);
  });

  it('close() before the first assignment rejects run() and leaves without committing or revoking', async () => {
    const setup = fakeGroup();
    const { driver, group } = setup;
    const events: string[] = [];
    group.on('assigned', () => events.push('assigned'));
    group.on('revoked', () => events.push('revoked'));
    const { run } = await running(setup);
    const outcome = run.then(
      () => null,
      (error: unknown) => error,
    );
    await group.close();
    const error = await outcome;
    expect(error).to.be.instanceOf(KafkaError);
    expect((error as KafkaError).message).to.match(/closed before its first assignment/);
    expect(driver.calls).to.deep.equal(['connect', 'start', 'quiesce', 'commitOnClose', 'disconnect']);
    expect(driver.commits).to.deep.equal([]);
    expect(events).to.deep.equal([]);
    await group.close();
    try {
      await group.connect();
      expect.fail('connect() after close() resolved');
    } catch (caught) {
      expect((caught as Error).message).to.match(/closed/);
    }
  });

  it('a failure before the first assignment rejects run(), stops the driver, and a second run() is refused', async () => {
    const setup = fakeGroup();
    const { driver, group } = setup;
    const { run } = await running(setup);
    driver.session.failFirstAssignment(new KafkaError('the coordinator said no', { retriable: false }));
    try {
      await run;
      expect.fail('run() resolved');
    } catch (error) {
      expect((error as Error).message).to.equal('the coordinator said no');
    }
    expect(driver.calls).to.deep.equal(['connect', 'start', 'abort']);
    const again = await group.run({ eachMessage: () => undefined }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(again?.message).to.match(/run was already called/);
    await group.close();
  });

  it('a seek before the assignment is applied when its partition is assigned, not before', async () => {
    const setup = fakeGroup({ topics: ['a'] });
    const { driver, group } = setup;
    group.seek({ topic: 'a', partition: 0, offset: 5 });
    group.seek({ topic: 'a', partition: 1, offset: 9 });
    const { seen, run } = await running(setup);
    driver.assign([{ topic: 'a', partition: 0 }]);
    await run;
    await group.commit();
    expect(driver.commits).to.deep.equal([[{ topic: 'a', partition: 0, offset: 5 }]]);
    // Partition 1 was not assigned: its seek waits for an assignment that has it.
    driver.assign(
      [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
      ],
      0,
    );
    await group.commit();
    expect(driver.commits[1]).to.deep.equal([
      { topic: 'a', partition: 0, offset: 0 },
      { topic: 'a', partition: 1, offset: 9 },
    ]);
    driver.push('a', 1, 9);
    await clock.tickAsync(0);
    expect(seen).to.deep.equal(['a/1@9']);
    await group.close({ commit: false });
  });

  it('a failing handler retries the same message after a growing backoff: never skipped, never committed past', async () => {
    const setup = fakeGroup({ topics: ['a'] });
    const { driver, group } = setup;
    const errors: Error[] = [];
    group.on('error', (error) => errors.push(error));
    let failuresLeft = 2;
    const { seen, run } = await running(setup, (message) => {
      if (message.offset === 1 && failuresLeft-- > 0) throw new Error(`handler failed on ${message.offset}`);
    });
    driver.assign([{ topic: 'a', partition: 0 }]);
    await run;
    driver.push('a', 0, 0, 1, 2);
    await clock.tickAsync(0);
    expect(seen).to.deep.equal(['a/0@0', 'a/0@1']);
    await group.commit();
    expect(driver.commits.at(-1), 'commit stops before the failing message').to.deep.equal([
      { topic: 'a', partition: 0, offset: 1 },
    ]);
    await clock.tickAsync(99);
    expect(seen, 'not retried before the first backoff (100 ms)').to.have.length(2);
    await clock.tickAsync(1);
    expect(seen).to.deep.equal(['a/0@0', 'a/0@1', 'a/0@1']);
    await clock.tickAsync(199);
    expect(seen, 'not retried before the doubled backoff (200 ms)').to.have.length(3);
    await group.commit();
    expect(driver.commits.at(-1)).to.deep.equal([{ topic: 'a', partition: 0, offset: 1 }]);
    await clock.tickAsync(1);
    expect(seen).to.deep.equal(['a/0@0', 'a/0@1', 'a/0@1', 'a/0@1', 'a/0@2']);
    expect(errors.map((e) => e.message)).to.deep.equal(['handler failed on 1', 'handler failed on 1']);
    await group.close();
    expect(driver.commits.at(-1)).to.deep.equal([{ topic: 'a', partition: 0, offset: 3 }]);
  });

  it('pause() stops deliveries of a topic while the others flow; resume() delivers what waited, in order', async () => {
    const setup = fakeGroup();
    const { driver, group } = setup;
    const { seen, run } = await running(setup);
    driver.assign([
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
    ]);
    await run;
    group.pause(['a']);
    driver.push('a', 0, 0, 1);
    driver.push('b', 0, 0);
    await clock.tickAsync(1000);
    expect(seen).to.deep.equal(['b/0@0']);
    group.resume(['a']);
    await clock.tickAsync(0);
    expect(seen).to.deep.equal(['b/0@0', 'a/0@0', 'a/0@1']);
    expect(driver.calls.filter((call) => call.startsWith('pausesChanged'))).to.deep.equal([
      'pausesChanged a / ',
      'pausesChanged  / a',
    ]);
    expect(() => group.pause(['' as string])).to.throw(/array of topic names/);
    await group.close();
  });

  it("eachBatch gets a partition's buffered messages together; commit() without offsets commits what was handled", async () => {
    const setup = fakeGroup({ topics: ['a'] });
    const { driver, group } = setup;
    const batches: number[][] = [];
    const run = group.run({ eachBatch: (batch) => void batches.push(batch.messages.map((m) => m.offset)) });
    await clock.tickAsync(0);
    driver.assign([{ topic: 'a', partition: 0 }]);
    await run;
    driver.push('a', 0, 0, 1, 2);
    await clock.tickAsync(0);
    expect(batches).to.deep.equal([[0, 1, 2]]);
    await group.commit();
    expect(driver.commits).to.deep.equal([[{ topic: 'a', partition: 0, offset: 3 }]]);
    expect(group.bufferStats).to.deep.equal({ buffered: 0, maxBuffered: 3, dropped: 0 });
    await group.close();
  });
});
