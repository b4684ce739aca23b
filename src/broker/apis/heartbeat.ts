import { ApiKey } from '../../protocol/api-keys';
import type { HeartbeatInput } from '../groups/coordinator';
import { defineApi } from './types';

// Heartbeat v0-3 (v4 is the first flexible version).
//   v0: group_id, generation_id, member_id -> error_code
//   v1: response starts with throttle_time_ms        v2: same as v1
//   v3: + group_instance_id after member_id
export const heartbeatApi = defineApi<HeartbeatInput, { errorCode: number }>({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 3,
  decodeRequest(reader, version) {
    const groupId = reader.string();
    const generationId = reader.int32();
    const memberId = reader.string();
    const groupInstanceId = version >= 3 ? reader.nullableString() : null;
    return { groupId, generationId, memberId, groupInstanceId };
  },
  handle(request, { cluster, node }) {
    return { errorCode: cluster.groups.heartbeat(request, node.id) };
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode);
  },
});
