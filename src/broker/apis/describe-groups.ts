import { ApiKey } from '../../protocol/api-keys';
import type { GroupDescription } from '../groups/coordinator';
import { defineApi } from './types';

// DescribeGroups v0-4 (v5 is the first flexible version).
//   v0: groups[] -> groups[error_code, group_id, group_state, protocol_type, protocol_data,
//                          members[member_id, client_id, client_host, member_metadata, member_assignment]]
//   v1: response starts with throttle_time_ms        v2: same as v1
//   v3: + include_authorized_operations in the request; each group + authorized_operations
//   v4: members + group_instance_id after member_id
// An unknown group is described as "Dead" without error, as Kafka does; metadata and assignments only when Stable.
interface DescribeGroupsRequest {
  groupIds: string[];
  includeAuthorizedOperations: boolean;
}

interface DescribeGroupsResponse {
  groups: GroupDescription[];
  includeAuthorizedOperations: boolean;
}

/** Without an authorizer every operation a group supports is allowed: READ (3), DELETE (6), DESCRIBE (8). */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);
const OPERATIONS_NOT_REQUESTED = -2147483648;

export const describeGroupsApi = defineApi<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 4,
  decodeRequest(reader, version) {
    const groupIds = reader.array((r) => r.string(), 2);
    const includeAuthorizedOperations = version >= 3 ? reader.boolean() : false;
    return { groupIds, includeAuthorizedOperations };
  },
  handle(request, { cluster, node }) {
    return {
      groups: request.groupIds.map((groupId) => cluster.groups.describe(groupId, node.id)),
      includeAuthorizedOperations: request.includeAuthorizedOperations,
    };
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.array(response.groups, (w, group) => {
      w.int16(group.errorCode)
        .string(group.groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocolName);
      w.array(group.members, (mw, member) => {
        mw.string(member.memberId);
        if (version >= 4) mw.string(member.groupInstanceId);
        mw.string(member.clientId).string(member.clientHost).bytes(member.metadata).bytes(member.assignment);
      });
      if (version >= 3) w.int32(response.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED);
    });
  },
});
