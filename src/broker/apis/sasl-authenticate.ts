import { timingSafeEqual } from 'crypto';
import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { Writer } from '../../protocol/primitives';
import type { Cluster } from '../cluster';
import { defineApi, type ConnectionState } from './types';

// SaslAuthenticate v0-1 (v2 is the first flexible version).
//   v0: auth_bytes -> error_code, error_message, auth_bytes        v1: + session_lifetime_ms
// Only PLAIN is served: the token is [authzid] NUL username NUL password (RFC 4616). As Kafka, a failed attempt is
// answered and then the connection is closed; nothing derived from the password is ever logged or echoed.
export function enabledMechanisms(cluster: Cluster): string[] {
  return cluster.settings.saslUsers ? ['PLAIN'] : [];
}

/** Compares in constant time for equal lengths, so response timing does not reveal how much of a password matched. */
function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Kafka's PlainSaslServer checks, in its order; returns the user name or a message that never contains the password. */
function checkPlainToken(token: Buffer, cluster: Cluster): { user: string } | { error: string } {
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3) return { error: `Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}` };
  const [authorizationId, user, password] = parts as [string, string, string];
  if (user === '') return { error: 'Authentication failed: username not specified' };
  if (password === '') return { error: 'Authentication failed: password not specified' };
  const expected = cluster.settings.saslUsers?.[user];
  if (expected === undefined || !sameSecret(expected, password)) return { error: 'Authentication failed: Invalid username or password' };
  if (authorizationId !== '' && authorizationId !== user) {
    return { error: 'Authentication failed: Client requested an authorization id that is different from username' };
  }
  return { user };
}

/** Returns null on success (the connection is now authenticated), or the error message to send back. */
function authenticate(token: Buffer, connection: ConnectionState, cluster: Cluster): string | null {
  const result = checkPlainToken(token, cluster);
  if ('error' in result) {
    cluster.logger.warn(`SASL/PLAIN authentication failed for connection ${connection.remoteAddress}: ${result.error}`);
    return result.error;
  }
  connection.authenticated = true;
  connection.principal = `User:${result.user}`;
  connection.saslRawTokens = false;
  return null;
}

/**
 * After SaslHandshake v0 the client sends the PLAIN token as a bare frame (no request header). Success is answered
 * with an empty token frame; failure closes the connection without an answer, as Kafka does for these clients.
 */
export function handleRawSaslToken(token: Buffer, connection: ConnectionState, cluster: Cluster): Buffer | null {
  if (connection.saslMechanism !== 'PLAIN' || authenticate(token, connection, cluster) !== null) return null;
  return new Writer(4).int32(0).toBuffer();
}

interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
}

export const saslAuthenticateApi = defineApi<{ authBytes: Buffer }, SaslAuthenticateResponse>({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: (reader) => ({ authBytes: reader.bytes() ?? Buffer.alloc(0) }),
  handle(request, { cluster, connection }) {
    if (connection.authenticated) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication' };
    }
    if (connection.saslMechanism === null) {
      connection.closeAfterResponse = 'SaslAuthenticate before SaslHandshake';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate must follow a successful SaslHandshake' };
    }
    const error = authenticate(request.authBytes, connection, cluster);
    if (error === null) return { errorCode: ErrorCode.NONE, errorMessage: null };
    connection.closeAfterResponse = 'SASL authentication failed';
    return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: error };
  },
  encodeResponse(writer, response, version) {
    writer.int16(response.errorCode).string(response.errorMessage).bytes(Buffer.alloc(0));
    if (version >= 1) writer.int64(0n);
  },
});
