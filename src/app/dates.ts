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

const dateFormat = () => (date ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
const dateTimeFormat = () =>
  (dateTime ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }));
const relativeFormat = () => (relative ??= new Intl.RelativeTimeFormat('en', { numeric: 'auto' }));

/**
 * Builds the formatters ahead of the first list. The first one a page makes
 * loads the locale's data: 15 to 50 ms in Chromium here, which otherwise
 * lands in the first render of a first sync, while the rows arrive.
 */
export function warmDateFormats(): void {
  dateFormat();
  dateTimeFormat();
  relativeFormat();
}

function formatDate(ms: number): string {
  return dateFormat().format(ms);
}

export function formatDateTime(ms: number): string {
  return dateTimeFormat().format(ms);
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago"; past four weeks, the date. */
export function formatAgo(ms: number, now: number): string {
  const elapsed = Math.max(0, now - ms);
  if (elapsed >= 28 * DAY) return formatDate(ms);
  if (elapsed < 60 * 1000) return 'just now';
  for (const [unit, size] of units) {
    if (elapsed >= size) return relativeFormat().format(-Math.floor(elapsed / size), unit);
  }
  return 'just now';
}
