import { ApiKey } from '../../protocol/api-keys';
import type { JoinResult, MemberProtocol } from '../groups/group';
import { defineApi } from './types';
import { clientHostOf, ownedBytes } from '../groups/request-values';

// JoinGroup v0-5 (v6 is the first flexible version).
//   v0: group_id, session_timeout_ms, member_id, protocol_type, protocols[name, metadata]
//       -> error_code, generation_id, protocol_name, leader, member_id, members[member_id, metadata]
//   v1: + rebalance_timeout_ms after session_timeout_ms (v0 members rebalance within their session timeout)
//   v2: response starts with throttle_time_ms        v3: same as v2
//   v4: a new member (empty member_id) gets MEMBER_ID_REQUIRED and an id to join again with
//   v5: + group_instance_id after member_id; response members carry group_instance_id
//       (kept and reported; static-membership fencing is not implemented)
interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: MemberProtocol[];
}

export const joinGroupApi = defineApi<JoinGroupRequest, JoinResult>({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 5,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const sessionTimeoutMs = reader.int32();
    const rebalanceTimeoutMs = version >= 1 ? reader.int32() : sessionTimeoutMs;
    const memberId = reader.string();
    const groupInstanceId = version >= 5 ? reader.nullableString() : null;
    const protocolType = reader.string();
    const protocols = reader.array((r) => ({ name: r.string(), metadata: ownedBytes(r.bytes()) }), 6);
    return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
  },
  handle(request, { cluster, node, header, connection }) {
    return cluster.groups.join(
      {
        ...request,
        requireKnownMemberId: header.apiVersion >= 4 && request.groupInstanceId === null,
        clientId: header.clientId ?? '',
        clientHost: clientHostOf(connection),
      },
      node.id,
    );
  },
  encodeResponse(writer, response, version) {
    if (version >= 2) writer.int32(0);
    writer.int16(response.errorCode).int32(response.generationId).string(response.protocolName);
    writer.string(response.leaderId).string(response.memberId);
    writer.array(response.members, (w, member) => {
      w.string(member.memberId);
      if (version >= 5) w.string(member.groupInstanceId);
      w.bytes(member.metadata);
    });
  },
});
