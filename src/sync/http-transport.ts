/**
 * The Transport port over fetch (CONTRACT §3). Responses are parsed with the
 * shared zod schemas; failures become SyncError with a stable code:
 * network (nothing reached the server), unauthorized (401: keep local data,
 * ask the user to sign in again), server (other statuses), protocol (bad shape).
 */
import type { z } from 'zod';
import { NEXT_CURSOR_HEADER, NEXT_NOW_HEADER, REMAINING_HEADER, RESTARTED_HEADER, SERVER_TIME_HEADER } from '../shared/protocol/constants';
import { SyncError, SyncErrorCode } from './errors';
import { globalFetch, queryString, type Fetch, type HttpResponse } from './http-port';
import type { PullResponse, PushResponse, Timers, Transport } from './ports';
import { createPageParser, type RecordCheck } from './page-parser';
import { loadProtocolSchemas, type LoadSchemas, type ProtocolSchemas } from './protocol-schemas';

export interface HttpTransportOptions {
  /** '' for same origin. */
  baseUrl?: string;
  getToken: () => string;
  fetch?: Fetch;
  /** Give up on a request after this long (a flaky network can hang forever); needs `timers`. */
  timeoutMs?: number;
  timers?: Timers;
  schemas?: LoadSchemas;
}

/**
 * A page that names its successor's cursor (NEXT_CURSOR_HEADER) tells it once
 * its own bytes have all arrived, or this long after its headers if they
 * have not by then; at once only when the server says its database reads
 * elsewhere (NEXT_NOW_HEADER). Not at once otherwise: the server (one process, its database
 * in-process with PGlite) would read the next page while it still writes
 * this one, and this one would arrive only when both had (a first sync of
 * 10,000 records here: both pages arrived together, 140 ms after the first
 * one's headers, instead of the first 20-40 ms after them). On a slow link,
 * where a page takes longer than this to arrive, the next one is still read
 * by the server while this one travels.
 */
export const NEXT_PAGE_AFTER_MS = 150; // needs `timers`: without them, only once the page has arrived

function serverTimeOf(response: HttpResponse): number | undefined {
  const value = Number(response.headers.get(SERVER_TIME_HEADER));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1_000) : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function errorFrom(response: HttpResponse, schemas: LoadSchemas): Promise<SyncError> {
  let message = `HTTP ${response.status}`;
  try {
    const { ErrorBodySchema } = await schemas();
    const body = ErrorBodySchema.safeParse(await response.json());
    if (body.success) message = `${body.data.error.code}: ${body.data.error.message}`;
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 401) return new SyncError(SyncErrorCode.unauthorized, message, 401);
  if (response.status === 429) {
    return new SyncError(SyncErrorCode.server, message, 429, retryAfterMs(response.headers.get('retry-after')));
  }
  return new SyncError(SyncErrorCode.server, message, response.status);
}

interface TextDecoderLike {
  decode(bytes?: Uint8Array, options?: { stream: boolean }): string;
}

/**
 * A pull page parsed as its bytes arrive (page-parser.ts): never its whole
 * text and its records at once, each record checked by `check` as it comes.
 * Read whole where the platform has no byte stream or no TextDecoder.
 */
async function readPage(response: HttpResponse, arrived: () => void, check: RecordCheck): Promise<{ page: unknown; checked: boolean }> {
  const Decoder = (globalThis as { TextDecoder?: new () => TextDecoderLike }).TextDecoder;
  if (!response.body || !Decoder) {
    const page: unknown = await response.json();
    arrived();
    return { page, checked: false };
  }
  const parser = createPageParser(check);
  const decoder = new Decoder();
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.write(decoder.decode(chunk.value, { stream: true }));
  arrived();
  parser.write(decoder.decode());
  const page = parser.end();
  return { page, checked: parser.checkedAll };
}

/** Each record of a page against its table's schema (a table the page schema does not know is dropped by it anyway). */
function recordCheck(schemas: ProtocolSchemas): RecordCheck {
  const rows: Record<string, z.ZodType | undefined> = schemas.PullRowSchemas;
  return (table, kind, record) => {
    const schema = kind === 'deleted' ? schemas.PulledIdSchema : kind === 'created' || kind === 'updated' ? rows[table] : undefined;
    if (!schema || !Object.hasOwn(rows, table)) return record;
    const parsed = schema.safeParse(record);
    if (!parsed.success) throw new SyncError(SyncErrorCode.protocol, `pull: unexpected response: changes.${table}.${kind}: ${parsed.error.message}`);
    return parsed.data;
  };
}

