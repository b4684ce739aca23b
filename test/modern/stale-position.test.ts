import { expect } from 'chai';
import { startEmbedded, type EmbeddedBroker } from '../fixtures/embedded';
import { closeQuietly, modernBackend, numbered, produce, startMember, until, type Member } from './helpers';

// A member that lost its session (its handler blocked past the session timeout) while another member read further and
// committed, then got the partition back: closing must not commit the position it had before, which would move the
// group's committed offset backwards and redeliver everything the other member had committed.
describe('modern consumer group: positions of an older generation are never committed', function () {
  this.timeout(60000);
  let broker: EmbeddedBroker;

  before(async () => {
    broker = await startEmbedded();
  });
  after(async () => {
    await broker?.stop();
  });

  it('a member that gets a partition back after losing its session does not commit its stale position on close', async () => {
    const backend = modernBackend(broker.brokers);
    const topic = `stale-position-${Date.now()}`;
    const groupId = `stale-${Date.now()}`;
    expect(broker.cluster.createTopic({ name: topic, numPartitions: 1, replicationFactor: 1 }).errorCode).to.equal(0);
    const FIRST = 5;
    const TOTAL = 20;
    await produce(backend, topic, numbered(FIRST, 'first'));

    const config = {
      groupId,
      topics: [topic],
      fromOffset: 'earliest' as const,
      autoCommit: false,
      sessionTimeoutMs: 1500,
      heartbeatIntervalMs: 300,
    };
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let a: Member | undefined;
    let b: Member | undefined;
    const admin = backend.admin();
    await admin.connect();
    try {
      // A blocks on the last message of the only batch it gets, so it neither heartbeats nor fetches further.
      a = await startMember(backend, config, async (message) => {
        if (message.offset === FIRST - 1) await blocked;
      });
      await until(() => a!.messages.length === FIRST - 1, 'A handled all but the last first message');
      await produce(backend, topic, numbered(TOTAL - FIRST, 'second'));
      b = await startMember(backend, config);
      await until(() => b!.messages.length === TOTAL, 'B read the whole partition after A lost its session');
      await b.group.commit();
      await b.group.close();
      expect((await admin.fetchCommittedOffsets(groupId, topic))[0]?.offset).to.equal(TOTAL);

      // A finishes its message (its position is now FIRST, from the lost generation), rejoins, gets the partition back.
      const assignmentsBefore = a.assignments.length;
      release();
      await until(
        () => a!.assignments.length > assignmentsBefore && a!.current().length === 1,
        'A got the partition back',
      );
      await a.group.close();
      const committed = await admin.fetchCommittedOffsets(groupId, topic);
      expect(committed[0]?.offset, 'committed offset after A closed').to.equal(TOTAL);
      expect(
        a.messages.filter((m) => m.offset >= FIRST),
        'A read nothing past the first batch',
      ).to.have.length(0);
    } finally {
      release();
      await closeQuietly([a?.group, b?.group]);
      await admin.disconnect();
    }
  });
});
