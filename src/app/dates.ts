/** Dates as the lists show them: relative when recent ("3 days ago"), the date itself otherwise. */

const DAY = 24 * 60 * 60 * 1000;
const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', DAY],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
];

// Made once: each toLocaleString(…, options) call builds a formatter, which for a
// list of 200 items cost tens of milliseconds of every render (npm run bench: cold_start_10k_ms).
let relative: Intl.RelativeTimeFormat | undefined;
let date: Intl.DateTimeFormat | undefined;
let dateTime: Intl.DateTimeFormat | undefined;

function formatDate(ms: number): string {
  date ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  return date.format(ms);
}

export function formatDateTime(ms: number): string {
  dateTime ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
  return dateTime.format(ms);
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
