/** A typed test client of the sync API, with builders for pushed records. */
import type { AuthResponse, PullResponse, PushResponse } from '../../shared/protocol';
import { request, uniqueSuffix, type Response } from './harness';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  token: string;
}

export type RawRecord = Record<string, unknown> & { id: string };
export type PushChanges = Record<string, { created?: RawRecord[]; updated?: RawRecord[]; deleted?: string[] } | undefined>;

export class TestClient {
  constructor(readonly url: string) {}

  async signup(name = 'User'): Promise<TestUser> {
    const email = `${name.toLowerCase().replace(/\W/g, '')}-${uniqueSuffix()}@example.com`;
    const res = await request<AuthResponse>(this.url, 'POST', '/api/auth/signup', {
      body: { email, name, password: 'password-123' },
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...res.body.user, token: res.body.token };
  }

  pull(user: TestUser, since?: number | string, limit?: number): Promise<Response<PullResponse>> {
    const params = new URLSearchParams();
    if (since !== undefined) params.set('since', String(since));
    if (limit !== undefined) params.set('limit', String(limit));
    return request<PullResponse>(this.url, 'GET', `/api/sync/pull?${params}`, { token: user.token });
  }

  /** Pulls until `more` is absent; returns every page and the final cursor. */
  async pullAll(user: TestUser, since = 0, limit?: number): Promise<{ pages: PullResponse[]; timestamp: number }> {
    const pages: PullResponse[] = [];
    let cursor = since;
    for (let i = 0; i < 10_000; i += 1) {
      const res = await this.pull(user, cursor, limit);
      if (res.status !== 200) throw new Error(`pull failed: ${res.status} ${JSON.stringify(res.body)}`);
      pages.push(res.body);
      cursor = res.body.timestamp;
      if (!res.body.more) break;
    }
    return { pages, timestamp: cursor };
  }

  push(user: TestUser, changes: PushChanges, lastPulledAt: number | null = null): Promise<Response<PushResponse>> {
    const full: Record<string, { created: RawRecord[]; updated: RawRecord[]; deleted: string[] }> = {};
    for (const [table, c] of Object.entries(changes)) {
      if (!c) continue;
      full[table] = { created: c.created ?? [], updated: c.updated ?? [], deleted: c.deleted ?? [] };
    }
    return request<PushResponse>(this.url, 'POST', '/api/sync/push', { token: user.token, body: { changes: full, lastPulledAt } });
  }
}

let counter = 0;
export function newRecordId(): string {
  counter += 1;
  return `r${uniqueSuffix()}${counter}`;
}

/** A reference as WatermelonDB pushes a newly created one. */
export function newReference(candidate: TestUser, refereeEmail: string, overrides: Partial<RawRecord> = {}): RawRecord {
  const now = Date.now();
  return {
    id: newRecordId(),
    user_id: candidate.id,
    referee_name: 'Referee',
    referee_email: refereeEmail,
    message: 'Please vouch for me',
    status: 'pending',
    response: null,
    responded_at: null,
    server_id: null,
    sync_status: 'pending',
    last_synced_at: null,
    created_at: now,
    updated_at: now,
    is_deleted: false,
    _status: 'created',
    _changed: '',
    ...overrides,
  };
}

/** An update as WatermelonDB pushes it: the full raw row plus `_changed`. */
export function updateOf(row: RawRecord, changes: Record<string, unknown>, updatedAt: number): RawRecord {
  return {
    ...row,
    ...changes,
    updated_at: updatedAt,
    _status: 'updated',
    _changed: [...Object.keys(changes), 'updated_at'].join(','),
  };
}

/** Every id a pull result names, per table and kind. */
export function idsOf<T extends 'users' | 'references'>(res: PullResponse, table: T) {
  const c = res.changes[table] as PullResponse['changes'][T];
  return {
    created: c.created.map((r) => r.id),
    updated: c.updated.map((r) => r.id),
    deleted: c.deleted,
    rows: [...c.created, ...c.updated] as PullResponse['changes'][T]['created'],
  };
}
