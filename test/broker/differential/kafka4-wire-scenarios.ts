/**
 * Wire-level scenarios for the embedded broker's kafka-4 profile vs Apache Kafka 4.4: raw requests at the versions
 * kafkajs 2.2.4 sends (and the versions KIP-896 removed), so every error code is seen as the broker wrote it, not as a
 * client library retried or renamed it.
 */
import { ApiKey, apiKeyName } from '../../../src/protocol/api-keys';
import { ErrorCode, errorName } from '../../../src/protocol/error-codes';
import type { Reader, Writer } from '../../../src/protocol/primitives';
import { encodeRecordBatch } from '../../../src/protocol/record-batch';
import { encodeMessageSet } from '../../../src/protocol/message-set';
import { API_RANGES } from '../../../src/broker/apis/registry';
import { KAFKA_4_API_VERSIONS } from '../../../src/broker/apis/profiles';
import { RawConnection } from '../../helpers/raw-client';
import { fetch, latestOffset, produce, READ_UNCOMMITTED } from '../../helpers/txn-wire';
import { findCoordinator, heartbeat, joinGroup, leaveGroup, offsetCommit, syncGroup } from '../groups/group-requests';
import { describeError, eventually } from './clients';
import { scenario, type Scenario } from './scenario';

const IMPLEMENTED = new Set(API_RANGES.map((range) => range.apiKey));

function byName(entries: [number, number][]): Record<string, number> {
  return Object.fromEntries(entries.map(([apiKey, version]) => [apiKeyName(apiKey), version]));
}

async function withConnection<T>(address: string, use: (connection: RawConnection) => Promise<T>): Promise<T> {
  const connection = await RawConnection.open(address);
  try {
    return await use(connection);
  } finally {
    connection.close();
  }
}

function readRanges(reader: Reader): { apiKey: number; min: number; max: number }[] {
  return reader.array((r) => ({ apiKey: r.int16(), min: r.int16(), max: r.int16() }));
}

const apiVersions = scenario({
  name: 'ApiVersions v0: version ranges of the APIs the embedded broker implements',
  async run({ target }) {
    return withConnection(target.brokers[0]!, async (connection) => {
      const reader = await connection.request(ApiKey.ApiVersions, 0, () => undefined);
      const errorCode = reader.int16();
      const ranges = readRanges(reader);
      const ours = ranges.filter((range) => IMPLEMENTED.has(range.apiKey));
      return {
        errorCode,
        minVersions: byName(ours.map((range) => [range.apiKey, range.min])),
        maxVersions: byName(ours.map((range) => [range.apiKey, range.max])),
        otherApiKeys: ranges.filter((range) => !IMPLEMENTED.has(range.apiKey)).map((range) => range.apiKey),
      };
    });
  },
  differences: {
    'kafka-4.4': {
      why:
        'the embedded broker serves only the non-flexible versions of each API (the highest kafkajs 2.2.4 and kafka-node ' +
        "send), and only the 25 APIs those clients use (not, e.g., KIP-848's ConsumerGroupHeartbeat, key 68: both clients " +
        'use the classic group protocol); the maxima Kafka 4.4 answers are the kafka-4 profile table',
      real: {
        maxVersions: byName(API_RANGES.map((range) => [range.apiKey, KAFKA_4_API_VERSIONS[range.apiKey]!.max])),
        otherApiKeys: [
          21, 23, 27, 29, 30, 31, 33, 34, 35, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 55, 57, 60, 61,
          64, 65, 66, 68, 69, 74, 75, 76, 77, 78, 79, 80, 81, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94,
        ],
      },
      embedded: {
        maxVersions: byName(
          API_RANGES.map((range) => [
            range.apiKey,
            Math.min(range.maxVersion, KAFKA_4_API_VERSIONS[range.apiKey]!.max),
          ]),
        ),
        otherApiKeys: [],
      },
    },
  },
});

