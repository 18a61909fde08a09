import { useState } from 'react';

/** Lists render this many items at first: thousands of synced records must not block the first paint. */
const PAGE_SIZE = 200;

/** How many items of a list to show; each "Show more" adds a page. */
export function usePageLimit(): { limit: number; showMore(): void } {
  const [limit, setLimit] = useState(PAGE_SIZE);
  return { limit, showMore: () => setLimit((n) => n + PAGE_SIZE) };
}

export function ShowMore({ hidden, onClick }: { hidden: number; onClick(): void }) {
  if (hidden <= 0) return null;
  return (
    <button type="button" className="button button--small show-more" onClick={onClick}>
      Show {Math.min(hidden, PAGE_SIZE)} more of {hidden}
    </button>
  );
}
