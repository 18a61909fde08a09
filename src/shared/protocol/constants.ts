/**
 * The protocol's plain names and checks, without zod, so a client can use
 * them without loading the schemas (the app's first-page JS does not carry
 * zod: src/sync/protocol-schemas.ts loads it with the first API answer).
 * Re-exported by the modules that always held them.
 */
import { LIMITS, normalizeEmail } from '../schema';
import { emailMixesScripts } from './scripts';

/** Socket.IO event names of CONTRACT §4. */
export const REFERENCE_EVENTS = {
  created: 'reference:created',
  updated: 'reference:updated',
  deleted: 'reference:deleted',
} as const;
export type ReferenceEventName = (typeof REFERENCE_EVENTS)[keyof typeof REFERENCE_EVENTS];

/** Message of the `connect_error` a bad token gets. */
export const UNAUTHORIZED_SOCKET_MESSAGE = 'unauthorized';

/** Response header carrying the server's clock, so clients keep their hybrid clock ahead of it. */
export const SERVER_TIME_HEADER = 'x-server-time';
/**
 * On the first page of a pull from 0 that has `more`: how many entries remain
 * after it (for a progress bar; the body stays exactly the contract's shape).
 */
export const REMAINING_HEADER = 'x-sync-remaining';
/**
 * On every page that has `more`: the cursor the page ends at (its body's
 * `timestamp`), so a client can ask for the next page while this one is
 * still arriving and being parsed.
 */
export const NEXT_CURSOR_HEADER = 'x-sync-next';
/**
 * `1` beside NEXT_CURSOR_HEADER from a server whose database runs in a
 * process of its own (PostgreSQL): it reads the next page there while it
 * writes this one out, so the client asks at once. Without it (PGlite, the
 * database in the server's own thread) the client asks once this page has
 * arrived: asked earlier, the two pages would share the thread and both
 * arrive late.
 */
export const NEXT_NOW_HEADER = 'x-sync-next-now';

/**
 * `1` on a page answering a cursor the server's database never issued (it
 * was restored from a backup, or replaced): the page starts over from 0, so
 * it carries no deletions, and what the client holds from before may be
 * unknown to the server. The body keeps the contract's shape.
 */
export const RESTARTED_HEADER = 'x-sync-restarted';

/**
 * Field checks both sides share, so a value the client accepts is one the
 * server accepts. Deliberately looser than RFC 5322: one `@`, a dot in the domain.
 */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** PostgreSQL text cannot hold U+0000: such input must be refused before it reaches a query. */
export function hasNul(value: string): boolean {
  return value.includes('\u0000');
}

export function isValidEmail(value: string): boolean {
  const email = normalizeEmail(value);
  return email.length <= LIMITS.email && EMAIL_SHAPE.test(email) && !hasNul(email) && !emailMixesScripts(email);
}
