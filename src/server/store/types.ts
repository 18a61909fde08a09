/**
 * The store port: everything the server needs from the database. SQL lives
 * only behind it (src/server/store/*); PGlite and PostgreSQL implement it with
 * the same Drizzle code.
 */
import type { references, users } from './tables';

export type StoredUser = typeof users.$inferSelect;
export type StoredReference = typeof references.$inferSelect;
export type DbKind = 'pglite' | 'postgres';
/** The columns of a user that clients receive (never password material or merge bookkeeping). */
export type PulledUser = Pick<StoredUser, 'id' | 'email' | 'name' | 'createdAt' | 'updatedAt'>;
/** The columns of a reference that clients receive (no merge bookkeeping). */
export type PulledReference = Pick<
  StoredReference,
  'id' | 'userId' | 'refereeName' | 'refereeEmail' | 'message' | 'status' | 'response' | 'respondedAt' | 'createdAt' | 'updatedAt'
>;

export interface Viewer {
  id: string;
  /** Normalized (lowercase). */
  email: string;
}

export interface PullEntry {
  kind: 'row' | 'deleted';
  table: 'users' | 'references';
  id: string;
  /** Cursor position of this change; unique per entry, so pages never split a position. */
  seq: number;
  /** First time this viewer sees the row (for `created` vs `updated`). */
  created: boolean;
}

export interface PullSnapshot {
  /** The counter as seen by the snapshot: every change at or below it is included. */
  counter: number;
  /** Changes after `since` in cursor order, at most `limit` of them. */
  entries: PullEntry[];
  /** True when entries beyond `limit` exist. */
  more: boolean;
  /** How many entries follow this page in the same snapshot: counted on the first page of a pull from 0 that has `more`, else null. */
  remaining: number | null;
  users: Map<string, PulledUser>;
  references: Map<string, PulledReference>;
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

/**
 * One writing transaction. Every writer calls `lockCounter` first: it
 * serializes writers, so the cursor values they hand out follow commit order.
 */
export interface WriteTx {
  /** Locks the counter row until commit and returns its value. */
  lockCounter(): Promise<number>;
  /** Stores the last cursor value this transaction handed out. */
  setCounter(seq: number): Promise<void>;
  findUserByEmail(email: string): Promise<StoredUser | null>;
  insertUser(user: StoredUser): Promise<void>;
  loadUsers(ids: readonly string[]): Promise<Map<string, StoredUser>>;
  loadReferences(ids: readonly string[]): Promise<Map<string, StoredReference>>;
  /** Updates the synced columns of existing users (never password material). */
  saveUsers(rows: readonly StoredUser[]): Promise<void>;
  /** Inserts or replaces whole references rows. */
  saveReferences(rows: readonly StoredReference[]): Promise<void>;
  /** Records visibility grants that do not exist yet; existing ones keep their seq. */
  addGrants(grants: readonly Grant[]): Promise<void>;
  addDepartures(departures: readonly Departure[]): Promise<void>;
}

export interface Store {
  readonly kind: DbKind;
  /** Resolves when the database answers (within a few seconds); rejects otherwise. */
  ping(): Promise<void>;
  findUserByEmail(email: string): Promise<StoredUser | null>;
  findUserById(id: string): Promise<StoredUser | null>;
  /** Reads one consistent snapshot: the counter and the changes after `since`. */
  pull(viewer: Viewer, since: number, limit: number): Promise<PullSnapshot>;
  /** Runs `fn` in one transaction; everything or nothing is written. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