function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new SyncError(SyncErrorCode.protocol, `${what}: unexpected response: ${parsed.error.message}`);
  return parsed.data;
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalFetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const schemas = options.schemas ?? loadProtocolSchemas;
  const TIMED_OUT = new SyncError(SyncErrorCode.network, 'network error: response timed out');

  /** Rejects with TIMED_OUT after timeoutMs; the request itself is abandoned, not aborted. */
  function withTimeout<T>(work: Promise<T>): Promise<T> {
    const timers = options.timers;
    if (!timers) return work;
    let timer: unknown = null;
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = timers.setTimeout(() => reject(TIMED_OUT), timeoutMs);
      }),
    ]).finally(() => timers.clearTimeout(timer));
  }

  async function send(
    path: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
    read: (response: HttpResponse) => Promise<unknown> = (r) => r.json(),
  ): Promise<{ body: unknown; response: HttpResponse }> {
    let response: HttpResponse;
    try {
      response = await doFetch(`${base}${path}`, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${options.getToken()}` },
      });
    } catch (error) {
      if (error === TIMED_OUT) throw error;
      throw new SyncError(SyncErrorCode.network, `network error: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw await errorFrom(response, schemas);
    let body: unknown;
    try {
      body = await read(response);
    } catch (error) {
      // A record refused by its check says which and why.
      if (error instanceof SyncError) throw error;
      throw new SyncError(SyncErrorCode.protocol, `${path}: response is not JSON`);
    }
    return { body, response };
  }

  const request = (
    path: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
    read?: (response: HttpResponse) => Promise<unknown>,
  ) => withTimeout(send(path, init, read));

  return {
    async pull(since, limit, onNext): Promise<PullResponse> {
      let checked = false;
      // The schemas are asked for with the request, not before it (the first page of a sign-in
      // goes out while they may still load), and are there when its records start to arrive.
      const checking = schemas();
      // Awaited below; a request that fails first leaves it unawaited, which is no error of its own.
      checking.catch(() => {});
      const read = async (response: HttpResponse) => {
        const check = recordCheck(await checking);
        const next = response.headers.get(NEXT_CURSOR_HEADER);
        const done = (result: { page: unknown; checked: boolean }) => {
          checked = result.checked;
          return result.page;
        };
        if (!onNext || next === null || next.trim() === '' || !Number.isFinite(Number(next))) return done(await readPage(response, () => {}, check));
        const timers = options.timers;
        let timer: unknown = null;
        let told = false;
        const tell = () => {
          if (told) return;
          told = true;
          if (timer !== null) timers?.clearTimeout(timer);
          onNext(Number(next));
        };
        // The server reads elsewhere (NEXT_NOW_HEADER): at once; otherwise once the page arrived, or after a while.
        if (response.headers.get(NEXT_NOW_HEADER) === '1') tell();
        else if (timers) timer = timers.setTimeout(tell, NEXT_PAGE_AFTER_MS);
        return done(
          await readPage(response, tell, check).finally(() => {
            // A body that broke off tells nothing: the run fails with it.
            told = true;
            if (timer !== null) timers?.clearTimeout(timer);
          }),
        );
      };
      const { body, response } = await request(`/api/sync/pull${queryString({ since, limit })}`, { method: 'GET' }, read);
      const loaded = await checking;
      // Records checked one by one as they arrived: only the frame around them is left to check.
      const data = checked ? (parse(loaded.PullFrameSchema, body, 'pull') as z.infer<ProtocolSchemas['PullResponseSchema']>) : parse(loaded.PullResponseSchema, body, 'pull');
      const result: PullResponse = { changes: data.changes, timestamp: data.timestamp };
      if (data.more) {
        result.more = true;
        const remaining = Number(response.headers.get(REMAINING_HEADER) ?? NaN);
        if (Number.isInteger(remaining) && remaining >= 0) result.remaining = remaining;
      }
      if (response.headers.get(RESTARTED_HEADER) === '1') result.restarted = true;
      const serverTime = serverTimeOf(response);
      if (serverTime !== undefined) result.serverTime = serverTime;
      return result;
    },
    async push(changes, lastPulledAt): Promise<PushResponse> {
      const { body, response } = await request('/api/sync/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ changes, lastPulledAt }),
      });
      const data = parse((await schemas()).PushResponseSchema, body, 'push');
      const result: PushResponse = { conflicts: data.conflicts, rejected: data.rejected };
      const serverTime = serverTimeOf(response);
      if (serverTime !== undefined) result.serverTime = serverTime;
      return result;
    },
  };
}
