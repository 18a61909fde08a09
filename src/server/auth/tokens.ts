/** Session tokens: HS256 JWTs (jose) whose subject is the user id. */
import { SignJWT, jwtVerify } from 'jose';

const ALG = 'HS256';
const ISSUER = 'aideepref';
/**
 * Default session lifetime. There is no refresh token: a device that stays
 * offline longer than this must sign in again before its queued writes can
 * be pushed (they stay queued), so it is long. Set TOKEN_TTL to change it.
 */
export const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface TokenService {
  issue(userId: string): Promise<string>;
  /** The user id, or null for any bad, expired or foreign token. */
  verify(token: string): Promise<string | null>;
}

export function createTokenService(secret: string, clock: () => number, ttlSeconds = TOKEN_TTL_SECONDS): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    issue(userId) {
      const now = Math.floor(clock() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: ALG })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: ISSUER,
          currentDate: new Date(clock()),
        });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
