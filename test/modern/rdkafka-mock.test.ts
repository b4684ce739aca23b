import { expect } from 'chai';
import { MOCK_LATE_MEMBER_QUIRK, onceMoreOnQuirk, startRdkafkaMock, type RdkafkaMock } from '../fixtures/rdkafka-mock';
import { startOrSkip } from '../fixtures/processes';
import type { Backend } from '../../src/common/types';
import {
  closeQuietly,
  expectExactlyOnceInOrder,
  modernBackend,
  numbered,
  startMember,
  until,
  type Member,
} from './helpers';

// The same backend against a broker we did not write: librdkafka 2.0.2's mock cluster (record batches only, groups;
// no admin APIs, so topics come from the fixture). Its first join of a group waits 3 s. The idempotent producer
// cannot run here: kafkajs asks the controller for a producer id and the mock names controller 0, which is no broker.
describe('modern backend on the librdkafka mock cluster', function () {
  this.timeout(60000);
  let mock: RdkafkaMock | undefined;
  let backend: Backend;
  const open: Member[] = [];

  before(async function () {
    mock = await startOrSkip(this, () =>
      startRdkafkaMock({
        brokers: 2,
        topics: [
          { name: 'mock-orders', partitions: 4 },
          { name: 'mock-resume', partitions: 1 },
        ],
      }),
    );
    backend = modernBackend(mock.brokers);
  });
  afterEach(async () => {
    await closeQuietly(open.splice(0).map((m) => m.group));
  });
  after(async () => {
    await mock?.stop();
  });

  /**
   * Two members joining at once. A member whose SyncGroup arrives late gets the mock's documented INVALID_REQUEST
   * (MOCK_LATE_MEMBER_QUIRK); then the pair joins once more, as a new group, with the reason printed.
   */
  async function startTwoMembers(on: Backend, config: Parameters<typeof startMember>[1]): Promise<[Member, Member]> {
    const joins = await onceMoreOnQuirk(
      MOCK_LATE_MEMBER_QUIRK,
      'ran the join',
      async (attempt) => {
        const groupId = attempt === 1 ? config.groupId : `${config.groupId}-again`;
        const settled = await Promise.allSettled([0, 1].map(() => startMember(on, { ...config, groupId })));
        const members = settled.flatMap((join) => (join.status === 'fulfilled' ? [join.value] : []));
        const refused = settled.find((join): join is PromiseRejectedResult => join.status === 'rejected');
        // The member that did join leaves at once when its partner was refused; a pair that joined is closed in afterEach.
        if (refused) await closeQuietly(members.map((m) => m.group));
        else open.push(...members);
        return { members, refused };
      },
      ({ refused }) => (refused ? String((refused.reason as Error | undefined)?.message) : null),
    );
    if (joins.refused) throw joins.refused.reason;
    return joins.members as [Member, Member];
  }

  it('produces with headers and every codec, consumes from earliest in order, then rebalances across two members', async () => {
    const producer = backend.producer({ partitioner: 'murmur2' });
    await producer.connect();
    let sent = 0;
    for (const compression of ['none', 'gzip', 'snappy', 'lz4'] as const) {
      const result = await producer.send({
        topic: 'mock-orders',
        compression,
        messages: numbered(10, compression).map((m) => ({ ...m, headers: { codec: compression } })),
      });
      expect(result.every((r) => r.topic === 'mock-orders' && r.baseOffset >= 0)).to.equal(true);
      sent += 10;
    }
    await producer.disconnect();

    const config = {
      groupId: 'mock-readers',
      topics: ['mock-orders'],
      fromOffset: 'earliest' as const,
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
    };
    const [first, second] = await startTwoMembers(backend, config);
    await until(() => first.messages.length + second.messages.length === sent, `${sent} messages`);
    expect(first.current().length + second.current().length).to.equal(4);
    const all = [...first.messages, ...second.messages];
    expectExactlyOnceInOrder(all, sent);
    expect(all.every((m) => m.headers.codec?.toString() === m.value!.toString().split('-')[0])).to.equal(true);
  });

  it('commit, restart, resume after the last committed message', async () => {
    const producer = backend.producer();
    await producer.connect();
    await producer.send({ topic: 'mock-resume', messages: numbered(8, 'r') });
    await producer.disconnect();
    // The mock holds a group's next join for its session timeout after a member left: keep that short.
    const config = {
      groupId: 'mock-resumers',
      topics: ['mock-resume'],
      fromOffset: 'earliest' as const,
      autoCommit: false,
      sessionTimeoutMs: 3000,
      heartbeatIntervalMs: 500,
    };
    const first = await startMember(backend, config);
    open.push(first);
    await until(() => first.messages.length === 8, '8 messages');
    await first.group.commit([{ topic: 'mock-resume', partition: 0, offset: 5 }]);
    await first.group.close({ commit: false });
    const second = await startMember(backend, config);
    open.push(second);
    await until(() => second.messages.length === 3, '3 messages');
    expect(second.messages.map((m) => m.offset)).to.deep.equal([5, 6, 7]);
  });
});
