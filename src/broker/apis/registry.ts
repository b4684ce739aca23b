import type { ApiHandler, ApiRange } from './types';
import { apiVersionsApi } from './api-versions';
import { metadataApi } from './metadata';
// Each API module registers here, one line each. Keep the list ordered by API key.
// data path:        import { produceApi } from './produce';
// data path:        import { fetchApi } from './fetch';
// data path:        import { listOffsetsApi } from './list-offsets';
// groups:           import { offsetCommitApi } from './offset-commit';
// groups:           import { offsetFetchApi } from './offset-fetch';
// groups:           import { findCoordinatorApi } from './find-coordinator';
// groups:           import { joinGroupApi } from './join-group';
// groups:           import { heartbeatApi } from './heartbeat';
// groups:           import { leaveGroupApi } from './leave-group';
// groups:           import { syncGroupApi } from './sync-group';
// groups:           import { describeGroupsApi } from './describe-groups';
// groups:           import { listGroupsApi } from './list-groups';
// admin:            import { saslHandshakeApi } from './sasl-handshake';
// admin:            import { createTopicsApi } from './create-topics';
// admin:            import { deleteTopicsApi } from './delete-topics';
// admin:            import { describeConfigsApi } from './describe-configs';
// admin:            import { saslAuthenticateApi } from './sasl-authenticate';
// admin:            import { createPartitionsApi } from './create-partitions';

const HANDLERS: ApiHandler[] = [
  // data path:      produceApi, fetchApi, listOffsetsApi,
  metadataApi,
  // groups:         offsetCommitApi, offsetFetchApi, findCoordinatorApi, joinGroupApi, heartbeatApi, leaveGroupApi, syncGroupApi, describeGroupsApi, listGroupsApi,
  // admin:          saslHandshakeApi,
  apiVersionsApi,
  // admin:          createTopicsApi, deleteTopicsApi, describeConfigsApi, saslAuthenticateApi, createPartitionsApi,
];

const BY_KEY = new Map<number, ApiHandler>(HANDLERS.map((handler) => [handler.apiKey, handler]));

export function handlerFor(apiKey: number): ApiHandler | undefined {
  return BY_KEY.get(apiKey);
}

/** What ApiVersions advertises: every registered API with its version range. */
export const API_RANGES: readonly ApiRange[] = HANDLERS.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion })).sort(
  (a, b) => a.apiKey - b.apiKey,
);
