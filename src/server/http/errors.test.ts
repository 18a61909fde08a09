import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, request, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, type TestUser } from '../../../tools/test-support/client';

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });

const LIMIT = 5 * 1024 * 1024;

/**
 * A push that would create reference `id`, padded to `bytes`, sent as `type` (undefined: no
 * Content-Type) with a Content-Length or chunked (fetch cannot send a string body without a type).
 */
function pushAs(url: string, token: string, userId: string, id: string, type: string | undefined, bytes: number, framing: 'length' | 'chunked') {
  const rec = { id, user_id: userId, referee_name: 'R', referee_email: `${id}@example.com`, message: '', updated_at: 1 };
  const head = JSON.stringify({ changes: { references: { created: [rec], updated: [], deleted: [] } }, lastPulledAt: null, pad: '' }).slice(0, -2);
  const body = Buffer.from(`${head}${'x'.repeat(bytes - head.length - 2)}"}`);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (type !== undefined) headers['content-type'] = type;
  if (framing === 'length') headers['content-length'] = String(body.length);
  return new Promise<{ status: number | 'network'; body: unknown }>((resolve) => {
    const req = httpRequest(`${url}/api/sync/push`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', (error) => resolve({ status: 'network', body: String(error) }));
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
}

describe.each(BACKENDS)('bad input gets a 4xx with the error body (%s)', (backend) => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    user = await new TestClient(server).signup('Err');
  });
  afterAll(() => server.close());

  const push = (raw: string, headers: Record<string, string> = {}) =>
    request(server.url, 'POST', '/api/sync/push', { token: user.token, raw, headers });

  it.each([
    ['broken JSON', '{"changes": {'],
    ['empty body', ''],
    ['a JSON array', '[]'],
    ['changes of the wrong type', '{"changes": 5, "lastPulledAt": null}'],
    ['a table that is not an object', '{"changes": {"references": "x"}}'],
    ['a negative lastPulledAt', '{"changes": {}, "lastPulledAt": -1}'],
    ['a prototype-poisoning key', '{"changes": {}, "__proto__": {"x": 1}}'],
  ])('push with %s → 400', async (_name, raw) => {
    const res = await push(raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorShape('invalid'));
  });

  it('one malformed record is rejected alone, whatever is wrong with it; the others are applied', async () => {
    const good = { id: 'good-one', user_id: user.id, referee_name: 'R', referee_email: 'r@example.com', message: '', updated_at: 1 };
    const res = await push(
      JSON.stringify({
        changes: { references: { created: [1, {}, [], 'str', null, { id: 42 }, good], updated: [{ id: '' }], deleted: [{}, 7, 'x'.repeat(65)] } },
        lastPulledAt: null,
      }),
    );
    expect(res.status).toBe(200);
    const body = res.body as { rejected: { references: { id: string; code: string }[] } };
    expect(body.rejected.references).toHaveLength(10);
    expect(body.rejected.references.every((r) => r.code === 'invalid')).toBe(true);
    expect(body.rejected.references.map((r) => r.id)).not.toContain('good-one');
    const pulled = await request<{ changes: { references: { created: { id: string }[] } } }>(server.url, 'GET', '/api/sync/pull', { token: user.token });
    expect(pulled.body.changes.references.created.map((r) => r.id)).toContain('good-one');
  });

  it.each([
    ['5,001 entries', (n: number) => ({ created: [], updated: [], deleted: Array.from({ length: n }, (_, i) => `d${i}`) }), 5_001],
    ['130,000 malformed items', (n: number) => ({ created: Array.from({ length: n }, () => 1), updated: [], deleted: [] }), 130_000],
    ['a million malformed items', (n: number) => ({ created: [], updated: [], deleted: Array.from({ length: n }, () => 0) }), 1_000_000],
  ])('a push of %s → 413 too_large, decided before any schema runs', async (_name, table, n) => {
    const res = await push(JSON.stringify({ changes: { references: table(n) }, lastPulledAt: null }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorShape('too_large'));
  });

  it('a push of exactly 5,000 entries is accepted', async () => {
    const deleted = Array.from({ length: 5_000 }, (_, i) => `missing-${i}`);
    const res = await push(JSON.stringify({ changes: { references: { created: [], updated: [], deleted } }, lastPulledAt: null }));
    expect(res.status).toBe(200);
  });

  it('headers too large → 431 in the error shape', async () => {
    const res = await request(server.url, 'GET', '/api/health', { headers: { 'x-pad': 'x'.repeat(20_000) } });
    expect(res.status).toBe(431);
    expect(res.body).toEqual(errorShape('invalid'));
  });

  it('a body over 5 MB → 413', async () => {
    const big = JSON.stringify({ changes: {}, lastPulledAt: null, pad: 'x'.repeat(5 * 1024 * 1024) });
    const res = await push(big);
    expect(res.status).toBe(413);
    expect(res.body).toEqual(errorShape('too_large'));
  });

  it('a body over 5 MB gets its 413 as an answer, never a cut connection, even many at once', async () => {
    const big = JSON.stringify({ changes: {}, lastPulledAt: null, pad: 'x'.repeat(6 * 1024 * 1024) });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${server.url}/api/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` }, body: big }).then(
          async (res) => ({ status: res.status, body: (await res.json()) as unknown }),
          (error: Error) => ({ status: 'network', body: String(error.cause ?? error) }),
        ),
      ),
    );
    for (const result of results) expect(result).toEqual({ status: 413, body: errorShape('too_large') });
  });

  it('a body of another media type → 415', async () => {
    const res = await push('changes=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  describe.each([
    ['application/octet-stream', 'application/octet-stream'],
    ['image/png', 'image/png'],
    ['no content type', undefined],
  ])('a body of a type no parser takes (%s)', (name, type) => {
    const tag = `typed-${name.replace(/\W/g, '')}`;
    const refused: string[] = [];
    const send = (as: string | undefined, bytes: number, framing: 'length' | 'chunked') => {
      const id = `${tag}-${bytes}-${framing}`;
      if (as === type) refused.push(id);
      return pushAs(server.url, user.token, user.id, id, as, bytes, framing);
    };

    it.each(['length', 'chunked'] as const)('over 5 MB → 413 too_large, not 415 (%s)', async (framing) => {
      expect(await send(type, LIMIT + 10, framing)).toEqual({ status: 413, body: errorShape('too_large') });
    });

    it.each(['length', 'chunked'] as const)('within 5 MB → 415 unsupported_media_type (%s)', async (framing) => {
      expect(await send(type, 10_000, framing)).toEqual({ status: 415, body: errorShape('unsupported_media_type') });
    });

    it('changes nothing either way (the same body as JSON would have)', async () => {
      expect(refused).toHaveLength(4);
      expect((await send('application/json', 10_001, 'length')).status).toBe(200);
      const pulled = await request<{ changes: { references: { created: { id: string }[] } } }>(server.url, 'GET', '/api/sync/pull', { token: user.token });
      const ids = pulled.body.changes.references.created.map((r) => r.id);
      expect(ids.filter((id) => id.startsWith(`${tag}-`))).toEqual([`${tag}-10001-length`]);
    });
  });

  it.each(['abc', '-1', '1.5', '1e3', '99999999999999999999', 'Infinity'])('pull with since=%s → 400', async (since) => {
    const res = await request(server.url, 'GET', `/api/sync/pull?since=${since}`, { token: user.token });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorShape('invalid'));
  });

  it.each(['0', '-5', 'x'])('pull with limit=%s → 400', async (limit) => {
    const res = await request(server.url, 'GET', `/api/sync/pull?limit=${limit}`, { token: user.token });
    expect(res.status).toBe(400);
  });

  it('pull with since twice → 400', async () => {
    const res = await request(server.url, 'GET', '/api/sync/pull?since=1&since=2', { token: user.token });
    expect(res.status).toBe(400);
  });

  it('an unknown API route → 404 with the error body', async () => {
    const res = await request(server.url, 'GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(errorShape('not_found'));
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a table named %s is an unknown table, not a crash', async (table) => {
    const res = await push(`{"changes": {"${table}": {"created": [{"id": "x"}], "deleted": ["y"]}}, "lastPulledAt": null}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      conflicts: [],
      rejected: { [table]: [expect.objectContaining({ id: 'x', code: 'invalid' }), expect.objectContaining({ id: 'y', code: 'invalid' })] },
    });
  });

  it('NUL characters (PostgreSQL cannot store them) are rejected, never a 500', async () => {
    const nul = '\u0000';
    const signup = await request(server.url, 'POST', '/api/auth/signup', { body: { email: `a${nul}@example.com`, name: `N${nul}`, password: 'password-1' } });
    expect(signup.status).toBe(400);
    const login = await request(server.url, 'POST', '/api/auth/login', { body: { email: `a${nul}@example.com`, password: 'password-1' } });
    expect(login.status).toBe(401);
    const rec = { id: 'nul1', user_id: user.id, referee_name: `R${nul}`, referee_email: 'r@example.com', message: `m${nul}`, updated_at: 1 };
    const res = await request(server.url, 'POST', '/api/sync/push', {
      token: user.token,
      body: { changes: { references: { created: [rec], updated: [], deleted: [`d${nul}`] } }, lastPulledAt: null },
    });
    expect(res.status).toBe(200);
    expect((res.body as { rejected: Record<string, unknown[]> }).rejected.references).toEqual([
      expect.objectContaining({ id: 'nul1', code: 'invalid' }),
      expect.objectContaining({ id: 'd\u0000', code: 'invalid' }),
    ]);
  });

  it('an oversize field in a record rejects only that record', async () => {
    const res = await request(server.url, 'POST', '/api/sync/push', {
      token: user.token,
      body: {
        changes: {
          references: {
            created: [
              { id: 'big1', user_id: user.id, referee_name: 'R', referee_email: 'r@example.com', message: 'x'.repeat(3000), updated_at: 1 },
            ],
            updated: [],
            deleted: [],
          },
        },
        lastPulledAt: null,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ conflicts: [], rejected: { references: [{ id: 'big1', code: 'invalid', message: expect.any(String) }] } });
  });
});
