/**
 * The Transport port over fetch (CONTRACT §3). Responses are parsed with the
 * shared zod schemas; failures become SyncError with a stable code:
 * network (nothing reached the server), unauthorized (401: keep local data,
 * ask the user to sign in again), server (other statuses), protocol (bad shape).
 */
import type { z } from 'zod';
import { REMAINING_HEADER, SERVER_TIME_HEADER } from '../shared/protocol/constants';
import { SyncError, SyncErrorCode } from '../sync/errors';
import { createPageParser } from '../sync/page-parser';
import type { ChangeSet, PullResponse, PushResponse, Transport } from '../sync/ports';
import { schemas } from './schemas';

export interface HttpTransportOptions {
  /** '' for same origin. */
  baseUrl?: string;
  getToken: () => string;
  fetch?: typeof fetch;
  /** Abort a request after this long (a flaky network can hang forever). */
  timeoutMs?: number;
}

function serverTimeOf(response: Response): number | undefined {
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

async function errorFrom(response: Response): Promise<SyncError> {
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

/** A pull page parsed as its bytes arrive (src/sync/page-parser.ts): never its whole text and its records at once. */
async function readPage(response: Response): Promise<unknown> {
  if (!response.body) return response.json();
  const parser = createPageParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.write(decoder.decode(chunk.value, { stream: true }));
  parser.write(decoder.decode());
  return parser.end();
}

function parse<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new SyncError(SyncErrorCode.protocol, `${what}: unexpected response: ${parsed.error.message}`);
  return parsed.data;
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request(
    path: string,
    init: RequestInit,
    read: (response: Response) => Promise<unknown> = (r) => r.json(),
  ): Promise<{ body: unknown; response: Response }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        ...init,
        signal: controller.signal,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${options.getToken()}` },
      });
    } catch (error) {
      clearTimeout(timer);
      throw new SyncError(SyncErrorCode.network, `network error: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      if (!response.ok) throw await errorFrom(response);
      let body: unknown;
      try {
        body = await read(response);
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') {
          throw new SyncError(SyncErrorCode.network, 'network error: response timed out');
        }
        throw new SyncError(SyncErrorCode.protocol, `${path}: response is not JSON`);
      }
      return { body, response };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async pull(since, limit): Promise<PullResponse> {
      const query = new URLSearchParams({ since: String(since) });
      if (limit !== undefined) query.set('limit', String(limit));
      const { body, response } = await request(`/api/sync/pull?${query}`, { method: 'GET' }, readPage);
      const data = parse((await schemas()).PullResponseSchema, body, 'pull');
      const result: PullResponse = { changes: data.changes as unknown as ChangeSet, timestamp: data.timestamp };
      if (data.more) {
        result.more = true;
        const remaining = Number(response.headers.get(REMAINING_HEADER) ?? NaN);
        if (Number.isInteger(remaining) && remaining >= 0) result.remaining = remaining;
      }
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
