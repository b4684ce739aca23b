import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'crypto';
import { INVALID_CREDENTIALS, type SaslServer, type SaslStep } from './mechanism';

// SCRAM (RFC 5802, with SHA-256/512 as RFC 7677 and Kafka's KIP-84). Two round trips:
//   client-first  "n,[a=authzid]," "n=user,r=cnonce"      -> server-first "r=cnonce+snonce,s=salt,i=iterations"
//   client-final  "c=base64(gs2 header),r=nonce,p=proof"  -> server-final "v=server signature"
// Kafka keeps salted credentials (SCRAM users are created with kafka-configs); this broker is given plain passwords
// and derives each user's credential once, with a random salt, on first use.

export type ScramDigest = 'sha256' | 'sha512';

export const SCRAM_MECHANISMS: Readonly<Record<string, ScramDigest>> = {
  'SCRAM-SHA-256': 'sha256',
  'SCRAM-SHA-512': 'sha512',
};

/** Kafka's minimum for both digests; kafkajs refuses fewer. */
const ITERATIONS = 4096;
const DIGEST_BYTES: Record<ScramDigest, number> = { sha256: 32, sha512: 64 };

interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (digest: ScramDigest, key: Buffer, text: string): Buffer =>
  createHmac(digest, key).update(text, 'utf8').digest();

/** Derived credentials per user list, so each password is stretched once per digest rather than once per login. */
class CredentialStore {
  private readonly credentials = new Map<string, ScramCredential>();
  /** Keys the made-up salts of unknown users: stable per user, so repeated probes cannot tell them from real ones. */
  private readonly decoySecret = randomBytes(32);

  constructor(private readonly users: Readonly<Record<string, string>>) {}

  /** The user's credential, or a decoy that no proof matches when the user does not exist. */
  lookup(user: string, digest: ScramDigest): { credential: ScramCredential; known: boolean } {
    if (!Object.prototype.hasOwnProperty.call(this.users, user)) {
      const salt = hmac(digest, this.decoySecret, user).subarray(0, 16);
      return {
        credential: {
          salt,
          storedKey: randomBytes(DIGEST_BYTES[digest]),
          serverKey: randomBytes(DIGEST_BYTES[digest]),
        },
        known: false,
      };
    }
    const cacheKey = `${digest}\u0000${user}`;
    let credential = this.credentials.get(cacheKey);
    if (!credential) {
      const salt = randomBytes(16);
      const saltedPassword = pbkdf2Sync(
        Buffer.from(this.users[user]!, 'utf8'),
        salt,
        ITERATIONS,
        DIGEST_BYTES[digest],
        digest,
      );
      const clientKey = createHmac(digest, saltedPassword).update('Client Key').digest();
      credential = {
        salt,
        storedKey: createHash(digest).update(clientKey).digest(),
        serverKey: createHmac(digest, saltedPassword).update('Server Key').digest(),
      };
      this.credentials.set(cacheKey, credential);
    }
    return { credential, known: true };
  }
}

const stores = new WeakMap<Readonly<Record<string, string>>, CredentialStore>();

function storeFor(users: Readonly<Record<string, string>>): CredentialStore {
  let store = stores.get(users);
  if (!store) {
    store = new CredentialStore(users);
    stores.set(users, store);
  }
  return store;
}

/** "a=1,b=2" into its attributes; values may contain '=' but not ','. */
function attributes(text: string): Map<string, string> | null {
  const result = new Map<string, string>();
  for (const part of text.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) return null;
    result.set(part[0]!, part.slice(2));
  }
  return result;
}

