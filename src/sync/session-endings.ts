/**
 * Sign-outs the server has not heard of yet (CONTRACT §3 logout, logout-all).
 * Signing out ends the session on the server; offline, that waits here and is
 * sent when the network returns. Only the token is kept, nothing else of the
 * user: the sign-out has already wiped the rest from the device.
 *
 * The ending is written down BEFORE the device's data is wiped, so a tab
 * closed in the middle still ends the session at the next start. It goes out
 * through the session client (endSession / endAllSessions); where it is kept
 * is the platform's (localStorage on the web). No zod here: the signed-out
 * first page runs it.
 */
import type { Fetch } from './http-port';
import type { Logger, Timers } from './ports';
import { silentLogger } from './ports';
import { ApiError, createSessionClient, type SessionClient } from './session-client';

export const SESSION_ENDINGS_KEY = 'aideepref.session-endings';

export interface SessionEnding {
  token: string;
  /** logout-all: every session of the user, not only this one. */
  everywhere: boolean;
}

/** A small synchronous key-value store (localStorage on the web). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SessionEndingsDeps {
  /** The session client to send with; else one over `baseUrl` and `fetch`. */
  client?: SessionClient;
  baseUrl?: string;
  fetch?: Fetch;
  storage: () => KeyValueStorage | null;
  /** Give up on one send after this long (default 5 s, with `timers`); it stays pending. */
  timeoutMs?: number;
  timers?: Timers;
  logger?: Logger;
}

function isEnding(value: unknown): value is SessionEnding {
  const v = value as SessionEnding | null;
  return typeof v === 'object' && v !== null && typeof v.token === 'string' && v.token !== '' && typeof v.everywhere === 'boolean';
}

export interface SessionEndings {
  /** Remembers that this token's session (or all of its user's) must end. */
  record(ending: SessionEnding): void;
  pending(): SessionEnding[];
  /**
   * Sends every pending ending; each one the server answered (204, or 401:
   * already over) is forgotten. Resolves once every send settled; never rejects.
   */
  flush(): Promise<void>;
}

export function createSessionEndings(deps: SessionEndingsDeps): SessionEndings {
  const client =
    deps.client ?? createSessionClient({ baseUrl: deps.baseUrl ?? '', ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const storage = deps.storage;
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const logger = deps.logger ?? silentLogger;
  // One flush at a time; one asked for meanwhile runs after it (it may have a new ending to send).
  let chain: Promise<void> = Promise.resolve();

  function pending(): SessionEnding[] {
    try {
      const value: unknown = JSON.parse(storage()?.getItem(SESSION_ENDINGS_KEY) ?? '[]');
      return Array.isArray(value) ? value.filter(isEnding) : [];
    } catch {
      return [];
    }
  }

  function save(list: SessionEnding[]): void {
    try {
      if (list.length === 0) storage()?.removeItem(SESSION_ENDINGS_KEY);
      else storage()?.setItem(SESSION_ENDINGS_KEY, JSON.stringify(list));
    } catch (error) {
      logger.warn('could not keep the sign-out for later', error);
    }
  }

  /** A network that swallows requests must not hold a sign-out: it is tried again later. */
  function bounded(work: Promise<void>): Promise<void> {
    const timers = deps.timers;
    if (!timers) return work;
    let timer: unknown = null;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = timers.setTimeout(() => reject(new ApiError(0, 'timeout', 'The sign-out timed out.')), timeoutMs);
      }),
    ]).finally(() => timers.clearTimeout(timer));
  }

  /** true once the server has answered for this ending (it is over either way). */
  async function send(ending: SessionEnding): Promise<boolean> {
    try {
      await bounded(ending.everywhere ? client.endAllSessions(ending.token) : client.endSession(ending.token));
      return true;
    } catch (error) {
      // 401: the session already ended or expired. Any other 4xx would be refused again
      // just the same, so keeping it would only retry forever. Nothing reached the server
      // (status 0), 408, 429 and 5xx: try later.
      if (!(error instanceof ApiError)) return false;
      return error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408;
    }
  }

  async function flushOnce(): Promise<void> {
    const list = pending();
    if (list.length === 0) return;
    const done = await Promise.all(list.map(send));
    const sent = new Set(list.filter((_, i) => done[i]).map((e) => `${e.everywhere}:${e.token}`));
    // Re-read: a sign-out recorded while these were in flight must stay.
    save(pending().filter((e) => !sent.has(`${e.everywhere}:${e.token}`)));
  }

  return {
    record(ending) {
      const list = pending().filter((e) => !(e.token === ending.token && e.everywhere === ending.everywhere));
      save([...list, ending]);
    },
    pending,
    flush() {
      chain = chain.then(flushOnce).catch((error: unknown) => logger.warn('sending a sign-out failed', error));
      return chain;
    },
  };
}
