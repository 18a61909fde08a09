/**
 * AuthApi (app-client.ts): sign-up/sign-in against /api/auth/*, the session
 * kept in localStorage so a reload offline stays signed in, and a sign-out
 * that wipes this user's data from the device.
 */
import { CLEAR_OUTBOX } from '../sw/messages';
import { ApiError, type AppClient, type AuthApi, type EmailProof, type Session } from './app-client';
import { dbNameFor } from './loki-adapter';
import { schemas } from './schemas';
import { channelNameFor } from './tab-channel';
import { SESSION_KEY } from './session-key';
import { createSessionEndings, type SessionEndings } from './session-endings';
import { TAB_PROTOCOL_VERSION } from './tab-messages';

export { SESSION_KEY };

/** The IndexedDB database of Workbox's Background Sync queues (holds tokens in clear text). */
export const WORKBOX_QUEUE_DB = 'workbox-background-sync';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AuthOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  storage?: () => KeyValueStorage | null;
  /** Deletes one IndexedDB database; resolves even if it stays blocked (after a timeout). */
  deleteDatabase?: (name: string) => Promise<void>;
  /** Tells the service worker to drop its queued requests. */
  notifyServiceWorker?: () => void;
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

export function deleteIndexedDb(name: string, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve();
    const timer = setTimeout(() => {
      console.warn(`[auth] deleting IndexedDB "${name}" is blocked by an open connection; it will finish when that closes`);
      resolve();
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = done;
    // Another connection (the service worker's Workbox queue) holds it open: the deletion
    // completes by itself once that closes; sign-out need not wait for it.
    request.onblocked = done;
    request.onerror = () => {
      console.warn(`[auth] could not delete IndexedDB "${name}"`, request.error);
      done();
    };
  });
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
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const storage = options.storage ?? defaultStorage;
  const deleteDatabase = options.deleteDatabase ?? ((name: string) => deleteIndexedDb(name));
  const notifyOtherTabs = options.notifyOtherTabs ?? broadcastSignedOut;
  const endings =
    options.sessionEndings ??
    createSessionEndings({ baseUrl: base, fetch: doFetch, ...(options.storage ? { storage: options.storage } : {}) });
  const notifyServiceWorker =
    options.notifyServiceWorker ??
    (() => {
      try {
        navigator.serviceWorker?.controller?.postMessage({ type: CLEAR_OUTBOX });
      } catch {
        // no service worker: nothing queued
      }
    });

  function store(session: Session) {
    storage()?.setItem(SESSION_KEY, JSON.stringify(session));
  }

  /** One API request; resolves with the JSON body of a 2xx, throws ApiError otherwise. */
  async function send(path: string, init: { method?: string; body?: unknown; token?: string }): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: init.method ?? 'POST',
        headers: {
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
    }
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    if (!response.ok) {
      const { ErrorBodySchema } = await schemas();
      const error = ErrorBodySchema.safeParse(json);
      if (error.success) throw new ApiError(response.status, error.data.error.code, error.data.error.message);
      throw new ApiError(response.status, 'http_error', `The server answered ${response.status}.`);
    }
    return json;
  }

  async function withUser(session: Session, path: string, init: { method?: string; body?: unknown }): Promise<Session> {
    const json = await send(path, { ...init, token: session.token });
    const { UserResponseSchema } = await schemas();
    const parsed = UserResponseSchema.safeParse(json);
    if (!parsed.success) throw new ApiError(200, 'protocol', 'Unexpected answer from the server.');
    const next: Session = { token: session.token, user: parsed.data.user };
    if (restore()?.token === session.token) store(next);
    return next;
  }

  async function call(path: string, body: unknown): Promise<Session> {
    const json = await send(path, { body });
    const { AuthResponseSchema } = await schemas();
    const parsed = AuthResponseSchema.safeParse(json);
    if (!parsed.success) throw new ApiError(200, 'protocol', 'Unexpected answer from the server.');
    const session: Session = { token: parsed.data.token, user: parsed.data.user };
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
    signUp: (input) => call('/api/auth/signup', input),
    signIn: (input) => call('/api/auth/login', input),
    verifyEmail: (session: Session, proof: EmailProof) => withUser(session, '/api/auth/verify', { body: proof }),
    async sendNewCode(session: Session) {
      await send('/api/auth/verify/resend', { token: session.token });
    },
    refresh: (session: Session) => withUser(session, '/api/auth/me', { method: 'GET' }),
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
      notifyServiceWorker();
      const names = userId ? [dbNameFor(userId), WORKBOX_QUEUE_DB] : [WORKBOX_QUEUE_DB];
      await Promise.all([...names.map((name) => deleteDatabase(name)), endings.flush()]);
    },
    flushSignOuts: () => endings.flush(),
  };
}

export const auth: AuthApi = createAuth();
