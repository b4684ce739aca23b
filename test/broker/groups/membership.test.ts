import { expect } from 'chai';
import { startBroker, silentLogger, type EmbeddedBroker } from '../../../src/broker';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { RawConnection } from '../../helpers/raw-client';
import { until } from '../../helpers/poll';
import {
  describeGroups,
  findCoordinator,
  heartbeat,
  joinGroup,
  leaveGroup,
  listGroups,
  syncGroup,
  type JoinResponse,
} from './group-requests';

/** Resolves with the promise's value, or with 'pending' if it has not settled within `ms`. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe('broker/groups: membership over the wire', () => {
  let broker: EmbeddedBroker;
  const connections: RawConnection[] = [];

  async function connect(node = 0, clientId = 'raw-client'): Promise<RawConnection> {
    const connection = await RawConnection.open(broker.brokers[node]!, clientId);
    connections.push(connection);
    return connection;
  }

  /** One member joins alone with JoinGroup v1 and becomes Stable as its own leader. */
  async function stableMember(
    connection: RawConnection,
    groupId: string,
    options: { sessionTimeoutMs?: number; rebalanceTimeoutMs?: number } = {},
  ): Promise<JoinResponse> {
    const joined = await joinGroup(connection, 1, { groupId, protocols: [{ name: 'range' }], ...options });
    expect(joined.errorCode).to.equal(ErrorCode.NONE);
    const synced = await syncGroup(connection, 1, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
    });
    expect(synced.errorCode).to.equal(ErrorCode.NONE);
    return joined;
  }

  beforeEach(async () => {
    broker = await startBroker({ logger: silentLogger, groupMinSessionTimeoutMs: 200 });
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.close();
    await broker.stop();
  });

  it('a lone member is its own leader, sees its metadata and gets the assignment it sent (v0)', async () => {
    const connection = await connect(0, 'solo-client');
    const joined = await joinGroup(connection, 0, {
      groupId: 'solo',
      protocols: [{ name: 'range', metadata: Buffer.from([1, 2, 3]) }],
    });
    expect(joined.errorCode).to.equal(ErrorCode.NONE);
    expect(joined.generationId).to.equal(1);
    expect(joined.memberId).to.match(/^solo-client-[0-9a-f-]{36}$/);
    expect(joined.leaderId).to.equal(joined.memberId);
    expect(joined.protocolName).to.equal('range');
    expect(joined.members).to.deep.equal([
      { memberId: joined.memberId, groupInstanceId: null, metadata: Buffer.from([1, 2, 3]) },
    ]);

    const synced = await syncGroup(connection, 0, {
      groupId: 'solo',
      generationId: 1,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from([9, 8, 7]) }],
    });
    expect(synced).to.deep.equal({ errorCode: ErrorCode.NONE, assignment: Buffer.from([9, 8, 7]) });
    expect(await heartbeat(connection, 0, { groupId: 'solo', generationId: 1, memberId: joined.memberId })).to.equal(
      ErrorCode.NONE,
    );

    const [described] = await describeGroups(connection, 4, ['solo']);
    expect(described).to.deep.include({
      errorCode: 0,
      groupId: 'solo',
      state: 'Stable',
      protocolType: 'consumer',
      protocolName: 'range',
    });
    expect(described!.members).to.deep.equal([
      {
        memberId: joined.memberId,
        groupInstanceId: null,
        clientId: 'solo-client',
        clientHost: '/127.0.0.1',
        metadata: Buffer.from([1, 2, 3]),
        assignment: Buffer.from([9, 8, 7]),
      },
    ]);
    expect(described!.authorizedOperations).to.equal((1 << 3) | (1 << 6) | (1 << 8));
    for (const version of [0, 1, 2, 3]) {
      const [older] = await describeGroups(connection, version, ['solo']);
      expect(older, `v${version}`).to.deep.include({ state: 'Stable', protocolName: 'range' });
      expect(older!.members[0]!.assignment, `v${version}`).to.deep.equal(Buffer.from([9, 8, 7]));
    }
    const [unknown] = await describeGroups(connection, 2, ['never-joined']);
    expect(unknown).to.deep.include({
      errorCode: 0,
      groupId: 'never-joined',
      state: 'Dead',
      protocolType: '',
      protocolName: '',
      members: [],
    });
  });

  it('waits group.initial.rebalance.delay.ms for more members before the first generation', async () => {
    await broker.stop();
    broker = await startBroker({ logger: silentLogger, groupInitialRebalanceDelayMs: 300 });
    const first = await connect();
    const second = await connect();
    const started = Date.now();
    const firstJoin = joinGroup(first, 1, {
      groupId: 'delayed',
      rebalanceTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Joining within the delay restarts it, so both end up in generation 1.
    const secondJoin = joinGroup(second, 1, {
      groupId: 'delayed',
      rebalanceTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    const [a, b] = await Promise.all([firstJoin, secondJoin]);
    const waited = Date.now() - started;
    expect(waited).to.be.within(450, 3000);
    expect(a.generationId).to.equal(1);
    expect(b.generationId).to.equal(1);
    expect(a.members.map((m) => m.memberId)).to.have.members([a.memberId, b.memberId]);
  });

  it('JoinGroup v4+ hands a new member an id with MEMBER_ID_REQUIRED, then accepts it', async () => {
    const connection = await connect(0, 'kip394');
    const first = await joinGroup(connection, 5, { groupId: 'kip394', protocols: [{ name: 'range' }] });
    expect(first.errorCode).to.equal(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.generationId).to.equal(-1);
    expect(first.memberId).to.match(/^kip394-/);

    const second = await joinGroup(connection, 5, {
      groupId: 'kip394',
      memberId: first.memberId,
      protocols: [{ name: 'range' }],
    });
    expect(second.errorCode).to.equal(ErrorCode.NONE);
    expect(second.memberId).to.equal(first.memberId);
    expect(second.members.map((m) => m.memberId)).to.deep.equal([first.memberId]);

    // v3 has no such round trip: the id comes with the first join.
    const v3 = await joinGroup(connection, 3, { groupId: 'kip394-v3', protocols: [{ name: 'range' }] });
    expect(v3.errorCode).to.equal(ErrorCode.NONE);
  });

  it('answers UNKNOWN_MEMBER_ID and ILLEGAL_GENERATION for strangers and stale generations', async () => {
    const connection = await connect();
    expect(await heartbeat(connection, 0, { groupId: 'nobody-here', generationId: 1, memberId: 'ghost' })).to.equal(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    const joinUnknownGroup = await joinGroup(connection, 1, {
      groupId: 'nobody-here',
      memberId: 'ghost',
      protocols: [{ name: 'range' }],
    });
    expect(joinUnknownGroup.errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);

    const joined = await stableMember(connection, 'strict');
    expect(await heartbeat(connection, 1, { groupId: 'strict', generationId: 1, memberId: 'ghost' })).to.equal(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(await heartbeat(connection, 2, { groupId: 'strict', generationId: 0, memberId: joined.memberId })).to.equal(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect(await heartbeat(connection, 3, { groupId: 'strict', generationId: 7, memberId: joined.memberId })).to.equal(
      ErrorCode.ILLEGAL_GENERATION,
    );
    const staleSync = await syncGroup(connection, 3, { groupId: 'strict', generationId: 0, memberId: joined.memberId });
    expect(staleSync.errorCode).to.equal(ErrorCode.ILLEGAL_GENERATION);
    const strangerSync = await syncGroup(connection, 0, { groupId: 'strict', generationId: 1, memberId: 'ghost' });
    expect(strangerSync.errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    const strangerJoin = await joinGroup(connection, 2, {
      groupId: 'strict',
      memberId: 'ghost',
      protocols: [{ name: 'range' }],
    });
    expect(strangerJoin.errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(strangerJoin.memberId).to.equal('ghost');
    expect((await leaveGroup(connection, 0, 'strict', ['ghost'])).errorCode).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    // A still valid member is untouched by all of that.
    expect(await heartbeat(connection, 0, { groupId: 'strict', generationId: 1, memberId: joined.memberId })).to.equal(
      ErrorCode.NONE,
    );
  });

  it('rejects empty group ids and session timeouts outside the broker bounds', async () => {
    const connection = await connect();
    const noGroup = await joinGroup(connection, 0, { groupId: '', protocols: [{ name: 'range' }] });
    expect(noGroup.errorCode).to.equal(ErrorCode.INVALID_GROUP_ID);
    expect(await heartbeat(connection, 0, { groupId: '', generationId: 1, memberId: 'm' })).to.equal(
      ErrorCode.INVALID_GROUP_ID,
    );
    const tooShort = await joinGroup(connection, 1, {
      groupId: 'bounds',
      sessionTimeoutMs: 199,
      protocols: [{ name: 'range' }],
    });
    expect(tooShort.errorCode).to.equal(ErrorCode.INVALID_SESSION_TIMEOUT);
    const tooLong = await joinGroup(connection, 1, {
      groupId: 'bounds',
      sessionTimeoutMs: 300001,
      protocols: [{ name: 'range' }],
    });
    expect(tooLong.errorCode).to.equal(ErrorCode.INVALID_SESSION_TIMEOUT);
    const [described] = await describeGroups(connection, 0, ['bounds']);
    expect(described!.state).to.equal('Dead');
  });

  it('rebalances when a member joins: REBALANCE_IN_PROGRESS until everyone rejoined, members go to the leader only', async () => {
    const first = await connect(0, 'first');
    const second = await connect(0, 'second');
    const leader = await stableMember(first, 'grow');

    const secondJoin = joinGroup(second, 1, { groupId: 'grow', protocols: [{ name: 'range' }] });
    expect(await settledWithin(secondJoin, 200)).to.equal('pending');
    const [preparing] = await describeGroups(first, 0, ['grow']);
    expect(preparing!.state).to.equal('PreparingRebalance');
    expect(preparing!.protocolName).to.equal('');
    expect(preparing!.members.every((m) => m.assignment.length === 0 && m.metadata.length === 0)).to.equal(true);

    expect(await heartbeat(first, 0, { groupId: 'grow', generationId: 1, memberId: leader.memberId })).to.equal(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const syncDuringRebalance = await syncGroup(first, 0, {
      groupId: 'grow',
      generationId: 1,
      memberId: leader.memberId,
    });
    expect(syncDuringRebalance.errorCode).to.equal(ErrorCode.REBALANCE_IN_PROGRESS);

    const rejoined = await joinGroup(first, 1, {
      groupId: 'grow',
      memberId: leader.memberId,
      protocols: [{ name: 'range' }],
    });
    const joined = await secondJoin;
    expect(rejoined.generationId).to.equal(2);
    expect(joined.generationId).to.equal(2);
    expect(rejoined.leaderId).to.equal(leader.memberId);
    expect(joined.leaderId).to.equal(leader.memberId);
    expect(rejoined.members.map((m) => m.memberId)).to.have.members([leader.memberId, joined.memberId]);
    expect(joined.members).to.deep.equal([]);

    const [completing] = await describeGroups(first, 0, ['grow']);
    expect(completing!.state).to.equal('CompletingRebalance');
    // Heartbeats between JoinGroup and SyncGroup are fine; a follower's SyncGroup waits for the leader's.
    expect(await heartbeat(second, 0, { groupId: 'grow', generationId: 2, memberId: joined.memberId })).to.equal(
      ErrorCode.NONE,
    );
    const followerSync = syncGroup(second, 0, { groupId: 'grow', generationId: 2, memberId: joined.memberId });
    expect(await settledWithin(followerSync, 100)).to.equal('pending');
    const leaderSync = await syncGroup(first, 0, {
      groupId: 'grow',
      generationId: 2,
      memberId: leader.memberId,
      assignments: [
        { memberId: leader.memberId, assignment: Buffer.from('p0') },
        { memberId: joined.memberId, assignment: Buffer.from('p1') },
      ],
    });
    expect(leaderSync.assignment.toString()).to.equal('p0');
    expect((await followerSync).assignment.toString()).to.equal('p1');
    const [stable] = await describeGroups(first, 0, ['grow']);
    expect(stable!.state).to.equal('Stable');
  });

  it('a follower that joins again with the same protocols in a stable group is answered without a rebalance', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'calm');
    const secondJoin = joinGroup(second, 1, { groupId: 'calm', protocols: [{ name: 'range' }] });
    await joinGroup(first, 1, { groupId: 'calm', memberId: leader.memberId, protocols: [{ name: 'range' }] });
    const follower = await secondJoin;
    const followerSync = syncGroup(second, 1, { groupId: 'calm', generationId: 2, memberId: follower.memberId });
    await syncGroup(first, 1, { groupId: 'calm', generationId: 2, memberId: leader.memberId, assignments: [] });
    await followerSync;

    const again = await joinGroup(second, 1, {
      groupId: 'calm',
      memberId: follower.memberId,
      protocols: [{ name: 'range' }],
    });
    expect(again).to.deep.include({
      errorCode: ErrorCode.NONE,
      generationId: 2,
      leaderId: leader.memberId,
      members: [],
    });
    expect(broker.cluster.groups.groupState('calm')).to.equal('Stable');
  });

  it('evicts members that do not rejoin within the rebalance timeout; the new leader is one that rejoined', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'evict', { sessionTimeoutMs: 30000, rebalanceTimeoutMs: 600 });
    const started = Date.now();
    const joined = await joinGroup(second, 1, {
      groupId: 'evict',
      rebalanceTimeoutMs: 600,
      protocols: [{ name: 'range' }],
    });
    const waited = Date.now() - started;
    expect(waited).to.be.within(500, 3000);
    expect(joined.errorCode).to.equal(ErrorCode.NONE);
    expect(joined.generationId).to.equal(2);
    expect(joined.leaderId).to.equal(joined.memberId);
    expect(joined.members.map((m) => m.memberId)).to.deep.equal([joined.memberId]);
    expect(await heartbeat(first, 0, { groupId: 'evict', generationId: 1, memberId: leader.memberId })).to.equal(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('JoinGroup v0 waits up to the session timeout for the others to rejoin', async () => {
    const first = await connect();
    const second = await connect();
    const v0 = await joinGroup(first, 0, {
      groupId: 'v0-timeout',
      sessionTimeoutMs: 500,
      protocols: [{ name: 'range' }],
    });
    await syncGroup(first, 0, {
      groupId: 'v0-timeout',
      generationId: v0.generationId,
      memberId: v0.memberId,
      assignments: [],
    });
    // Keep the first member's session alive but never rejoin: only the rebalance (= session) timeout removes it.
    const keepAlive = setInterval(() => {
      heartbeat(first, 0, { groupId: 'v0-timeout', generationId: 1, memberId: v0.memberId }).catch(() => undefined);
    }, 100);
    try {
      const started = Date.now();
      const joined = await joinGroup(second, 0, {
        groupId: 'v0-timeout',
        sessionTimeoutMs: 500,
        protocols: [{ name: 'range' }],
      });
      expect(Date.now() - started).to.be.within(400, 3000);
      expect(joined.members.map((m) => m.memberId)).to.deep.equal([joined.memberId]);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('removes a member whose session times out and rebalances the rest', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'expire', { sessionTimeoutMs: 5000 });
    const secondJoin = joinGroup(second, 1, {
      groupId: 'expire',
      sessionTimeoutMs: 400,
      rebalanceTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    await joinGroup(first, 1, {
      groupId: 'expire',
      memberId: leader.memberId,
      sessionTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    const follower = await secondJoin;
    const followerSync = syncGroup(second, 1, { groupId: 'expire', generationId: 2, memberId: follower.memberId });
    await syncGroup(first, 1, { groupId: 'expire', generationId: 2, memberId: leader.memberId, assignments: [] });
    await followerSync;

    // The follower never heartbeats: after its 400 ms session the leader is told to rejoin, alone this time.
    let error: number = ErrorCode.NONE;
    const heartbeatRefused = async (): Promise<boolean> => {
      error = await heartbeat(first, 1, { groupId: 'expire', generationId: 2, memberId: leader.memberId });
      return error !== ErrorCode.NONE;
    };
    await until(heartbeatRefused, "the leader's heartbeat to be refused", 3000, 100);
    expect(error).to.equal(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await joinGroup(first, 1, {
      groupId: 'expire',
      memberId: leader.memberId,
      sessionTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    expect(rejoined.generationId).to.equal(3);
    expect(rejoined.members.map((m) => m.memberId)).to.deep.equal([leader.memberId]);
    expect(await heartbeat(second, 1, { groupId: 'expire', generationId: 2, memberId: follower.memberId })).to.equal(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('keeps a member alive while its SyncGroup waits for a slow leader', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'slow-leader', { sessionTimeoutMs: 5000 });
    const secondJoin = joinGroup(second, 1, {
      groupId: 'slow-leader',
      sessionTimeoutMs: 300,
      protocols: [{ name: 'range' }],
    });
    await joinGroup(first, 1, {
      groupId: 'slow-leader',
      memberId: leader.memberId,
      sessionTimeoutMs: 5000,
      protocols: [{ name: 'range' }],
    });
    const follower = await secondJoin;
    const followerSync = syncGroup(second, 1, { groupId: 'slow-leader', generationId: 2, memberId: follower.memberId });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await syncGroup(first, 1, {
      groupId: 'slow-leader',
      generationId: 2,
      memberId: leader.memberId,
      assignments: [{ memberId: follower.memberId, assignment: Buffer.from('late') }],
    });
    expect(await followerSync).to.deep.equal({ errorCode: ErrorCode.NONE, assignment: Buffer.from('late') });
    expect(
      await heartbeat(second, 1, { groupId: 'slow-leader', generationId: 2, memberId: follower.memberId }),
    ).to.equal(ErrorCode.NONE);
  });

  it('an expired lone member leaves an Empty group with the next generation', async () => {
    const connection = await connect();
    await stableMember(connection, 'fade', { sessionTimeoutMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(broker.cluster.groups.groupState('fade')).to.equal('Empty');
    const [described] = await describeGroups(connection, 0, ['fade']);
    expect(described).to.deep.include({ state: 'Empty', protocolType: 'consumer', members: [] });
    const next = await joinGroup(connection, 1, { groupId: 'fade', protocols: [{ name: 'range' }] });
    expect(next.generationId).to.equal(3);
  });

  it('selects the protocol all members support by vote, and refuses members with nothing in common', async () => {
    const [a, b, c, d] = [await connect(), await connect(), await connect(), await connect()];
    const joinA = await joinGroup(a, 1, {
      groupId: 'vote',
      protocols: [{ name: 'range' }, { name: 'roundrobin' }, { name: 'sticky' }],
    });
    await syncGroup(a, 1, { groupId: 'vote', generationId: 1, memberId: joinA.memberId, assignments: [] });

    const mismatchedType = await joinGroup(d, 1, {
      groupId: 'vote',
      protocolType: 'connect',
      protocols: [{ name: 'range' }],
    });
    expect(mismatchedType.errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const nothingInCommon = await joinGroup(d, 1, { groupId: 'vote', protocols: [{ name: 'cooperative' }] });
    expect(nothingInCommon.errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(nothingInCommon.memberId).to.equal('');

    // B and C prefer roundrobin; C lacks sticky. Candidates: range, roundrobin. Votes: A range, B and C roundrobin.
    const joinB = joinGroup(b, 1, {
      groupId: 'vote',
      protocols: [{ name: 'roundrobin' }, { name: 'range' }, { name: 'sticky' }],
    });
    const joinC = joinGroup(c, 1, {
      groupId: 'vote',
      protocols: [{ name: 'sticky-v2' }, { name: 'roundrobin' }, { name: 'range' }],
    });
    await settledWithin(joinC, 50);
    const rejoinA = await joinGroup(a, 1, {
      groupId: 'vote',
      memberId: joinA.memberId,
      protocols: [
        { name: 'range', metadata: Buffer.from('a') },
        { name: 'roundrobin', metadata: Buffer.from('A') },
        { name: 'sticky' },
      ],
    });
    const [resultB, resultC] = await Promise.all([joinB, joinC]);
    for (const result of [rejoinA, resultB!, resultC!]) {
      expect(result.errorCode).to.equal(ErrorCode.NONE);
      expect(result.protocolName).to.equal('roundrobin');
    }
    // The leader sees each member's metadata for the chosen protocol.
    expect(rejoinA.members.find((m) => m.memberId === joinA.memberId)!.metadata.toString()).to.equal('A');
    // Now that the group settled on a protocol set, a member offering only sticky does not fit.
    const stickyOnly = await joinGroup(d, 1, { groupId: 'vote', protocols: [{ name: 'sticky' }] });
    expect(stickyOnly.errorCode).to.equal(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('LeaveGroup rebalances the others and hands leadership on (v0 and batched v3)', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'depart');
    const secondJoin = joinGroup(second, 1, { groupId: 'depart', protocols: [{ name: 'range' }] });
    await joinGroup(first, 1, { groupId: 'depart', memberId: leader.memberId, protocols: [{ name: 'range' }] });
    const follower = await secondJoin;
    const followerSync = syncGroup(second, 1, { groupId: 'depart', generationId: 2, memberId: follower.memberId });
    await syncGroup(first, 1, { groupId: 'depart', generationId: 2, memberId: leader.memberId, assignments: [] });
    await followerSync;

    expect((await leaveGroup(first, 0, 'depart', [leader.memberId])).errorCode).to.equal(ErrorCode.NONE);
    expect(await heartbeat(second, 0, { groupId: 'depart', generationId: 2, memberId: follower.memberId })).to.equal(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const alone = await joinGroup(second, 1, {
      groupId: 'depart',
      memberId: follower.memberId,
      protocols: [{ name: 'range' }],
    });
    expect(alone).to.deep.include({ generationId: 3, leaderId: follower.memberId });

    const batch = await leaveGroup(second, 3, 'depart', [follower.memberId, 'ghost']);
    expect(batch.errorCode).to.equal(ErrorCode.NONE);
    expect(batch.members).to.deep.equal([
      { memberId: follower.memberId, groupInstanceId: null, errorCode: ErrorCode.NONE },
      { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ]);
    expect(broker.cluster.groups.groupState('depart')).to.equal('Empty');
  });

  it('a member leaving while a SyncGroup waits makes that SyncGroup REBALANCE_IN_PROGRESS', async () => {
    const first = await connect();
    const second = await connect();
    const leader = await stableMember(first, 'abandon');
    const secondJoin = joinGroup(second, 1, { groupId: 'abandon', protocols: [{ name: 'range' }] });
    await joinGroup(first, 1, { groupId: 'abandon', memberId: leader.memberId, protocols: [{ name: 'range' }] });
    const follower = await secondJoin;
    const followerSync = syncGroup(second, 1, { groupId: 'abandon', generationId: 2, memberId: follower.memberId });
    await settledWithin(followerSync, 50);
    await leaveGroup(first, 1, 'abandon', [leader.memberId]);
    expect((await followerSync).errorCode).to.equal(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('coordinates each group on one node: others answer NOT_COORDINATOR, and the group moves when its node stops', async () => {
    await broker.stop();
    broker = await startBroker({ nodes: 3, logger: silentLogger, groupMinSessionTimeoutMs: 200 });
    const groupId = 'spread-group';
    const coordinatorId = broker.cluster.coordinatorFor(groupId);
    const other = [1, 2, 3].find((id) => id !== coordinatorId)!;

    for (const [version, node] of [
      [0, other],
      [2, coordinatorId],
    ] as const) {
      const connection = await connect(node - 1);
      const found = await findCoordinator(connection, version, groupId);
      expect(found).to.deep.include({
        errorCode: ErrorCode.NONE,
        nodeId: coordinatorId,
        port: broker.cluster.nodes.get(coordinatorId)!.port,
      });
      expect(found.host).to.equal('127.0.0.1');
    }
    const wrongNode = await connect(other - 1);
    const refused = await joinGroup(wrongNode, 1, { groupId, protocols: [{ name: 'range' }] });
    expect(refused.errorCode).to.equal(ErrorCode.NOT_COORDINATOR);
    expect(await heartbeat(wrongNode, 0, { groupId, generationId: 1, memberId: 'm' })).to.equal(
      ErrorCode.NOT_COORDINATOR,
    );
    const [notHere] = await describeGroups(wrongNode, 0, [groupId]);
    expect(notHere).to.deep.include({ errorCode: ErrorCode.NOT_COORDINATOR, state: '' });

    const right = await connect(coordinatorId - 1);
    const member = await stableMember(right, groupId);
    const listed = await listGroups(right, 2);
    expect(listed.groups).to.deep.include({ groupId, protocolType: 'consumer' });
    expect((await listGroups(wrongNode, 0)).groups.map((g) => g.groupId)).to.not.include(groupId);

    await broker.stopNode(coordinatorId);
    const survivor = await connect(other - 1);
    const moved = await findCoordinator(survivor, 1, groupId);
    expect(moved.nodeId).to.not.equal(coordinatorId);
    const newHome = await connect(moved.nodeId - 1);
    // The group and its generation survive the move, as Kafka reloads them from __consumer_offsets.
    expect(await heartbeat(newHome, 0, { groupId, generationId: 1, memberId: member.memberId })).to.equal(
      ErrorCode.NONE,
    );

    for (const id of [1, 2, 3]) if (id !== coordinatorId) await broker.stopNode(id);
    expect(
      broker.cluster.groups.heartbeat(
        { groupId, generationId: 1, memberId: member.memberId, groupInstanceId: null },
        1,
      ),
    ).to.equal(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('a JoinGroup parked on a node whose group moves away is answered NOT_COORDINATOR', async () => {
    await broker.stop();
    broker = await startBroker({ nodes: 2, logger: silentLogger, groupMinSessionTimeoutMs: 200 });
    // A group that node 1 coordinates while both nodes are up lives on node 2 while node 1 is down.
    const groupId = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'].find((id) => broker.cluster.coordinatorFor(id) === 1)!;
    await broker.stopNode(1);
    const first = await connect(1);
    const leader = await stableMember(first, groupId);
    const second = await connect(1);
    const parked = joinGroup(second, 1, { groupId, protocols: [{ name: 'range' }] });
    expect(await settledWithin(parked, 50)).to.equal('pending');

    await broker.startNode(1);
    expect((await parked).errorCode).to.equal(ErrorCode.NOT_COORDINATOR);
    expect(await heartbeat(first, 0, { groupId, generationId: 1, memberId: leader.memberId })).to.equal(
      ErrorCode.NOT_COORDINATOR,
    );
    const newHome = await connect(0);
    expect(await heartbeat(newHome, 0, { groupId, generationId: 1, memberId: leader.memberId })).to.equal(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });
});