/** A well-formed request body of each probed version (empty topic lists: the answer says nothing but "served"). */
const PROBES: [ApiKey, number, (w: Writer) => void][] = [
  ...[0, 1, 2, 3].map((v): [ApiKey, number, (w: Writer) => void] => [
    ApiKey.Produce,
    v,
    (w) => (v >= 3 ? w.string(null) : w).int16(1).int32(1000).int32(0),
  ]),
  ...[0, 1, 2, 3, 4].map((v): [ApiKey, number, (w: Writer) => void] => [
    ApiKey.Fetch,
    v,
    (w) => {
      w.int32(-1).int32(100).int32(1);
      if (v >= 3) w.int32(1 << 20);
      if (v >= 4) w.int8(0);
      w.int32(0);
    },
  ]),
  [ApiKey.ListOffsets, 0, (w) => w.int32(-1).int32(0)],
  [ApiKey.ListOffsets, 1, (w) => w.int32(-1).int32(0)],
  [ApiKey.Metadata, 0, (w) => w.int32(0)],
  [ApiKey.OffsetCommit, 0, (w) => w.string('probe').int32(0)],
  [ApiKey.OffsetCommit, 1, (w) => w.string('probe').int32(-1).string('').int32(0)],
  [ApiKey.OffsetCommit, 2, (w) => w.string('probe').int32(-1).string('').int64(-1).int32(0)],
  [ApiKey.OffsetFetch, 0, (w) => w.string('probe').int32(0)],
  [ApiKey.OffsetFetch, 1, (w) => w.string('probe').int32(0)],
  [ApiKey.CreateTopics, 0, (w) => w.int32(0).int32(1000)],
  [ApiKey.CreateTopics, 1, (w) => w.int32(0).int32(1000).boolean(false)],
  [ApiKey.CreateTopics, 2, (w) => w.int32(0).int32(1000).boolean(false)],
  [ApiKey.DeleteTopics, 0, (w) => w.int32(0).int32(1000)],
  [ApiKey.DeleteTopics, 1, (w) => w.int32(0).int32(1000)],
  [ApiKey.DescribeConfigs, 0, (w) => w.int32(0)],
  [ApiKey.DescribeConfigs, 1, (w) => w.int32(0).boolean(false)],
];

const refusals = scenario({
  name: 'versions KIP-896 removed close the connection without an answer; the lowest kept version is answered',
  async run({ target }) {
    const outcomes: Record<string, string> = {};
    for (const [apiKey, version, body] of PROBES) {
      outcomes[`${apiKeyName(apiKey)} v${version}`] = await withConnection(target.brokers[0]!, async (connection) => {
        try {
          await connection.request(apiKey, version, body);
          return 'answered';
        } catch (error) {
          return describeError(error);
        }
      });
    }
    // An ApiVersions version the broker does not know (v9, flexible: header v2's empty tag buffer comes first).
    const unknownApiVersions = await withConnection(target.brokers[0]!, async (connection) => {
      const reader = await connection.request(ApiKey.ApiVersions, 9, (w) => w.int8(0));
      return { errorCode: errorName(reader.int16()), ranges: readRanges(reader) };
    });
    return { outcomes, unknownApiVersions };
  },
  differences: {
    'kafka-4.4': {
      why: 'the answer to an unknown ApiVersions version lists ApiVersions itself, whose highest version is 2 on the embedded broker',
      real: {
        unknownApiVersions: {
          errorCode: 'UNSUPPORTED_VERSION',
          ranges: [{ apiKey: ApiKey.ApiVersions, min: 0, max: 5 }],
        },
      },
      embedded: {
        unknownApiVersions: {
          errorCode: 'UNSUPPORTED_VERSION',
          ranges: [{ apiKey: ApiKey.ApiVersions, min: 0, max: 2 }],
        },
      },
    },
  },
});

function recordBatch(values: string[]): Buffer {
  return encodeRecordBatch({
    records: values.map((value) => ({ timestamp: 1_700_000_000_000, key: null, value: Buffer.from(value) })),
  });
}

