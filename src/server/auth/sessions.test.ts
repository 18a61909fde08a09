import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, request, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, newReference, type TestUser } from '../../../tools/test-support/client';
import { connectSocket, eventually } from '../../../tools/test-support/sockets';

const unauthorized = { error: { code: 'unauthorized', message: expect.any(String) } };

/** CONTRACT §3: each token names a server-side session; logout ends it, logout-all ends them all, everywhere. */
describe.each(BACKENDS)('sessions that end (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  const signIn = async (user: TestUser): Promise<TestUser> => {
    const res = await api.login(user.email);
    expect(res.status).toBe(200);
    return { ...user, token: res.body.token };
  };
  const works = async (user: TestUser) => (await api.pull(user)).status === 200;

  it('logout ends this session only: its token gets 401 everywhere, the others keep working', async () => {
    const phone = await api.signup('Two Devices');
    const laptop = await signIn(phone);
    expect(await works(phone)).toBe(true);
    expect(await works(laptop)).toBe(true);

    const out = await request(server.url, 'POST', '/api/auth/logout', { token: phone.token });
    expect(out.status).toBe(204);
    for (const [method, path] of [
      ['GET', '/api/sync/pull'],
      ['POST', '/api/sync/push'],
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/logout'],
      ['POST', '/api/auth/verify/resend'],
    ] as const) {
      const res = await request(server.url, method, path, { token: phone.token, ...(method === 'POST' ? { body: { changes: {} } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toEqual(unauthorized);
    }
    await expect(connectSocket(server.url, phone.token)).rejects.toThrow(/^unauthorized$/);
    expect(await works(laptop)).toBe(true);
    // A push of the ended session is refused whole (its check runs inside the push's transaction).
    const record = newReference(phone, 'someone.else@example.org');
    const refused = await api.push(phone, { references: { created: [record] } });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(unauthorized);
    const seen = await api.pull(laptop);
    expect(JSON.stringify(seen.body)).not.toContain(record.id);
  });

  it('logout-all ends every session of the user and no one else\'s', async () => {
    const me = await api.signup('Everywhere');
    const other = await signIn(me);
    const stranger = await api.signup('Bystander');
    expect((await request(server.url, 'POST', '/api/auth/logout-all', { token: me.token })).status).toBe(204);
    expect(await works(me)).toBe(false);
    expect(await works(other)).toBe(false);
    expect(await works(stranger)).toBe(true);
    // Signing in again opens a new session that works.
    expect(await works(await signIn(me))).toBe(true);
  });

  it('cuts the open sockets of an ended session within a second, and leaves the others open', async () => {
    const me = await api.signup('Live');
    const other = await signIn(me);
    const mine = await connectSocket(server.url, me.token);
    const theirs = await connectSocket(server.url, other.token);
    const cut = new Promise<number>((resolve) => mine.socket.once('disconnect', () => resolve(Date.now())));
    const started = Date.now();
    expect((await request(server.url, 'POST', '/api/auth/logout', { token: me.token })).status).toBe(204);
    expect((await cut) - started).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(theirs.socket.connected).toBe(true);
    const cutToo = new Promise<void>((resolve) => theirs.socket.once('disconnect', () => resolve()));
    expect((await request(server.url, 'POST', '/api/auth/logout-all', { token: other.token })).status).toBe(204);
    await cutToo;
    mine.close();
    theirs.close();
  });

  it('a session ended behind this process\'s back (another process, the database) is cut by the sweep', async () => {
    const me = await api.signup('Swept');
    const socket = await connectSocket(server.url, me.token);
    const cut = new Promise<void>((resolve) => socket.socket.once('disconnect', () => resolve()));
    // Ended directly in the store: no broadcast reaches the socket layer.
    await server.store.sessions.endAll(me.id, Date.now());
    await cut;
    await eventually(() => expect(socket.socket.connected).toBe(false), 2_000);
    socket.close();
  });
});

describe('a token past its lifetime', () => {
  let now = Date.UTC(2026, 5, 1);
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { clock: () => now, tokenTtlSeconds: 3_600 });
  });
  afterAll(() => server.close());

  it('has its open socket cut within a second of expiring', async () => {
    const api = new TestClient(server);
    const me = await api.signup('Expires');
    const socket = await connectSocket(server.url, me.token);
    const cut = new Promise<number>((resolve) => socket.socket.once('disconnect', () => resolve(Date.now())));
    await new Promise((r) => setTimeout(r, 600));
    expect(socket.socket.connected).toBe(true);
    now += 3_600_000;
    const expiredAt = Date.now();
    expect((await cut) - expiredAt).toBeLessThan(1_000);
    socket.close();
  });
});
