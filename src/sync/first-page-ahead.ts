/**
 * A transport whose first page of a pull from 0 is asked for at once: at
 * sign-in, before the device's database has opened. A first sync otherwise
 * sends its first request only once the database is set up, the sync client
 * built and its first run started, and the server then takes longest over
 * that page (it counts what follows too): the two now overlap.
 *
 * The page serves the first pull from 0 with the same limit; any other first
 * pull (this device had pulled before) drops it and goes to the server. It
 * is asked for once: every later pull goes straight through.
 */
import type { PullResponse, Transport } from './ports';

export function withFirstPageAhead(transport: Transport, limit: number): Transport {
  let cursor: number | null = null;
  let hear: ((cursor: number) => void) | null = null;
  let ahead: Promise<PullResponse> | null = transport.pull(0, limit, (next) => {
    cursor = next;
    hear?.(next);
  });
  // Reported by the pull that takes it; one never taken reports nothing.
  ahead.catch(() => {});
  return {
    pull(since, pullLimit, onNext) {
      const page = ahead;
      ahead = null;
      if (!page || since !== 0 || pullLimit !== limit) return transport.pull(since, pullLimit, onNext);
      if (onNext) {
        if (cursor !== null) onNext(cursor);
        else hear = onNext;
      }
      return page;
    },
    push: (changes, lastPulledAt) => transport.push(changes, lastPulledAt),
  };
}
