import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, updateOf, type RawRecord, type TestUser } from '../../../tools/test-support/client';

describe.each(BACKENDS)('the merge rule through push (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let now = Date.now();
  let cand: TestUser;
  let ref: TestUser;
  beforeAll(async () => {
    const clock = () => now;
    server = await startServer(backend, { clock });
    api = new TestClient(server);
    cand = await api.signup('Cand');
    ref = await api.signup('Ref');
  });
  afterAll(() => server.close());

  async function created(): Promise<{ rec: RawRecord; cursor: number }> {
    const rec = newReference(cand, ref.email, { updated_at: now, created_at: now });
    await api.push(cand, { references: { created: [rec] } });
    return { rec, cursor: (await api.pull(cand)).body.timestamp };
  }
  const current = async (id: string) =>
    idsOf((await api.pull(cand)).body, 'references').rows.find((r) => r.id === id);

  it('an older write loses per column; the loser is told and its next pull gets the winner', async () => {
    const { rec, cursor } = await created();
    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'newer' }, now + 200)] } }, cursor);
    const stale = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'older', referee_name: 'N' }, now + 100)] } }, cursor);
    expect(stale.body.conflicts).toEqual([{ table: 'references', id: rec.id, winner: 'server' }]);
    const follow = await api.pull(cand, cursor);
    const row = idsOf(follow.body, 'references').rows.find((r) => r.id === rec.id);
    // Per column: message kept the newer value, referee_name (never set later) took the older write.
    expect(row).toMatchObject({ message: 'newer', referee_name: 'N' });
  });

  it('a tie keeps the server value', async () => {
    const { rec, cursor } = await created();
    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'first' }, now + 50)] } }, cursor);
    const tie = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'second' }, now + 50)] } }, cursor);
    expect(tie.body.conflicts).toEqual([{ table: 'references', id: rec.id, winner: 'server' }]);
    expect((await current(rec.id))?.message).toBe('first');
  });

  it('reports "local" when a change won over a value written after the last pull', async () => {
    const { rec, cursor } = await created();
    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'device A' }, now + 10)] } }, cursor);
    const b = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'device B' }, now + 20)] } }, cursor);
    expect(b.body.conflicts).toEqual([{ table: 'references', id: rec.id, winner: 'local' }]);
    expect((await current(rec.id))?.message).toBe('device B');
  });

  it('different columns by different users both survive', async () => {
    const { rec, cursor } = await created();
    const refCursor = (await api.pull(ref)).body.timestamp;
    const r1 = await api.push(ref, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Great', responded_at: now }, now + 30)] } }, refCursor);
    const r2 = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'ps' }, now + 5)] } }, cursor);
    expect(r1.body).toEqual({ conflicts: [], rejected: {} });
    expect(r2.body).toEqual({ conflicts: [], rejected: {} });
    expect(await current(rec.id)).toMatchObject({ status: 'completed', response: 'Great', message: 'ps' });
  });

  it('a clock more than 60 s ahead is taken as the time of receipt, and accepted', async () => {
    const { rec, cursor } = await created();
    now += 500;
    const ahead = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'from the future' }, now + 3_600_000)] } }, cursor);
    // Accepted; "server" because the server keeps another updated_at than the pusher's copy says.
    expect(ahead.body).toEqual({ conflicts: [{ table: 'references', id: rec.id, winner: 'server' }], rejected: {} });
    const row = await current(rec.id);
    expect(row).toMatchObject({ message: 'from the future', updated_at: now });
    // So an honest later write can win again.
    now += 1_000;
    await api.push(cand, { references: { updated: [updateOf(rec, { message: 'honest' }, now)] } });
    expect((await current(rec.id))?.message).toBe('honest');
  });

  it('`_changed` limits the columns a push changes; sync metadata in it is ignored', async () => {
    const { rec, cursor } = await created();
    const upd = {
      ...rec,
      message: 'changed',
      referee_name: 'not changed',
      sync_status: 'error',
      updated_at: now + 40,
      _status: 'updated',
      _changed: 'message,updated_at,sync_status,last_synced_at',
    };
    expect((await api.push(cand, { references: { updated: [upd] } }, cursor)).body).toEqual({ conflicts: [], rejected: {} });
    expect(await current(rec.id)).toMatchObject({ message: 'changed', referee_name: 'Referee', sync_status: 'synced' });
  });

  it('a rejected record changes nothing and does not stop the others', async () => {
    const { rec, cursor } = await created();
    const good = newReference(cand, ref.email);
    const res = await api.push(
      cand,
      {
        references: {
          created: [good, newReference(cand, 'not-an-email')],
          updated: [updateOf(rec, { status: 'completed' }, now + 60)],
        },
        sync_queue: { created: [{ id: 'q1' }] },
      },
      cursor,
    );
    expect(res.body.rejected).toEqual({
      references: [
        { id: expect.any(String), code: 'invalid', message: expect.stringContaining('referee_email') },
        { id: rec.id, code: 'forbidden', message: expect.any(String) },
      ],
      sync_queue: [{ id: 'q1', code: 'invalid', message: expect.any(String) }],
    });
    expect((await current(rec.id))?.status).toBe('pending');
    expect(await current(good.id)).toBeDefined();
  });
});
