/**
 * The client side of ApiVersions (key 18), versions 0-2 side by side: the request has no body before v3 (the first
 * flexible version), the answer is an error code, one version range per API, and from v1 a throttle time. Every
 * broker since Apache Kafka 0.10 answers v0; 0.9 and older do not know the key and never answer.
 */
import { ApiKey } from './api-keys';
import type { Reader } from './primitives';
import { encodeRequestFrame } from './request-frame';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsAnswer {
  errorCode: number;
  apis: ApiVersionRange[];
  throttleTimeMs: number;
}

export type ApiVersionsVersion = 0 | 1 | 2;

export function encodeApiVersionsRequest(version: ApiVersionsVersion, correlationId: number, clientId: string): Buffer {
  return encodeRequestFrame(ApiKey.ApiVersions, version, correlationId, clientId);
}

/** Decodes the answer's body (after the response header's correlation id). */
export function decodeApiVersionsResponse(body: Reader, version: ApiVersionsVersion): ApiVersionsAnswer {
  const errorCode = body.int16();
  const apis = body.array(
    (reader) => ({ apiKey: reader.int16(), minVersion: reader.int16(), maxVersion: reader.int16() }),
    6,
  );
  const throttleTimeMs = version >= 1 && body.remaining >= 4 ? body.int32() : 0;
  return { errorCode, apis, throttleTimeMs };
}
