import type { ApiHandler, ApiRange } from './types';
import { profileVersions, type BrokerProfile, type ProfileVersions } from './profiles';
import { apiVersionsApi } from './api-versions';
import { metadataApi } from './metadata';
// Each API module registers here, one line each. Keep the list ordered by API key.
import { produceApi } from './produce';
import { fetchApi } from './fetch';
import { listOffsetsApi } from './list-offsets';
import { offsetCommitApi } from './offset-commit';
import { offsetFetchApi } from './offset-fetch';
import { findCoordinatorApi } from './find-coordinator';
import { joinGroupApi } from './join-group';
import { heartbeatApi } from './heartbeat';
import { leaveGroupApi } from './leave-group';
import { syncGroupApi } from './sync-group';
import { describeGroupsApi } from './describe-groups';
import { listGroupsApi } from './list-groups';
import { saslHandshakeApi } from './sasl-handshake';
import { createTopicsApi } from './create-topics';
import { deleteTopicsApi } from './delete-topics';
import { describeConfigsApi } from './describe-configs';
import { saslAuthenticateApi } from './sasl-authenticate';
import { createPartitionsApi } from './create-partitions';
import { initProducerIdApi } from './init-producer-id';
import { addPartitionsToTxnApi } from './add-partitions-to-txn';
import { addOffsetsToTxnApi } from './add-offsets-to-txn';
import { endTxnApi } from './end-txn';
import { txnOffsetCommitApi } from './txn-offset-commit';

const HANDLERS: ApiHandler[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  saslHandshakeApi,
  apiVersionsApi,
  createTopicsApi,
  deleteTopicsApi,
  initProducerIdApi,
  addPartitionsToTxnApi,
  addOffsetsToTxnApi,
  endTxnApi,
  txnOffsetCommitApi,
  describeConfigsApi,
  saslAuthenticateApi,
  createPartitionsApi,
];

const BY_KEY = new Map<number, ApiHandler>(HANDLERS.map((handler) => [handler.apiKey, handler]));

export function handlerFor(apiKey: number): ApiHandler | undefined {
  return BY_KEY.get(apiKey);
}

const PROFILES = new Map<BrokerProfile, ProfileVersions>();

/** The versions a profile serves and advertises (computed once per profile). */
export function versionsOf(profile: BrokerProfile): ProfileVersions {
  let versions = PROFILES.get(profile);
  if (!versions) {
    versions = profileVersions(profile, HANDLERS);
    PROFILES.set(profile, versions);
  }
  return versions;
}

/** What ApiVersions advertises in the default profile: every registered API with its version range. */
export const API_RANGES: readonly ApiRange[] = versionsOf('default').advertised;
