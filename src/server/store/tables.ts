/**
 * Server tables (Drizzle). Column names mirror src/shared/schema.ts; the
 * extra columns are the server's merge and cursor bookkeeping:
 * - `col_times`: per data column, the `updated_at` of the write that set it;
 * - `col_seqs`: per data column, the cursor value of that write (conflict reporting);
 * - `clamped_stamps`: stamps that arrived more than 60 s ahead → the time each was
 *   taken as, so a replayed push counts as it did the first time (src/shared/merge.ts);
 * - `seq`: cursor position of the last write to the row: its transaction's id and
 *   its place in that transaction (src/server/store/positions.ts), unique across all tables;
 * - `created_seq`: cursor position of the row's first write (created vs updated on pull).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

/**
 * One row. `seq` is the commit counter of the design before issue 12 (frozen
 * since). `xid_offset` is added to every transaction id when it becomes a
 * cursor position, so that each new position is above every value that
 * counter ever handed out: a cursor a client kept from before the upgrade
 * still means "everything after it" (migration 0004).
 */
export const syncCounter = pgTable('sync_counter', {
  id: integer('id').primaryKey(),
  seq: ms('seq').notNull(),
  xidOffset: ms('xid_offset').notNull().default(1),
});

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    colTimes: jsonb('col_times').$type<Record<string, number>>().notNull(),
    colSeqs: jsonb('col_seqs').$type<Record<string, number>>().notNull(),
    clampedStamps: jsonb('clamped_stamps').$type<Record<string, number>>().notNull().default({}),
    seq: ms('seq').notNull(),
    createdSeq: ms('created_seq').notNull(),
    /** Proven by a code or a link (CONTRACT §3); accounts from before verification existed start false. */
    emailVerified: boolean('email_verified').notNull().default(false),
    /** Cursor value of the verification: departures before it were never this user's to see. */
    verifiedSeq: ms('verified_seq'),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const references = pgTable(
  'references',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    refereeName: text('referee_name').notNull(),
    refereeEmail: text('referee_email').notNull(),
    message: text('message').notNull(),
    status: text('status').notNull(),
    response: text('response'),
    respondedAt: ms('responded_at'),
    remindedAt: ms('reminded_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    isDeleted: boolean('is_deleted').notNull(),
    colTimes: jsonb('col_times').$type<Record<string, number>>().notNull(),
    colSeqs: jsonb('col_seqs').$type<Record<string, number>>().notNull(),
    clampedStamps: jsonb('clamped_stamps').$type<Record<string, number>>().notNull().default({}),
    seq: ms('seq').notNull(),
    createdSeq: ms('created_seq').notNull(),
  },
  (t) => [
    index('references_user_seq_idx').on(t.userId, t.seq),
    index('references_referee_seq_idx').on(t.refereeEmail, t.seq),
  ],
);

/**
 * A candidate's `users` row is visible to every email they asked for a
 * reference; `seq` is when that became true, so the referee's next pull
 * counts it as a change (CONTRACT §3).
 */
export const userGrants = pgTable(
  'user_grants',
  {
    refereeEmail: text('referee_email').notNull(),
    candidateId: text('candidate_id').notNull(),
    seq: ms('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.refereeEmail, t.candidateId] })],
);

/**
 * A reference whose `referee_email` moved away from an email: that email's
 * next pull receives the id as deleted.
 */
export const referenceDepartures = pgTable(
  'reference_departures',
  {
    referenceId: text('reference_id').notNull(),
    refereeEmail: text('referee_email').notNull(),
    seq: ms('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.referenceId, t.refereeEmail] }), index('departures_email_seq_idx').on(t.refereeEmail, t.seq)],
);

/**
 * A reference addressed to an email before its owner verified it: `seq` is
 * when it became visible to them, so their next incremental pull brings it
 * (verifying is a visibility change, CONTRACT §3).
 */
export const reveals = pgTable(
  'reveals',
  {
    viewerId: text('viewer_id').notNull(),
    referenceId: text('reference_id').notNull(),
    seq: ms('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.viewerId, t.referenceId] })],
);

/** Server-side sessions: a token names one, and ends when its session does (logout, logout-all, expiry). */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    endedAt: ms('ended_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * The one live verification code of a user (and the link token sent with
 * it), both as keyed hashes. `attempts` counts wrong codes: at 5 the code is
 * void until a new one is sent.
 */
export const emailCodes = pgTable('email_codes', {
  userId: text('user_id').primaryKey(),
  codeHash: text('code_hash').notNull(),
  linkHash: text('link_hash').notNull(),
  sentAt: ms('sent_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
});

/**
 * One invitation per reference and address (CONTRACT §3). `tokenHash` is the
 * invite link's token; `remindedAt` the last reminder mailed to this address.
 */
export const invitations = pgTable(
  'invitations',
  {
    referenceId: text('reference_id').notNull(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedAt: ms('invited_at').notNull(),
    remindedAt: ms('reminded_at'),
  },
  (t) => [primaryKey({ columns: [t.referenceId, t.email] }), uniqueIndex('invitations_token_idx').on(t.tokenHash)],
);

/**
 * The durable mail outbox: a message is written in the transaction of the
 * change that causes it and delivered afterwards by src/server/mail/sender.ts.
 * `claimedUntil` is a lease, so of several processes one sends a message; a
 * message is sent twice only when a process dies inside its send.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    createdAt: ms('created_at').notNull(),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    claimedUntil: ms('claimed_until'),
    sentAt: ms('sent_at'),
    lastError: text('last_error'),
  },
  (t) => [index('mail_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.sentAt} IS NULL`)],
);
