/**
 * The engine against the real server's limits (CONTRACT §3): a backlog bigger
 * than 5 MB goes out in parts the server accepts, and a 429 reaches the
 * client as an answer with its Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReference, TestClient } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createHttpTransport, retryAfterMs } from '../sync/http-transport';
import { memoryClient } from '../sync/watermelon/testing/memory-client';

describe('push limits against the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(() => server.close());

  it('answers written offline, 5.7 MB in all, reach the server in parts under its 5 MB limit', async () => {
    const api = new TestClient(server);
    const candidate = await api.signup('Candidate');
    const referee = await api.signup('Referee');
    const requests = Array.from({ length: 150 }, () => newReference(candidate, referee.email));
    expect((await api.push(candidate, { references: { created: requests } })).status).toBe(200);

    const sizes: number[] = [];
    const transport = createHttpTransport({
      baseUrl: server.url,
      getToken: () => referee.token,
      fetch: (input, init) => {
        if (typeof init?.body === 'string') sizes.push(Buffer.byteLength(init.body));
        return fetch(input, init);
      },
    });
    const { store, service, actions } = await memoryClient(transport, { wall: () => Date.now(), userId: referee.id });
    await service.run();
    // Two bytes a character in UTF-8: 38 KB an answer, within the 20,000-character limit.
    const answer = 'é'.repeat(19_000);
    for (const request of requests) await actions.respond(request.id, answer);

    const result = await service.run();
    expect(result.pushed).toBe(150);
    expect(result.rejected).toBe(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(5 * 1024 * 1024);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(5 * 1024 * 1024);
    expect(await store.outbox()).toEqual([]);

    const seen = await api.pullAll(candidate);
    const answered = seen.pages.flatMap((p) => [...p.changes.references.created, ...p.changes.references.updated]);
    expect(answered.filter((r) => r.status === 'completed' && r.response === answer)).toHaveLength(150);
  }, 120_000);

  it('a 429 from the real server reaches the transport as an answer, with its Retry-After', async () => {
    // The contract's floor: 600 a minute per user.
    const limited = await startServer('pglite', { syncRateLimit: 600 });
    try {
      const api = new TestClient(limited);
      const user = await api.signup('Busy');
      const transport = createHttpTransport({ baseUrl: limited.url, getToken: () => user.token });
      for (let i = 0; i < 30; i += 1) await Promise.all(Array.from({ length: 20 }, () => transport.pull(0)));
      const refused = await transport.pull(0).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ name: 'SyncError', code: 'server', status: 429 });
      const wait = (refused as { retryAfterMs?: number }).retryAfterMs;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
    } finally {
      await limited.close();
    }
  }, 120_000);

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7_000);
    expect(retryAfterMs(new Date(10_000 + 3_000).toUTCString(), 10_000)).toBe(3_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('-5')).toBeUndefined();
  });
});
