import { ApiKey } from '../../protocol/api-keys';
import type { SyncResult } from '../groups/group';
import type { SyncGroupInput } from '../groups/coordinator';
import { defineApi } from './types';
import { ownedBytes } from '../groups/request-values';

// SyncGroup v0-3 (v4 is the first flexible version).
//   v0: group_id, generation_id, member_id, assignments[member_id, assignment] -> error_code, assignment
//   v1: response starts with throttle_time_ms        v2: same as v1
//   v3: + group_instance_id after member_id
export const syncGroupApi = defineApi<SyncGroupInput, SyncResult>({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    const groupInstanceId = version >= 3 ? reader.nullableString() : null;
    const assignments = reader.array((r) => ({ memberId: r.string(), assignment: ownedBytes(r.bytes()) }), 6);
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },
  handle(request, { cluster, node }) {
    return cluster.groups.sync(request, node.id);
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode).bytes(response.assignment);
  },
});
