/** A typed test client of the sync API, with builders for pushed records. */
import type { AuthResponse, PullResponse, PushResponse, UserResponse } from '../../src/shared/protocol';
import { request, uniqueSuffix, type Response } from './harness';
import { codeIn, waitForMail } from './mailbox';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  token: string;
  email_verified: boolean;
}

/** Where a server is and where it writes its mail. */
export interface ServerAddress {
  url: string;
  mailDir?: string;
}

const TEST_PASSWORD = 'password-123';

export type RawRecord = Record<string, unknown> & { id: string };
export type PushChanges = Record<string, { created?: RawRecord[]; updated?: RawRecord[]; deleted?: string[] } | undefined>;

export class TestClient {
  readonly url: string;
  readonly mailDir: string | undefined;

  /** With a mail folder, sign-ups verify their email as a person would: with the code mailed to them. */
  constructor(server: string | ServerAddress) {
    this.url = typeof server === 'string' ? server : server.url;
    this.mailDir = typeof server === 'string' ? undefined : server.mailDir;
  }

  async signup(name = 'User', options: { verify?: boolean; email?: string } = {}): Promise<TestUser> {
    const email = options.email ?? `${name.toLowerCase().replace(/\W/g, '')}-${uniqueSuffix()}@example.com`;
    const res = await request<AuthResponse>(this.url, 'POST', '/api/auth/signup', {
      body: { email, name, password: TEST_PASSWORD },
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    const user = { ...res.body.user, token: res.body.token };
    return (options.verify ?? this.mailDir !== undefined) ? this.verify(user) : user;
  }

  /** Reads the newest verification code mailed to the user and enters it. */
  async verify(user: TestUser): Promise<TestUser> {
    if (!this.mailDir) throw new Error('this TestClient has no mail folder to read the code from');
    const mail = await waitForMail(this.mailDir, { to: user.email, kind: 'verification' });
    const code = codeIn(mail[mail.length - 1]!.text);
    const res = await request<UserResponse>(this.url, 'POST', '/api/auth/verify', { token: user.token, body: { code } });
    if (res.status !== 200) throw new Error(`verify failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...user, email_verified: true };
  }

  async login(email: string, password = TEST_PASSWORD): Promise<Response<AuthResponse>> {
    return request<AuthResponse>(this.url, 'POST', '/api/auth/login', { body: { email, password } });
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

/**
 * The answer to a push of new references that changed nothing else: each is
 * reported `winner: "server"`, because the server dates it (created_at is the
 * time of receipt, CONTRACT §3) and the device must pull that date.
 */
export function acceptedNew(...records: { id: string }[]): PushResponse {
  return { conflicts: records.map((r) => ({ table: 'references', id: r.id, winner: 'server' as const })), rejected: {} };
}

let counter = 0;
function newRecordId(): string {
  counter += 1;
  return `r${uniqueSuffix()}${counter}`;
}

/** A reference as WatermelonDB pushes a newly created one. */
export function newReference(candidate: TestUser, refereeEmail: string, overrides: Partial<RawRecord> = {}): RawRecord {
  // Made a moment before it is sent, as on a device: a server that answers within the same
  // millisecond would otherwise find created_at equal to its time of receipt (no conflict).
  const now = Date.now() - 1;
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
