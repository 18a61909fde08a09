import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, acceptedNew, idsOf, newReference, updateOf, type TestUser } from '../../../tools/test-support/client';

describe.each(BACKENDS)('pull and push round trips (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
  });
  afterAll(() => server.close());

  let cand: TestUser;
  let ref: TestUser;
  beforeAll(async () => {
    cand = await api.signup('Cand');
    ref = await api.signup('Ref');
  });

  it('a first pull returns the own users row with sync metadata and a numeric cursor', async () => {
    const me = await api.signup('Solo');
    const res = await api.pull(me);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-server-time')).toMatch(/^\d+$/);
    expect(res.body.changes.users.created).toEqual([
      {
        id: me.id,
        email: me.email,
        name: 'Solo',
        server_id: me.id,
        sync_status: 'synced',
        last_synced_at: null,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        is_deleted: false,
      },
    ]);
    expect(res.body.changes.references).toEqual({ created: [], updated: [], deleted: [] });
    expect(typeof res.body.timestamp).toBe('number');
    expect(res.body.more).toBeUndefined();
    const again = await api.pull(me, res.body.timestamp);
    expect(idsOf(again.body, 'users').rows).toEqual([]);
  });

  it('a pushed reference reaches the candidate and the referee (case-insensitive), with the candidate row', async () => {
    const before = (await api.pull(ref)).body.timestamp;
    const candBefore = (await api.pull(cand)).body.timestamp;
    const rec = newReference(cand, ref.email.toUpperCase());
    const push = await api.push(cand, { references: { created: [rec] } }, candBefore);
    expect(push.status).toBe(200);
    expect(push.headers.get('x-server-time')).toMatch(/^\d+$/);
    expect(push.body).toEqual(acceptedNew(rec));

    const refPull = await api.pull(ref, before);
    const row = refPull.body.changes.references.created.find((r) => r.id === rec.id);
    expect(row).toMatchObject({ referee_email: ref.email, status: 'pending', is_deleted: false, sync_status: 'synced', reminded_at: null });
    expect(row).not.toHaveProperty('_status');
    expect(row).not.toHaveProperty('_changed');
    // The candidate's users row became visible to the referee: a change for them.
    expect(refPull.body.changes.users.created).toEqual([
      expect.objectContaining({ id: cand.id, name: 'Cand', email: cand.email }),
    ]);
    expect(JSON.stringify(refPull.body)).not.toMatch(/password|col_times|seq/);

    const candPull = await api.pull(cand, candBefore);
    expect(idsOf(candPull.body, 'references').rows).toEqual([expect.objectContaining({ id: rec.id })]);
    // The referee's own row is not visible to the candidate.
    expect(idsOf((await api.pull(cand)).body, 'users').rows.map((r) => r.id)).toEqual([cand.id]);
  });

  it('a second request to the same referee does not resend the candidate row', async () => {
    const since = (await api.pull(ref)).body.timestamp;
    await api.push(cand, { references: { created: [newReference(cand, ref.email)] } });
    const res = await api.pull(ref, since);
    expect(idsOf(res.body, 'references').rows).toHaveLength(1);
    expect(idsOf(res.body, 'users').rows).toEqual([]);
  });

  it('pushing the same changes twice equals once, and rejects nothing the first accepted', async () => {
    const rec = newReference(cand, ref.email);
    const first = await api.push(cand, { references: { created: [rec] } });
    const stored = idsOf((await api.pull(cand)).body, 'references').rows.find((r) => r.id === rec.id);
    const since = (await api.pull(cand)).body.timestamp;
    const second = await api.push(cand, { references: { created: [rec] } });
    // Both times the device is told to pull the server's created_at: sent again, the create changes nothing else.
    expect(first.body).toEqual(acceptedNew(rec));
    expect(second.body).toEqual(acceptedNew(rec));
    expect(idsOf((await api.pull(cand, since)).body, 'references').rows).toEqual([stored]);
    // A device that has the server's created_at is told nothing.
    const mine = { ...rec, created_at: stored!.created_at };
    const since1 = (await api.pull(cand)).body.timestamp;
    expect((await api.push(cand, { references: { created: [mine] } }, since1)).body).toEqual({ conflicts: [], rejected: {} });
    expect(idsOf((await api.pull(cand, since1)).body, 'references').rows).toEqual([]);

    const upd = updateOf(rec, { message: 'edited' }, Date.now() + 5);
    expect((await api.push(cand, { references: { updated: [upd] } }, since)).body).toEqual({ conflicts: [], rejected: {} });
    const since2 = (await api.pull(cand)).body.timestamp;
    expect((await api.push(cand, { references: { updated: [upd] } }, since2)).body).toEqual({ conflicts: [], rejected: {} });
    expect(idsOf((await api.pull(cand, since2)).body, 'references').rows).toEqual([]);
  });

  it('"created" for an existing id updates it; "updated" for a missing id creates it', async () => {
    const rec = newReference(cand, ref.email);
    expect((await api.push(cand, { references: { updated: [{ ...rec, _status: 'updated', _changed: 'message' }] } })).body).toEqual(
      acceptedNew(rec),
    );
    const again = { ...rec, message: 'second', updated_at: Number(rec.updated_at) + 10 };
    const since = (await api.pull(cand)).body.timestamp;
    expect((await api.push(cand, { references: { created: [again] } }, since)).body).toEqual(acceptedNew(rec));
    const rows = idsOf((await api.pull(cand)).body, 'references').rows;
    expect(rows.find((r) => r.id === rec.id)?.message).toBe('second');
  });

  it('a deletion travels as an id only, and a deleted record stays deleted', async () => {
    const rec = newReference(cand, ref.email);
    await api.push(cand, { references: { created: [rec] } });
    const candSince = (await api.pull(cand)).body.timestamp;
    const refSince = (await api.pull(ref)).body.timestamp;
    expect((await api.push(cand, { references: { deleted: [rec.id] } })).body).toEqual({ conflicts: [], rejected: {} });
    for (const [user, since] of [[cand, candSince], [ref, refSince]] as const) {
      const res = await api.pull(user, since);
      expect(idsOf(res.body, 'references')).toMatchObject({ deleted: [rec.id], rows: [] });
    }
    // A later update loses to the deletion; the pusher is told and its next pull re-sends the deletion.
    const candSince2 = (await api.pull(cand)).body.timestamp;
    const late = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'zombie' }, Date.now() + 1_000)] } }, candSince2);
    expect(late.body).toEqual({ conflicts: [{ table: 'references', id: rec.id, winner: 'server' }], rejected: {} });
    expect(idsOf((await api.pull(cand, candSince2)).body, 'references').deleted).toEqual([rec.id]);
    // Deleting again or deleting a missing id is a harmless no-op.
    expect((await api.push(cand, { references: { deleted: [rec.id, 'never-existed'] } })).body).toEqual({
      conflicts: [],
      rejected: {},
    });
    // A first pull does not list deletions of records the client never had.
    expect(idsOf((await api.pull(cand, 0)).body, 'references').deleted).toEqual([]);
  });

  it('a reference whose referee_email moves away arrives as deleted for the old referee', async () => {
    const other = await api.signup('Other');
    const rec = newReference(cand, ref.email);
    await api.push(cand, { references: { created: [rec] } });
    const refSince = (await api.pull(ref)).body.timestamp;
    const otherSince = (await api.pull(other)).body.timestamp;
    await api.push(cand, { references: { updated: [updateOf(rec, { referee_email: other.email }, Date.now() + 10)] } });
    const oldRef = await api.pull(ref, refSince);
    expect(idsOf(oldRef.body, 'references')).toMatchObject({ deleted: [rec.id], rows: [] });
    const newRef = await api.pull(other, otherSince);
    expect(idsOf(newRef.body, 'references').rows.map((r) => r.id)).toEqual([rec.id]);
    expect(idsOf(newRef.body, 'users').rows.map((r) => r.id)).toEqual([cand.id]);
    // No id twice in one pull, even when it moved back and forth.
    await api.push(cand, { references: { updated: [updateOf(rec, { referee_email: ref.email }, Date.now() + 20)] } });
    const back = await api.pull(ref, refSince);
    expect(idsOf(back.body, 'references').rows.map((r) => r.id)).toEqual([rec.id]);
    expect(idsOf(back.body, 'references').deleted).toEqual([]);
  });

  it('pages with `more` and a cursor that continues exactly, even inside one push', async () => {
    const pager = await api.signup('Pager');
    const recs = Array.from({ length: 25 }, () => newReference(pager, 'nobody@example.com'));
    await api.push(pager, { references: { created: recs } });
    const { pages } = await api.pullAll(pager, 0, 7);
    expect(pages.map((p) => p.more)).toEqual([true, true, true, undefined]);
    const seen = pages.flatMap((p) => [...idsOf(p, 'references').rows.map((r) => r.id), ...idsOf(p, 'users').rows.map((r) => r.id)]);
    expect(seen).toHaveLength(26);
    expect(new Set(seen)).toEqual(new Set([pager.id, ...recs.map((r) => r.id)]));
    for (const p of pages) {
      const count = idsOf(p, 'references').rows.length + idsOf(p, 'users').rows.length;
      expect(count).toBeLessThanOrEqual(7);
    }
  });

  it('says how many entries follow a cut page, for a progress bar', async () => {
    const pager = await api.signup('Counted');
    await api.push(pager, { references: { created: Array.from({ length: 10 }, () => newReference(pager, 'nobody@example.com')) } });
    const remaining: (string | null)[] = [];
    let cursor = 0;
    for (;;) {
      const res = await api.pull(pager, cursor, 4);
      remaining.push(res.headers.get('x-sync-remaining'));
      cursor = res.body.timestamp;
      if (!res.body.more) break;
    }
    // 11 entries (the user's own row and 10 references) in pages of 4, 4 and 3; counted once.
    expect(remaining).toEqual(['7', null, null]);
  });

  it('names the next cursor in a header on every page with more, before its body', async () => {
    const pager = await api.signup('Ahead');
    await api.push(pager, { references: { created: Array.from({ length: 10 }, () => newReference(pager, 'nobody@example.com')) } });
    const seen: { header: string | null; now: string | null; timestamp: number; more: boolean }[] = [];
    let cursor = 0;
    for (;;) {
      const res = await api.pull(pager, cursor, 4);
      seen.push({ header: res.headers.get('x-sync-next'), now: res.headers.get('x-sync-next-now'), timestamp: res.body.timestamp, more: res.body.more === true });
      cursor = res.body.timestamp;
      if (!res.body.more) break;
    }
    expect(seen.map((s) => s.more)).toEqual([true, true, false]);
    // The header is the body's own cursor, on the pages that have more, and only there.
    expect(seen.map((s) => s.header)).toEqual([String(seen[0]!.timestamp), String(seen[1]!.timestamp), null]);
    // "Ask at once" only from a server whose database reads in a process of its own.
    const now = backend === 'postgres' ? '1' : null;
    expect(seen.map((s) => s.now)).toEqual([now, now, null]);
  });

  it('a cursor this database never issued starts over from the beginning', async () => {
    const res = await api.pull(cand, 10 ** 15);
    expect(res.status).toBe(200);
    expect(idsOf(res.body, 'users').rows.map((r) => r.id)).toEqual([cand.id]);
    // Said, so a client holding data from before knows this page carries no deletions.
    expect(res.headers.get('x-sync-restarted')).toBe('1');
    // A cursor of this database instead, from which nothing is missing.
    expect(res.body.timestamp).not.toBe(10 ** 15);
    const next = await api.pull(cand, res.body.timestamp);
    expect(idsOf(next.body, 'users').rows).toEqual([]);
    expect(next.headers.get('x-sync-restarted')).toBeNull();
    expect((await api.pull(cand, 0)).headers.get('x-sync-restarted')).toBeNull();
  });

  it('clamps a limit above the maximum instead of failing', async () => {
    const res = await api.pull(cand, 0, 1_000_000);
    expect(res.status).toBe(200);
  });

  it('a user edits their own name only', async () => {
    const me = await api.signup('Named');
    const row = idsOf((await api.pull(me)).body, 'users').rows[0]!;
    const since = (await api.pull(me)).body.timestamp;
    const upd = { ...row, name: 'Renamed', updated_at: Date.now() + 10, _status: 'updated', _changed: 'name' };
    expect((await api.push(me, { users: { updated: [upd] } }, since)).body).toEqual({ conflicts: [], rejected: {} });
    expect(idsOf((await api.pull(me, since)).body, 'users').rows).toEqual([expect.objectContaining({ name: 'Renamed' })]);
    const email = { ...row, email: 'new@example.com', updated_at: Date.now() + 20, _status: 'updated', _changed: 'email' };
    expect((await api.push(me, { users: { updated: [email] } })).body.rejected.users).toEqual([
      { id: me.id, code: 'forbidden', message: expect.any(String) },
    ]);
  });
});
