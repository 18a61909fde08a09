/**
 * The app's views as addresses, over the History API: a subscribable store
 * of the current location and the route it names. Small on purpose (the
 * first page's JS has a budget); the service worker answers every navigation
 * with the shell, so each address also opens offline.
 *
 *   /                 -> chooses /inbox or /references (landing.tsx)
 *   /references       -> the candidate's requests
 *   /inbox            -> requests addressed to this user
 *   /references/<id>  -> one reference, for either side
 *   /health           -> the sync's health on this device
 *   /conflicts        -> this device's writes that lost to newer ones
 */
import type { Store } from '../web/app-client';

export type Route =
  | { name: 'home' }
  | { name: 'references' }
  | { name: 'inbox' }
  | { name: 'reference'; id: string }
  | { name: 'health' }
  | { name: 'conflicts' }
  | { name: 'not-found' };

export interface Location {
  pathname: string;
  search: string;
  hash: string;
}

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/references') return { name: 'references' };
  if (path === '/inbox') return { name: 'inbox' };
  if (path === '/health') return { name: 'health' };
  if (path === '/conflicts') return { name: 'conflicts' };
  const match = /^\/references\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    try {
      return { name: 'reference', id: decodeURIComponent(match[1]) };
    } catch {
      return { name: 'not-found' };
    }
  }
  return { name: 'not-found' };
}

export function referencePath(id: string): string {
  return `/references/${encodeURIComponent(id)}`;
}

export interface Router extends Store<Location> {
  /** `replace` keeps the history entry (a redirect, or a search box updating the address). */
  navigate(to: string, options?: { replace?: boolean }): void;
}

interface HistoryLike {
  pushState(data: unknown, unused: string, url: string): void;
  replaceState(data: unknown, unused: string, url: string): void;
}

export function createRouter(
  win: { location: Location; history: HistoryLike; addEventListener(type: 'popstate' | 'hashchange', listener: () => void): void } = window,
): Router {
  const read = (): Location => ({ pathname: win.location.pathname, search: win.location.search, hash: win.location.hash });
  let snapshot = read();
  const listeners = new Set<() => void>();
  const update = () => {
    const next = read();
    if (next.pathname === snapshot.pathname && next.search === snapshot.search && next.hash === snapshot.hash) return;
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  win.addEventListener('popstate', update);
  win.addEventListener('hashchange', update);
  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    navigate(to, options = {}) {
      if (options.replace) win.history.replaceState(null, '', to);
      else win.history.pushState(null, '', to);
      update();
    },
  };
}
