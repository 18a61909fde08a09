import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { request, startServer, type TestServer } from '../../tools/test-support/harness';
import { TestClient, newReference } from '../../tools/test-support/client';

describe('logs', () => {
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await startServer('pglite', { logger: createLogger('debug', sink) });
  });
  afterAll(() => server.close());

  it('carry a request id and never passwords, tokens or record contents', async () => {
    const api = new TestClient(server);
    const user = await api.signup('Logged');
    await request(server.url, 'POST', '/api/auth/login', { body: { email: user.email, password: 'password-123' } });
    const rec = newReference(user, 'referee@example.com', { message: 'SECRET-MESSAGE-MARKER' });
    await api.push(user, { references: { created: [rec] } });
    await api.pull(user);
    await request(server.url, 'POST', '/api/sync/push', { token: user.token, raw: '{"broken' });

    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    expect(all).not.toContain('password-123');
    expect(all).not.toContain(user.token);
    expect(all).not.toContain('SECRET-MESSAGE-MARKER');
    const requests = lines
      .map((l) => JSON.parse(l) as { reqId?: string; msg: string; req?: { method: string; url: string }; res?: { statusCode: number }; responseTime?: number })
      .filter((l) => l.msg === 'request completed');
    // One line per request, with what an access log needs.
    expect(requests.filter((r) => r.req?.url === '/api/sync/push').map((r) => r.res?.statusCode)).toEqual([200, 400]);
    expect(lines.some((l) => l.includes('incoming request'))).toBe(false);
    for (const entry of requests) {
      expect(entry.reqId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.responseTime).toBeGreaterThanOrEqual(0);
    }
  });
});
