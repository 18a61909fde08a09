/**
 * The last deletion of a pending request that can still be undone, as a
 * subscribable store. Offered for UNDO_SHOWN_MS (CONTRACT §5: at least 5 s),
 * and held while the user is on the notice (hover or focus), so nobody
 * loses the button while reaching for it. A newer deletion replaces it.
 *
 *   null ──offer()──▶ shown ──(time passes, not held)──▶ null
 *                       └──take() / dismiss()──────────▶ null
 */
import type { ReferenceRequestInput, Store } from '../web/app-client';

export const UNDO_SHOWN_MS = 10_000;

interface UndoOffer {
  /** The deleted record's id (its deletion is what is undone). */
  id: string;
  /** What re-creating it needs: the request exactly as it was. */
  input: ReferenceRequestInput;
}

export interface UndoStore extends Store<UndoOffer | null> {
  offer(offer: UndoOffer): void;
  /** Removes and returns the offer, to act on it. */
  take(): UndoOffer | null;
  dismiss(): void;
  /** The user is on the notice: it does not go away meanwhile. */
  hold(): void;
  /** Counts the full time again from now. */
  release(): void;
}

export interface UndoTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: UndoTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function createUndoStore(timers: UndoTimers = browserTimers, shownMs = UNDO_SHOWN_MS): UndoStore {
  let current: UndoOffer | null = null;
  let timer: unknown = null;
  let held = false;
  const listeners = new Set<() => void>();

  function set(next: UndoOffer | null) {
    current = next;
    for (const listener of [...listeners]) listener();
  }
  function stopTimer() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }
  function startTimer() {
    stopTimer();
    if (held || !current) return;
    timer = timers.setTimeout(() => {
      timer = null;
      set(null);
    }, shownMs);
  }

  return {
    getSnapshot: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    offer(offer) {
      held = false;
      set(offer);
      startTimer();
    },
    take() {
      const offer = current;
      stopTimer();
      held = false;
      if (offer) set(null);
      return offer;
    },
    dismiss() {
      stopTimer();
      held = false;
      set(null);
    },
    hold() {
      held = true;
      stopTimer();
    },
    release() {
      held = false;
      startTimer();
    },
  };
}
