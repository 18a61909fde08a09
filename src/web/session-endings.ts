/**
 * The web's side of sign-outs the server has not heard of yet
 * (src/sync/session-endings.ts): kept in localStorage, sent at start,
 * whenever the browser is back online, and every minute while any wait.
 */
import { createSessionEndings as createCore, type SessionEndings, type SessionEndingsDeps } from '../sync/session-endings';
import { browserTimers } from './browser-timers';
import { consoleLogger } from './console-logger';

export { SESSION_ENDINGS_KEY, type SessionEnding, type SessionEndings } from '../sync/session-endings';

function defaultStorage() {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The core with the browser's storage, timers and console as defaults. */
export function createSessionEndings(deps: Partial<SessionEndingsDeps> = {}): SessionEndings {
  return createCore({ storage: defaultStorage, timers: browserTimers, logger: consoleLogger, ...deps });
}

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
