/**
 * Server tables (Drizzle). Column names mirror src/shared/schema.ts; the
 * extra columns are the server's merge and cursor bookkeeping:
 * - `col_times`: per data column, the `updated_at` of the write that set it;
 * - `col_seqs`: per data column, the cursor value of that write (conflict reporting);
 * - `clamped_stamps`: stamps that arrived more than 60 s ahead → the time each was
 *   taken as, so a replayed push counts as it did the first time (src/shared/merge.ts);
 * - `seq`: cursor value of the last write to the row (unique across all tables);
 * - `created_seq`: cursor value of the row's first write (created vs updated on pull).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

export const syncCounter = pgTable('sync_counter', {
  id: integer('id').primaryKey(),
  seq: ms('seq').notNull(),
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
