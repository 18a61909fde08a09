/**
 * Server-side sessions (CONTRACT §3: logout, logout-all, 401 for an ended or
 * expired session). Checked on every request, not cached: a session ended on
 * one server process must be refused by all of them at once, and the viewer's
 * verification (which decides what they see) is read fresh with it.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { sessions, users } from './tables';
import type { SessionStore } from './types';
import { idIn, type Db } from './write-tx';

export function sessionStoreOver(db: Db): SessionStore {
  return {
    async findViewer(sessionId, userId, now) {
      const rows = await db
        .select({
          id: users.id,
          email: users.email,
          name: users.name,
          verified: users.emailVerified,
          verifiedSeq: users.verifiedSeq,
          expiresAt: sessions.expiresAt,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, now)))
        .limit(1);
      const row = rows[0];
      return row ? { ...row, sessionId } : null;
    },
    async insert(session) {
      await db.insert(sessions).values(session);
    },
    async end(sessionId, userId, now) {
      const rows = await db
        .update(sessions)
        .set({ endedAt: now })
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, now)))
        .returning({ id: sessions.id });
      return rows.length > 0;
    },
    async endAll(userId, now) {
      await db
        .update(sessions)
        .set({ endedAt: now })
        .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt)));
    },
    async ended(ids, now) {
      if (!ids.length) return [];
      const rows = await db
        .select({ id: sessions.id, endedAt: sessions.endedAt, expiresAt: sessions.expiresAt })
        .from(sessions)
        // A process may hold more sessions than a statement takes parameters (65,535).
        .where(idIn(sessions.id, ids));
      const live = new Set(rows.filter((r) => r.endedAt === null && r.expiresAt > now).map((r) => r.id));
      // A session that does not exist (any more) has ended too.
      return ids.filter((id) => !live.has(id));
    },
  };
}