/** saslname: ',' and '=' travel as "=2C" and "=3D"; any other '=' is malformed. */
function decodeSaslName(name: string): string | null {
  if (/=(?!2C|3D)/.test(name)) return null;
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

type ScramState =
  | { phase: 'first' }
  | {
      phase: 'final';
      user: string;
      known: boolean;
      credential: ScramCredential;
      gs2Header: string;
      nonce: string;
      clientFirstBare: string;
      serverFirst: string;
    }
  | { phase: 'over' };

export class ScramSaslServer implements SaslServer {
  private state: ScramState = { phase: 'first' };
  private readonly store: CredentialStore;

  constructor(
    private readonly mechanism: string,
    private readonly digest: ScramDigest,
    users: Readonly<Record<string, string>>,
  ) {
    this.store = storeFor(users);
  }

  step(token: Buffer): SaslStep {
    const state = this.state;
    this.state = { phase: 'over' };
    if (state.phase === 'first') return this.clientFirst(token.toString('utf8'));
    if (state.phase === 'final') return this.clientFinal(token.toString('utf8'), state);
    return { outcome: 'failed', error: `${this.mechanism} exchange already finished` };
  }

  private clientFirst(message: string): SaslStep {
    const malformed = (why: string): SaslStep => ({
      outcome: 'failed',
      error: `Invalid ${this.mechanism} client first message: ${why}`,
    });
    const match = /^([nyp][^,]*),([^,]*),(.*)$/.exec(message);
    if (!match) return malformed('expected a GS2 header "n,," followed by n=user,r=nonce');
    const [, channelBinding, authorizationField, clientFirstBare] = match as unknown as [
      string,
      string,
      string,
      string,
    ];
    if (channelBinding.startsWith('p')) return malformed('channel binding is not supported');
    if (authorizationField !== '' && !authorizationField.startsWith('a='))
      return malformed('the authorization id must be a=name');
    const fields = attributes(clientFirstBare);
    if (!fields) return malformed('attributes must be name=value pairs');
    if (fields.has('m')) return malformed('mandatory extensions are not supported');
    const user = decodeSaslName(fields.get('n') ?? '');
    const clientNonce = fields.get('r') ?? '';
    if (!user) return malformed('no user name (n=)');
    if (clientNonce === '' || /[^\x21-\x2b\x2d-\x7e]/.test(clientNonce)) return malformed('no usable nonce (r=)');
    const authorizationId = authorizationField === '' ? '' : decodeSaslName(authorizationField.slice(2));
    if (authorizationId !== '' && authorizationId !== user) {
      return {
        outcome: 'failed',
        error: 'Authentication failed: Client requested an authorization id that is different from username',
      };
    }
    const { credential, known } = this.store.lookup(user, this.digest);
    const nonce = clientNonce + randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${ITERATIONS}`;
    this.state = {
      phase: 'final',
      user,
      known,
      credential,
      gs2Header: `${channelBinding},${authorizationField},`,
      nonce,
      clientFirstBare,
      serverFirst,
    };
    return { outcome: 'continue', response: Buffer.from(serverFirst, 'utf8') };
  }

  private clientFinal(message: string, state: Extract<ScramState, { phase: 'final' }>): SaslStep {
    const malformed = (why: string): SaslStep => ({
      outcome: 'failed',
      error: `Invalid ${this.mechanism} client final message: ${why}`,
    });
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) return malformed('no proof (p=)');
    const withoutProof = message.slice(0, proofAt);
    const fields = attributes(withoutProof);
    if (!fields) return malformed('attributes must be name=value pairs');
    if (fields.get('c') !== Buffer.from(state.gs2Header, 'utf8').toString('base64'))
      return malformed('channel binding (c=) does not match the first message');
    if (fields.get('r') !== state.nonce) return malformed('the nonce (r=) is not the one the server sent');
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const { storedKey, serverKey } = state.credential;
    const clientSignature = hmac(this.digest, storedKey, authMessage);
    if (proof.length !== clientSignature.length) return { outcome: 'failed', error: INVALID_CREDENTIALS };
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const matches = timingSafeEqual(createHash(this.digest).update(clientKey).digest(), storedKey);
    if (!matches || !state.known) return { outcome: 'failed', error: INVALID_CREDENTIALS };
    const serverSignature = hmac(this.digest, serverKey, authMessage).toString('base64');
    return { outcome: 'authenticated', response: Buffer.from(`v=${serverSignature}`, 'utf8'), user: state.user };
  }
}
