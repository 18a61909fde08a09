/**
 * `/` chooses a view once the first page of a device's first sync is stored
 * (views/landing.tsx), so that the user is not kept waiting for a whole large
 * account. A referee whose waiting request comes in a later page would then
 * stay on `/references`. The landing's choice is therefore watched until that
 * first sync ends: a waiting request that arrives meanwhile moves the user to
 * `/inbox`, as long as they have done nothing yet (no key, click, touch,
 * scroll, no other view). Once they have, where they are is their choice.
 */
import type { Store } from '../web/app-client';

export interface LandingWatchState {
  /** The view the landing chose during a first sync, while it may still change its mind; null when not watching. */
  watching: '/references' | null;
  /** The watch moved the user to the inbox (the inbox says why, until they leave it). */
  moved: boolean;
}

export interface LandingWatch extends Store<LandingWatchState> {
  /** The landing chose `path`; `firstSync`: the device's first sync was still downloading. */
  landed(path: '/inbox' | '/references', firstSync: boolean): void;
  /** The user did something, left the view, or the first sync is over: the choice stands. */
  stop(): void;
  /** The watch took the user to the inbox. */
  movedToInbox(): void;
  /** The user left the inbox the watch moved them to. */
  forget(): void;
}

export function createLandingWatch(): LandingWatch {
  let state: LandingWatchState = { watching: null, moved: false };
  const listeners = new Set<() => void>();
  const set = (next: LandingWatchState) => {
    if (next.watching === state.watching && next.moved === state.moved) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    landed: (path, firstSync) => set({ watching: path === '/references' && firstSync ? path : null, moved: false }),
    stop: () => set({ ...state, watching: null }),
    movedToInbox: () => set({ watching: null, moved: true }),
    forget: () => set({ ...state, moved: false }),
  };
}

export interface LateLandingInput {
  watching: '/references' | null;
  /** Where the user is now ('/' while the landing's own redirect is under way). */
  pathname: string;
  /** A request addressed to the user waits for their answer (undefined until known). */
  waiting: boolean | undefined;
}

/** What the watch does now: move the user to the inbox, stop watching (they are elsewhere), or keep watching. */
export function lateLanding({ watching, pathname, waiting }: LateLandingInput): 'move' | 'stop' | 'watch' {
  if (watching === null) return 'watch';
  if (pathname !== watching && pathname !== '/') return 'stop';
  return waiting === true && pathname === watching ? 'move' : 'watch';
}

/** Events that mean the user started to do something on the view they landed on. */
export const INTERACTIONS = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const;
