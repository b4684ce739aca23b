import { timingSafeEqual } from 'crypto';
import { INVALID_CREDENTIALS, type SaslServer, type SaslStep } from './mechanism';

/** Compares in constant time for equal lengths, so response timing does not reveal how much of a password matched. */
function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SASL/PLAIN (RFC 4616): one token, [authzid] NUL username NUL password, checked in the order Kafka's PlainSaslServer does. */
export class PlainSaslServer implements SaslServer {
  constructor(private readonly users: Readonly<Record<string, string>>) {}

  step(token: Buffer): SaslStep {
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3)
      return { outcome: 'failed', error: `Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}` };
    const [authorizationId, user, password] = parts as [string, string, string];
    if (user === '') return { outcome: 'failed', error: 'Authentication failed: username not specified' };
    if (password === '') return { outcome: 'failed', error: 'Authentication failed: password not specified' };
    const expected = Object.prototype.hasOwnProperty.call(this.users, user) ? this.users[user] : undefined;
    if (expected === undefined || !sameSecret(expected, password))
      return { outcome: 'failed', error: INVALID_CREDENTIALS };
    if (authorizationId !== '' && authorizationId !== user) {
      return {
        outcome: 'failed',
        error: 'Authentication failed: Client requested an authorization id that is different from username',
      };
    }
    return { outcome: 'authenticated', response: Buffer.alloc(0), user };
  }
}
