/** Dates as the lists show them: relative when recent ("3 days ago"), the date itself otherwise. */

const DAY = 24 * 60 * 60 * 1000;
const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', DAY],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
];

let relative: Intl.RelativeTimeFormat | undefined;

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago"; past four weeks, the date. */
export function formatAgo(ms: number, now: number): string {
  const elapsed = Math.max(0, now - ms);
  if (elapsed >= 28 * DAY) return formatDate(ms);
  if (elapsed < 60 * 1000) return 'just now';
  relative ??= new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (elapsed >= size) return relative.format(-Math.floor(elapsed / size), unit);
  }
  return 'just now';
}
