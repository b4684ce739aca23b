import { PlainSaslServer } from './plain';
import { SCRAM_MECHANISMS, ScramSaslServer } from './scram';
import type { SaslServer } from './mechanism';

export type { SaslServer, SaslStep } from './mechanism';

/** Every mechanism this broker can serve, in the order SaslHandshake lists them. */
export const SUPPORTED_SASL_MECHANISMS: readonly string[] = ['PLAIN', ...Object.keys(SCRAM_MECHANISMS)];

/** A fresh server-side exchange for one connection; null for a mechanism this broker does not implement. */
export function createSaslServer(mechanism: string, users: Readonly<Record<string, string>>): SaslServer | null {
  if (mechanism === 'PLAIN') return new PlainSaslServer(users);
  const digest = SCRAM_MECHANISMS[mechanism];
  return digest ? new ScramSaslServer(mechanism, digest, users) : null;
}
