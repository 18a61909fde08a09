import type { ColumnOutcome } from '../../shared/merge';

/**
 * CONTRACT §3: "server" when a column the record changes to a different value
 * lost; "local" when every changed column won and at least one of them
 * overwrote a value another write had set after the pusher's last pull.
 */
export function conflictOf(
  columns: Partial<Record<string, ColumnOutcome>>,
  colSeqs: Record<string, number>,
  lastPulledAt: number | null,
): 'server' | 'local' | null {
  const outcomes = Object.entries(columns);
  if (outcomes.some(([, o]) => o === 'server')) return 'server';
  const since = lastPulledAt ?? 0;
  const overwroteNewer = outcomes.some(([c, o]) => o === 'local' && (colSeqs[c] ?? 0) > since);
  return overwroteNewer ? 'local' : null;
}
