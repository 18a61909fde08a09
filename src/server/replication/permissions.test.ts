import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, acceptedNew, idsOf, newReference, updateOf, type RawRecord, type TestUser } from '../../../tools/test-support/client';

/**
 * CONTRACT "Who may see and change what", each rule tried by a real push
 * over HTTP and checked in both directions: what the rule allows is
 * accepted, what it forbids is refused by the server and changes nothing.
 */
describe.each(BACKENDS)('who may see and change what (%s)', (backend) => {
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  let ref: TestUser;
  let stranger: TestUser;
  beforeAll(async () => {
    server = await startServer(backend);
    api = new TestClient(server);
    [cand, ref, stranger] = await Promise.all([api.signup('Cand'), api.signup('Ref'), api.signup('Stranger')]);
  });
  afterAll(() => server.close());

  let clock = Date.now() + 1_000;
  const t = () => (clock += 10);
  async function requested(to: TestUser = ref): Promise<RawRecord> {
    const rec = newReference(cand, to.email, { updated_at: t() });
    const res = await api.push(cand, { references: { created: [rec] } });
    expect(res.body).toEqual(acceptedNew(rec));
    return rec;
  }
  const push = async (user: TestUser, changes: Parameters<TestClient['push']>[1]) => {
    const res = await api.push(user, changes, (await api.pull(user)).body.timestamp);
    expect(res.status).toBe(200);
    return res.body;
  };
  const rejection = async (user: TestUser, changes: Parameters<TestClient['push']>[1]) => (await push(user, changes)).rejected;
  const serverRow = async (id: string, as: TestUser = cand) => idsOf((await api.pull(as)).body, 'references').rows.find((r) => r.id === id);
  const answer = (rec: RawRecord, changes: Record<string, unknown>) => rejection(ref, { references: { updated: [updateOf(rec, changes, t())] } });
  const edit = (rec: RawRecord, changes: Record<string, unknown>) => rejection(cand, { references: { updated: [updateOf(rec, changes, t())] } });

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
    ['reminded_at', { reminded_at: 123 }, 'invalid'],
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

  it('no request to one\'s own email, in any spelling; to anyone else it is accepted', async () => {
    for (const own of [cand.email, `  ${cand.email.toUpperCase()} `, cand.email.replace('@', '\uFF20')]) {
      const rec = newReference(cand, own);
      expect(await rejection(cand, { references: { created: [rec] } })).toEqual({
        references: [{ id: rec.id, code: 'invalid', message: expect.stringMatching(/yourself/) }],
      });
      expect(await serverRow(rec.id)).toBeUndefined();
    }
    // Nor by moving a request to oneself later.
    const rec = await requested();
    expect((await edit(rec, { referee_email: cand.email })).references?.[0]).toMatchObject({ id: rec.id, code: 'invalid' });
    expect(await serverRow(rec.id)).toMatchObject({ referee_email: ref.email });
    expect(await edit(rec, { referee_email: stranger.email })).toEqual({});
    expect(await serverRow(rec.id)).toMatchObject({ referee_email: stranger.email });
  });

  it('the candidate cannot set status/response; the referee cannot edit the request or delete it', async () => {
    const rec = await requested();
    for (const change of [{ status: 'completed' }, { response: 'x' }, { responded_at: 5 }, { user_id: stranger.id }]) {
      const rejected = await edit(rec, change);
      expect(rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden' });
    }
    for (const change of [{ message: 'x' }, { referee_name: 'x' }, { referee_email: 'me@example.com' }, { reminded_at: t() }]) {
      const rejected = await answer(rec, change);
      expect(rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden' });
    }
    expect((await rejection(ref, { references: { deleted: [rec.id] } })).references?.[0]).toMatchObject({ code: 'forbidden' });
    expect(await serverRow(rec.id)).toMatchObject({ status: 'pending', message: rec.message, referee_name: 'Referee', response: null });
  });

  it('the referee cannot edit the request by sending it as created', async () => {
    const rec = await requested();
    // Sent as "created", a record that exists reads as a replay of a lost answer: only its creator can be replaying one.
    for (const change of [{ message: 'rewritten by the referee' }, { referee_name: 'Someone else' }]) {
      const rejected = await rejection(ref, { references: { created: [{ ...rec, ...change, updated_at: t() }] } });
      expect(rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden' });
    }
    // Their own unchanged copy sent so changes nothing and is refused nothing.
    expect(await rejection(ref, { references: { created: [{ ...rec, updated_at: t() }] } })).toEqual({});
    expect(await serverRow(rec.id)).toMatchObject({ message: rec.message, referee_name: rec.referee_name });
  });

  it('the referee answers with completed and its text, or declined; never back to pending, never half an answer', async () => {
    const rec = await requested();
    expect((await answer(rec, { status: 'pending', response: 'x' })).references?.[0]).toMatchObject({ code: 'invalid' });
    expect((await answer(rec, { response: 'text without a status' })).references?.[0]).toMatchObject({ code: 'invalid' });
    expect((await answer(rec, { status: 'completed', response: '   ' })).references?.[0]).toMatchObject({ code: 'invalid' });
    expect((await answer(rec, { status: 'declined', response: 'but here is why' })).references?.[0]).toMatchObject({ code: 'invalid' });
    expect(await serverRow(rec.id)).toMatchObject({ status: 'pending', response: null });
    expect(await answer(rec, { status: 'declined', response: null, responded_at: Date.now() })).toEqual({});
    expect(await serverRow(rec.id)).toMatchObject({ status: 'declined', response: null });
  });

  it('an answer is final: a second answer or an edit of it is refused, the first one stays', async () => {
    const rec = await requested();
    expect(await answer(rec, { status: 'completed', response: 'Outstanding engineer.', responded_at: Date.now() })).toEqual({});
    for (const change of [{ status: 'declined', response: null }, { response: 'Changed my mind.' }, { status: 'pending' }, { responded_at: 1 }]) {
      expect((await answer(rec, change)).references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden', message: expect.stringMatching(/final/) });
    }
    expect(await serverRow(rec.id)).toMatchObject({ status: 'completed', response: 'Outstanding engineer.' });
    expect(await serverRow(rec.id, ref)).toMatchObject({ status: 'completed', response: 'Outstanding engineer.' });
    // The same answer sent again (its response was lost) is accepted, not refused.
    const replay = updateOf(rec, { status: 'completed', response: 'Outstanding engineer.', responded_at: 0 }, 0);
    expect(await rejection(ref, { references: { updated: [replay] } })).toEqual({});
  });

  it('who the answer is from is frozen once there is one; the note stays editable', async () => {
    const rec = await requested();
    // Before an answer, the candidate may still correct the name and the address.
    expect(await edit(rec, { referee_name: 'Ref Typo Fixed' })).toEqual({});
    expect(await edit(rec, { referee_email: ref.email })).toEqual({});
    expect(await answer(rec, { status: 'completed', response: 'I vouch for them.', responded_at: Date.now() })).toEqual({});
    for (const change of [{ referee_name: 'A CEO' }, { referee_email: 'ceo@bigcorp.example' }]) {
      expect((await edit(rec, change)).references?.[0]).toMatchObject({ id: rec.id, code: 'forbidden', message: expect.stringMatching(/answered/) });
    }
    expect(await edit(rec, { message: 'Thanks again!' })).toEqual({});
    expect(await serverRow(rec.id)).toMatchObject({ referee_name: 'Ref Typo Fixed', referee_email: ref.email, message: 'Thanks again!', response: 'I vouch for them.' });
  });

  it('self-completing and then crediting someone else is closed at every step', async () => {
    // The attack of issue 9: ask oneself, answer, then move the answer to someone important.
    const self = newReference(cand, cand.email);
    expect((await rejection(cand, { references: { created: [self] } })).references?.[0]).toMatchObject({ code: 'invalid' });
    const rec = await requested(stranger);
    expect((await rejection(cand, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Me, praising me.' }, t())] } })).references?.[0]).toMatchObject({
      code: 'forbidden',
    });
    expect(await serverRow(rec.id)).toMatchObject({ status: 'pending', response: null });
  });

  it('created_at is the server\'s time of receipt, whatever the device says', async () => {
    for (const claimed of [0, Date.UTC(2001, 0, 1), Date.now() + 365 * 86_400_000]) {
      const before = Date.now();
      const rec = newReference(cand, ref.email, { created_at: claimed });
      expect((await api.push(cand, { references: { created: [rec] } })).body).toEqual(acceptedNew(rec));
      const row = await serverRow(rec.id);
      expect(row?.created_at).toBeGreaterThanOrEqual(before);
      expect(row?.created_at).toBeLessThanOrEqual(Date.now());
    }
  });

  it('a stranger learns only that the id is taken, whatever they try', async () => {
    const rec = await requested();
    const attempts: Parameters<TestClient['push']>[1][] = [
      { references: { created: [{ ...rec, user_id: stranger.id }] } },
      { references: { updated: [updateOf(rec, { message: 'mine' }, t())] } },
      { references: { updated: [updateOf(rec, { status: 'completed', response: 'forged' }, t())] } },
      { references: { deleted: [rec.id] } },
      { users: { updated: [{ id: cand.id, name: 'Hijack', updated_at: t(), _changed: 'name' }] } },
      { users: { deleted: [cand.id] } },
    ];
    for (const changes of attempts) {
      const rejected = await rejection(stranger, changes);
      const entry = Object.values(rejected).flat()[0];
      expect(entry).toEqual({ id: expect.any(String), code: 'forbidden', message: 'id is taken' });
    }
    expect(await serverRow(rec.id)).toMatchObject({ message: rec.message, status: 'pending' });
    expect(idsOf((await api.pull(cand)).body, 'users').rows[0]?.name).toBe('Cand');
  });

  it('users rows are only created by signing up', async () => {
    const rejected = await rejection(stranger, { users: { created: [{ id: 'fresh-user', email: 'f@example.com', name: 'F', updated_at: t() }] } });
    expect(rejected.users?.[0]).toMatchObject({ id: 'fresh-user', code: 'forbidden' });
  });

  it('the referee receives only id, name and email of the candidate; the candidate their whole own row', async () => {
    await requested();
    const candRow = idsOf((await api.pull(ref)).body, 'users').rows.find((r) => r.id === cand.id);
    expect(candRow).toEqual({
      id: cand.id,
      name: 'Cand',
      email: cand.email,
      server_id: null,
      sync_status: null,
      last_synced_at: null,
      created_at: 0,
      updated_at: 0,
      is_deleted: false,
    });
    const own = idsOf((await api.pull(cand)).body, 'users').rows.find((r) => r.id === cand.id);
    expect(own).toMatchObject({ id: cand.id, server_id: cand.id, sync_status: 'synced', created_at: expect.any(Number) });
    expect(own?.created_at).toBeGreaterThan(0);
  });

  it('an unverified owner of the address sees nothing addressed to it and cannot answer; once verified, both', async () => {
    const late = await api.signup('Late', { verify: false });
    const since = (await api.pull(late)).body.timestamp;
    const rec = await requested(late);
    const before = await api.pull(late, since);
    expect(idsOf(before.body, 'references').rows).toEqual([]);
    expect(idsOf(before.body, 'users').rows).toEqual([]);
    const forged = await rejection(late, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Mine now.' }, t())] } });
    expect(forged.references?.[0]).toEqual({ id: rec.id, code: 'forbidden', message: 'id is taken' });

    const verified = await api.verify(late);
    const after = await api.pull(verified, before.body.timestamp);
    expect(idsOf(after.body, 'references').rows.map((r) => r.id)).toEqual([rec.id]);
    expect(idsOf(after.body, 'users').rows.map((r) => r.id)).toEqual([cand.id]);
    expect(await rejection(verified, { references: { updated: [updateOf(rec, { status: 'completed', response: 'Now truly mine.' }, t())] } })).toEqual({});
  });
});
