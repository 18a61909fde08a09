/**
 * Sign-outs the server has not heard of yet (CONTRACT §3 logout, logout-all).
 * Signing out ends the session on the server; offline, that waits here and is
 * sent when the network returns. Only the token is kept, nothing else of the
 * user: the sign-out has already wiped the rest from the device.
 *
 * The ending is written down BEFORE the device's data is wiped, so a tab
 * closed in the middle still ends the session at the next start. A module of
 * its own and without zod: the signed-out first page runs it.
 */

export const SESSION_ENDINGS_KEY = 'aideepref.session-endings';

export interface SessionEnding {
  token: string;
  /** logout-all: every session of the user, not only this one. */
  everywhere: boolean;
}

export interface SessionEndingsDeps {
  baseUrl?: string;
  fetch?: typeof fetch;
  storage?: () => Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Give up on one send after this long (default 5 s); it stays pending. */
  timeoutMs?: number;
}

function defaultStorage() {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
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

export function createSessionEndings(deps: SessionEndingsDeps = {}): SessionEndings {
  const base = deps.baseUrl ?? '';
  const doFetch = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const storage = deps.storage ?? defaultStorage;
  const timeoutMs = deps.timeoutMs ?? 5_000;
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
      console.warn('[auth] could not keep the sign-out for later', error);
    }
  }

  /** true once the server has answered for this ending (it is over either way). */
  async function send(ending: SessionEnding): Promise<boolean> {
    // A network that swallows requests must not hold a sign-out: it is tried again later.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await doFetch(`${base}/api/auth/${ending.everywhere ? 'logout-all' : 'logout'}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ending.token}` },
        signal: controller.signal,
      });
      // 401: the session already ended or expired. Any other 4xx would be refused again
      // just the same, so keeping it would only retry forever. 429 and 5xx: try later.
      return response.status < 500 && response.status !== 429 && response.status !== 408;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
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
      chain = chain.then(flushOnce).catch((error: unknown) => console.warn('[auth] sending a sign-out failed', error));
      return chain;
    },
  };
}

/**
 * At start, whenever the browser is back online, and every minute while any
 * wait (online but the server was down), pending endings go out.
 */
export function watchSessionEndings(endings: SessionEndings = createSessionEndings(), everyMs = 60_000): () => void {
  if (typeof window === 'undefined') return () => {};
  const flush = () => {
    if (endings.pending().length > 0) void endings.flush();
  };
  window.addEventListener('online', flush);
  const timer = setInterval(flush, everyMs);
  flush();
  return () => {
    window.removeEventListener('online', flush);
    clearInterval(timer);
  };
}
