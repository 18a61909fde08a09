import type { MergeResult } from '../../shared/merge';

/**
 * CONTRACT §3: "server" when a column the record changes to a different value
 * lost; "local" when every changed column won and at least one of them
 * overwrote a value another write had set after the pusher's last pull.
 *
 * "server" also whenever the pusher's copy of the record, which it marks
 * synced after the push, is not what the server keeps although nothing it
 * sent is older than the pusher's last pull could tell: a column lost to a
 * newer write of the SAME value (the server's row has that newer updated_at),
 * or the stamp was clamped (the server's row has the time of receipt). The
 * client pulls at once after a "server" conflict; the record always gets a new
 * cursor position with it (see `mustMove`), so that pull brings the row.
 */
export function conflictOf(
  merged: Pick<MergeResult<string>, 'columns' | 'time'>,
  stamp: number,
  storedTimes: Readonly<Record<string, number>>,
  colSeqs: Readonly<Record<string, number>>,
  lastPulledAt: number | null,
): 'server' | 'local' | null {
  const outcomes = Object.entries(merged.columns);
  if (outcomes.some(([, o]) => o === 'server')) return 'server';
  if (merged.time !== stamp) return 'server';
  if (outcomes.some(([c, o]) => o === 'kept' && (storedTimes[c] ?? -Infinity) > merged.time)) return 'server';
  const since = lastPulledAt ?? 0;
  const overwroteNewer = outcomes.some(([c, o]) => o === 'local' && (colSeqs[c] ?? 0) > since);
  return overwroteNewer ? 'local' : null;
}

/**
 * Whether the record must be written with a new cursor position although the
 * merge may have changed no data: its state changed, a clamped stamp must be
 * remembered, the pusher is told it lost, or the row's updated_at is not the
 * pusher's stamp (e.g. a replay after a newer write to another column) — the
 * pusher's next pull then brings the server's row, so its copy never keeps an
 * updated_at the server does not have.
 */
export function mustMove(
  merged: Pick<MergeResult<string>, 'changed' | 'clampRemembered' | 'state'>,
  stamp: number,
  conflict: 'server' | 'local' | null,
): boolean {
  return merged.changed || merged.clampRemembered || conflict === 'server' || merged.state.updatedAt !== stamp;
}
