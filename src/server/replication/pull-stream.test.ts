/**
 * Pull pages as the client receives them: written out piece by piece (no
 * Content-Length), one record per line so the client parses row by row,
 * compressed when accepted; and cursors that tell nothing of other users.
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageParser } from '../../sync/page-parser';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, type TestUser } from '../../../tools/test-support/client';

function getRaw(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(BACKENDS)('pull pages stream (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
    cand = await api.signup('Stream');
    // About 80 KB: more than the one piece (64 KB) a page is sent whole in.
    const padding = ' and more'.repeat(200);
    const refs = Array.from({ length: 40 }, (_, i) => newReference(cand, `r${i}@example.com`, { message: `line one\nline [two], "three" ${i}${padding}` }));
    expect((await api.push(cand, { references: { created: refs } })).status).toBe(200);
  });
  afterAll(() => server.close());

  it('are written out without a length, one record per line, and parse row by row to what JSON.parse gives', async () => {
    const plain = await getRaw(`${server.url}/api/sync/pull?since=0`, { authorization: `Bearer ${cand.token}` });
    expect(plain.headers['content-length']).toBeUndefined();
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    const text = plain.body.toString('utf8');
    const whole = JSON.parse(text) as { changes: { references: { created: { id: string }[] } } };
    expect(whole.changes.references.created).toHaveLength(40);
    const lines = text.split('\n');
    for (const ref of whole.changes.references.created) expect(lines.some((l) => l.startsWith(`{"id":"${ref.id}"`))).toBe(true);
    for (const step of [1, 13, 1_000, text.length]) {
      const parser = createPageParser();
      for (let i = 0; i < text.length; i += step) parser.write(text.slice(i, i + step));
      expect(parser.end()).toEqual(whole);
    }
  });

  it('of one piece (a few changes) go out whole, with their length, and parse the same', async () => {
    const few = await api.signup('Few Changes');
    const refs = [newReference(few, 'one@example.com'), newReference(few, 'two@example.com')];
    expect((await api.push(few, { references: { created: refs } })).status).toBe(200);
    const plain = await getRaw(`${server.url}/api/sync/pull?since=0`, { authorization: `Bearer ${few.token}` });
    expect(plain.headers['transfer-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    const text = plain.body.toString('utf8');
    const whole = JSON.parse(text) as { changes: { references: { created: { id: string }[] } } };
    expect(whole.changes.references.created.map((r) => r.id).sort()).toEqual(refs.map((r) => r.id).sort());
    const parser = createPageParser();
    for (let i = 0; i < text.length; i += 7) parser.write(text.slice(i, i + 7));
    expect(parser.end()).toEqual(whole);
  });

  it('carry each record exactly as the live events do (the database writes one, wire-rows.ts the other)', async () => {
    const page = (await api.pull(cand, 0)).body;
    const pulled = idsOf(page, 'references').rows;
    const live = new Map(server.published.map((e) => [(e.payload.record as { id: string }).id, e.payload.record]));
    expect(pulled.length).toBe(40);
    for (const row of pulled) expect(row).toEqual(live.get(row.id));
    // The own users row with its sync metadata, and a candidate's row as a referee sees it.
    const own = idsOf(page, 'users').rows.find((u) => u.id === cand.id);
    expect(own).toMatchObject({ id: cand.id, email: cand.email, server_id: cand.id, sync_status: 'synced', is_deleted: false });
  });

  it('are compressed when the client accepts it', async () => {
    const zipped = await getRaw(`${server.url}/api/sync/pull?since=0`, { authorization: `Bearer ${cand.token}`, 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const page = JSON.parse(gunzipSync(zipped.body).toString('utf8')) as { changes: { references: { created: unknown[] } } };
    expect(page.changes.references.created).toHaveLength(40);
  });

  it("a cursor moves only with the user's own changes, and is opaque", async () => {
    const other = await api.signup('Busy');
    const before = (await api.pull(cand)).body.timestamp;
    expect(before).toBeGreaterThanOrEqual(2 ** 52);
    const again = (await api.pull(cand, before)).body;
    // Somebody else writes a lot: the candidate's cursor does not move.
    for (let i = 0; i < 5; i += 1) {
      expect((await api.push(other, { references: { created: [newReference(other, `busy${i}@example.com`)] } })).status).toBe(200);
    }
    const after = (await api.pull(cand, before)).body;
    expect(idsOf(after, 'references').rows).toEqual([]);
    expect([again.timestamp, after.timestamp]).toEqual([before, before]);
    // Its own write moves it, to a number that says nothing of how far.
    expect((await api.push(cand, { references: { created: [newReference(cand, 'own@example.com')] } })).status).toBe(200);
    const moved = (await api.pull(cand, before)).body;
    expect(idsOf(moved, 'references').rows).toHaveLength(1);
    expect(moved.timestamp).not.toBe(before);
    expect(idsOf((await api.pull(cand, moved.timestamp)).body, 'references').rows).toEqual([]);
  });
});
