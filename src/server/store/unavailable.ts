/**
 * Which errors mean "the database cannot be reached right now" (answered 503,
 * retried by clients) as opposed to a bug (500). Drizzle wraps driver errors
 * (DrizzleQueryError), so the whole `cause` chain is examined.
 */

/** Socket-level errors of node-postgres' connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server going away or refusing connections: class 08
 * (connection exception), 57P01–57P03 (admin/crash shutdown, starting up) and
 * 53300 (too many connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** node-postgres and pg-pool say these in messages without a code. */
const MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^Query read timeout$/,
  /^database ping timed out$/,
  // A writer past half the write bound (open-store.ts): rolled back, the client sends it again.
  /^a writing transaction took \d+ ms/,
];

/**
 * Every run of a writing transaction met a concurrent writer (a deadlock, a
 * create of the same record; open-store.ts): nothing was written, and the
 * same request sent again will do. Answered 503 with Retry-After, not 500.
 */
export class ContendedWriteError extends Error {
  constructor(attempts: number, cause: unknown) {
    super(`a writing transaction met concurrent writers ${attempts} times: not written`, { cause });
  }
}

/** The error and its causes, outermost first, each once (Drizzle wraps the driver's error). */
export function* causesOf(error: unknown): Generator<Error> {
  const seen = new Set<unknown>();
  for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    yield e;
  }
}

/** The outermost of `error`'s causes with a code (a SQLSTATE such as 40P01, or a socket error). */
export function codedCause(error: unknown): (Error & { code: string }) | undefined {
  for (const e of causesOf(error)) if (typeof (e as { code?: unknown }).code === 'string') return e as Error & { code: string };
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causesOf(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || isUnavailableSqlState(code))) return true;
    if (MESSAGES.some((m) => m.test(e.message))) return true;
  }
  return false;
}
