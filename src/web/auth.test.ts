import { describe, expect, it } from 'vitest';
import { ApiError, type AppClient } from './app-client';
import { createAuth, SESSION_KEY, WORKBOX_QUEUE_DB, type KeyValueStorage } from './auth';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const user = { id: 'u1', email: 'ada@example.com', name: 'Ada', email_verified: false };

describe('auth', () => {
  it('signs up, keeps the session for an offline reload, and maps API errors', async () => {
    const storage = memoryStorage();
    const fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { email: string };
      if (String(url).endsWith('/signup') && body.email === 'taken@example.com') {
        return new Response(JSON.stringify({ error: { code: 'email_taken', message: 'Email taken' } }), { status: 409 });
      }
      return new Response(JSON.stringify({ token: 'tok', user }), { status: String(url).endsWith('/signup') ? 201 : 200 });
    }) as typeof globalThis.fetch;
    const auth = createAuth({ fetch, storage: () => storage, deleteDatabase: async () => {}, forgetWorkerSession: async () => {} });

    const session = await auth.signUp({ email: 'ada@example.com', name: 'Ada', password: 'password1' });
    expect(session).toEqual({ token: 'tok', user });
    expect(auth.restore()).toEqual(session);

    const error = await auth.signUp({ email: 'taken@example.com', name: 'X', password: 'password1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'ApiError', status: 409, code: 'email_taken', message: 'Email taken' });
  });

  it('reports a network failure as ApiError code network', async () => {
    const auth = createAuth({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      storage: () => memoryStorage(),
    });
    await expect(auth.signIn({ email: 'a@b.c', password: 'x' })).rejects.toMatchObject({ code: 'network', status: 0 });
  });

  it('signs out: closes the client, deletes its databases and the Workbox queue, forgets the session', async () => {
    const storage = memoryStorage();
    storage.setItem(SESSION_KEY, JSON.stringify({ token: 't', user }));
    const deleted: string[] = [];
    const events: string[] = [];
    const auth = createAuth({
      storage: () => storage,
      deleteDatabase: async (name) => void deleted.push(name),
      forgetWorkerSession: async () => void events.push("sw"),
    });
    const client = { session: { token: 't', user }, close: async () => void events.push('close') } as unknown as AppClient;
    await auth.signOut(client);
    expect(events).toEqual(['close', 'sw']);
    expect(deleted).toEqual(['aideepref-u1', WORKBOX_QUEUE_DB]);
    expect(auth.restore()).toBeNull();
  });
});
