/**
 * What the React app needs from the client side, and nothing more: the app
 * renders this and WatermelonDB queries; it never syncs by itself.
 * Implemented by create-app-client.ts.
 */
import type { Database } from '@nozbe/watermelondb';
import type { EmailProof, Session, SignInInput, SignUpInput } from '../sync/session-client';

export { ApiError, type EmailProof, type Session, type SessionUser, type SignInInput, type SignUpInput } from '../sync/session-client';

export interface ReferenceRequestInput {
  refereeName: string;
  refereeEmail: string;
  message: string;
}

/** Everything the sync indicator, banner and failure notice show; derived from observed data. */
export interface SyncState {
  /** navigator.onLine and the server answers /api/health. */
  online: boolean;
  syncing: boolean;
  /** Records with local changes not yet acknowledged by the server. */
  pendingCount: number;
  /** Outbox entries that used up their retries. */
  failedCount: number;
  lastError: string | null;
  /** When the last sync succeeded (since this client started). */
  lastSuccessAt: number | null;
  /** The last failed sync, kept after later successes: when, why in a few words, and the error's message. */
  lastFailure: { at: number; reason: string; message: string } | null;
  /** Set while the first sync on this device runs. */
  initialSync: { received: number; total: number | null } | null;
  /** The server refused the token: the user must sign in again; local data is kept. */
  authExpired: boolean;
}

export interface Store<T> {
  getSnapshot(): T;
  subscribe(listener: () => void): () => void;
}

export interface AppClient {
  readonly session: Session;
  readonly database: Database;
  readonly state: Store<SyncState>;
  /** Ask for a sync soon; coalesced with one already running. */
  syncNow(): void;
  retryFailed(): void;
  /** Each action writes locally first (durably) and resolves before any network. */
  requestReference(input: ReferenceRequestInput): Promise<void>;
  /**
   * Changes a pending request's referee name, email or message: only the fields where `input` differs from
   * `openedWith` (what the form showed when it opened) are written, so an edit that arrived meanwhile survives.
   */
  editRequest(id: string, input: ReferenceRequestInput, openedWith: ReferenceRequestInput): Promise<void>;
  deleteReference(id: string): Promise<void>;
  respond(id: string, response: string): Promise<void>;
  decline(id: string): Promise<void>;
  /** Asks for a reminder to the referee (mailed by the server once this syncs, 24 h after the last). */
  remind(id: string): Promise<void>;
  /**
   * `Restore mine`: writes this device's losing value of a conflict-log entry (by its key) again, as a new write.
   * For a request deleted under the candidate's changes, a new request with the same referee and their
   * message (a deletion is final on the server); the entry then names it (`restoredAs`).
   */
  restoreConflict(key: string): Promise<void>;
  /** Drop a local change the server rejected and take the server's version back. */
  discardLocalChange(table: 'users' | 'references', id: string): Promise<void>;
  /** Replace the token after signing in again (see SyncState.authExpired). */
  renewSession(session: Session): void;
  close(): Promise<void>;
}

export interface AuthApi {
  signUp(input: SignUpInput): Promise<Session>;
  signIn(input: SignInInput): Promise<Session>;
  /** Proves the session's email; resolves with the session, now verified. */
  verifyEmail(session: Session, proof: EmailProof): Promise<Session>;
  /** Asks for a new verification code (at most one a minute). */
  sendNewCode(session: Session): Promise<void>;
  /** The session with the server's current view of its user (e.g. verified on another device). */
  refresh(session: Session): Promise<Session>;
  /** The session stored on this device, so a reload offline stays signed in. */
  restore(): Session | null;
  /**
   * Ends the session on the server (with `everywhere`, every session of the
   * user) and wipes this user's local data (database, service-worker queue,
   * stored token). Offline, the server hears of it when the network returns.
   */
  signOut(client: AppClient | null, options?: SignOutOptions): Promise<void>;
  /** Sends sign-outs made offline; resolves once they settled (never rejects). */
  flushSignOuts(): Promise<void>;
}

export interface SignOutOptions {
  /** Sign out everywhere: every device's session of this user ends. */
  everywhere?: boolean;
}
