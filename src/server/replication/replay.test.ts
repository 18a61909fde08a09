/**
 * CONTRACT §3 "Pushing the same changes twice has the same effect as once",
 * and the pusher's copy of a record after a push: whenever the server keeps
 * something other than what the pusher sent (a column lost, even to an equal
 * value; a clamped stamp), the record is reported {winner: "server"} and gets
 * a new cursor position, so the pull the client makes at once brings the
 * server's row (without going back to cursor 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, idsOf, newReference, updateOf, type RawRecord, type TestUser } from '../../../tools/test-support/client';

const MIN = 60_000;

describe.each(BACKENDS)('replayed and no-op pushes (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let now = Date.UTC(2026, 0, 5, 9, 0, 0);
  let cand: TestUser;
  let ref: TestUser;
  beforeAll(async () => {
    server = await startServer(backend, { clock: () => now });
    api = new TestClient(server);
    cand = await api.signup('Cand');
    ref = await api.signup('Ref');
  });
  afterAll(() => server.close());

  async function created(): Promise<{ rec: RawRecord; cursor: number }> {
    now += 1_000;
    const rec = newReference(cand, ref.email, { updated_at: now, created_at: now });
    expect((await api.push(cand, { references: { created: [rec] } })).body).toEqual({ conflicts: [], rejected: {} });
    return { rec, cursor: (await api.pull(cand)).body.timestamp };
  }
  const current = async (id: string, user = cand) => idsOf((await api.pull(user)).body, 'references').rows.find((r) => r.id === id);
  const after = async (cursor: number, id: string) => idsOf((await api.pull(cand, cursor)).body, 'references').rows.find((r) => r.id === id);

  describe('a replay of a clamped push keeps the time it was first clamped to', () => {
    it('and does not beat a write committed after the first commit', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const r1 = now;
      const fromA = { references: { updated: [updateOf(rec, { message: 'from A' }, now + 30 * MIN)] } };
      await api.push(cand, fromA, cursor); // committed, clamped to r1; say its answer was lost
      expect(await current(rec.id)).toMatchObject({ message: 'from A', updated_at: r1 });
      now += 10_000;
      await api.push(cand, { references: { updated: [updateOf(rec, { message: 'from B' }, now)] } }, cursor);
      const b = await current(rec.id);
      now += 10_000;
      const replay = await api.push(cand, fromA, cursor);
      expect(replay.body).toEqual({ conflicts: [{ table: 'references', id: rec.id, winner: 'server' }], rejected: {} });
      expect(await current(rec.id)).toEqual(b);
    });

    it('also once the server clock has caught up with the stamp (no longer clamped)', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const r1 = now;
      const fromA = { references: { updated: [updateOf(rec, { message: 'from A' }, now + 61_000)] } };
      await api.push(cand, fromA, cursor);
      expect(await current(rec.id)).toMatchObject({ message: 'from A', updated_at: r1 });
      now += 10_000;
      await api.push(cand, { references: { updated: [updateOf(rec, { message: 'from B' }, now)] } }, cursor);
      now += 10_000; // the stamp r1 + 61 s is now within 60 s of the server clock
      await api.push(cand, fromA, cursor);
      expect(await current(rec.id)).toMatchObject({ message: 'from B', updated_at: r1 + 10_000 });
    });

    it('for a replayed create too', async () => {
      now += 1_000;
      const r1 = now;
      const rec = newReference(cand, ref.email, { message: 'created', updated_at: now + 30 * MIN, created_at: now + 30 * MIN });
      await api.push(cand, { references: { created: [rec] } });
      const cursor = (await api.pull(cand)).body.timestamp;
      now += 5_000;
      await api.push(cand, { references: { updated: [updateOf(rec, { message: 'edited' }, now)] } }, cursor);
      const refCursor = (await api.pull(ref)).body.timestamp;
      await api.push(ref, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Yes', responded_at: now }, now + 1)] } }, refCursor);
      const before = await current(rec.id);
      expect(before).toMatchObject({ message: 'edited', status: 'completed', created_at: r1 });
      now += 5_000;
      const replay = await api.push(cand, { references: { created: [rec] } });
      expect(replay.body.rejected).toEqual({});
      expect(await current(rec.id)).toEqual(before);
    });

    it('for a users row', async () => {
      const user = await api.signup('Renamer');
      const own = async () => idsOf((await api.pull(user)).body, 'users').rows.find((r) => r.id === user.id);
      const row = (await own())!;
      now += 1_000;
      const rename = { users: { updated: [updateOf(row, { name: 'Future' }, now + 30 * MIN)] } };
      await api.push(user, rename);
      now += 10_000;
      await api.push(user, { users: { updated: [updateOf(row, { name: 'Present' }, now)] } });
      now += 10_000;
      await api.push(user, rename);
      expect(await own()).toMatchObject({ name: 'Present' });
    });

    it('a clamped write that lost is remembered too', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      // Another device's stamp, 50 s ahead: accepted as is (within 60 s).
      await api.push(cand, { references: { updated: [updateOf(rec, { message: 'ahead' }, now + 50_000)] } }, cursor);
      now += 1_000;
      const late = { references: { updated: [updateOf(rec, { message: 'clamped' }, now + 30 * MIN)] } };
      const first = await api.push(cand, late, cursor); // clamped to now < now + 50 s: loses
      expect(first.body.conflicts).toEqual([{ table: 'references', id: rec.id, winner: 'server' }]);
      now += 60_000; // the replay's receipt time is after "ahead"
      await api.push(cand, late, cursor);
      expect(await current(rec.id)).toMatchObject({ message: 'ahead' });
    });
  });

  describe('the pusher is told when the server keeps another row, and its next pull brings it', () => {
    it('a column that loses to a newer write of the same value', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const stampA = now;
      now += 1_000;
      await api.push(cand, { references: { updated: [updateOf(rec, { message: 'same' }, now)] } }, cursor); // device B
      const b = await current(rec.id);
      const push = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'same' }, stampA)] } }, cursor); // device A
      expect(push.body).toEqual({ conflicts: [{ table: 'references', id: rec.id, winner: 'server' }], rejected: {} });
      expect(await after(cursor, rec.id)).toEqual(b);
      expect(await current(rec.id)).toEqual(b);
    });

    it('a clamped stamp', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const push = await api.push(cand, { references: { updated: [updateOf(rec, { message: 'future' }, now + 30 * MIN)] } }, cursor);
      expect(push.body).toEqual({ conflicts: [{ table: 'references', id: rec.id, winner: 'server' }], rejected: {} });
      expect(await after(cursor, rec.id)).toMatchObject({ message: 'future', updated_at: now });
    });

    it('a replay after a newer write to another column (the row moves on, no conflict)', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const mine = { references: { updated: [updateOf(rec, { message: 'mine' }, now)] } };
      await api.push(cand, mine, cursor);
      now += 1_000;
      const refCursor = (await api.pull(ref)).body.timestamp;
      await api.push(ref, { references: { updated: [updateOf(rec, { status: 'declined', responded_at: now }, now)] } }, refCursor);
      const cursor2 = (await api.pull(cand)).body.timestamp;
      const replay = await api.push(cand, mine, cursor2);
      expect(replay.body).toEqual({ conflicts: [], rejected: {} });
      // The pusher holds updated_at = its own stamp; the next pull corrects it.
      expect(await after(cursor2, rec.id)).toMatchObject({ message: 'mine', status: 'declined', updated_at: now });
    });

    it('a plain replay moves nothing and reports nothing', async () => {
      const { rec, cursor } = await created();
      now += 1_000;
      const mine = { references: { updated: [updateOf(rec, { message: 'once' }, now)] } };
      await api.push(cand, mine, cursor);
      const cursor2 = (await api.pull(cand)).body.timestamp;
      expect((await api.push(cand, mine, cursor2)).body).toEqual({ conflicts: [], rejected: {} });
      expect(await after(cursor2, rec.id)).toBeUndefined();
    });
  });
});
