import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { Writer } from '../../protocol/primitives';
import type { Cluster } from '../cluster';
import { createSaslServer, type SaslServer } from '../sasl';
import { defineApi } from './types';
import type { ConnectionState } from '../connection';

// SaslAuthenticate v0-1 (v2 is the first flexible version).
//   v0: auth_bytes -> error_code, error_message, auth_bytes        v1: + session_lifetime_ms
// Each request carries one client token of the mechanism agreed by SaslHandshake (PLAIN: one token; SCRAM: two) and
// the response carries the server's next token. As Kafka, a failed attempt is answered and then the connection is
// closed; nothing derived from the password is ever logged or echoed.

/** Mechanisms SaslHandshake offers: the configured ones, or none on a listener without SASL users. */
export function enabledMechanisms(cluster: Cluster): string[] {
  return cluster.settings.saslUsers ? [...cluster.settings.saslMechanisms] : [];
}

/** The exchange in progress on each connection, begun by its first token. */
const exchanges = new WeakMap<ConnectionState, SaslServer>();

type TokenOutcome = { response: Buffer } | { error: string };

function authenticationStep(token: Buffer, connection: ConnectionState, cluster: Cluster): TokenOutcome {
  const mechanism = connection.saslMechanism;
  const users = cluster.settings.saslUsers;
  let exchange = exchanges.get(connection);
  if (!exchange && mechanism !== null && users !== null) {
    exchange = createSaslServer(mechanism, users) ?? undefined;
    if (exchange) exchanges.set(connection, exchange);
  }
  if (!exchange) return { error: `SASL mechanism ${String(mechanism)} is not enabled` };
  const step = exchange.step(token);
  if (step.outcome === 'failed') {
    exchanges.delete(connection);
    cluster.logger.warn(
      `SASL/${String(mechanism)} authentication failed for connection ${connection.remoteAddress}: ${step.error}`,
    );
    return { error: step.error };
  }
  if (step.outcome === 'authenticated') {
    exchanges.delete(connection);
    connection.authenticated = true;
    connection.principal = `User:${step.user}`;
    connection.saslRawTokens = false;
  }
  return { response: step.response };
}

/**
 * After SaslHandshake v0 the client sends its tokens as bare frames (no request header), and each server token goes
 * back as a bare frame (PLAIN's success: an empty one). Failure closes the connection without an answer, as Kafka does.
 */
export function handleRawSaslToken(token: Buffer, connection: ConnectionState, cluster: Cluster): Buffer | null {
  const outcome = authenticationStep(token, connection, cluster);
  return 'error' in outcome ? null : new Writer(4 + outcome.response.length).bytes(outcome.response).toBuffer();
}

interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

const NO_BYTES = Buffer.alloc(0);

export const saslAuthenticateApi = defineApi<{ authBytes: Buffer }, SaslAuthenticateResponse>({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: (reader) => ({ authBytes: reader.bytes() ?? Buffer.alloc(0) }),
  handle(request, { cluster, connection }) {
    if (connection.authenticated) {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate request received after successful authentication',
        authBytes: NO_BYTES,
      };
    }
    if (connection.saslMechanism === null) {
      connection.closeAfterResponse = 'SaslAuthenticate before SaslHandshake';
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate must follow a successful SaslHandshake',
        authBytes: NO_BYTES,
      };
    }
    const outcome = authenticationStep(request.authBytes, connection, cluster);
    if ('response' in outcome) return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: outcome.response };
    connection.closeAfterResponse = 'SASL authentication failed';
    return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: outcome.error, authBytes: NO_BYTES };
  },
  encodeResponse(writer, response, version) {
    writer.int16(response.errorCode).string(response.errorMessage).bytes(response.authBytes);
    if (version >= 1) writer.int64(0n);
  },
});
