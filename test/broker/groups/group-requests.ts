/**
 * Group API requests for tests, written with the project's Writer and read with its Reader over a RawConnection.
 * Field layouts as in Apache Kafka's message specs; each function takes the version to send.
 */
import { ApiKey } from '../../../src/protocol/api-keys';
import type { RawConnection } from '../../helpers/raw-client';

export interface JoinFields {
  groupId: string;
  memberId?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  groupInstanceId?: string | null;
  protocolType?: string;
  protocols: { name: string; metadata?: Buffer }[];
}

export interface JoinResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leaderId: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export async function joinGroup(connection: RawConnection, version: number, fields: JoinFields): Promise<JoinResponse> {
  const reader = await connection.request(ApiKey.JoinGroup, version, (w) => {
    const sessionTimeoutMs = fields.sessionTimeoutMs ?? 10000;
    w.string(fields.groupId).int32(sessionTimeoutMs);
    if (version >= 1) w.int32(fields.rebalanceTimeoutMs ?? sessionTimeoutMs);
    w.string(fields.memberId ?? '');
    if (version >= 5) w.string(fields.groupInstanceId ?? null);
    w.string(fields.protocolType ?? 'consumer');
    w.array(fields.protocols, (pw, p) => {
      pw.string(p.name).bytes(p.metadata ?? Buffer.from(p.name));
    });
  });
  if (version >= 2) reader.int32();
  return {
    errorCode: reader.int16(),
    generationId: reader.int32(),
    protocolName: reader.string(),
    leaderId: reader.string(),
    memberId: reader.string(),
    members: reader.array((r) => ({
      memberId: r.string(),
      groupInstanceId: version >= 5 ? r.nullableString() : null,
      metadata: Buffer.from(r.bytes() ?? Buffer.alloc(0)),
    })),
  };
}

export async function syncGroup(
  connection: RawConnection,
  version: number,
  fields: {
    groupId: string;
    generationId: number;
    memberId: string;
    assignments?: { memberId: string; assignment: Buffer }[];
  },
): Promise<{ errorCode: number; assignment: Buffer }> {
  const reader = await connection.request(ApiKey.SyncGroup, version, (w) => {
    w.string(fields.groupId).int32(fields.generationId).string(fields.memberId);
    if (version >= 3) w.string(null);
    w.array(fields.assignments ?? [], (aw, a) => {
      aw.string(a.memberId).bytes(a.assignment);
    });
  });
  if (version >= 1) reader.int32();
  return { errorCode: reader.int16(), assignment: Buffer.from(reader.bytes() ?? Buffer.alloc(0)) };
}

export async function heartbeat(
  connection: RawConnection,
  version: number,
  fields: { groupId: string; generationId: number; memberId: string },
): Promise<number> {
  const reader = await connection.request(ApiKey.Heartbeat, version, (w) => {
    w.string(fields.groupId).int32(fields.generationId).string(fields.memberId);
    if (version >= 3) w.string(null);
  });
  if (version >= 1) reader.int32();
  return reader.int16();
}

export interface LeaveResponse {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export async function leaveGroup(
  connection: RawConnection,
  version: number,
  groupId: string,
  memberIds: string[],
): Promise<LeaveResponse> {
  const reader = await connection.request(ApiKey.LeaveGroup, version, (w) => {
    w.string(groupId);
    if (version >= 3) {
      w.array(memberIds, (mw, id) => {
        mw.string(id).string(null);
      });
    } else {
      w.string(memberIds[0]!);
    }
  });
  if (version >= 1) reader.int32();
  const errorCode = reader.int16();
  const members =
    version >= 3
      ? reader.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString(), errorCode: r.int16() }))
      : [];
  return { errorCode, members };
}

export interface CommitFields {
  groupId: string;
  generationId?: number;
  memberId?: string;
  topics: {
    name: string;
    partitions: { partition: number; offset: bigint | number; leaderEpoch?: number; metadata?: string | null }[];
  }[];
}

export type CommitResponse = { name: string; partitions: { partition: number; errorCode: number }[] }[];

