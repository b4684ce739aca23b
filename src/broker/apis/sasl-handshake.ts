import { ApiKey } from '../../protocol/api-keys';
import { ErrorCode } from '../../protocol/error-codes';
import { defineApi } from './types';
import { enabledMechanisms } from './sasl-authenticate';

// SaslHandshake v0-1.
//   v0: mechanism -> error_code, mechanisms[]; the SASL tokens that follow are raw frames without a Kafka header
//   v1: same fields; the tokens that follow travel in SaslAuthenticate requests
// As Kafka: mechanism names are case-sensitive; any other gets UNSUPPORTED_SASL_MECHANISM with the enabled list, and
// the connection is closed after that answer. On a listener without SASL, or once authenticated, the answer is
// ILLEGAL_SASL_STATE with no mechanisms.
interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const saslHandshakeApi = defineApi<{ mechanism: string }, SaslHandshakeResponse>({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  decodeRequest: (reader) => ({ mechanism: reader.string() }),
  handle(request, { cluster, connection, header }) {
    const mechanisms = enabledMechanisms(cluster);
    if (mechanisms.length === 0 || connection.authenticated)
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    if (connection.saslMechanism !== null) {
      connection.closeAfterResponse = 'a second SaslHandshake during SASL authentication';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    }
    if (!mechanisms.includes(request.mechanism)) {
      connection.closeAfterResponse = `SASL mechanism ${JSON.stringify(request.mechanism.slice(0, 64))} is not enabled (enabled: ${mechanisms.join(', ')})`;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    connection.saslMechanism = request.mechanism;
    connection.saslRawTokens = header.apiVersion === 0;
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
  encodeResponse(writer, response) {
    writer.int16(response.errorCode);
    writer.array(response.mechanisms, (w, mechanism) => w.string(mechanism));
  },
});
