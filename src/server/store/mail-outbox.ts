/**
 * The mail outbox's queue operations (the rows are written by WriteTx, in
 * the transaction of the change that causes them). A claim is a lease
 * (`claimed_until`): with several server processes each message goes to one
 * sender; a sender that dies mid-send leaves it to be sent again once the
 * lease runs out, the only way a message goes out twice.
 */
import { eq, sql } from 'drizzle-orm';
import { mailOutbox } from './tables';
import type { DbKind, MailOutboxStore, MailRow } from './types';
import type { Db } from './write-tx';

interface RawMailRow {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  created_at: string | number;
  next_attempt_at: string | number;
  attempts: number;
  claimed_until: string | number | null;
  sent_at: string | number | null;
  last_error: string | null;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

/**
 * Verification codes first: a person is waiting on screen for one, while an
 * invitation or a reminder queued behind thousands of others (a candidate
 * importing a long list) can wait its turn.
 */
const urgency = (m: MailRow) => (m.kind === 'verification' ? 0 : 1);

function fromRaw(r: RawMailRow): MailRow {
  return {
    id: r.id,
    kind: r.kind,
    toAddress: r.to_address,
    subject: r.subject,
    textBody: r.text_body,
    createdAt: Number(r.created_at),
    nextAttemptAt: Number(r.next_attempt_at),
    attempts: r.attempts,
    claimedUntil: num(r.claimed_until),
    sentAt: num(r.sent_at),
    lastError: r.last_error,
  };
}

export function mailOutboxOver(db: Db, kind: DbKind): MailOutboxStore {
  // PGlite has one connection and no concurrent claimer: SKIP LOCKED is only needed on PostgreSQL.
  const skipLocked = sql.raw(kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '');
  return {
    async claim(now, leaseMs, limit) {
      const result = await db.execute(sql`
        UPDATE mail_outbox SET claimed_until = ${now + leaseMs}
        WHERE id IN (
          SELECT id FROM mail_outbox
          WHERE sent_at IS NULL AND next_attempt_at <= ${now} AND (claimed_until IS NULL OR claimed_until <= ${now})
          ORDER BY kind <> 'verification', created_at, id LIMIT ${limit} ${skipLocked}
        )
        RETURNING *`);
      const rows = (result as unknown as { rows: RawMailRow[] }).rows.map(fromRaw);
      return rows.sort((a, b) => urgency(a) - urgency(b) || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
    async markSent(id, at) {
      await db.update(mailOutbox).set({ sentAt: at, claimedUntil: null, textBody: '', lastError: null }).where(eq(mailOutbox.id, id));
    },
    async markFailed(id, error, nextAttemptAt) {
      await db
        .update(mailOutbox)
        .set({ claimedUntil: null, nextAttemptAt, lastError: error.slice(0, 500), attempts: sql`${mailOutbox.attempts} + 1` })
        .where(eq(mailOutbox.id, id));
    },
  };
}
