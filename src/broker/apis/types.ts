import type { Reader, Writer } from '../../protocol/primitives';
import type { ApiKey } from '../../protocol/api-keys';
import type { Cluster } from '../cluster';
import type { BrokerNode } from '../node';
import type { ConnectionState } from '../connection';

/** Header v1, the only request header of the non-flexible versions this broker advertises. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
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