/** The partition-level error of a Produce v7 of `records`, by name. */
async function produceError(
  connection: RawConnection,
  topic: string,
  partition: number,
  records: Buffer,
): Promise<string> {
  return errorName((await produce(connection, topic, partition, records)).errorCode);
}

const badInput = scenario({
  name: 'bad input on the wire: invalid topic, unknown partition, message too large, corrupt record, magic-1 messages',
  async run({ target, topic }) {
    const name = topic('bad-input');
    await target.createTopic(name, 1);
    return withConnection(target.brokers[0]!, async (connection) => {
      const corrupt = recordBatch(['a', 'b']);
      corrupt[corrupt.length - 1] ^= 0xff; // the last value byte: the CRC-32C no longer matches
      const oversized = recordBatch(['x'.repeat(1_100_000)]);
      const control = encodeRecordBatch({
        control: true,
        records: [
          { timestamp: 1_700_000_000_000, key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]) },
        ],
      });
      const magicOne = encodeMessageSet(
        [{ offset: 0, timestamp: 1_700_000_000_000, key: null, value: Buffer.from('old') }],
        { magic: 1 },
      );
      return {
        invalidTopic: await produceError(connection, 'not a valid name!', 0, recordBatch(['v'])),
        internalTopic: await produceError(connection, '__consumer_offsets', 0, recordBatch(['v'])),
        unknownPartition: await produceError(connection, name, 7, recordBatch(['v'])),
        messageTooLarge: await produceError(connection, name, 0, oversized),
        corruptRecord: await produceError(connection, name, 0, corrupt),
        magicOneMessages: await produceError(connection, name, 0, magicOne),
        noBatch: await produceError(connection, name, 0, Buffer.alloc(0)),
        twoBatches: await produceError(connection, name, 0, Buffer.concat([recordBatch(['1']), recordBatch(['2'])])),
        controlBatch: await produceError(connection, name, 0, control),
        fetchUnknownPartition: errorName((await fetch(connection, name, 7, 0, READ_UNCOMMITTED)).errorCode),
        fetchOutOfRange: errorName((await fetch(connection, name, 0, 99, READ_UNCOMMITTED)).errorCode),
        listOffsetsUnknownPartition: errorName((await latestOffset(connection, name, 7, READ_UNCOMMITTED)).errorCode),
        logEndOffset: (await fetch(connection, name, 0, 0, READ_UNCOMMITTED)).highWatermark,
      };
    });
  },
});

/** Finds the group coordinator (Kafka creates __consumer_offsets on the first lookup) and connects to it. */
async function coordinatorOf(bootstrap: string, groupId: string): Promise<RawConnection> {
  const address = await eventually(
    `coordinator of ${groupId}`,
    () =>
      withConnection(bootstrap, async (connection) => {
        const found = await findCoordinator(connection, 2, groupId);
        return found.errorCode === ErrorCode.NONE ? `${found.host}:${found.port}` : undefined;
      }),
    30000,
    200,
  );
  return RawConnection.open(address);
}

const JOIN_VERSION = 5;
const SYNC_VERSION = 3;
const HEARTBEAT_VERSION = 3;

