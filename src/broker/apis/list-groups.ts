import { ApiKey } from '../../protocol/api-keys';
import type { GroupListing } from '../groups/coordinator';
import { defineApi } from './types';

// ListGroups v0-2 (v3 is the first flexible version, v4 adds a state filter).
//   v0: (no fields) -> error_code, groups[group_id, protocol_type]
//   v1: response starts with throttle_time_ms        v2: same as v1
// Each node lists the groups it coordinates; clients ask every node and merge.
export const listGroupsApi = defineApi<Record<string, never>, GroupListing>({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: () => ({}),
  handle(_request, { cluster, node }) {
    return cluster.groups.list(node.id);
  },
  encodeResponse(writer, response, version) {
    if (version >= 1) writer.int32(0);
    writer.int16(response.errorCode);
    writer.array(response.groups, (w, group) => {
      w.string(group.groupId).string(group.protocolType);
    });
  },
});
