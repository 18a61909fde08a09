/**
 * A create whose push response never arrives: the server committed it, the
 * device still holds it as locally created (`_status: 'created'`). An edit
 * made then must survive the next pull, which carries the server's copy of
 * the record, and reach the server with the push after it.
 *
 * The real server over HTTP; only the lost response is a fake network fault.
 */
import type { Model } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, type TestUser } from '../../tools/test-support/client';
import { startServer, type TestServer } from '../../tools/test-support/harness';
import { createHttpTransport } from '../sync/http-transport';
import { memoryClient } from '../sync/watermelon/testing/memory-client';

describe('a lost create response, then an edit, then a pull', () => {
  let server: TestServer;
  let api: TestClient;

  beforeAll(async () => {
    server = await startServer('pglite');
    api = new TestClient(server);
  });
  afterAll(async () => {
    await server.close();
  });

  async function device(user: TestUser) {
    let loseNextPushResponse = false;
    const requests: string[] = [];
    // The request reaches the server and commits; only its answer is lost on the way back.
    const faultyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const path = new URL(String(input)).pathname;
      requests.push(`${init?.method ?? 'GET'} ${path}`);
      if (path === '/api/sync/push' && loseNextPushResponse) {
        loseNextPushResponse = false;
        await response.arrayBuffer();
        throw new TypeError('fetch failed: connection reset');
      }
      return response;
    };
    const transport = createHttpTransport({ baseUrl: server.url, getToken: () => user.token, fetch: faultyFetch });
    const { database, store, clock, service, actions } = await memoryClient(transport, { wall: () => Date.now(), userId: user.id });
    const raw = async (id: string) => {
      const record = await database.get<Model>('references').find(id);
      return record._raw as unknown as Record<string, unknown>;
    };
    return { database, store, clock, service, actions, raw, requests, loseNextPush: () => (loseNextPushResponse = true) };
  }

  it('keeps the local edit of a record whose create the server committed but never acknowledged', async () => {
    const cand = await api.signup('Cand');
    const d = await device(cand);
    await d.service.run();

    const id = await d.actions.requestReference({ refereeName: 'Ada Typo', refereeEmail: 'ada@example.com', message: 'Please' });
    d.loseNextPush();
    await expect(d.service.run({ pull: false })).rejects.toThrow(/network/);
    const onServer = (await api.pullAll(cand)).pages.flatMap((p) => p.changes.references?.created ?? []);
    expect(onServer.map((r) => r.id)).toContain(id);
    expect((await d.raw(id))._status).toBe('created');

    // Fixing the typo before the device learns the create went through.
    await d.store.apply({ table: 'references', operation: 'update', id, at: d.clock.now(), values: { referee_name: 'Ada Lovelace' } });

    // The pull brings the server's copy (still "Ada Typo"), then the push sends the edit.
    await d.service.run();
    expect(await d.raw(id)).toMatchObject({ referee_name: 'Ada Lovelace', _status: 'synced' });
    const after = (await api.pullAll(cand)).pages.flatMap((p) => [...(p.changes.references?.created ?? []), ...(p.changes.references?.updated ?? [])]);
    expect(after.find((r) => r.id === id)).toMatchObject({ referee_name: 'Ada Lovelace', referee_email: 'ada@example.com', message: 'Please' });
    expect(await d.store.outbox()).toEqual([]);
  });
});