const groupErrors = scenario({
  name: 'group errors: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, INCONSISTENT_GROUP_PROTOCOL',
  async run({ target, topic, group }) {
    const groupId = group('errors');
    const name = topic('group-errors');
    await target.createTopic(name, 1);
    const [a, b, c] = await Promise.all([
      coordinatorOf(target.brokers[0]!, groupId),
      coordinatorOf(target.brokers[0]!, groupId),
      coordinatorOf(target.brokers[0]!, groupId),
    ]);
    try {
      // Long timeouts: a busy machine must not expire a member between two steps.
      const fields = { groupId, sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, protocols: [{ name: 'range' }] };
      const heartbeatOfUnknownGroup = errorName(
        await heartbeat(a, HEARTBEAT_VERSION, { groupId, generationId: 1, memberId: 'nobody' }),
      );
      const firstJoin = await joinGroup(a, JOIN_VERSION, fields);
      const joinA = await joinGroup(a, JOIN_VERSION, { ...fields, memberId: firstJoin.memberId });
      const member = { groupId, generationId: joinA.generationId, memberId: joinA.memberId };
      const syncA = await syncGroup(a, SYNC_VERSION, {
        ...member,
        assignments: [{ memberId: joinA.memberId, assignment: Buffer.from('plan') }],
      });
      const commit = (generationId: number, memberId: string) =>
        offsetCommit(a, 7, {
          groupId,
          generationId,
          memberId,
          topics: [{ name, partitions: [{ partition: 0, offset: 0 }] }],
        }).then((r) => errorName(r[0]!.partitions[0]!.errorCode));
      const stable = {
        heartbeat: errorName(await heartbeat(a, HEARTBEAT_VERSION, member)),
        heartbeatNextGeneration: errorName(
          await heartbeat(a, HEARTBEAT_VERSION, { ...member, generationId: member.generationId + 1 }),
        ),
        heartbeatUnknownMember: errorName(await heartbeat(a, HEARTBEAT_VERSION, { ...member, memberId: 'nobody' })),
        commit: await commit(member.generationId, member.memberId),
        commitOldGeneration: await commit(member.generationId - 1, member.memberId),
        commitUnknownMember: await commit(member.generationId, 'nobody'),
        syncUnknownMember: errorName((await syncGroup(a, SYNC_VERSION, { ...member, memberId: 'nobody' })).errorCode),
      };
      const otherProtocol = await joinGroup(c, JOIN_VERSION, { ...fields, protocols: [{ name: 'roundrobin' }] });
      const otherProtocolType = await joinGroup(c, JOIN_VERSION, { ...fields, protocolType: 'connect' });
      // A second member's join starts a rebalance and waits for the first member to rejoin.
      const firstJoinB = await joinGroup(b, JOIN_VERSION, fields);
      const joiningB = joinGroup(b, JOIN_VERSION, { ...fields, memberId: firstJoinB.memberId });
      const rebalancing = await eventually(
        'the rebalance seen by the first member',
        async () => {
          const code = await heartbeat(a, HEARTBEAT_VERSION, member);
          return code === ErrorCode.NONE ? undefined : errorName(code);
        },
        10000,
        50,
      );
      const commitDuringRebalance = await commit(member.generationId, member.memberId);
      const rejoinA = await joinGroup(a, JOIN_VERSION, { ...fields, memberId: member.memberId });
      const joinB = await joiningB;
      const left = await leaveGroup(a, 3, groupId, [member.memberId, firstJoinB.memberId]);
      return {
        heartbeatOfUnknownGroup,
        firstJoin: { errorCode: errorName(firstJoin.errorCode), memberIdGiven: firstJoin.memberId.length > 0 },
        join: {
          errorCode: errorName(joinA.errorCode),
          generationId: joinA.generationId,
          leader: joinA.leaderId === joinA.memberId,
          members: joinA.members.length,
        },
        sync: { errorCode: errorName(syncA.errorCode), assignment: syncA.assignment.toString() },
        stable,
        otherProtocol: errorName(otherProtocol.errorCode),
        otherProtocolType: errorName(otherProtocolType.errorCode),
        rebalancing,
        commitDuringRebalance,
        rejoin: {
          errorCodes: [errorName(rejoinA.errorCode), errorName(joinB.errorCode)],
          generationStep: rejoinA.generationId - joinA.generationId,
          sameGeneration: rejoinA.generationId === joinB.generationId,
          members: rejoinA.members.length + joinB.members.length,
        },
        left: { errorCode: errorName(left.errorCode), members: left.members.map((m) => errorName(m.errorCode)) },
      };
    } finally {
      for (const connection of [a, b, c]) connection.close();
    }
  },
});

export const kafka4WireScenarios: Scenario<object>[] = [apiVersions, refusals, badInput, groupErrors];
