import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserResponse } from '../../shared/protocol';
import { request, startServer, type TestServer } from '../../../tools/test-support/harness';
import { TestClient, acceptedNew, newReference, updateOf, type RawRecord, type TestUser } from '../../../tools/test-support/client';
import { linkTokenIn, readMailbox, waitForMail, type ReceivedMail } from '../../../tools/test-support/mailbox';

const DAY = 24 * 3_600_000;

/** CONTRACT §3 "Mail the server sends": invitations and reminders, one per request and address. */
describe('invitations and reminders', () => {
  let now = Date.UTC(2026, 8, 1, 9);
  let server: TestServer;
  let api: TestClient;
  let cand: TestUser;
  beforeAll(async () => {
    server = await startServer('pglite', { clock: () => now });
    api = new TestClient(server);
    cand = await api.signup('Casey Candidate');
  });
  afterAll(() => server.close());

  const stamp = () => (now += 1);
  const refereeEmail = (name: string) => `${name}-${now}@referees.example`;
  const invitationsTo = async (email: string) => (await readMailbox(server.mailDir)).filter((m) => m.to === email && /asks you/.test(m.subject));
  const remindersTo = async (email: string) => (await readMailbox(server.mailDir)).filter((m) => m.to === email && /^Reminder/.test(m.subject));
  /** Waits for the sender, then a little more, so a message that should NOT come would have come. */
  const settle = () => new Promise((r) => setTimeout(r, 250));
  async function request_(to: string, message = 'Could you vouch for my work on the payments team?\nThanks!'): Promise<RawRecord> {
    const rec = newReference(cand, to, { message, referee_name: 'Robin Referee', updated_at: stamp(), created_at: now });
    expect((await api.push(cand, { references: { created: [rec] } })).body).toEqual({ conflicts: [], rejected: {} });
    return rec;
  }
  const edit = (rec: RawRecord, changes: Record<string, unknown>) => api.push(cand, { references: { updated: [updateOf(rec, changes, stamp())] } });

  it('a new request mails the referee an invitation naming the candidate, quoting the message, linking into the app', async () => {
    const to = refereeEmail('robin');
    await request_(to);
    const [mail] = await waitForMail(server.mailDir, { to, kind: 'invitation' });
    expect(mail!.subject).toBe('Casey Candidate asks you for a reference');
    expect(mail!.text).toContain(`Casey Candidate (${cand.email})`);
    expect(mail!.text).toContain('> Could you vouch for my work on the payments team?\n> Thanks!');
    expect(mail!.text).toMatch(/^http:\/\/app\.test\/invite\?token=\S+$/m);
    expect(mail!.messageId).toMatch(/^<[^>]+@app\.test>$/);
  });

  it('retargeting invites the new address; going back invites the first again, and its reminder waits 24 h from then', async () => {
    const first = refereeEmail('first');
    const second = refereeEmail('second');
    const rec = await request_(first);
    await waitForMail(server.mailDir, { to: first, kind: 'invitation' });
    // Long enough that a reminder counted from the first invitation would be due.
    now += 2 * DAY;
    expect((await edit(rec, { referee_email: second })).body.rejected).toEqual({});
    await waitForMail(server.mailDir, { to: second, kind: 'invitation' });
    expect((await edit(rec, { referee_email: first })).body.rejected).toEqual({});
    await waitForMail(server.mailDir, { to: first, kind: 'invitation', count: 2 });
    // An edit that keeps the address invites nobody.
    expect((await edit(rec, { message: 'Edited note' })).body.rejected).toEqual({});
    const soon = await edit(rec, { reminded_at: now });
    expect(soon.body.rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'invalid', message: expect.stringMatching(/24 hours/) });
    now += DAY;
    expect((await edit(rec, { reminded_at: now })).body.rejected).toEqual({});
    await waitForMail(server.mailDir, { to: first, kind: 'reminder' });
    await settle();
    expect(await invitationsTo(first)).toHaveLength(2);
    expect(await invitationsTo(second)).toHaveLength(1);
    expect(await remindersTo(first)).toHaveLength(1);
  });

  it('an unverified candidate\'s invitations wait until they verify, then go out once', async () => {
    const waiting = await api.signup('Wanda Waiting', { verify: false });
    const to = refereeEmail('patient');
    const rec = newReference(waiting, to, { updated_at: stamp(), created_at: now });
    expect((await api.push(waiting, { references: { created: [rec] } })).body).toEqual({ conflicts: [], rejected: {} });
    await settle();
    expect(await invitationsTo(to)).toEqual([]);
    // A reminder before any invitation went out is refused.
    now += 2 * DAY;
    const early = await api.push(waiting, { references: { updated: [updateOf(rec, { reminded_at: now }, stamp())] } });
    expect(early.body.rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'invalid' });
    // Two days on, the sign-up code has expired: a new one is asked for, as the app does.
    expect((await request(server.url, 'POST', '/api/auth/verify/resend', { token: waiting.token })).status).toBe(202);
    await waitForMail(server.mailDir, { to: waiting.email, kind: 'verification', count: 2 });
    await api.verify(waiting);
    const [mail] = await waitForMail(server.mailDir, { to, kind: 'invitation' });
    expect(mail!.text).toContain('Wanda Waiting');
    await settle();
    expect(await invitationsTo(to)).toHaveLength(1);
  });

  it('a reminder goes out 24 h after the invitation at the earliest, then 24 h after the last reminder; sooner is refused', async () => {
    const to = refereeEmail('busy');
    const rec = await request_(to);
    await waitForMail(server.mailDir, { to, kind: 'invitation' });
    now += DAY - 60_000;
    const soon = await edit(rec, { reminded_at: now });
    expect(soon.body.rejected.references?.[0]).toMatchObject({ id: rec.id, code: 'invalid', message: expect.stringMatching(/24 hours/) });
    now += 60_000;
    const remind = updateOf(rec, { reminded_at: now }, stamp());
    expect((await api.push(cand, { references: { updated: [remind] } })).body.rejected).toEqual({});
    const [reminder] = await waitForMail(server.mailDir, { to, kind: 'reminder' });
    expect(reminder!.text).toContain('Casey Candidate');
    // Its link verifies like the invitation's did.
    expect(linkTokenIn(reminder!.text, '/invite')).toBe(linkTokenIn((await invitationsTo(to))[0]!.text, '/invite'));
    // The same change sent again (its answer was lost) mails nothing more.
    expect((await api.push(cand, { references: { updated: [remind] } })).body.rejected).toEqual({});
    now += DAY - 10;
    expect((await edit(rec, { reminded_at: now })).body.rejected.references?.[0]).toMatchObject({ code: 'invalid' });
    await settle();
    expect(await remindersTo(to)).toHaveLength(1);
    now += 10;
    expect((await edit(rec, { reminded_at: now })).body.rejected).toEqual({});
    await waitForMail(server.mailDir, { to, kind: 'reminder', count: 2 });
  });

  it('no reminder for an answered request', async () => {
    const referee = await api.signup('Rita');
    const rec = await request_(referee.email);
    await api.push(referee, { references: { updated: [updateOf(rec, { status: 'declined', responded_at: now }, stamp())] } });
    now += 2 * DAY;
    expect((await edit(rec, { reminded_at: now })).body.rejected.references?.[0]).toMatchObject({ code: 'invalid', message: expect.stringMatching(/answered/) });
  });

  it('the invitation link verifies the invited address for whoever signs up with it, and no other', async () => {
    const to = refereeEmail('newcomer');
    await request_(to);
    const [mail] = (await waitForMail(server.mailDir, { to, kind: 'invitation' })) as [ReceivedMail];
    const token = linkTokenIn(mail.text, '/invite');
    const intruder = await api.signup('Intruder', { verify: false });
    const refused = await request(server.url, 'POST', '/api/auth/verify', { token: intruder.token, body: { token } });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_code' } } });
    const invited = await api.signup('Newcomer', { verify: false, email: to });
    const ok = await request<UserResponse>(server.url, 'POST', '/api/auth/verify', { token: invited.token, body: { token } });
    expect(ok).toMatchObject({ status: 200, body: { user: { email: to, email_verified: true } } });
    expect((await api.pull({ ...invited, email_verified: true })).body.changes.references.created.map((r) => r.referee_email)).toEqual([to]);
  });

  it('a new reference\'s answer says the server dates it', async () => {
    const rec = newReference(cand, refereeEmail('dated'), { updated_at: stamp(), created_at: now - 5 });
    expect((await api.push(cand, { references: { created: [rec] } })).body).toEqual(acceptedNew(rec));
  });
});
