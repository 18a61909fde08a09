import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createFileTransport } from '../mail/transports';
import { openStore } from '../store/open-store';
import type { Store } from '../store/types';
import { codedCause, isDatabaseUnavailable } from '../store/unavailable';
import { ConcurrentCreateError } from '../store/write-tx';
import { TestClient, newReference, type TestUser } from '../../../tools/test-support/client';
import { request } from '../../../tools/test-support/harness';

const refused = () =>
  new DrizzleQueryError('select 1', [], Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

describe('which errors mean the database is unreachable', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['ECONNREFUSED (wrapped by Drizzle)', refused()],
    ['a connection ended mid-query', new Error('Connection terminated unexpectedly')],
    ['pg_terminate_backend', pgError('57P01', 'terminating connection due to administrator command')],
    ['the server starting up', pgError('57P03', 'the database system is starting up')],
    ['a connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a broken client reused', new Error('Client has encountered a connection error and is not queryable')],
  ])('%s → unavailable', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', new DrizzleQueryError('selec', [], pgError('42601', 'syntax error'))],
    ['not an error', 'ECONNREFUSED'],
  ])('%s → not unavailable', (_name, error) => expect(isDatabaseUnavailable(error)).toBe(false));

  it("finds the driver's code and message under Drizzle's wrapper, which carries the statement's parameters", () => {
    const wrapped = new DrizzleQueryError('insert into t values ($1)', ['secret reference text'], pgError('40P01', 'deadlock detected'));
    expect(codedCause(wrapped)).toMatchObject({ code: '40P01', message: 'deadlock detected' });
    expect(codedCause(new Error('no code here'))).toBeUndefined();
  });
});

/** A store that fails like node-postgres with the database down, while `down` is set. */
function switchable(store: Store): Store & { down: boolean } {
  const wrapped = { down: false } as Store & { down: boolean };
  const wrap = <T extends object>(target: T, keys: readonly (keyof T)[], into: Record<string, unknown>) => {
    for (const key of keys) {
      into[key as string] = (...args: unknown[]) =>
        wrapped.down && key !== 'close' ? Promise.reject(refused()) : (target[key] as (...a: unknown[]) => unknown).apply(target, args);
    }
  };
  wrap(store, ['ping', 'findUserByEmail', 'findUserById', 'pull', 'pullAs', 'write', 'close', 'recordWrongCode', 'findInvitationByToken'], wrapped as unknown as Record<string, unknown>);
  const sessions = {};
  wrap(store.sessions, ['findViewer', 'insert', 'end', 'endAll', 'ended'], sessions);
  const mail = {};
  wrap(store.mail, ['claim', 'markSent', 'markFailed'], mail);
  Object.defineProperty(wrapped, 'sessions', { value: sessions });
  Object.defineProperty(wrapped, 'mail', { value: mail });
  Object.defineProperty(wrapped, 'kind', { value: store.kind });
  return wrapped;
}

describe('while the database is unreachable', () => {
  let app: FastifyInstance;
  let store: Store & { down: boolean };
  let url: string;
  let api: TestClient;
  let user: TestUser;
  const mailDir = mkdtempSync(join(tmpdir(), 'aideepref-mail-'));
  beforeAll(async () => {
    store = switchable(await openStore({ kind: 'pglite' }));
    app = await buildApp({
      db: store,
      clock: () => Date.now(),
      jwtSecret: 'unavailable-test-secret-unavailable',
      authRateLimit: 10_000,
      mail: { transport: createFileTransport(mailDir), publicUrl: 'http://app.test' },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    api = new TestClient(url);
    user = await api.signup('Outage');
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  const unavailable = { error: { code: 'unavailable', message: expect.any(String) } };

  it('health says so with 503, and ok again when it is back', async () => {
    expect(await request(url, 'GET', '/api/health')).toMatchObject({ status: 200, body: { ok: true, db: 'pglite' } });
    store.down = true;
    try {
      const res = await request(url, 'GET', '/api/health');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ok: false, db: 'pglite', ...unavailable });
    } finally {
      store.down = false;
    }
    expect((await request(url, 'GET', '/api/health')).status).toBe(200);
  });

  it('every route answers 503 in the error shape, not 500, then works again', async () => {
    store.down = true;
    try {
      const rec = newReference(user, 'someone@example.com');
      const answers = await Promise.all([
        api.pull(user),
        api.push(user, { references: { created: [rec] } }),
        request(url, 'POST', '/api/auth/login', { body: { email: user.email, password: 'password-123' } }),
        request(url, 'POST', '/api/auth/signup', { body: { email: 'new-outage@example.com', name: 'N', password: 'password-123' } }),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.body).toEqual(unavailable);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    } finally {
      store.down = false;
    }
    expect((await api.pull(user)).status).toBe(200);
    expect((await api.push(user, { references: { created: [newReference(user, 'x@example.com')] } })).status).toBe(200);
  });

  it('a socket is not told `unauthorized` (that signs the user out) and connects once the database is back', async () => {
    // A user this process has not cached yet: the handshake needs the database.
    const fresh = await api.signup('Socket');
    store.down = true;
    const errors: string[] = [];
    const socket = io(url, {
      auth: { token: fresh.token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    });
    socket.on('connect_error', (err) => errors.push(err.message));
    try {
      const attempts: number[] = [];
      socket.io.on('reconnect_attempt', (n) => attempts.push(n));
      await expect.poll(() => attempts.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(socket.connected).toBe(false);
      store.down = false;
      await expect.poll(() => socket.connected, { timeout: 10_000 }).toBe(true);
      expect(errors).not.toContain('unauthorized');
    } finally {
      store.down = false;
      socket.close();
    }
  });
});

describe('a push whose every run meets concurrent writers', () => {
  let app: FastifyInstance;
  let store: Store;
  let url: string;
  const mailDir = mkdtempSync(join(tmpdir(), 'aideepref-mail-'));
  /** While set, each run of a write does its work and then finds a record created concurrently. */
  let contended = false;
  beforeAll(async () => {
    store = await openStore({ kind: 'pglite' });
    const real = store.write.bind(store);
    const wrapped: Store = Object.create(store) as Store;
    wrapped.write = (fn) =>
      real(async (tx) => {
        const result = await fn(tx);
        if (contended) throw new ConcurrentCreateError();
        return result;
      });
    app = await buildApp({
      db: wrapped,
      clock: () => Date.now(),
      jwtSecret: 'contended-test-secret-contended-test',
      authRateLimit: 10_000,
      mail: { transport: createFileTransport(mailDir), publicUrl: 'http://app.test' },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('is answered 503 with Retry-After, not 500, and writes nothing; sent again it goes through', async () => {
    const api = new TestClient(url);
    const user = await api.signup('Contended');
    const rec = newReference(user, 'someone@example.com');
    contended = true;
    let res;
    try {
      res = await api.push(user, { references: { created: [rec] } });
    } finally {
      contended = false;
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/other writes .* nothing was written/) } });
    const before = (await api.pull(user)).body;
    expect(before.changes.references.created.map((r) => r.id)).toEqual([]);
    expect((await api.push(user, { references: { created: [rec] } })).status).toBe(200);
    expect((await api.pull(user)).body.changes.references.created.map((r) => r.id)).toEqual([rec.id]);
  });
});
