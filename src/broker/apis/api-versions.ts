import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import type { Writer } from '../../protocol/primitives';
import { defineApi, type ApiRange } from './types';

// ApiVersions v0-2 (v3 is the first flexible version). v0: error + api ranges; v1+: throttle_time_ms at the end.
interface ApiVersionsResponse {
  errorCode: number;
  apis: readonly ApiRange[];
}

function writeApiRanges(writer: Writer, apis: readonly ApiRange[]): void {
  writer.array(apis, (w, api) => {
    w.int16(api.apiKey).int16(api.minVersion).int16(api.maxVersion);
  });
}

/** The v0 answer Kafka gives to an ApiVersions version it does not know, so the client can retry lower. */
export function encodeUnsupportedApiVersionsResponse(writer: Writer, apis: readonly ApiRange[]): void {
  writer.int16(ErrorCode.UNSUPPORTED_VERSION);
  writeApiRanges(writer, apis);
}

export const apiVersionsApi = defineApi<Record<string, never>, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 2,
  decodeRequest: () => ({}),
  handle: (_request, context) => ({ errorCode: ErrorCode.NONE, apis: context.apiRanges }),
  encodeResponse(writer, response, version) {
    writer.int16(response.errorCode);
    writeApiRanges(writer, response.apis);
    if (version >= 1) writer.int32(0);
  },
});
