import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { LeaveResult, LeavingMember } from '../groups/coordinator';
import { defineApi } from './types';

// LeaveGroup v0-3 (v4 is the first flexible version).
//   v0: group_id, member_id -> error_code
//   v1: response starts with throttle_time_ms        v2: same as v1
//   v3: members[member_id, group_instance_id] instead of member_id -> + members[member_id, group_instance_id, error_code]
//       (before v3 the one member's error is the response's error, as Kafka answers)
interface LeaveGroupRequest {
  groupId: string;
  members: LeavingMember[];
}

export const leaveGroupApi = defineApi<LeaveGroupRequest, LeaveResult>({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const members =
      version >= 3
        ? reader.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }), 4)
        : [{ memberId: reader.string(), groupInstanceId: null }];
    return { groupId, members };
  },
  handle(request, { cluster, node }) {
    return cluster.groups.leave(request.groupId, request.members, node.id);
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    if (version < 3) {
      const memberError = response.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
      writer.int16(response.errorCode !== ErrorCode.NONE ? response.errorCode : memberError);
      return;
    }
    writer.int16(response.errorCode);
    writer.array(response.members, (w, member) => {
      w.string(member.memberId).string(member.groupInstanceId).int16(member.errorCode);
    });
  },
});
