import type { Cluster } from '../cluster';
import type { ConnectionState } from './types';

/**
 * PLACEHOLDER owned by the admin/SASL work. After SaslHandshake v0 a client sends bare SASL tokens; this answers one
 * with a size-prefixed reply frame, or null to close the connection on failure.
 */
export function handleRawSaslToken(_token: Buffer, _connection: ConnectionState, _cluster: Cluster): Buffer | null {
  return null;
}