export async function offsetCommit(
  connection: RawConnection,
  version: number,
  fields: CommitFields,
): Promise<CommitResponse> {
  const reader = await connection.request(ApiKey.OffsetCommit, version, (w) => {
    w.string(fields.groupId);
    if (version >= 1) w.int32(fields.generationId ?? -1).string(fields.memberId ?? '');
    if (version >= 7) w.string(null);
    if (version >= 2 && version <= 4) w.int64(-1);
    w.array(fields.topics, (tw, topic) => {
      tw.string(topic.name);
      tw.array(topic.partitions, (pw, p) => {
        pw.int32(p.partition).int64(p.offset);
        if (version >= 6) pw.int32(p.leaderEpoch ?? -1);
        if (version === 1) pw.int64(Date.now());
        pw.string(p.metadata === undefined ? '' : p.metadata);
      });
    });
  });
  if (version >= 3) reader.int32();
  return reader.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({ partition: pr.int32(), errorCode: pr.int16() })),
  }));
}

export interface FetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: {
      partition: number;
      offset: bigint;
      leaderEpoch: number;
      metadata: string | null;
      errorCode: number;
    }[];
  }[];
}

export async function offsetFetch(
  connection: RawConnection,
  version: number,
  groupId: string,
  topics: { name: string; partitions: number[] }[] | null,
): Promise<FetchResponse> {
  const reader = await connection.request(ApiKey.OffsetFetch, version, (w) => {
    w.string(groupId);
    w.array(topics, (tw, topic) => {
      tw.string(topic.name).array(topic.partitions, (pw, p) => {
        pw.int32(p);
      });
    });
  });
  if (version >= 3) reader.int32();
  const parsed = reader.array((r) => ({
    name: r.string(),
    partitions: r.array((pr) => ({
      partition: pr.int32(),
      offset: pr.int64(),
      leaderEpoch: version >= 5 ? pr.int32() : -1,
      metadata: pr.nullableString(),
      errorCode: pr.int16(),
    })),
  }));
  return { topics: parsed, errorCode: version >= 2 ? reader.int16() : 0 };
}

export interface CoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export async function findCoordinator(
  connection: RawConnection,
  version: number,
  key: string,
  keyType = 0,
): Promise<CoordinatorResponse> {
  const reader = await connection.request(ApiKey.FindCoordinator, version, (w) => {
    w.string(key);
    if (version >= 1) w.int8(keyType);
  });
  if (version >= 1) reader.int32();
  const errorCode = reader.int16();
  const errorMessage = version >= 1 ? reader.nullableString() : null;
  return { errorCode, errorMessage, nodeId: reader.int32(), host: reader.string(), port: reader.int32() };
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
  authorizedOperations: number | null;
}

export async function describeGroups(
  connection: RawConnection,
  version: number,
  groupIds: string[],
): Promise<DescribedGroup[]> {
  const reader = await connection.request(ApiKey.DescribeGroups, version, (w) => {
    w.array(groupIds, (gw, id) => {
      gw.string(id);
    });
    if (version >= 3) w.boolean(true);
  });
  if (version >= 1) reader.int32();
  return reader.array((r) => ({
    errorCode: r.int16(),
    groupId: r.string(),
    state: r.string(),
    protocolType: r.string(),
    protocolName: r.string(),
    members: r.array((mr) => ({
      memberId: mr.string(),
      groupInstanceId: version >= 4 ? mr.nullableString() : null,
      clientId: mr.string(),
      clientHost: mr.string(),
      metadata: Buffer.from(mr.bytes() ?? Buffer.alloc(0)),
      assignment: Buffer.from(mr.bytes() ?? Buffer.alloc(0)),
    })),
    authorizedOperations: version >= 3 ? r.int32() : null,
  }));
}

export async function listGroups(
  connection: RawConnection,
  version: number,
): Promise<{ errorCode: number; groups: { groupId: string; protocolType: string }[] }> {
  const reader = await connection.request(ApiKey.ListGroups, version, () => undefined);
  if (version >= 1) reader.int32();
  const errorCode = reader.int16();
  return { errorCode, groups: reader.array((r) => ({ groupId: r.string(), protocolType: r.string() })) };
}
