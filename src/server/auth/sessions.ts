/**
 * Sessions: a sign-up or sign-in opens one and hands out a token naming it;
 * every request and socket checks that the session still lives (CONTRACT §3:
 * an ended or expired session gets 401 everywhere).
 */
import { randomBytes } from 'node:crypto';
import type { SessionRow, Store, Viewer } from '../store/types';
import type { TokenService } from './tokens';

interface NewSession {
  row: SessionRow;
  token: string;
}

export interface SessionService {
  /** A session row to insert (alone or inside a sign-up's transaction) and its token. */
  open(userId: string): Promise<NewSession>;
  /** The viewer behind a token whose session lives, or null. Rejects only when the database cannot answer. */
  viewerFor(token: string | undefined): Promise<Viewer | null>;
}

export function createSessionService(store: Store, tokens: TokenService, clock: () => number): SessionService {
  return {
    async open(userId) {
      const now = clock();
      const row: SessionRow = {
        id: randomBytes(16).toString('base64url'),
        userId,
        createdAt: now,
        expiresAt: now + tokens.ttlSeconds * 1000,
        endedAt: null,
      };
      return { row, token: await tokens.issue({ userId, sessionId: row.id }, row.expiresAt) };
    },
    async viewerFor(token) {
      if (!token) return null;
      const claims = await tokens.verify(token);
      if (!claims) return null;
      return store.sessions.findViewer(claims.sessionId, claims.userId, clock());
    },
  };
}
