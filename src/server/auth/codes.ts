/**
 * Verification codes and link tokens (CONTRACT §3). Stored only as hashes:
 * the code keyed with the server secret and the user id (a six-digit code
 * would otherwise be read back from its hash at once), link tokens plainly
 * (128 random bits cannot be guessed from a hash).
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { EmailCode } from '../store/types';

const CODE_TTL_MS = 30 * 60_000;
/** Wrong codes after which the code is void until a new one is sent. */
export const MAX_CODE_ATTEMPTS = 5;
/** A new code at most this often. */
export const RESEND_INTERVAL_MS = 60_000;

interface IssuedCode {
  row: EmailCode;
  code: string;
  linkToken: string;
}

function newLinkToken(): string {
  return randomBytes(16).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function createCodes(secret: string) {
  const codeHash = (userId: string, code: string) => createHmac('sha256', secret).update(`code:${userId}:${code}`).digest('base64url');
  return {
    issue(userId: string, now: number): IssuedCode {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const linkToken = newLinkToken();
      return {
        code,
        linkToken,
        row: { userId, codeHash: codeHash(userId, code), linkHash: hashToken(linkToken), sentAt: now, expiresAt: now + CODE_TTL_MS, attempts: 0 },
      };
    },
    matches(row: EmailCode, code: string): boolean {
      const expected = Buffer.from(row.codeHash);
      const actual = Buffer.from(codeHash(row.userId, code));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

export type Codes = ReturnType<typeof createCodes>;

/** A reference's invite token for one address: HMAC-derived, so the invitation and its reminders share it. */
export function inviteTokenFor(secret: string, referenceId: string, email: string): string {
  return createHmac('sha256', secret).update(`invite:${referenceId}:${email}`).digest('base64url').slice(0, 22);
}

/** Whether the user's code can still be tried at `now`. */
export function codeUsable(row: EmailCode | null, now: number): boolean {
  return row !== null && row.expiresAt > now && row.attempts < MAX_CODE_ATTEMPTS;
}
