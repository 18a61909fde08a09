/**
 * Sign-out ends the session on the real server; offline the ending waits on
 * the device (the token alone) and is sent when the network returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type TestUser } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createAuth, SESSION_KEY, type KeyValueStorage } from './auth';
import { createSessionEndings, SESSION_ENDINGS_KEY } from './session-endings';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

/** fetch with a switch: off, nothing reaches the server (a network fault, not a server answer). */
function switchableFetch() {
  let online = true;
  const sent: string[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!online) throw new TypeError('Failed to fetch');
    sent.push(String(input));
    return fetch(input, init);
  }) as typeof fetch;
  return { f, sent, set: (value: boolean) => (online = value) };
}

describe('sign-out ends the session on the server', () => {
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer('pglite');
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  async function signedIn(user: TestUser, storage: KeyValueStorage, fetchImpl: typeof fetch) {
    const auth = createAuth({
      baseUrl: server.url,
      fetch: fetchImpl,
      storage: () => storage,
      deleteDatabase: async () => {},
      forgetWorkerSession: async () => {},
      notifyOtherTabs: () => {},
    });
    const session = await auth.signIn({ email: user.email, password: 'password-123' });
    return { auth, session };
  }

  it('online: the token is refused at once after Sign out, and nothing waits on the device', async () => {
    const user = await api.signup('Online');
    const storage = memoryStorage();
    const net = switchableFetch();
    const { auth, session } = await signedIn(user, storage, net.f);
    expect((await api.pull({ ...user, token: session.token })).status).toBe(200);
    await auth.signOut(null);
    expect(net.sent).toContain(`${server.url}/api/auth/logout`);
    expect((await api.pull({ ...user, token: session.token })).status).toBe(401);
    // The account's other sessions live on.
    expect((await api.pull(user)).status).toBe(200);
    expect([...storage.data.keys()]).toEqual([]);
  });

  it('offline: only the token waits, and the session ends when the network returns', async () => {
    const user = await api.signup('Offline');
    const storage = memoryStorage();
    const net = switchableFetch();
    const { auth, session } = await signedIn(user, storage, net.f);
    net.set(false);
    await auth.signOut(null);
    expect(auth.restore()).toBeNull();
    expect(storage.data.has(SESSION_KEY)).toBe(false);
    // Nothing else of the user: no session, no name, no email.
    expect([...storage.data.keys()]).toEqual([SESSION_ENDINGS_KEY]);
    expect(JSON.parse(storage.data.get(SESSION_ENDINGS_KEY)!)).toEqual([{ token: session.token, everywhere: false }]);
    expect(storage.data.get(SESSION_ENDINGS_KEY)).not.toContain(user.email);
    expect((await api.pull({ ...user, token: session.token })).status).toBe(200);

    // A later start of the app (a new instance over the same storage) sends it.
    net.set(true);
    await createSessionEndings({ baseUrl: server.url, fetch: net.f, storage: () => storage }).flush();
    expect((await api.pull({ ...user, token: session.token })).status).toBe(401);
    expect([...storage.data.keys()]).toEqual([]);
  });

  it('a server that is down keeps the ending for later; one that already ended it (401) does not', async () => {
    const user = await api.signup('Later');
    const storage = memoryStorage();
    let status = 503;
    const endings = createSessionEndings({
      baseUrl: server.url,
      storage: () => storage,
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
        status === 503 ? new Response('{}', { status }) : fetch(input, init)) as typeof fetch,
    });
    endings.record({ token: user.token, everywhere: false });
    await endings.flush();
    expect(endings.pending()).toEqual([{ token: user.token, everywhere: false }]);
    status = 200;
    await endings.flush();
    expect(endings.pending()).toEqual([]);
    expect((await api.pull(user)).status).toBe(401);
    endings.record({ token: user.token, everywhere: false });
    await endings.flush();
    expect(endings.pending()).toEqual([]);
  });

  it('Sign out everywhere ends every session of the user, made offline too', async () => {
    const user = await api.signup('Everywhere');
    const other = await api.signup('Bystander');
    const storage = memoryStorage();
    const net = switchableFetch();
    const { auth, session } = await signedIn(user, storage, net.f);
    const laptop = (await api.login(user.email)).body.token;
    net.set(false);
    await auth.signOut(null, { everywhere: true });
    for (const token of [session.token, laptop, user.token]) expect((await api.pull({ ...user, token })).status).toBe(200);
    net.set(true);
    await auth.flushSignOuts();
    for (const token of [session.token, laptop, user.token]) expect((await api.pull({ ...user, token })).status).toBe(401);
    expect((await api.pull(other)).status).toBe(200);
  });
});
