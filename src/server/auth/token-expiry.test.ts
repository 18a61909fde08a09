import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration, readConfig } from '../config';
import { TestClient, type TestUser } from '../../../tools/test-support/client';
import { startServer, type TestServer } from '../../../tools/test-support/harness';
import { connectSocket } from '../../../tools/test-support/sockets';
import { TOKEN_TTL_SECONDS } from './tokens';

const unauthorized = { error: { code: 'unauthorized', message: expect.any(String) } };

/** Tokens past their lifetime are refused on HTTP (401) and Socket.IO (connect_error unauthorized). */
describe.each([
  { ttl: undefined, seconds: TOKEN_TTL_SECONDS, name: 'the default lifetime (30 days)' },
  { ttl: 3_600, seconds: 3_600, name: 'a configured lifetime (TOKEN_TTL=1h)' },
])('a token past $name', ({ ttl, seconds }) => {
  let now = Date.UTC(2026, 0, 1);
  let server: TestServer;
  let api: TestClient;
  let user: TestUser;
  beforeAll(async () => {
    server = await startServer('pglite', { clock: () => now, ...(ttl ? { tokenTtlSeconds: ttl } : {}) });
    api = new TestClient(server);
    user = await api.signup('Expiring');
  });
  afterAll(() => server.close());

  it('works until its lifetime ends', async () => {
    now += (seconds - 1) * 1000;
    expect((await api.pull(user)).status).toBe(200);
    (await connectSocket(server.url, user.token)).close();
  });

  it('gets 401 in the error shape on every sync route, then', async () => {
    now += 2 * 1000;
    const pull = await api.pull(user);
    expect(pull.status).toBe(401);
    expect(pull.body).toEqual(unauthorized);
    const push = await api.push(user, {});
    expect(push.status).toBe(401);
    expect(push.body).toEqual(unauthorized);
  });

  it('gets connect_error unauthorized on Socket.IO, then', async () => {
    await expect(connectSocket(server.url, user.token)).rejects.toThrow(/^unauthorized$/);
  });

  it('and signing in again gives a token that works', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'password-123' }),
    });
    const { token } = (await res.json()) as { token: string };
    expect((await api.pull({ ...user, token })).status).toBe(200);
  });
});

describe('TOKEN_TTL', () => {
  it.each([
    ['3600', 3_600],
    ['90m', 5_400],
    ['12h', 43_200],
    ['30d', 2_592_000],
  ])('%s → %i seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '0', '59', '1w', '-5', '1.5h', 'abc'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(/TOKEN_TTL/));

  it('is read from the environment, and absent means the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aideepref-config-'));
    try {
      const base = { DATA_DIR: dir, JWT_SECRET: 'x'.repeat(32) };
      expect(readConfig({ ...base, TOKEN_TTL: '7d' }).tokenTtlSeconds).toBe(604_800);
      expect(readConfig(base).tokenTtlSeconds).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
