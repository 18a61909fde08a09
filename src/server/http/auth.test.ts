import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../shared/protocol';
import { BACKENDS, request, startServer, uniqueSuffix, type TestServer } from '../../../tools/test-support/harness';
import { TestClient } from '../../../tools/test-support/client';

describe.each(BACKENDS)('auth and health (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(backend);
  });
  afterAll(() => server.close());

  const email = () => `Someone-${uniqueSuffix()}@Example.com`;
  const signup = (body: unknown) => request<AuthResponse>(server.url, 'POST', '/api/auth/signup', { body });

  it('reports health and the database kind', async () => {
    const res = await request(server.url, 'GET', '/api/health');
    expect(res).toMatchObject({ status: 200, body: { ok: true, db: backend } });
  });

  it('signs up (201) with a lowercased email, then logs in with any letter case', async () => {
    const e = email();
    const res = await signup({ email: e, name: 'Ann', password: 'password-1' });
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({ id: expect.any(String), email: e.toLowerCase(), name: 'Ann', email_verified: false });
    expect(res.body.token).toEqual(expect.any(String));

    const login = await request<AuthResponse>(server.url, 'POST', '/api/auth/login', {
      body: { email: e.toUpperCase(), password: 'password-1' },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(res.body.user.id);
    const pull = await request(server.url, 'GET', '/api/sync/pull', { token: login.body.token });
    expect(pull.status).toBe(200);
  });

  it('refuses a taken email in any letter case (409)', async () => {
    const e = email();
    expect((await signup({ email: e, name: 'A', password: 'password-1' })).status).toBe(201);
    const again = await signup({ email: e.toUpperCase(), name: 'B', password: 'password-2' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: { code: 'email_taken', message: expect.any(String) } });
  });

  it('lets only one of many concurrent sign-ups with one email through', async () => {
    const e = email();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signup({ email: i % 2 ? e : e.toUpperCase(), name: 'X', password: 'password-1' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it.each([
    ['bad email', { email: 'not-an-email', name: 'A', password: 'password-1' }],
    ['empty name', { email: 'ok@example.com', name: '   ', password: 'password-1' }],
    ['short password', { email: 'ok@example.com', name: 'A', password: 'short' }],
    ['a password among the 10,000 most common', { email: 'ok@example.com', name: 'A', password: 'password123' }],
    ['a common password in other letter case', { email: 'ok@example.com', name: 'A', password: 'IloveYou1' }],
    ['an email that mixes scripts', { email: 'аlice@example.com', name: 'A', password: 'password-1' }],
    ['missing fields', {}],
    ['wrong types', { email: 5, name: [], password: {} }],
  ])('rejects sign-up with %s (400)', async (_name, body) => {
    const res = await signup(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid', message: expect.any(String) } });
  });

  it('answers 401 to a wrong password or an unknown email, without saying which', async () => {
    const e = email();
    await signup({ email: e, name: 'A', password: 'password-1' });
    const wrong = await request(server.url, 'POST', '/api/auth/login', { body: { email: e, password: 'password-2' } });
    const unknown = await request(server.url, 'POST', '/api/auth/login', {
      body: { email: `nobody-${uniqueSuffix()}@example.com`, password: 'password-1' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('requires a valid Bearer token on sync (401)', async () => {
    for (const token of [undefined, 'garbage', 'eyJhbGciOiJIUzI1NiJ9.e30.bad']) {
      const res = await request(server.url, 'GET', '/api/sync/pull', token ? { token } : {});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    const push = await request(server.url, 'POST', '/api/sync/push', { body: { changes: {}, lastPulledAt: null } });
    expect(push.status).toBe(401);
  });
});

describe('auth rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { authRateLimit: 30 });
  });
  afterAll(() => server.close());

  it('allows 30 requests a minute per auth route and address, then 429, and never limits sync', async () => {
    const e = `rl-${uniqueSuffix()}@example.com`;
    const first = await request<AuthResponse>(server.url, 'POST', '/api/auth/signup', {
      body: { email: e, name: 'R', password: 'password-1' },
    });
    expect(first.status).toBe(201);
    // Bodies that fail validation still count, and cost no password hashing: fast even on a busy machine.
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      statuses.push((await request(server.url, 'POST', '/api/auth/login', { body: {} })).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
    const limited = await request(server.url, 'POST', '/api/auth/login', { body: { email: e, password: 'password-1' } });
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    for (let i = 0; i < 40; i += 1) {
      const pull = await request(server.url, 'GET', '/api/sync/pull', { token: first.body.token });
      expect(pull.status).toBe(200);
    }
  }, 120_000);
});

describe('sync rate limit, per user', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { syncRateLimit: 600 });
  });
  afterAll(() => server.close());

  it('allows 600 pulls a minute per user, then 429 with Retry-After; other users and forged tokens do not share it', async () => {
    const api = new TestClient(server.url);
    const [busy, calm] = await Promise.all([api.signup('Busy'), api.signup('Calm')]);
    const statuses: number[] = [];
    for (let round = 0; round < 60; round += 1) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => api.pull(busy)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(600);
    const over = await api.pull(busy);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api.pull(calm)).status).toBe(200);
    // A token with busy's subject but a forged signature is counted apart (and refused).
    const [header, payload] = calm.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect((await request(server.url, 'GET', '/api/sync/pull', { token: forged })).status).toBe(401);
  }, 120_000);
});
