import type { Reader, Writer } from '../../protocol/primitives';
import type { ApiKey } from '../../protocol/api-keys';
import type { Cluster } from '../cluster';
import type { BrokerNode } from '../node';

/** Header v1, the only request header of the non-flexible versions this broker advertises. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** What one client connection has established so far (SASL state lives here). */
export interface ConnectionState {
  readonly id: number;
  readonly remoteAddress: string;
  clientId: string | null;
  /** Mechanism agreed by SaslHandshake; null until then. */
  saslMechanism: string | null;
  /** True once SASL succeeded, or from the start on a listener without SASL. */
  authenticated: boolean;
  /** SASL_AUTHENTICATE v0 vs raw SASL tokens after SaslHandshake v0. */
  saslRawTokens: boolean;
  principal: string | null;
  /** Set by a handler whose response must be the last on this connection (failed SASL, as Kafka); the reason is logged. */
  closeAfterResponse: string | null;
}

export interface ApiRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface RequestContext {
  readonly header: RequestHeader;
  /** Every API this broker serves with its version range (what ApiVersions advertises). */
  readonly apiRanges: readonly ApiRange[];
  readonly cluster: Cluster;
  readonly node: BrokerNode;
  readonly connection: ConnectionState;
}

/**
 * One Kafka API: how each supported version's request is read, what the broker does, and how each version's response
 * is written. One module per API key implements this; versions sit side by side inside it.
 */
export interface ApiHandler<Request = unknown, Response = unknown> extends ApiRange {
  readonly apiKey: ApiKey;
  decodeRequest(reader: Reader, version: number): Request;
  /** Returns null when the protocol sends no response (Produce with acks=0). */
  handle(request: Request, context: RequestContext): Response | null | Promise<Response | null>;
  encodeResponse(writer: Writer, response: Response, version: number): void;
}

/** Declares a handler with its request and response types inferred, then erases them for the registry. */
export function defineApi<Request, Response>(handler: ApiHandler<Request, Response>): ApiHandler {
  return handler as unknown as ApiHandler;
}
