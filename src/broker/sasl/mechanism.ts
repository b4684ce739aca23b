/**
 * Server side of the SASL mechanisms the embedded broker offers. A mechanism is a small state machine fed the client's
 * tokens one at a time; it answers with the next server token, success, or a failure message that is safe to send to
 * the client and to log (it never contains the password or anything derived from it).
 */
export type SaslStep =
  | { readonly outcome: 'continue'; readonly response: Buffer }
  | { readonly outcome: 'authenticated'; readonly response: Buffer; readonly user: string }
  | { readonly outcome: 'failed'; readonly error: string };

export interface SaslServer {
  step(token: Buffer): SaslStep;
}

/** The same answer for an unknown user and a wrong password, so failures do not reveal which user names exist. */
export const INVALID_CREDENTIALS = 'Authentication failed: Invalid username or password';
