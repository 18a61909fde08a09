/** The words that head each view: counts of what the view lists. */
import type { StatusCounts } from './records';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "1 of 6 completed", then the rest: "4 waiting for an answer, 1 declined". */
export function referencesSummary(counts: StatusCounts): { headline: string; detail: string | null } {
  if (counts.total === 0) return { headline: 'No requests yet', detail: null };
  const parts = [
    counts.pending ? `${counts.pending} waiting for an answer` : null,
    counts.declined ? `${counts.declined} declined` : null,
  ].filter(Boolean);
  return { headline: `${counts.completed} of ${counts.total} completed`, detail: parts.length ? parts.join(', ') : null };
}

/** "2 waiting for your answer", then "1 of 3 answered". */
export function inboxSummary(counts: StatusCounts): { headline: string; detail: string | null } {
  if (counts.total === 0) return { headline: 'No requests for you yet', detail: null };
  const answered = counts.completed + counts.declined;
  const headline = counts.pending ? `${plural(counts.pending, 'request', 'requests')} waiting for your answer` : 'Every request answered';
  return { headline, detail: `${answered} of ${counts.total} answered` };
}

/** "3 deletions waiting to sync": deletions leave the lists at once but still count as unsynced. */
export function pendingDeletionsText(n: number): string {
  return `${plural(n, 'deletion', 'deletions')} waiting to sync`;
}
