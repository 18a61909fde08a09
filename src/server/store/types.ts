/**
 * The store port: everything the server needs from the database. SQL lives
 * only behind it (src/server/store/*); PGlite and PostgreSQL implement it with
 * the same Drizzle code.
 */
import type { emailCodes, invitations, mailOutbox, references, sessions, users } from './tables';

export type StoredUser = typeof users.$inferSelect;
export type StoredReference = typeof references.$inferSelect;
export type DbKind = 'pglite' | 'postgres';
/** The columns of a reference that clients receive (no merge bookkeeping). */
export type PulledReference = Pick<
  StoredReference,
  | 'id'
  | 'userId'
  | 'refereeName'
  | 'refereeEmail'
  | 'message'
  | 'status'
  | 'response'
  | 'respondedAt'
  | 'remindedAt'
  | 'createdAt'
  | 'updatedAt'
>;
export type SessionRow = typeof sessions.$inferSelect;
export type EmailCode = typeof emailCodes.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type MailRow = typeof mailOutbox.$inferSelect;
/** A message for the mail outbox. */
export type NewMail = Pick<MailRow, 'id' | 'kind' | 'toAddress' | 'subject' | 'textBody' | 'createdAt'>;

/** Who a request acts for: the user behind a live session. */
export interface Viewer {
  id: string;
  /** Normalized (CONTRACT §3). */
  email: string;
  name: string;
  /** Until true, nothing addressed to `email` is this viewer's to see or answer. */
  verified: boolean;
  /** Cursor value of the verification (null until verified). */
  verifiedSeq: number | null;
  sessionId: string;
  /** When the session ends by itself (ms). */
  expiresAt: number;
}

/** What the pull query needs of a viewer. */
export type PullViewer = Pick<Viewer, 'id' | 'email' | 'verified' | 'verifiedSeq'>;

/** Pulling as a session: the page's statement reads the session (it must live) and its user. */
export interface PullSession {
  userId: string;
  sessionId: string;
  /** Expired sessions (expires_at <= now) do not live. */
  now: number;
}

export interface PullEntry {
  kind: 'row' | 'deleted';
  table: 'users' | 'references';
  id: string;
  /** Cursor position of this change; unique per entry, so pages never split a position. */
  seq: number;
  /** First time this viewer sees the row (for `created` vs `updated`). */
  created: boolean;
  /** The record as clients receive it, as JSON text (null for a deletion). */
  doc: string | null;
}

export interface PullSnapshot {
  /** The cursor to continue from: every change at or below it is in this page or an earlier one. */
  cursor: number;
  /** Changes after `since` in cursor order, at most `limit` of them. */
  entries: PullEntry[];
  /** True when entries beyond `limit` exist. */
  more: boolean;
  /** How many entries follow this page in the same snapshot: counted on the first page of a pull from 0 that has `more`, else null. */
  remaining: number | null;
  /**
   * The cursor asked from was never issued by this database (restored from a
   * backup, or replaced): the page starts over from 0 instead, and the client,
   * which holds data this database may not have, needs to know.
   */
  restarted: boolean;
}

export interface Grant {
  refereeEmail: string;
  candidateId: string;
  seq: number;
}

export interface Departure {
  referenceId: string;
  refereeEmail: string;
  seq: number;
}

export interface Reveal {
  viewerId: string;
  referenceId: string;
  seq: number;
}

/** A candidate's reference whose current address has had no invitation yet. */
type UninvitedReference = Pick<StoredReference, 'id' | 'refereeEmail' | 'refereeName' | 'message'>;

export interface BeginOptions {
  /**
   * Lock this user's row until commit ('share' for a push: FOR KEY SHARE, which
   * only FOR UPDATE waits for; 'update' when the transaction changes the row or
   * its verification) and read its verification as last committed.
   */
  user?: { id: string; lock: 'share' | 'update' };
  /** Read whether this session of `user` still lives at `now` (CONTRACT §3), in the same statement. */
  session?: { id: string; now: number };
  /** Take this email's bucket alone (a verification, a sign-up): pushes addressing it wait, or are waited for. */
  exclusiveEmail?: string;
  /** Load these references too, locked until commit (as `loadReferences`), in the same statement. */
  references?: readonly string[];
}

interface Begun {
  /** Cursor positions of this transaction are base + 1, base + 2, … (store/positions.ts). */
  base: number;
  /** The locked user's verification, as last committed (null without `user`, or when the row does not exist). */
  verified: boolean | null;
  verifiedSeq: number | null;
  /** The locked user's email and name (null without `user`, or when the row does not exist). */
  email: string | null;
  name: string | null;
  /** Whether the session asked for in `session` lives (null without `session`). */
  sessionLive: boolean | null;
  /** The references asked for in `references` that exist. */
  references: Map<string, StoredReference>;
}

/**
 * One writing transaction. Every writer that hands out cursor positions calls
 * `begin` first: it gives the transaction its id (positions follow it, see
 * pull.ts) and takes the locks the options ask for.
 */
