/**
 * Session tokens: HS256 JWTs (jose). The subject is the user id and `sid`
 * names a server-side session (store/sessions.ts): a token is only as good
 * as its session, so logout ends it everywhere at once.
 */
import { createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ALG = 'HS256';
const ISSUER = 'aideepref';
/**
 * Default session lifetime. There is no refresh token: a device that stays
 * offline longer than this must sign in again before its queued writes can
 * be pushed (they stay queued), so it is long. Set TOKEN_TTL to change it.
 */
export const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** Shorter keys can be brute-forced offline from one token (RFC 7518 §3.2: at least 256 bits for HS256). */
const MIN_SECRET_BYTES = 32;

export interface TokenClaims {
  userId: string;
  sessionId: string;
}

export interface TokenService {
  readonly ttlSeconds: number;
  /** A token for the session; it expires with it at `expiresAt` (ms). */
  issue(claims: TokenClaims, expiresAt: number): Promise<string>;
  /** The claims of a well-signed, unexpired token of ours, or null. Whether its session lives is the store's to say. */
  verify(token: string): Promise<TokenClaims | null>;
}

export function assertSecret(secret: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long (got ${bytes}); unset it to have one generated into DATA_DIR`);
  }
}

/** Tokens whose signature was checked, kept to check each again only for expiry (a request checks its token twice). */
const VERIFIED_KEPT = 10_000;

export function createTokenService(secret: string, clock: () => number, ttlSeconds = TOKEN_TTL_SECONDS): TokenService {
  assertSecret(secret);
  // A key object made once: from raw bytes jose imports the key again on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const verified = new Map<string, TokenClaims & { exp: number }>();
  return {
    ttlSeconds,
    issue({ userId, sessionId }, expiresAt) {
      return new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALG })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(Math.floor(clock() / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .sign(key);
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) return known.exp * 1000 > clock() ? { userId: known.userId, sessionId: known.sessionId } : null;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: ISSUER,
          currentDate: new Date(clock()),
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return null;
        if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value!);
        verified.set(token, { userId: payload.sub, sessionId: payload.sid, exp: payload.exp });
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        return null;
      }
    },
  };
}
