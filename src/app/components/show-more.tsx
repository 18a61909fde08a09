import { useState } from 'react';

/** Lists render this many items at first: thousands of synced records must not block the first paint. */
export const PAGE_SIZE = 200;

export function useShown<T>(items: readonly T[] | undefined): { shown: readonly T[]; hidden: number; showMore(): void } {
  const [limit, setLimit] = useState(PAGE_SIZE);
  const all = items ?? [];
  return { shown: all.slice(0, limit), hidden: Math.max(0, all.length - limit), showMore: () => setLimit((n) => n + PAGE_SIZE) };
}

export function ShowMore({ hidden, onClick }: { hidden: number; onClick(): void }) {
  if (hidden <= 0) return null;
  return (
    <button type="button" className="button button--small show-more" onClick={onClick}>
      Show {Math.min(hidden, PAGE_SIZE)} more of {hidden}
    </button>
  );
}
