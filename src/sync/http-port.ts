/**
 * The slice of `fetch` the engine's HTTP clients use. Browsers, Node 18+ and
 * React Native all have a global `fetch` of this shape; a platform (or a test,
 * or the simulation's network) may pass its own.
 */
export interface HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** Rejects when the body is not JSON (or the connection broke while reading it). */
  json(): Promise<unknown>;
  /**
   * The body as a byte stream (WHATWG `Response.body`), where the platform has
   * one: a pull page is then parsed as it arrives (page-parser.ts).
   */
  readonly body?: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> } } | null;
}

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type Fetch = (url: string, init: HttpRequest) => Promise<HttpResponse>;

/** The platform's global fetch, looked up at call time (a test may install one later). */
export const globalFetch: Fetch = (url, init) => {
  const platform = globalThis as { fetch?: Fetch };
  if (!platform.fetch) return Promise.reject(new TypeError('this platform has no fetch: pass one'));
  return platform.fetch(url, init);
};

/** Builds `?a=1&b=2` (URLSearchParams is not in every platform's standard library). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
