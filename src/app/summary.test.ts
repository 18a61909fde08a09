import { describe, expect, it } from 'vitest';
import { formatAgo } from './dates';
import { inboxSummary, pendingDeletionsText, referencesSummary } from './summary';

const counts = (pending: number, completed: number, declined: number) => ({ total: pending + completed + declined, pending, completed, declined });

describe('view summaries', () => {
  it.each([
    [counts(0, 0, 0), 'No requests yet', null],
    [counts(4, 1, 1), '1 of 6 completed', '4 waiting for an answer, 1 declined'],
    [counts(0, 2, 0), '2 of 2 completed', null],
  ])('references %o', (c, headline, detail) => {
    expect(referencesSummary(c)).toEqual({ headline, detail });
  });

  it.each([
    [counts(0, 0, 0), 'No requests for you yet', null],
    [counts(1, 1, 1), '1 request waiting for your answer', '2 of 3 answered'],
    [counts(2, 0, 0), '2 requests waiting for your answer', '0 of 2 answered'],
    [counts(0, 1, 0), 'Every request answered', '1 of 1 answered'],
  ])('inbox %o', (c, headline, detail) => {
    expect(inboxSummary(c)).toEqual({ headline, detail });
  });

  it('counts deletions', () => {
    expect(pendingDeletionsText(1)).toBe('1 deletion waiting to sync');
    expect(pendingDeletionsText(3)).toBe('3 deletions waiting to sync');
  });
});

describe('relative dates', () => {
  const now = Date.UTC(2026, 5, 15, 12);
  it.each([
    [now - 10_000, 'just now'],
    [now - 5 * 60_000, '5 minutes ago'],
    [now - 3 * 3_600_000, '3 hours ago'],
    [now - 26 * 3_600_000, 'yesterday'],
    [now - 3 * 86_400_000, '3 days ago'],
  ])('%s -> %s', (at, text) => {
    expect(formatAgo(at, now)).toBe(text);
  });
});
