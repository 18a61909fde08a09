import { afterEach, describe, expect, it, vi } from 'vitest';

const real = { DateTimeFormat: Intl.DateTimeFormat, RelativeTimeFormat: Intl.RelativeTimeFormat };

afterEach(() => {
  Object.assign(Intl, real);
  vi.resetModules();
});

/** Counts the formatters built from now on. */
function countBuilt(): { readonly count: number } {
  const counter = { count: 0 };
  const counting = <T extends object>(target: T): T =>
    new Proxy(target, {
      construct(t, args) {
        counter.count += 1;
        return Reflect.construct(t as new (...a: unknown[]) => object, args) as object;
      },
    });
  Object.assign(Intl, { DateTimeFormat: counting(real.DateTimeFormat), RelativeTimeFormat: counting(real.RelativeTimeFormat) });
  return counter;
}

describe('dates', () => {
  it('builds every formatter in warmDateFormats, so formatting a list builds none', async () => {
    const built = countBuilt();
    const { formatAgo, formatDateTime, warmDateFormats } = await import('./dates');
    warmDateFormats();
    expect(built.count).toBe(3);
    const now = Date.UTC(2026, 11, 1, 12);
    formatDateTime(now);
    formatAgo(now - 3 * 24 * 60 * 60 * 1000, now);
    formatAgo(now - 90 * 24 * 60 * 60 * 1000, now);
    expect(built.count).toBe(3);
  });

  it('formats as before', async () => {
    const { formatAgo } = await import('./dates');
    const now = Date.UTC(2026, 11, 1, 12);
    expect(formatAgo(now - 10_000, now)).toBe('just now');
    expect(formatAgo(now - 24 * 60 * 60 * 1000, now)).toBe('yesterday');
    expect(formatAgo(now - 5 * 60 * 1000, now)).toBe('5 minutes ago');
  });
});
