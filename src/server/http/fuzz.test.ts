import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKENDS, request, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, type TestUser } from '../../../tools/test-support/client';

/** Whatever arrives, the answer is never a 5xx (CONTRACT §3: a 5xx means a bug). */
describe.each(BACKENDS)('fuzzing every endpoint (%s)', (backend) => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    user = await new TestClient(server).signup('Fuzz');
  });
  afterAll(() => server.close());

  // 'binary' strings include NUL and lone surrogates, which PostgreSQL refuses or rewrites.
  const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 6 }));
  const scalar = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const column = fc.constantFrom(
    'id', 'user_id', 'referee_name', 'referee_email', 'message', 'status', 'response', 'responded_at',
    'updated_at', 'created_at', '_changed', '_status', 'email', 'name', 'password', '__proto__', 'constructor',
  );
  const record = fc.dictionary(column, fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), { maxKeys: 8 });
  const tableName = fc.constantFrom('users', 'references', 'sync_queue', 'constructor', '');
  const pushBody = fc.oneof(
    fc.record({
      changes: fc.dictionary(
        tableName,
        fc.record(
          { created: fc.array(record, { maxLength: 3 }), updated: fc.array(record, { maxLength: 3 }), deleted: fc.array(fc.oneof(fc.string(), scalar), { maxLength: 3 }) },
          { requiredKeys: [] },
        ),
        { maxKeys: 3 },
      ),
      lastPulledAt: fc.oneof(scalar, fc.constant(undefined)),
    }),
    fc.jsonValue(),
  );
  const endpoint = fc.constantFrom(
    ['POST', '/api/sync/push'],
    ['POST', '/api/auth/signup'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/sync/pull'],
    ['GET', '/api/health'],
    ['PUT', '/api/sync/push'],
  );
  const query = fc.dictionary(fc.constantFrom('since', 'limit', 'x'), fc.oneof(fc.string(), fc.integer().map(String)), { maxKeys: 2 });

  it('answers 2xx or 4xx to random bodies, queries and tokens', async () => {
    await fc.assert(
      fc.asyncProperty(endpoint, pushBody, query, fc.boolean(), fc.boolean(), async ([method, path], body, q, auth, rawText) => {
        const qs = new URLSearchParams(q).toString();
        const res = await request(server.url, method!, `${path}${qs ? `?${qs}` : ''}`, {
          ...(auth ? { token: user.token } : {}),
          ...(method === 'GET' ? {} : rawText ? { raw: JSON.stringify(body).slice(0, -1) } : { body }),
        });
        expect(res.status, JSON.stringify({ method, path, body, q })).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }),
      { numRuns: 300 },
    );
  }, 180_000);

  it('answers 2xx or 4xx to random headers: tokens, content types, encodings, ids', async () => {
    const [header, payload] = user.token.split('.');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = fc.oneof(
      fc.string(),
      fc.constant(user.token),
      fc.constant(`${header}.${payload}.`), // signature stripped
      fc.constant(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`),
      fc.constant(`${b64({ alg: 'HS256' })}.${b64({ sub: user.id, iss: 'aideepref', exp: 1 })}.${'x'.repeat(43)}`),
      fc.string({ unit: 'binary', maxLength: 8 }).map((junk) => `${user.token}${junk}`),
    );
    const printable = (value: string) => value.replace(/[^\x20-\x7e]/g, '');
    const headers = fc.record(
      {
        authorization: fc.oneof(token.map((t) => `Bearer ${t}`), token, fc.constant('Bearer'), fc.constant('Basic dXNlcjpwYXNz')),
        'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/octet-stream', ''),
        'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'bogus'),
        'x-request-id': fc.string({ maxLength: 300 }),
        accept: fc.constantFrom('*/*', 'text/html', 'application/json', ''),
        'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity;q=0', ''),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(endpoint, headers, fc.oneof(pushBody, fc.constant(undefined)), async ([method, path], h, body) => {
        const clean = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, printable(v)]));
        const res = await request(server.url, method!, path!, {
          headers: clean,
          ...(method === 'GET' || body === undefined ? {} : { raw: JSON.stringify(body) }),
        });
        expect(res.status, JSON.stringify({ method, path, clean })).toBeLessThan(500);
        if (res.status >= 400) expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }),
      { numRuns: 200 },
    );
  }, 180_000);

  it('never fails on nearly valid records (own ids, real emails, odd values)', async () => {
    const ids = fc.oneof(fc.constantFrom('a1', 'a2', 'a3', user.id), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }));
    const nearly = fc.record(
      {
        id: ids,
        user_id: fc.constantFrom(user.id, 'someone', null),
        referee_name: fc.oneof(fc.string({ maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constant(null)),
        referee_email: fc.constantFrom('a@example.com', user.email, 'bad', '', null),
        message: fc.oneof(fc.string({ maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constant(null), fc.integer()),
        status: fc.constantFrom('pending', 'completed', 'declined', 'other', null),
        response: fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null)),
        responded_at: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.double()),
        updated_at: fc.oneof(fc.integer({ min: 0, max: 2 ** 52 }), fc.double(), fc.constant(null)),
        name: fc.string({ maxLength: 4 }),
        email: fc.constantFrom(user.email, 'x@example.com'),
        _changed: fc.constantFrom('', 'message', 'status,response', 'name', 'bogus,updated_at'),
      },
      { requiredKeys: ['id'] },
    );
    const kind = fc.constantFrom('created', 'updated', 'deleted');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('users', 'references', 'constructor', 'toString'), kind, nearly), { maxLength: 6 }), fc.option(fc.nat()), async (items, last) => {
        const changes = Object.create(null) as Record<string, { created: unknown[]; updated: unknown[]; deleted: unknown[] }>;
        for (const [table, k, rec] of items) {
          const c = (changes[table] ??= { created: [], updated: [], deleted: [] });
          c[k].push(k === 'deleted' ? rec.id : rec);
        }
        const res = await request(server.url, 'POST', '/api/sync/push', { token: user.token, body: { changes, lastPulledAt: last } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const pull = await request(server.url, 'GET', '/api/sync/pull?since=0', { token: user.token });
        expect(pull.status).toBe(200);
      }),
      { numRuns: 150 },
    );
  }, 180_000);

  it('never answers 5xx to huge arrays of malformed items (10^5 to 10^6), in any place of any body', async () => {
    const junk = fc.constantFrom<(n: number) => unknown[]>(
      (n) => Array.from({ length: n }, () => 0),
      (n) => Array.from({ length: n }, () => null),
      (n) => Array.from({ length: n }, () => ({})),
      (n) => Array.from({ length: n }, (_, i) => (i % 2 ? 'x' : [])),
      (n) => Array.from({ length: n }, () => ({ id: 5 })),
    );
    const place = fc.constantFrom<(items: unknown[]) => unknown>(
      (items) => ({ changes: { references: { created: items } } }),
      (items) => ({ changes: { references: { updated: items, deleted: items } } }),
      (items) => ({ changes: { users: { deleted: items } }, lastPulledAt: null }),
      (items) => ({ changes: items }),
      (items) => items,
      (items) => ({ changes: { references: { created: [{ id: 'a', message: items }] } } }),
      (items) => ({ email: items, name: items, password: items }),
      (items) => ({ code: items }),
    );
    const path = fc.constantFrom('/api/sync/push', '/api/auth/signup', '/api/auth/login', '/api/auth/verify');
    await fc.assert(
      fc.asyncProperty(path, junk, place, fc.integer({ min: 100_000, max: 1_000_000 }), async (target, make, into, n) => {
        const raw = JSON.stringify(into(make(n)));
        const res = await request(server.url, 'POST', target, { token: user.token, raw });
        expect(res.status, `${target} with ${n} items`).toBeLessThan(500);
        expect(res.body).toEqual(res.status < 300 ? expect.anything() : { error: { code: expect.any(String), message: expect.any(String) } });
      }),
      { numRuns: 24 },
    );
    // Deeply nested, too: the parser's recursion must not take the server down.
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const target of ['/api/sync/push', '/api/auth/login']) {
      const res = await request(server.url, 'POST', target, { token: user.token, raw: deep });
      expect(res.status).toBeLessThan(500);
    }
    expect((await request(server.url, 'GET', '/api/health')).status).toBe(200);
  }, 300_000);
});
