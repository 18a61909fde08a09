/**
 * AuthApi (app-client.ts): the session client (src/sync/session-client.ts)
 * plus the session kept in localStorage so a reload offline stays signed in, and a sign-out
 * that wipes this user's data from the device.
 */
import type { Fetch } from '../sync/http-port';
import { createSessionClient, type SessionUser } from '../sync/session-client';
import type { AppClient, AuthApi, EmailProof, Session } from './app-client';
import { deleteIndexedDb } from './delete-indexeddb';
import { clearWorkerSession } from './worker-session';
import { dbNameFor } from '../sync/watermelon/loki-adapter';
import { schemas } from './schemas';
import { channelNameFor } from './tab-channel';
import { SESSION_KEY } from './session-key';
import { createSessionEndings, type SessionEndings } from './session-endings';
import type { KeyValueStorage } from '../sync/session-endings';
import { TAB_PROTOCOL_VERSION } from './tab-messages';

export { SESSION_KEY };

/** Workbox's Background Sync queue of an earlier release (it held tokens in clear text): deleted at sign-out. */
export const WORKBOX_QUEUE_DB = 'workbox-background-sync';

export type { KeyValueStorage };

export interface AuthOptions {
  baseUrl?: string;
  fetch?: Fetch;
  storage?: () => KeyValueStorage | null;
  /** Deletes one IndexedDB database; resolves even if it stays blocked (after a timeout). */
  deleteDatabase?: (name: string) => Promise<void>;
  /** Removes the session the service worker reads (worker-session.ts). */
  forgetWorkerSession?: () => Promise<void>;
  /** Tells this user's other tabs that they signed out (tab-channel.ts). */
  notifyOtherTabs?: (userId: string) => void;
  /** Where a sign-out waits until the server has heard of it. */
  sessionEndings?: SessionEndings;
}

function broadcastSignedOut(userId: string): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(channelNameFor(userId));
  channel.postMessage({ type: 'signed-out', v: TAB_PROTOCOL_VERSION });
  channel.close();
}

function defaultStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function isSession(value: unknown): value is Session {
  const v = value as Session | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.token === 'string' &&
    typeof v.user === 'object' &&
    v.user !== null &&
    typeof v.user.id === 'string' &&
    typeof v.user.email === 'string' &&
    typeof v.user.name === 'string'
  );
}

export function createAuth(options: AuthOptions = {}): AuthApi {
  const api = createSessionClient({ baseUrl: options.baseUrl ?? '', schemas, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const storage = options.storage ?? defaultStorage;
  const deleteDatabase = options.deleteDatabase ?? ((name: string) => deleteIndexedDb(name));
  const notifyOtherTabs = options.notifyOtherTabs ?? broadcastSignedOut;
  const endings =
    options.sessionEndings ??
    createSessionEndings({ client: api, ...(options.storage ? { storage: options.storage } : {}) });
  const forgetWorkerSession =
    options.forgetWorkerSession ??
    (() => clearWorkerSession().catch((error: unknown) => console.warn('[auth] could not remove the service worker session', error)));

  function store(session: Session) {
    storage()?.setItem(SESSION_KEY, JSON.stringify(session));
  }

  async function withUser(session: Session, fetchUser: Promise<SessionUser>): Promise<Session> {
    const next: Session = { token: session.token, user: await fetchUser };
    if (restore()?.token === session.token) store(next);
    return next;
  }

  async function kept(signingIn: Promise<Session>): Promise<Session> {
    const session = await signingIn;
    store(session);
    return session;
  }

  function restore(): Session | null {
    try {
      const raw = storage()?.getItem(SESSION_KEY);
      if (!raw) return null;
      const value: unknown = JSON.parse(raw);
      if (!isSession(value)) return null;
      // Stored by a release from before verification existed: the next sign-in or check says.
      return { ...value, user: { ...value.user, email_verified: value.user.email_verified === true } };
    } catch {
      return null;
    }
  }

  return {
    signUp: (input) => kept(api.signUp(input)),
    signIn: (input) => kept(api.signIn(input)),
    verifyEmail: (session: Session, proof: EmailProof) => withUser(session, api.verifyEmail(session.token, proof)),
    sendNewCode: (session: Session) => api.sendNewCode(session.token),
    refresh: (session: Session) => withUser(session, api.me(session.token)),
    restore,
    async signOut(client: AppClient | null, signOutOptions = {}) {
      const stored = restore();
      const userId = client?.session.user.id ?? stored?.user.id ?? null;
      const token = client?.session.token ?? stored?.token ?? null;
      // Written down before anything is wiped: a tab closed during the rest still ends the
      // session on the server at the next start. Offline, it waits for the network.
      if (token) endings.record({ token, everywhere: signOutOptions.everywhere === true });
      // The session goes first: a tab that takes over as the writer when this one closes checks
      // it, and must not reopen (recreate) the database about to be deleted.
      storage()?.removeItem(SESSION_KEY);
      // Close first: an open LokiJS connection would block the deletion (and could save again).
      if (client) {
        try {
          await client.close();
        } catch (error) {
          console.warn('[auth] closing the client failed', error);
        }
      }
      // Other tabs of this user drop their copies and the writer tab lets go of the database.
      if (userId) notifyOtherTabs(userId);
      await forgetWorkerSession();
      const names = userId ? [dbNameFor(userId), WORKBOX_QUEUE_DB] : [WORKBOX_QUEUE_DB];
      await Promise.all([...names.map((name) => deleteDatabase(name)), endings.flush()]);
    },
    flushSignOuts: () => endings.flush(),
  };
}

export const auth: AuthApi = createAuth();