export interface WriteTx {
  begin(options?: BeginOptions): Promise<Begun>;
  /** Until commit, shares the buckets of these emails (the references a push addresses, before and after). */
  lockEmails(emails: Iterable<string>): Promise<void>;
  findUserByEmail(email: string): Promise<StoredUser | null>;
  insertUser(user: StoredUser): Promise<void>;
  loadUsers(ids: readonly string[]): Promise<Map<string, StoredUser>>;
  /** Locks the rows until commit (in id order) unless `lock` is false. */
  loadReferences(ids: readonly string[], options?: { lock: boolean }): Promise<Map<string, StoredReference>>;
  /** Updates the synced columns of existing users (never password material). */
  saveUsers(rows: readonly StoredUser[]): Promise<void>;
  /** Inserts or replaces whole references rows. */
  saveReferences(rows: readonly StoredReference[]): Promise<void>;
  /** Records visibility grants that do not exist yet; existing ones keep their seq. */
  addGrants(grants: readonly Grant[]): Promise<void>;
  addDepartures(departures: readonly Departure[]): Promise<void>;
  insertSession(session: SessionRow): Promise<void>;
  /** Replaces the user's verification code (a new one voids the old). */
  putEmailCode(code: EmailCode): Promise<void>;
  findEmailCode(userId: string): Promise<EmailCode | null>;
  deleteEmailCode(userId: string): Promise<void>;
  /** Messages to send after commit (src/server/mail/sender.ts). */
  enqueueMail(messages: readonly NewMail[]): Promise<void>;
  loadInvitations(referenceIds: readonly string[]): Promise<Invitation[]>;
  /** Adds invitations; one that exists for the same reference and address is kept. */
  addInvitations(invitations: readonly Invitation[]): Promise<void>;
  /** Existing invitations sent again: their `invitedAt` becomes the given one, and no reminder has followed. */
  renewInvitations(invitations: readonly Invitation[]): Promise<void>;
  setInvitationReminded(referenceId: string, email: string, at: number): Promise<void>;
  // Verification (a visibility change):
  /** Ids of live references addressed to `email` by someone other than `userId`. */
  referencesAddressedTo(email: string, userId: string): Promise<string[]>;
  /** Candidates whose `users` row `email` may see. */
  grantedCandidates(email: string): Promise<string[]>;
  addReveals(reveals: readonly Reveal[]): Promise<void>;
  /** Gives existing grants new cursor values. */
  regrant(grants: readonly Grant[]): Promise<void>;
  markVerified(userId: string, seq: number): Promise<void>;
  /** The candidate's live pending references whose current address was never invited. */
  uninvitedReferencesOf(userId: string): Promise<UninvitedReference[]>;
}

export interface MailOutboxStore {
  /**
   * Claims up to `limit` messages that are due and not claimed by a live
   * lease, for `leaseMs`: another process skips them meanwhile.
   */
  claim(now: number, leaseMs: number, limit: number): Promise<MailRow[]>;
  /** Marks a message sent (its body is dropped: it may hold a code). */
  markSent(id: string, at: number): Promise<void>;
  /** Releases a message whose send failed, for another attempt at `nextAttemptAt`. */
  markFailed(id: string, error: string, nextAttemptAt: number): Promise<void>;
}

export interface SessionStore {
  /** The viewer behind a session that has not ended or expired at `now`, or null. */
  findViewer(sessionId: string, userId: string, now: number): Promise<Viewer | null>;
  insert(session: SessionRow): Promise<void>;
  /** Ends one session; false if it had ended already (or is not this user's). */
  end(sessionId: string, userId: string, now: number): Promise<boolean>;
  /** Ends every live session of the user. */
  endAll(userId: string, now: number): Promise<void>;
  /** Of `ids`, those that ended or expired by `now`. */
  ended(ids: readonly string[], now: number): Promise<string[]>;
}

export interface Store {
  readonly kind: DbKind;
  /** Resolves when the database answers (within a few seconds); rejects otherwise. */
  ping(): Promise<void>;
  findUserByEmail(email: string): Promise<StoredUser | null>;
  findUserById(id: string): Promise<StoredUser | null>;
  /** Reads one consistent snapshot: the changes after `since`, and the position up to which it is complete. */
  pull(viewer: PullViewer, since: number, limit: number): Promise<PullSnapshot>;
  /** The same, as the user of a session read in the same statement; null when the session does not live. */
  pullAs(session: PullSession, since: number, limit: number): Promise<PullSnapshot | null>;
  readonly sessions: SessionStore;
  readonly mail: MailOutboxStore;
  /** Counts one wrong code; returns the attempts so far (0 when there is no code). */
  recordWrongCode(userId: string): Promise<number>;
  findInvitationByToken(tokenHash: string): Promise<Invitation | null>;
  /** Runs `fn` in one transaction; everything or nothing is written. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
