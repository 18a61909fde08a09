/**
 * The engine's ports. Everything platform-specific (fetch, sockets,
 * navigator.onLine, IndexedDB durability, timers, the wall clock) comes in
 * through these; src/web implements them for the browser, tests with fakes.
 */
import type { z } from 'zod';
import type { SyncedTable } from '../shared/schema';
import type { ConflictSchema, PushedRecordSchema, PullResponseSchema, PushResponseSchema, RejectionSchema } from '../shared/protocol/sync';

// The wire's shapes are the zod protocol schemas' (src/shared/protocol), which the
// server parses requests with and the transport parses answers with: one definition each.

/** A row as the wire carries it: `{id, <column>: value}` (a pushed record's shape). */
export type WireRow = z.infer<typeof PushedRecordSchema>;

export interface TableChanges {
  created: WireRow[];
  updated: WireRow[];
  deleted: string[];
}

/** What a push carries and what the engine applies: every pulled page is one (PullResponseSchema's `changes`). */
export type ChangeSet = Partial<Record<SyncedTable, TableChanges>> & Record<string, TableChanges | undefined>;

export type PullResponse = Omit<z.infer<typeof PullResponseSchema>, 'changes'> & {
  /** PullResponseSchema's `changes`, read as the ChangeSet the engine applies (it is one: no cast). */
  changes: ChangeSet;
  /** With `more`: how many entries remain after this page, when the server says. */
  remaining?: number;
  /** The server's clock (`x-server-time` header) when it answered, if sent. */
  serverTime?: number;
  /**
   * The server did not know the cursor asked from (its database was restored
   * from a backup, or replaced) and started over from 0 (RESTARTED_HEADER):
   * the page carries no deletions, and what the device holds from before may
   * be unknown to the server.
   */
  restarted?: true;
};

export type PushConflict = z.infer<typeof ConflictSchema>;

export type PushRejection = z.infer<typeof RejectionSchema>;

export type PushResponse = z.infer<typeof PushResponseSchema> & {
  serverTime?: number;
};

/** Pull/push over HTTP. */
export interface Transport {
  /**
   * One page of changes after `since` (0 = everything). Rejects with a
   * SyncError: `network` when nothing reached the server, `unauthorized` on
   * 401, `server`/`protocol` otherwise. Never resolves with partial data.
   * `onNext`, when given, hears the cursor the page ends at before the page
   * is parsed and returned, where the server names it early (the HTTP
   * transport: once the page's bytes have arrived, or NEXT_PAGE_AFTER_MS
   * after its headers if they have not).
   */
  pull(since: number, limit?: number, onNext?: (cursor: number) => void): Promise<PullResponse>;
  /**
   * Sends local changes. Idempotent on the server (pushing twice = once), so
   * the engine may resend after an error whose outcome it does not know.
   * Rejects like `pull`.
   */
  push(changes: ChangeSet, lastPulledAt: number | null): Promise<PushResponse>;
}

export type RealtimeEvent = {
  type: 'reference:created' | 'reference:updated' | 'reference:deleted';
  payload: unknown;
};

/** Server-sent hints that something changed. */
export interface Realtime {
  /**
   * Calls `onEvent` for every event and `onConnect` on every (re)connect, so
   * the engine can pull what it missed while disconnected. Returns a function
   * that stops both and closes the connection.
   */
  start(handlers: { onEvent: (event: RealtimeEvent) => void; onConnect: () => void }): () => void;
  /** Replaces the credentials for the next (re)connection. */
  setToken(token: string): void;
}

/** The wall clock. Milliseconds since the epoch; may be skewed and may jump. */
export type WallClock = () => number;

export type TimerHandle = unknown;

/** Timers; fake ones in tests. */
export interface Timers {
  /** Calls `fn` once after at least `ms`; never synchronously. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for one that fired or was cleared. */
  clearTimeout(handle: TimerHandle): void;
}

export interface NetworkSnapshot {
  /** The platform reports a connection AND the server answered the last probe. */
  online: boolean;
}

/** Whether the server can be reached. */
export interface NetworkStatus {
  getStatus(): NetworkSnapshot;
  /** Calls `listener` after every change of `online`, never for repeats. */
  subscribe(listener: (status: NetworkSnapshot) => void): () => void;
  /**
   * Asks for a fresh probe (e.g. after a request failed); the result arrives
   * through subscribe, and the promise resolves once getStatus() reflects it.
   */
  recheck(): Promise<void>;
}

export interface Logger {
  debug(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** Makes committed local writes survive a reload or a crash. */
export interface Persistence {
  /**
   * Resolves once every write committed before the call is on disk. Rejects
   * when the device cannot store it (e.g. storage full); the binding has told
   * the user by then, so callers decide only what to do with the write.
   */
  saveNow(): Promise<void>;
}

export const silentLogger: Logger = {
  debug() {},
  warn() {},
  error() {},
};
