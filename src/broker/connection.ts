let nextConnectionId = 1;

/**
 * What one client connection has established so far (SASL state lives here): created by the node that
 * accepted it, read and updated by the API handlers serving its requests.
 */
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

/** A new connection's state: authenticated from the start when the listener does not ask for SASL. */
export function newConnectionState(remoteAddress: string, saslRequired: boolean): ConnectionState {
  return {
    id: nextConnectionId++,
    remoteAddress,
    clientId: null,
    saslMechanism: null,
    authenticated: !saslRequired,
    saslRawTokens: false,
    principal: null,
    closeAfterResponse: null,
  };
}
