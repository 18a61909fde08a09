import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../test-support/harness';
import { TestClient, idsOf, newReference, updateOf, type RawRecord, type TestUser } from '../test-support/client';

describe.each(BACKENDS)('who may see and change what (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let ref: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server.url);
    [cand, ref, stranger] = await Promise.all([api.signup('Cand'), api.signup('Ref'), api.signup('Stranger')]);
  });
  afterAll(() => server.close());

  const t = () => Date.now() + 1_000;
  async function requested(): Promise<RawRecord> {
    const rec = newReference(cand, ref.email);
    const res = await api.push(cand, { references: { created: [rec] } });
    expect(res.body).toEqual({ conflicts: [], rejected: {} });
    return rec;
  }
  const rejection = async (user: TestUser, changes: Parameters<TestClient['push']>[1]) => {
    const res = await api.push(user, changes, (await api.pull(user)).body.timestamp);
    expect(res.status).toBe(200);
    return res.body.rejected;
  };
  const serverRow = async (id: string) => idsOf((await api.pull(cand)).body, 'references').rows.find((r) => r.id === id);

  it('a stranger sees nothing of others', async () => {
    await requested();
    const res = await api.pull(stranger);
    expect(idsOf(res.body, 'references').rows).toEqual([]);
    expect(idsOf(res.body, 'users').rows.map((r) => r.id)).toEqual([stranger.id]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['status other than pending', { status: 'completed' }, 'invalid'],
    ['a response', { response: 'I wrote it myself' }, 'invalid'],
    ['responded_at', { responded_at: 123 }, 'invalid'],
    ['an empty referee name', { referee_name: '' }, 'invalid'],
    ['a missing referee email', { referee_email: undefined }, 'invalid'],
  ])('the candidate cannot create with %s', async (_n, overrides, code) => {
    const rec = newReference(cand, ref.email, overrides);
    if (overrides.referee_email === undefined && 'referee_email' in overrides) delete rec.referee_email;
    expect(await rejection(cand, { references: { created: [rec] } })).toEqual({
      references: [{ id: rec.id, code, message: expect.any(String) }],
    });
    expect(await serverRow(rec.id)).toBeUndefined();
  });

  it('nobody creates a reference for someone else', async () => {
    const rec = newReference(cand, ref.email);
    expect(await rejection(stranger, { references: { created: [rec] } })).toEqual({
      references: [{ id: rec.id, code: 'forbidden', message: expect.any(String) }],
    });
  });

  it('the candidate cannot set status/response; the referee cannot edit the request or delete it', async () => {
    const rec = await requested();
    for (const change of [{ status: 'completed' }, { response: 'x' }, { responded_at: 5 }, { user_id: stranger.id }]) {
      const rejected = await rejection(cand, { references: { updated: [updateOf(rec, change, t())] } });
      expect(rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden' });
    }
    for (const change of [{ message: 'x' }, { referee_name: 'x' }, { referee_email: 'me@example.com' }]) {
      const rejected = await rejection(ref, { references: { updated: [updateOf(rec, change, t())] } });
      expect(rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden' });
    }
    expect((await rejection(ref, { references: { deleted: [rec.id] } })).references?.[0]).toMatchObject({ code: 'forbidden' });
    expect(await serverRow(rec.id)).toMatchObject({ status: 'pending', message: rec.message, referee_name: 'Referee' });
  });

  it('the referee completes or declines, never back to pending', async () => {
    const rec = await requested();
    const back = await rejection(ref, { references: { updated: [updateOf(rec, { status: 'pending', response: 'x' }, t())] } });
    expect(back).toEqual({});
    const done = await rejection(ref, {
      references: { updated: [updateOf(rec, { status: 'declined', responded_at: Date.now() }, t() + 1)] },
    });
    expect(done).toEqual({});
    const again = await rejection(ref, { references: { updated: [updateOf(rec, { status: 'pending' }, t() + 2)] } });
    expect(again.references?.[0]).toMatchObject({ code: 'invalid' });
    expect(await serverRow(rec.id)).toMatchObject({ status: 'declined', response: 'x' });
  });

  it('a stranger learns only that the id is taken, whatever they try', async () => {
    const rec = await requested();
    const attempts: Parameters<TestClient['push']>[1][] = [
      { references: { created: [{ ...rec, user_id: stranger.id }] } },
      { references: { updated: [updateOf(rec, { message: 'mine' }, t())] } },
      { references: { deleted: [rec.id] } },
      { users: { updated: [{ id: cand.id, name: 'Hijack', updated_at: t(), _changed: 'name' }] } },
      { users: { deleted: [cand.id] } },
    ];
    for (const changes of attempts) {
      const rejected = await rejection(stranger, changes);
      const entry = Object.values(rejected).flat()[0];
      expect(entry).toEqual({ id: expect.any(String), code: 'forbidden', message: 'id is taken' });
    }
    expect(await serverRow(rec.id)).toMatchObject({ message: rec.message });
    expect(idsOf((await api.pull(cand)).body, 'users').rows[0]?.name).toBe('Cand');
  });

  it('users rows are only created by signing up', async () => {
    const rejected = await rejection(stranger, { users: { created: [{ id: 'fresh-user', email: 'f@example.com', name: 'F', updated_at: t() }] } });
    expect(rejected.users?.[0]).toMatchObject({ id: 'fresh-user', code: 'forbidden' });
  });

  it('the referee sees only id, name and email of the candidate (plus sync metadata)', async () => {
    await requested();
    const rows = idsOf((await api.pull(ref)).body, 'users').rows;
    const candRow = rows.find((r) => r.id === cand.id);
    expect(Object.keys(candRow ?? {}).sort()).toEqual(
      ['created_at', 'email', 'id', 'is_deleted', 'last_synced_at', 'name', 'server_id', 'sync_status', 'updated_at'].sort(),
    );
  });
});
