/**
 * The pages of a paged pull, each asked for as soon as the transport tells
 * its cursor: where the server names it (NEXT_CURSOR_HEADER), Transport.pull's
 * `onNext` tells it once the previous page has arrived, before it is parsed,
 * checked and written (or a while after its headers on a slow link:
 * http-transport.ts), else once the previous page is parsed. So the server
 * reads page n+1 while page n is being parsed and written, and a first sync
 * takes about the longest of those per page, not their sum.
 *
 * At most one page waits ahead of the one being taken: a page's successor is
 * asked for only once that page itself is taken, so a slow device never holds
 * more than two pages however fast the server is.
 */
import type { PullResponse } from './ports';

export type FetchPage = (since: number, onNext: (cursor: number) => void) => Promise<PullResponse>;

export interface PagesAhead {
  /** The page after `since`: the one asked for ahead if its cursor matches, else a new request. */
  take(since: number): Promise<PullResponse>;
  /** Asks for the page after `since` now, unless it is already asked for. */
  ahead(since: number): void;
  /** Forgets every page asked for ahead (a run ended or started over). */
  reset(): void;
}

interface Entry {
  page: Promise<PullResponse>;
  next: number | null;
  taken: boolean;
}

export function createPagesAhead(fetchPage: FetchPage): PagesAhead {
  let waiting = new Map<number, Entry>();

  function request(since: number, taken: boolean): Entry {
    const state: Omit<Entry, 'page'> = { next: null, taken };
    const generation = waiting;
    const page = fetchPage(since, (cursor) => {
      state.next = cursor;
      // A page still waiting its turn asks for nothing yet; one from before a reset, nothing at all.
      if (state.taken && generation === waiting) ahead(cursor);
    });
    // Reported by whoever takes it; a page asked for ahead and never taken reports nothing.
    page.catch(() => {});
    return Object.assign(state, { page });
  }

  function ahead(since: number): void {
    if (!waiting.has(since)) waiting.set(since, request(since, false));
  }

  return {
    take(since) {
      const entry = waiting.get(since);
      waiting.clear();
      if (!entry) return request(since, true).page;
      entry.taken = true;
      if (entry.next !== null) ahead(entry.next);
      return entry.page;
    },
    ahead,
    reset() {
      waiting = new Map();
    },
  };
}
