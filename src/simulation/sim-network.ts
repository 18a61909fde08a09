/**
 * The network between devices and the server, under the simulation's
 * control. A device's fetch only ENQUEUES its request; the simulation
 * delivers queued messages one at a time (so commit order is decided by the
 * seed, not by sockets), and may lose a request before the server sees it or
 * lose the response after the server committed it. Real-time hints travel
 * through the same queue.
 */
import type { RealtimeEvent } from '../sync/ports';

export interface QueuedRequest {
  kind: 'request';
  seq: number;
  device: string;
  incarnation: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
}

export interface QueuedHint {
  kind: 'hint';
  seq: number;
  device: string;
  incarnation: number;
  event: RealtimeEvent;
}

export type QueuedMessage = QueuedRequest | QueuedHint;

/** What the server answered to one delivered request (seen by the simulation even if the device never gets it). */
export interface Exchange {
  request: QueuedRequest;
  status: number;
  body: unknown;
  text: string;
  headers: Record<string, string>;
}


function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k.toLowerCase()] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  return out;
}

export class SimNetwork {
  readonly queue: QueuedMessage[] = [];
  private seq = 0;

  constructor(
    private readonly serverUrl: string,
    private readonly isOnline: (device: string) => boolean,
  ) {}

  /** The fetch a device incarnation uses: never touches the network by itself. */
  fetchFor(device: string, incarnation: number): typeof fetch {
    return ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (!this.isOnline(device)) return Promise.reject(new TypeError('fetch failed: offline'));
      return new Promise<Response>((resolve, reject) => {
        this.queue.push({
          kind: 'request',
          seq: (this.seq += 1),
          device,
          incarnation,
          method: init?.method ?? 'GET',
          path: url.pathname + url.search,
          headers: headersOf(init),
          body: typeof init?.body === 'string' ? init.body : undefined,
          resolve,
          reject,
        });
      });
    }) as typeof fetch;
  }

  pushHint(device: string, incarnation: number, event: RealtimeEvent): void {
    this.queue.push({ kind: 'hint', seq: (this.seq += 1), device, incarnation, event });
  }

  take(index: number): QueuedMessage {
    const [message] = this.queue.splice(index, 1);
    if (!message) throw new Error(`no queued message ${index}`);
    return message;
  }

  hasRequestFrom(device: string, incarnation: number): boolean {
    return this.queue.some((m) => m.kind === 'request' && m.device === device && m.incarnation === incarnation);
  }

  /** The connection dropped: the device's requests fail (none reached the server), its hints are gone. */
  disconnect(device: string): number {
    let failed = 0;
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      const m = this.queue[i]!;
      if (m.device !== device) continue;
      this.queue.splice(i, 1);
      if (m.kind === 'request') {
        failed += 1;
        m.reject(new TypeError('fetch failed: connection lost'));
      }
    }
    return failed;
  }

  /** The process died: its requests vanish without an answer (nobody is left to receive one). */
  forget(device: string, incarnation: number): QueuedMessage[] {
    const gone: QueuedMessage[] = [];
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      const m = this.queue[i]!;
      if (m.device === device && m.incarnation === incarnation) gone.push(...this.queue.splice(i, 1));
    }
    return gone;
  }

  /** Sends the request to the real server and returns what it answered; does not settle the device's promise. */
  async exchange(request: QueuedRequest): Promise<Exchange> {
    const res = await fetch(this.serverUrl + request.path, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { request, status: res.status, body, text, headers };
  }

  static respond(request: QueuedRequest, exchange: Exchange): void {
    request.resolve(new Response(exchange.text, { status: exchange.status, headers: exchange.headers }));
  }
}
