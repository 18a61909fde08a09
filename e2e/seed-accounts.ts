/**
 * Accounts with many records, written fast through the real push endpoint
 * (a first sync of thousands of records needs them on the server first).
 */
import { expect } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';

/** A new reference as WatermelonDB pushes it (CONTRACT §3), made at `at`. */
export function newWireReference(id: string, userId: string, refereeName: string, refereeEmail: string, at: number, message = ''): Record<string, unknown> {
  return {
    id,
    user_id: userId,
    referee_name: refereeName,
    referee_email: refereeEmail,
    message,
    status: 'pending',
    response: null,
    responded_at: null,
    created_at: at,
    updated_at: at,
    is_deleted: false,
    _status: 'created',
    _changed: '',
  };
}

/** Pushes new references as the token's user; the server must accept every one. */
export async function pushNewReferences(request: APIRequestContext, token: string, created: Record<string, unknown>[]): Promise<void> {
  const res = await request.post('/api/sync/push', {
    headers: { authorization: `Bearer ${token}` },
    data: { changes: { references: { created, updated: [], deleted: [] } }, lastPulledAt: null },
  });
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { rejected: Record<string, unknown[]> }).rejected).toEqual({});
}

/**
 * Gives `user` `count` pending references (referee i at referee<i>@example.com,
 * ids starting with `prefix`), pushed in parts of `part` (the server takes 5,000 at most).
 */
export async function addReferences(
  request: APIRequestContext,
  user: { token: string; id: string },
  count: number,
  options: { prefix: string; part?: number; message?: string },
): Promise<void> {
  const part = options.part ?? 2_000;
  const now = Date.now();
  for (let start = 0; start < count; start += part) {
    const created = Array.from({ length: Math.min(part, count - start) }, (_, k) => {
      const i = start + k;
      return newWireReference(`${options.prefix}${now.toString(36)}${i.toString(36).padStart(4, '0')}`, user.id, `Referee ${i}`, `referee${i}@example.com`, now, options.message);
    });
    await pushNewReferences(request, user.token, created);
  }
}

/** Signs `person` up through the API: their token and id. */
export async function signUpByApi(request: APIRequestContext, person: { email: string; name: string; password: string }): Promise<{ token: string; id: string }> {
  const signup = await request.post('/api/auth/signup', { data: person });
  expect(signup.status()).toBe(201);
  const { token, user } = (await signup.json()) as { token: string; user: { id: string } };
  return { token, id: user.id };
}
