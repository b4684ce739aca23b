import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startBroker, silentLogger, MemoryLogger, type EmbeddedBroker } from '../../../src/broker';
import { OFFSETS_FILE_NAME } from '../../../src/broker/groups/offset-store';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { RawConnection } from '../../helpers/raw-client';
import { joinGroup, offsetCommit, offsetFetch, syncGroup, listGroups, describeGroups } from './group-requests';

describe('broker/groups: committed offsets over the wire', () => {
  let broker: EmbeddedBroker;
  let connection: RawConnection;
  const temporaryDirs: string[] = [];

  function dataDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kna-offsets-'));
    temporaryDirs.push(dir);
    return dir;
  }

  async function start(options: Parameters<typeof startBroker>[0] = {}): Promise<void> {
    broker = await startBroker({ logger: silentLogger, ...options });
    broker.cluster.createTopic({ name: 'orders', numPartitions: 3, replicationFactor: 1 });
    connection = await RawConnection.open(broker.brokers[0]!);
  }

  async function stop(): Promise<void> {
    connection.close();
    await broker.stop();
  }

  afterEach(async () => {
    await stop();
    for (const dir of temporaryDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers -1 and empty metadata for partitions without a commit, whatever the version', async () => {
    await start();
    for (const version of [0, 1, 2, 3, 4, 5]) {
      const fetched = await offsetFetch(connection, version, 'fresh-group', [{ name: 'orders', partitions: [0, 2] }]);
      expect(fetched.errorCode, `v${version}`).to.equal(ErrorCode.NONE);
      expect(fetched.topics, `v${version}`).to.deep.equal([
        {
          name: 'orders',
          partitions: [0, 2].map((partition) => ({
            partition,
            offset: -1n,
            leaderEpoch: -1,
            metadata: '',
            errorCode: ErrorCode.NONE,
          })),
        },
      ]);
    }
    const all = await offsetFetch(connection, 2, 'fresh-group', null);
    expect(all.topics).to.deep.equal([]);
  });

  it('stores commits from outside group management while the group has no members', async () => {
    await start();
    const committed = await offsetCommit(connection, 2, {
      groupId: 'simple',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partition: 0, offset: 42, metadata: 'note' },
            { partition: 1, offset: 7, metadata: null },
          ],
        },
      ],
    });
    expect(committed).to.deep.equal([
      {
        name: 'orders',
        partitions: [
          { partition: 0, errorCode: 0 },
          { partition: 1, errorCode: 0 },
        ],
      },
    ]);
    const fetched = await offsetFetch(connection, 1, 'simple', [{ name: 'orders', partitions: [0, 1, 2] }]);
    expect(fetched.topics[0]!.partitions.map((p) => [p.partition, p.offset, p.metadata])).to.deep.equal([
      [0, 42n, 'note'],
      [1, 7n, ''],
      [2, -1n, ''],
    ]);
    const all = await offsetFetch(connection, 4, 'simple', null);
    expect(all.topics).to.deep.equal([
      {
        name: 'orders',
        partitions: [
          { partition: 0, offset: 42n, leaderEpoch: -1, metadata: 'note', errorCode: 0 },
          { partition: 1, offset: 7n, leaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    // Such a group exists for Kafka too: Empty, without a protocol type.
    expect((await listGroups(connection, 0)).groups).to.deep.equal([{ groupId: 'simple', protocolType: '' }]);
    const [described] = await describeGroups(connection, 0, ['simple']);
    expect(described!.state).to.equal('Empty');
  });

  it('keeps the leader epoch from OffsetCommit v6+ for OffsetFetch v5, and checks topics and metadata size', async () => {
    await start();
    const committed = await offsetCommit(connection, 7, {
      groupId: 'epochs',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partition: 2, offset: 100, leaderEpoch: 4 },
            { partition: 9, offset: 1 },
            { partition: 1, offset: 5, metadata: 'x'.repeat(4097) },
          ],
        },
        { name: 'no-such-topic', partitions: [{ partition: 0, offset: 1 }] },
      ],
    });
    expect(committed).to.deep.equal([
      {
        name: 'orders',
        partitions: [
          { partition: 2, errorCode: ErrorCode.NONE },
          { partition: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
          { partition: 1, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE },
        ],
      },
      { name: 'no-such-topic', partitions: [{ partition: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
    ]);
    const v5 = await offsetFetch(connection, 5, 'epochs', [{ name: 'orders', partitions: [2, 1] }]);
    expect(v5.topics[0]!.partitions.map((p) => [p.partition, p.offset, p.leaderEpoch])).to.deep.equal([
      [2, 100n, 4],
      [1, -1n, -1],
    ]);
  });

  it('v0 commits go to "ZooKeeper", which only OffsetFetch v0 reads, as on a ZooKeeper-based Kafka', async () => {
    await start();
    await offsetCommit(connection, 0, {
      groupId: 'zk',
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 11 }] }],
    });
    await offsetCommit(connection, 1, {
      groupId: 'zk',
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 22 }] }],
    });
    const fromZooKeeper = await offsetFetch(connection, 0, 'zk', [
      { name: 'orders', partitions: [0] },
      { name: 'gone', partitions: [0] },
    ]);
    expect(fromZooKeeper.topics[0]!.partitions[0]!.offset).to.equal(11n);
    expect(fromZooKeeper.topics[1]!.partitions[0]!.errorCode).to.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const fromKafka = await offsetFetch(connection, 1, 'zk', [{ name: 'orders', partitions: [0] }]);
    expect(fromKafka.topics[0]!.partitions[0]!.offset).to.equal(22n);
  });

  it('refuses commits from strangers, stale generations and simple commits into a live group', async () => {
    await start();
    const member = await joinGroup(connection, 1, { groupId: 'live', protocols: [{ name: 'range' }] });
    const topics = [{ name: 'orders', partitions: [{ partition: 0, offset: 5 }] }];
    const errorOf = async (version: number, fields: { generationId?: number; memberId?: string }): Promise<number> =>
      (await offsetCommit(connection, version, { groupId: 'live', topics, ...fields }))[0]!.partitions[0]!.errorCode;

    // Between JoinGroup and SyncGroup the assignment is not known yet.
    expect(await errorOf(2, { generationId: 1, memberId: member.memberId })).to.equal(ErrorCode.REBALANCE_IN_PROGRESS);
    await syncGroup(connection, 0, { groupId: 'live', generationId: 1, memberId: member.memberId, assignments: [] });

    expect(await errorOf(2, { generationId: 0, memberId: member.memberId })).to.equal(ErrorCode.ILLEGAL_GENERATION);
    expect(await errorOf(5, { generationId: 1, memberId: 'ghost' })).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await errorOf(3, {})).to.equal(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await errorOf(1, { generationId: 1, memberId: member.memberId })).to.equal(ErrorCode.NONE);
    expect(await errorOf(6, { generationId: 1, memberId: member.memberId })).to.equal(ErrorCode.NONE);
    // A group the coordinator never saw cannot have a generation.
    const unknown = await offsetCommit(connection, 2, {
      groupId: 'never-seen',
      generationId: 3,
      memberId: 'm',
      topics,
    });
    expect(unknown[0]!.partitions[0]!.errorCode).to.equal(ErrorCode.ILLEGAL_GENERATION);
    // v0 does not involve the coordinator at all.
    expect(await errorOf(0, {})).to.equal(ErrorCode.NONE);
  });

  it('answers NOT_COORDINATOR on the wrong node (top-level from v2, per partition before)', async () => {
    await stop();
    broker = await startBroker({ nodes: 2, logger: silentLogger });
    broker.cluster.createTopic({ name: 'orders', numPartitions: 1, replicationFactor: 2 });
    const groupId = 'elsewhere';
    const wrongNode = broker.cluster.coordinatorFor(groupId) === 1 ? 1 : 0;
    connection = await RawConnection.open(broker.brokers[wrongNode]!);
    const committed = await offsetCommit(connection, 2, {
      groupId,
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 1 }] }],
    });
    expect(committed[0]!.partitions[0]!.errorCode).to.equal(ErrorCode.NOT_COORDINATOR);
    const v1 = await offsetFetch(connection, 1, groupId, [{ name: 'orders', partitions: [0] }]);
    expect(v1.topics[0]!.partitions[0]).to.deep.include({ offset: -1n, errorCode: ErrorCode.NOT_COORDINATOR });
    const v3 = await offsetFetch(connection, 3, groupId, [{ name: 'orders', partitions: [0] }]);
    expect(v3).to.deep.equal({ errorCode: ErrorCode.NOT_COORDINATOR, topics: [] });
  });

  it('keeps committed offsets and group generations across a restart on the same data directory', async () => {
    const dir = dataDir();
    await start({ dataDir: dir });
    const member = await joinGroup(connection, 1, { groupId: 'durable', protocols: [{ name: 'range' }] });
    await syncGroup(connection, 1, { groupId: 'durable', generationId: 1, memberId: member.memberId, assignments: [] });
    await offsetCommit(connection, 2, {
      groupId: 'durable',
      generationId: 1,
      memberId: member.memberId,
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 10, metadata: 'first' }] }],
    });
    await offsetCommit(connection, 6, {
      groupId: 'durable',
      generationId: 1,
      memberId: member.memberId,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partition: 0, offset: 12, leaderEpoch: 3, metadata: 'second' },
            { partition: 2, offset: 2 },
          ],
        },
      ],
    });
    await offsetCommit(connection, 0, {
      groupId: 'zk-durable',
      topics: [{ name: 'orders', partitions: [{ partition: 1, offset: 99 }] }],
    });
    await stop();

    await start({ dataDir: dir });
    const fetched = await offsetFetch(connection, 5, 'durable', null);
    expect(fetched.topics).to.deep.equal([
      {
        name: 'orders',
        partitions: [
          { partition: 0, offset: 12n, leaderEpoch: 3, metadata: 'second', errorCode: 0 },
          { partition: 2, offset: 2n, leaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    const zk = await offsetFetch(connection, 0, 'zk-durable', [{ name: 'orders', partitions: [1] }]);
    expect(zk.topics[0]!.partitions[0]!.offset).to.equal(99n);
    // The group is known again (Empty: its members rejoin) and its generations carry on.
    expect((await listGroups(connection, 1)).groups).to.deep.equal([{ groupId: 'durable', protocolType: 'consumer' }]);
    const rejoined = await joinGroup(connection, 1, { groupId: 'durable', protocols: [{ name: 'range' }] });
    expect(rejoined.generationId).to.equal(2);
  });

  it('deletes a group without members together with its offsets (DeleteGroups semantics), durably', async () => {
    const dir = dataDir();
    await start({ dataDir: dir });
    const coordinator = broker.cluster.coordinatorFor('doomed');
    await offsetCommit(connection, 2, {
      groupId: 'doomed',
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 4 }] }],
    });
    const member = await joinGroup(connection, 1, { groupId: 'busy', protocols: [{ name: 'range' }] });
    expect(member.errorCode).to.equal(ErrorCode.NONE);
    expect(broker.cluster.groups.deleteGroup('busy', coordinator)).to.equal(ErrorCode.NON_EMPTY_GROUP);
    expect(broker.cluster.groups.deleteGroup('absent', coordinator)).to.equal(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(broker.cluster.groups.deleteGroup('doomed', coordinator)).to.equal(ErrorCode.NONE);
    expect(broker.cluster.groups.groupState('doomed')).to.equal(undefined);
    expect(
      (await offsetFetch(connection, 1, 'doomed', [{ name: 'orders', partitions: [0] }])).topics[0]!.partitions[0]!
        .offset,
    ).to.equal(-1n);
    await stop();
    await start({ dataDir: dir });
    expect(
      (await offsetFetch(connection, 1, 'doomed', [{ name: 'orders', partitions: [0] }])).topics[0]!.partitions[0]!
        .offset,
    ).to.equal(-1n);
    expect((await listGroups(connection, 0)).groups.map((g) => g.groupId)).to.deep.equal(['busy']);
  });

  it('compacts the offsets file on start once it is mostly superseded commits', async () => {
    const dir = dataDir();
    await start({ dataDir: dir });
    const node = broker.cluster.coordinatorFor('busy-committer');
    for (let offset = 1; offset <= 1200; offset++) {
      const [result] = broker.cluster.groups.commitOffsets(
        {
          groupId: 'busy-committer',
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          namespace: 'kafka',
          topics: [
            { name: 'orders', partitions: [{ partition: 0, offset: BigInt(offset), leaderEpoch: -1, metadata: null }] },
          ],
        },
        node,
      );
      expect(result!.partitions[0]!.errorCode).to.equal(ErrorCode.NONE);
    }
    const file = path.join(dir, OFFSETS_FILE_NAME);
    const linesOf = (): number => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    expect(linesOf()).to.equal(1200);
    await stop();
    await start({ dataDir: dir });
    expect(linesOf()).to.equal(1);
    expect(
      (await offsetFetch(connection, 1, 'busy-committer', [{ name: 'orders', partitions: [0] }])).topics[0]!
        .partitions[0]!.offset,
    ).to.equal(1200n);
  });

  it('a memory-only broker forgets, and a torn last line in the offsets file is dropped on replay', async () => {
    await start();
    await offsetCommit(connection, 2, {
      groupId: 'volatile',
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 3 }] }],
    });
    await stop();
    await start();
    expect(
      (await offsetFetch(connection, 1, 'volatile', [{ name: 'orders', partitions: [0] }])).topics[0]!.partitions[0]!
        .offset,
    ).to.equal(-1n);
    await stop();

    const dir = dataDir();
    await start({ dataDir: dir });
    await offsetCommit(connection, 2, {
      groupId: 'torn',
      topics: [{ name: 'orders', partitions: [{ partition: 0, offset: 8 }] }],
    });
    await stop();
    fs.appendFileSync(
      path.join(dir, OFFSETS_FILE_NAME),
      '{"kind":"offsets","namespace":"kafka","group":"torn","timest',
    );
    const logger = new MemoryLogger();
    await start({ dataDir: dir, logger });
    expect(logger.lines.some((line) => line.includes('partially written'))).to.equal(true);
    await offsetCommit(connection, 2, {
      groupId: 'torn',
      topics: [{ name: 'orders', partitions: [{ partition: 1, offset: 9 }] }],
    });
    await stop();
    await start({ dataDir: dir });
    const fetched = await offsetFetch(connection, 1, 'torn', [{ name: 'orders', partitions: [0, 1] }]);
    expect(fetched.topics[0]!.partitions.map((p) => p.offset)).to.deep.equal([8n, 9n]);
  });
});
